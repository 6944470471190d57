"""Detector families without models: Azure rectangles, ranking and limits, the smallest face per image size."""

from __future__ import annotations

import numpy as np

from core.geometry import Box, Rectangle
from core.limits import MAX_FACES_PER_IMAGE
from core.vision.detection.calibration import IDENTITY
from core.vision.detection.detectors import azure_min_face_size, ranked_faces


def test_rectangles_are_clipped_whole_pixels_and_round_trip() -> None:
    assert Box(-5.4, 10.6, 40.2, 60.0).to_rectangle(100, 50) == Rectangle(0, 11, 41, 39)
    assert Box(120.0, 10.0, 140.0, 30.0).to_rectangle(100, 50) is None
    assert Rectangle(10, 20, 30, 40).to_box() == Box(10, 20, 39, 59)
    assert Rectangle(10, 20, 30, 40).to_box().to_rectangle(100, 100) == Rectangle(10, 20, 30, 40)


def test_faces_come_largest_first_and_at_most_100() -> None:
    image = np.zeros((1000, 1000, 3), dtype=np.uint8)
    found = [
        (Box(x % 20 * 45.0, x // 20 * 45.0, x % 20 * 45.0 + 10 + x % 7, x // 20 * 45.0 + 10), 0.9, None)
        for x in range(150)
    ]
    faces = ranked_faces(found, IDENTITY, image)
    areas = [face.rectangle.width * face.rectangle.height for face in faces]
    assert len(faces) == MAX_FACES_PER_IMAGE and areas == sorted(areas, reverse=True)


def test_larger_images_need_proportionally_larger_faces() -> None:
    assert azure_min_face_size(1920, 1080) == azure_min_face_size(640, 480) == 36
    assert azure_min_face_size(1080, 1920) == 36
    assert azure_min_face_size(3840, 2160) == 72
