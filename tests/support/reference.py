"""dlib's recorded outputs (``tests/fixtures/dlib_reference.json``) and helpers to compare with them.

The fixture is written by ``tests/fixtures/record_dlib_reference.py`` (dlib's CNN
detector is too slow here to run in the tests).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from core.images.decode import decode_image
from tests.support.paths import FIXTURES

FIXTURE = FIXTURES / "dlib_reference.json"

# Faces from 73 to 640 pixels wide: chips extracted directly and after one or two
# pyramid_down<2> steps (biden.jpg, angelina_jolie/1.jpg).
FEATURE_PHOTOS = [
    "face_recognition/examples/two_people.jpg",
    "face_recognition/examples/biden.jpg",
    "face_recognition/examples/obama-240p.jpg",
    "face_recognition/examples/knn_examples/test/kit_with_rose.jpg",
    "facenet_pytorch/data/multiface.jpg",
    "facenet_pytorch/data/test_images/angelina_jolie/1.jpg",
    "dlib_faces/bald_guys.jpg",
    "dlib_faces/2008_001322.jpg",
]


@cache
def recorded() -> dict:
    """Per photo: size, dlib CNN and HOG boxes, shapes and descriptors."""
    return json.loads(FIXTURE.read_text())["images"]


@cache
def load_rgb(shared_data: Path, name: str) -> np.ndarray:
    """A shared photo as RGB pixels, read by Pillow (cached: tests only read it)."""
    return np.asarray(Image.open(shared_data / name).convert("RGB"))


@cache
def photo(path: Path) -> np.ndarray:
    """A photo as the service decodes it (cached: tests only read it)."""
    return decode_image(path.read_bytes())


def iou(a: tuple[float, ...], b: tuple[float, ...], inclusive: bool = False) -> float:
    """Intersection over union of (left, top, right, bottom) boxes; ``inclusive`` for dlib's
    rectangles, whose right and bottom pixels belong to the box."""
    extra = 1 if inclusive else 0
    width = min(a[2], b[2]) - max(a[0], b[0]) + extra
    height = min(a[3], b[3]) - max(a[1], b[1]) + extra
    if width <= 0 or height <= 0:
        return 0.0

    def area(box: tuple[float, ...]) -> float:
        return (box[2] - box[0] + extra) * (box[3] - box[1] + extra)

    return width * height / (area(a) + area(b) - width * height)
