"""MTCNN's building blocks without its networks: the image pyramid and the box helpers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.vision.detection.mtcnn import non_maximum_suppression, pyramid_scales, regress, square


def test_pyramid_starts_at_the_smallest_face_and_stops_at_the_window() -> None:
    scales = pyramid_scales(640, 480, 36)
    assert scales[0] == pytest.approx(12 / 36)
    assert 480 * scales[-1] >= 12 > 480 * scales[-1] * 0.709
    assert all(b == pytest.approx(a * 0.709) for a, b in itertools.pairwise(scales))


def test_box_helpers() -> None:
    boxes = np.array([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [50.0, 50.0, 60.0, 70.0]])
    scores = np.array([0.8, 0.9, 0.5])
    assert non_maximum_suppression(boxes, scores, 0.5).tolist() == [1, 2]
    assert non_maximum_suppression(boxes, scores, 0.9).tolist() == [1, 0, 2]
    assert non_maximum_suppression(boxes[[0]], scores[:1], 0.5, by_min=True).tolist() == [0]
    assert square(boxes[2:]).tolist() == [[45.0, 50.0, 65.0, 70.0]]
    assert regress(boxes[:1], np.array([[0.1, -0.1, 0.2, 0.0]])).tolist() == [[1.0, -1.0, 12.0, 10.0]]
