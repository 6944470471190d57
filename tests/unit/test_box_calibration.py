"""Box calibration: features of a face stay put whichever detector found it.

The reference is dlib's own pipeline recorded in the fixture: dlib's CNN box,
5-point shape and 128-D descriptor. Our detectors' calibrated boxes go through
our shape predictor and ResNet; the descriptors must land close to dlib's.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.vision.box_calibration import IDENTITY, MTCNN_TO_DLIB, BoxCalibration
from core.vision.recognition import compute_features
from core.vision.registry import get_detection_model
from core.vision.shape_predictor import predict_shapes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dlib_reference.json"
MEDIAN_DISTANCE = 0.05
ALL_PHOTOS = 10**9
DLIB_CNN_MAX_PIXELS = 700_000


@cache
def recorded() -> dict:
    return json.loads(FIXTURE.read_text())["images"]


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width, height = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    return width * height / (area(a) + area(b) - width * height)


def descriptor_distances(shared_data: Path, detection_model: str, max_pixels: int) -> tuple[np.ndarray, int]:
    """L2 distances to dlib's recorded descriptors of the faces the detector matched, and
    how many recorded faces there were, over the photos of at most ``max_pixels``."""
    detector = get_detection_model(detection_model)
    distances, total = [], 0
    for name, entry in sorted(recorded().items()):
        if entry["width"] * entry["height"] > max_pixels:
            continue
        image = np.asarray(Image.open(shared_data / name).convert("RGB"))
        faces = detector.detect(image)
        expected = entry["cnn"].get("1", entry["cnn"]["0"]) if detection_model != "detection_02" else entry["cnn"]["0"]
        total += len(expected)
        pairs = []
        for face in expected:
            best = max(faces, key=lambda found: iou(found.dlib_box, face["box"]), default=None)
            if best is not None and iou(best.dlib_box, face["box"]) >= 0.5:
                pairs.append((best.dlib_box, np.asarray(face["descriptor"])))
        if pairs:
            features = compute_features(image, predict_shapes(image, [box for box, _ in pairs], 5))
            distances.extend(np.linalg.norm(features - np.stack([d for _, d in pairs]), axis=1))
    return np.asarray(distances), total


def test_mtcnn_faces_have_dlibs_features(shared_data: Path) -> None:
    distances, total = descriptor_distances(shared_data, "detection_01", ALL_PHOTOS)
    assert distances.size >= 0.95 * total
    assert np.median(distances) <= MEDIAN_DISTANCE
    assert np.percentile(distances, 90) <= 0.12


def test_dlib_cnn_faces_have_exactly_dlibs_features(shared_data: Path) -> None:
    distances, total = descriptor_distances(shared_data, "detection_02", DLIB_CNN_MAX_PIXELS)
    assert distances.size == total and distances.max() < 0.01


def test_calibration_moves_and_scales_in_the_box_frame() -> None:
    assert IDENTITY.apply((10.0, 20.0, 50.0, 100.0)) == (10.0, 20.0, 50.0, 100.0)
    moved = BoxCalibration(shift_x=0.25, shift_y=-0.1, scale_x=0.5, scale_y=2.0).apply((10.0, 20.0, 50.0, 100.0))
    assert moved == pytest.approx((30.0, -28.0, 50.0, 132.0))


def test_mtcnn_boxes_become_dlibs_squarer_boxes() -> None:
    assert MTCNN_TO_DLIB.scale_y < MTCNN_TO_DLIB.scale_x
    left, top, right, bottom = MTCNN_TO_DLIB.apply((0.0, 0.0, 100.0, 125.0))
    assert abs((right - left) - (bottom - top)) < 10
