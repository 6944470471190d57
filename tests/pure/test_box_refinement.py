"""Box refinement's crops: placed on the stride grid, clipped to the tensor, overlapping ones run as one."""

from __future__ import annotations

from core.vision.detection.refinement import CROP_SIZE, Crop, crop_span, merge_crops


def test_crops_start_on_the_stride_grid_and_end_at_the_tensor_edge_when_near_it() -> None:
    assert crop_span(101.0, 8, 1000) == (104, 104 + CROP_SIZE - 1)
    assert crop_span(-30.0, 8, 1000) == (0, CROP_SIZE - 1)
    assert crop_span(900.0, 8, 1000) == (776, 999)
    assert crop_span(0.0, 8, 100) == (0, 99)
    start, end = crop_span(1000 - CROP_SIZE - 3, 8, 1000)
    assert start % 8 == 0 and end == 999
    assert crop_span(1000 - CROP_SIZE - 8, 8, 1000)[1] < 999


def test_overlapping_crops_are_run_as_one() -> None:
    first = Crop(frozenset({0}), (0, 223), (0, 223))
    overlapping = Crop(frozenset({1}), (8, 231), (16, 239))
    apart = Crop(frozenset({2}), (0, 223), (400, 623))
    merged = merge_crops([first, overlapping, apart])
    assert sorted(merged, key=lambda crop: crop.columns) == [
        Crop(frozenset({0, 1}), (0, 231), (0, 239)),
        apart,
    ]
