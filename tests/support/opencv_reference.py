"""OpenCV as the reference for YuNet and SFace: the shared photos compared on, read as OpenCV reads them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np

REFERENCE_PHOTOS = [
    "face_recognition/examples/two_people.jpg",
    "face_recognition/examples/biden.jpg",
    "face_recognition/examples/obama-240p.jpg",
    "face_recognition/examples/obama-1080p.jpg",
    "face_recognition/examples/lin-manuel-miranda.png",
    "face_recognition/examples/knn_examples/test/kit_with_rose.jpg",
    "face_recognition/examples/knn_examples/test/obama_and_biden.jpg",
    "facenet_pytorch/data/multiface.jpg",
    "facenet_pytorch/data/test_images/angelina_jolie/1.jpg",
    "dlib_faces/bald_guys.jpg",
    "dlib_faces/2008_001322.jpg",
    "dlib_faces/2009_004587.jpg",
    "dlib_faces/dogs.jpg",
]
"""Faces from about 20 to 600 pixels wide, one to a dozen a photo, and a photo without people."""


@cache
def load_bgr(shared_data: Path, name: str) -> np.ndarray:
    """The photo as OpenCV decodes it: BGR uint8."""
    image = cv2.imread(str(shared_data / name), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(name)
    return np.ascontiguousarray(image)
