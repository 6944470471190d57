"""Box calibration's geometry: moves and scales in the box frame, MTCNN's boxes made dlib's squarer ones."""

from __future__ import annotations

import pytest

from core.geometry import Box
from core.vision.detection.calibration import IDENTITY, MTCNN_TO_DLIB, BoxCalibration


def test_calibration_moves_and_scales_in_the_box_frame() -> None:
    assert IDENTITY.apply(Box(10.0, 20.0, 50.0, 100.0)) == Box(10.0, 20.0, 50.0, 100.0)
    moved = BoxCalibration(shift_x=0.25, shift_y=-0.1, scale_x=0.5, scale_y=2.0).apply(Box(10.0, 20.0, 50.0, 100.0))
    assert moved == pytest.approx((30.0, -28.0, 50.0, 132.0))


def test_mtcnn_boxes_become_dlibs_squarer_boxes() -> None:
    assert MTCNN_TO_DLIB.scale_y < MTCNN_TO_DLIB.scale_x
    box = MTCNN_TO_DLIB.apply(Box(0.0, 0.0, 100.0, 125.0))
    assert abs(box.width - box.height) < 10
