"""dlib's CNN face detection pipeline without its model: pyramid geometry, resampling and box overlap."""

from __future__ import annotations

import numpy as np
import pytest

from core.geometry import PixelBox
from core.vision.conversion.dlib_dnn import BoxOverlap
from core.vision.detection.mmod import boxes_overlap, pyramid_level_sizes, pyramid_up, rect_down, tiled_pyramid_layout


def test_pyramid_levels_shrink_by_five_sixths() -> None:
    sizes = pyramid_level_sizes(375, 500, 6)
    assert sizes[:3] == [(375, 500), (312, 416), (260, 346)]
    assert sizes[-1][0] >= 5 and int(sizes[-1][0] * 5 / 6) < 5


def test_tiled_levels_fit_without_overlapping() -> None:
    rects, rows, columns = tiled_pyramid_layout(375, 500, 6, 10, 11)
    sizes = pyramid_level_sizes(375, 500, 6)
    assert rects[0] == (11, 11, 510, 385) and columns == 522
    for (left, top, right, bottom), (height, width) in zip(rects, sizes[: len(rects)], strict=True):
        assert (bottom - top + 1, right - left + 1) == (height, width)
        assert left >= 0 and right < columns and top >= 0 and bottom < rows
    for index, a in enumerate(rects):
        for b in rects[index + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_pyramid_up_matches_dlibs_resampling() -> None:
    dlib = pytest.importorskip("dlib")
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    upsampled = pyramid_up(image)
    assert upsampled.shape == (75, 108, 3)
    reference = dlib.resize_image(image, 75, 108)
    difference = np.abs(upsampled.astype(int) - reference.astype(int))
    assert difference.max() <= 1 and (difference > 0).mean() < 0.01


def test_rect_down_undoes_upsampling_geometry() -> None:
    assert rect_down(PixelBox(100, 60, 179, 139), 0) == PixelBox(100, 60, 179, 139)
    assert rect_down(PixelBox(100, 60, 179, 139), 1) == PixelBox(49, 29, 88, 69)


def test_overlap_test_uses_the_bounding_box_as_union() -> None:
    nms = BoxOverlap(iou=0.3, covered=1.0)
    assert boxes_overlap(PixelBox(0, 0, 9, 9), PixelBox(5, 0, 14, 9), nms)
    assert not boxes_overlap(PixelBox(0, 0, 9, 9), PixelBox(8, 8, 17, 17), nms)
    assert not boxes_overlap(PixelBox(0, 0, 9, 9), PixelBox(10, 10, 19, 19), nms)
    assert boxes_overlap(PixelBox(0, 0, 99, 99), PixelBox(10, 10, 19, 19), BoxOverlap(iou=0.5, covered=0.9))
