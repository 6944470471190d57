"""Box refinement: dlib's CNN box of a face another detector found.

dlib's shape predictors read single pixels, so features stay put across
detectors only when the box is dlib's CNN detector's own box to the pixel (see
``core.vision.detection.calibration``). This module reproduces that box for a face
whose approximate (calibrated) box is known, by running the MMOD network
(``core.vision.detection.mmod_network``) on small crops of the pyramid levels at which
dlib's full-image detector (``core.vision.detection.mmod``) would see that face.

dlib's detector scans ``input_rgb_image_pyramid<pyramid_down<6>>``: the image
(or, at upsample 1, its ``pyramid_up`` 2x copy) and copies each 5/6 the size
of the previous, every level bilinearly resampled from the one before and
tiled into one tensor; its 80x80 window sits on a stride-8 grid of that
tensor, and a window's box is the level's window mapped back to the image.
Here, for each face and each of the three levels whose window size
(79 * 1.2**level pixels of level 0) is nearest the face's size:

* a crop of the tiled tensor around the face, ``CROP_SIZE`` square (the
  network sees 189 pixels around a window's centre, so the best window's
  neighbourhood is whole in it), starts on the network's stride grid so its
  windows are the full detector's windows, and stays inside the tiled tensor,
  ending exactly at its edge when it gets there (the network's own zero
  padding then falls where it falls for the whole tensor);
* the crop's pixels are exactly dlib's: every tile it overlaps is computed by
  running dlib's chain of resamplings (from the image, through ``pyramid_up``
  at upsample 1) on just the rows and columns the crop depends on, with
  needs that overlap sharing one chain;
* overlapping crops are joined, and crops of one shape go through the network
  in one batch; windows scoring above dlib's threshold are mapped back to the
  image as dlib maps them, and a face's refined box is its best-scoring window
  overlapping the face's box (the window dlib's non-maximum suppression keeps).

Which pyramid (the convention): dlib's detector at upsample 0, as
detection_02 runs it, for faces it finds there; at upsample 1 for the others
(faces under ``MIN_UPSAMPLE_0_FACE`` pixels are tried at upsample 1 only).
A face found at neither (one dlib's CNN misses, such as a profile) has no
refined box (None) and keeps its calibrated one.

``python bench/fit_box_calibration.py --refined`` measures how many faces get
dlib's box to the pixel (the README's Models section has the figures). The cost
is the network on about 224x224 pixels per face and level plus the resampling
chain over about 3 face widths around the face, which for a face filling a
large photo is much of dlib's whole pyramid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.geometry import Box, PixelBox
from core.vision.detection.mmod import (
    UPSAMPLE_SHIFT,
    bilinear_axis,
    boxes_overlap,
    pyramid_level_sizes,
    rect_down,
    tiled_pyramid_layout,
    tiled_to_image,
)
from core.vision.detection.mmod_network import DETECTION_THRESHOLD, MmodNetwork, get_mmod_network

Span = tuple[int, int]
"""First and last index (inclusive) along one axis."""

CROP_SIZE = 224
"""Side of the tiled-tensor square run through the network per face and level (the
network's 189-pixel field of view plus two stride steps each way)."""
LEVEL_SPAN = (-1, 0, 1)
"""Levels tried around the one whose window size is nearest the face's size."""
LEVEL_GROWTH = 1.2
"""Window size growth per pyramid level (dlib's pyramid_down<6> maps back by 6/5)."""
WINDOW_SPAN = 79.0
"""right - left of the 80x80 detector window at level 0."""
MIN_UPSAMPLE_0_FACE = 48.0
"""Faces smaller than this (calibrated box, pixels) are not looked for at upsample 0
(dlib found none under 56 on the shared photos)."""


@dataclass(frozen=True)
class Pyramid:
    """The geometry of dlib's tiled pyramid of a ``height`` x ``width`` image at ``upsample``."""

    height: int
    width: int
    upsample: int
    sizes: tuple[tuple[int, int], ...]
    rects: tuple[PixelBox, ...]
    tiled_size: tuple[int, int]

    @property
    def base_size(self) -> tuple[int, int]:
        return self.sizes[0]


@lru_cache(maxsize=16)
def pyramid(height: int, width: int, upsample: int, downsampling: int, padding: int, outer_padding: int) -> Pyramid:
    base = (2 * height + 1, 2 * width + 2) if upsample else (height, width)
    sizes = pyramid_level_sizes(*base, downsampling)
    rects, rows, columns = tiled_pyramid_layout(*base, downsampling, padding, outer_padding)
    return Pyramid(height, width, upsample, tuple(sizes[: len(rects)]), tuple(rects), (rows, columns))


def _resample(
    planes: np.ndarray, first: tuple[int, int], rows: tuple[np.ndarray, ...], columns: tuple[np.ndarray, ...]
) -> np.ndarray:
    """``core.vision.detection.mmod.resize_bilinear`` at the given samplings of planes whose first
    pixel is source (row, column) ``first``: rows first, then columns, in float32."""
    top, bottom, fy = rows
    left, right, fx = columns
    fy = fy[:, None]
    vertical = np.take(planes, top - first[0], axis=1)
    vertical *= 1 - fy
    lower = np.take(planes, bottom - first[0], axis=1)
    lower *= fy
    vertical += lower
    result = np.take(vertical, left - first[1], axis=2)
    result *= 1 - fx
    other = np.take(vertical, right - first[1], axis=2)
    other *= fx
    result += other
    return result


def _indices(span: Span) -> np.ndarray:
    return np.arange(span[0], span[1] + 1)


def _source_span(source_size: int, target_size: int, span: Span) -> Span:
    """The source indices dlib's bilinear sampling reads for target indices ``span``."""
    low, high, _ = bilinear_axis(source_size, target_size, np.array(span))
    return int(low[0]), int(high[1])


def _union(a: Span | None, b: Span) -> Span:
    return b if a is None else (min(a[0], b[0]), max(a[1], b[1]))


def _base_planes(image: np.ndarray, geometry: Pyramid, network: MmodNetwork, rows: Span, columns: Span) -> np.ndarray:
    """Normalised pixels of level 0 (the image or its ``pyramid_up`` copy) over ``rows`` x ``columns``."""
    if not geometry.upsample:
        return network.normalise(image[rows[0] : rows[1] + 1, columns[0] : columns[1] + 1])
    row_axis = bilinear_axis(geometry.height, geometry.base_size[0], _indices(rows))
    column_axis = bilinear_axis(geometry.width, geometry.base_size[1], _indices(columns))
    first = (int(row_axis[0][0]), int(column_axis[0][0]))
    source = image[first[0] : int(row_axis[1][-1]) + 1, first[1] : int(column_axis[1][-1]) + 1]
    upsampled = _resample(source.astype(np.float32).transpose(2, 0, 1), first, row_axis, column_axis)
    return network.normalise(np.ascontiguousarray(upsampled.astype(np.uint8).transpose(1, 2, 0)))


@dataclass(frozen=True)
class LevelRegion:
    """Normalised float32 (3, rows, columns) pixels of a level from level (row, column) ``first``."""

    first: tuple[int, int]
    planes: np.ndarray


def _contains(outer: tuple[Span, Span] | None, inner: tuple[Span, Span]) -> bool:
    return outer is not None and all(o[0] <= i[0] and i[1] <= o[1] for o, i in zip(outer, inner, strict=True))


def _merged(a: tuple[Span, Span] | None, b: tuple[Span, Span]) -> tuple[Span, Span]:
    return b if a is None else (_union(a[0], b[0]), _union(a[1], b[1]))


def needed_spans(geometry: Pyramid, wanted: dict[int, tuple[Span, Span]]) -> list[tuple[Span, Span]]:
    """The (rows, columns) of each level, from 0 to the deepest wanted, that computing the
    wanted spans reads."""
    deepest = max(wanted)
    needed = [wanted[deepest]]
    for level in range(deepest - 1, -1, -1):
        (rows, columns), (source, target) = needed[-1], (geometry.sizes[level], geometry.sizes[level + 1])
        spans = (_source_span(source[0], target[0], rows), _source_span(source[1], target[1], columns))
        needed.append(_merged(wanted.get(level), spans))
    needed.reverse()
    return needed


def _base_area(geometry: Pyramid, wanted: dict[int, tuple[Span, Span]]) -> int:
    (rows, columns) = needed_spans(geometry, wanted)[0]
    return (rows[1] - rows[0] + 1) * (columns[1] - columns[0] + 1)


def chains(geometry: Pyramid, requests: list[tuple[int, tuple[Span, Span]]]) -> list[dict[int, tuple[Span, Span]]]:
    """The requests (level, spans) grouped into resampling chains: a request joins the first chain
    whose level-0 area grows by less than the request's own chain would cost."""
    grouped: list[dict[int, tuple[Span, Span]]] = []
    for level, spans in requests:
        alone = {level: spans}
        own_cost = _base_area(geometry, alone)
        for chain in grouped:
            joined = {**chain, level: _merged(chain.get(level), spans)}
            if _base_area(geometry, joined) - _base_area(geometry, chain) < own_cost:
                chain[level] = joined[level]
                break
        else:
            grouped.append(alone)
    return grouped


def pyramid_regions(
    image: np.ndarray, geometry: Pyramid, network: MmodNetwork, wanted: dict[int, tuple[Span, Span]]
) -> dict[int, LevelRegion]:
    """Pixels of each level up to the deepest wanted one, covering at least the wanted (rows,
    columns) spans: each level is resampled from the previous one over just the span it and the
    next level need, which gives exactly the pixels dlib computes for the whole level."""
    needed = needed_spans(geometry, wanted)
    rows, columns = needed[0]
    regions = {0: LevelRegion((rows[0], columns[0]), _base_planes(image, geometry, network, rows, columns))}
    for level in range(1, len(needed)):
        (rows, columns), (source, target) = needed[level], (geometry.sizes[level - 1], geometry.sizes[level])
        previous = regions[level - 1]
        planes = _resample(
            previous.planes,
            previous.first,
            bilinear_axis(source[0], target[0], _indices(rows)),
            bilinear_axis(source[1], target[1], _indices(columns)),
        )
        regions[level] = LevelRegion((rows[0], columns[0]), planes)
    return regions


def _level_scale(geometry: Pyramid, level: int) -> tuple[float, float]:
    """Level pixels per base-image pixel along y and x (dlib's sampling is i * step)."""
    (rows, columns), (level_rows, level_columns) = geometry.base_size, geometry.sizes[level]
    return (level_rows - 1) / max(rows - 1, 1), (level_columns - 1) / max(columns - 1, 1)


@dataclass(frozen=True)
class Crop:
    """A part of the tiled tensor, rows by columns, run through the network for some faces."""

    faces: frozenset[int]
    rows: Span
    columns: Span

    @property
    def area(self) -> int:
        return (self.rows[1] - self.rows[0] + 1) * (self.columns[1] - self.columns[0] + 1)

    def union(self, other: Crop) -> Crop:
        return Crop(self.faces | other.faces, _union(self.rows, other.rows), _union(self.columns, other.columns))


def crop_span(wanted: float, stride: int, extent: int) -> Span:
    """First and last tiled index of a crop of about ``CROP_SIZE`` starting near ``wanted`` along
    an axis of ``extent``: it starts on the stride grid and stays inside the tiled tensor, ending
    exactly at its edge when it gets near (so the network's own zero padding falls where it
    falls for the whole tensor)."""
    start = min(max(0, round(wanted / stride) * stride), max(0, (extent - CROP_SIZE) // stride * stride))
    end = start + CROP_SIZE
    return start, (extent if end + stride > extent else end) - 1


def face_crop(face: int, centre: tuple[float, float], geometry: Pyramid, level: int, network: MmodNetwork) -> Crop:
    """The crop around the base-image ``centre`` (y, x) of a face seen at ``level``."""
    scale = _level_scale(geometry, level)
    level_left, level_top = geometry.rects[level].left, geometry.rects[level].top
    rows, columns = (
        crop_span(level_origin + centre[axis] * scale[axis] - CROP_SIZE / 2, stride, extent)
        for axis, (stride, level_origin, extent) in enumerate(
            zip(network.output_stride, (level_top, level_left), geometry.tiled_size, strict=True)
        )
    )
    return Crop(frozenset({face}), rows, columns)


def _joinable(crop: Crop, others: list[Crop]) -> Crop | None:
    """The first of ``others`` whose joint bounding box with ``crop`` costs no more than both apart."""
    return next((other for other in others if crop.union(other).area <= crop.area + other.area), None)


def merge_crops(crops: list[Crop]) -> list[Crop]:
    """The crops with any two joined whose joint bounding box costs no more than both apart."""
    merged: list[Crop] = []
    for crop in crops:
        grown = crop
        while (joined := _joinable(grown, merged)) is not None:
            merged.remove(joined)
            grown = grown.union(joined)
        merged.append(grown)
    return merged


def _tiles(geometry: Pyramid, crop: Crop) -> list[tuple[int, tuple[Span, Span]]]:
    """The levels whose tiles overlap the crop, with the overlap in level coordinates."""
    found = []
    for level, (left, top, right, bottom) in enumerate(geometry.rects):
        rows = (max(crop.rows[0], top) - top, min(crop.rows[1], bottom) - top)
        columns = (max(crop.columns[0], left) - left, min(crop.columns[1], right) - left)
        if rows[0] <= rows[1] and columns[0] <= columns[1]:
            found.append((level, (rows, columns)))
    return found


def crop_tensors(image: np.ndarray, geometry: Pyramid, crops: list[Crop], network: MmodNetwork) -> list[np.ndarray]:
    """Each crop's (3, rows, columns) part of the tiled tensor: every tile's pixels as dlib
    computes them, zero between tiles; overlapping needs share one resampling chain."""
    requests = sorted(
        (request for crop in crops for request in _tiles(geometry, crop)),
        key=lambda request: -(request[1][0][1] - request[1][0][0] + 1) * (request[1][1][1] - request[1][1][0] + 1),
    )
    grouped = chains(geometry, requests)
    computed = [pyramid_regions(image, geometry, network, chain) for chain in grouped]
    tensors = []
    for crop in crops:
        tensor = np.zeros((3, crop.rows[1] - crop.rows[0] + 1, crop.columns[1] - crop.columns[0] + 1), dtype=np.float32)
        for level, spans in _tiles(geometry, crop):
            region = next(
                regions[level]
                for regions, chain in zip(computed, grouped, strict=True)
                if _contains(chain.get(level), spans)
            )
            (rows, columns), (left, top) = spans, (geometry.rects[level].left, geometry.rects[level].top)
            first_row, first_column = rows[0] - region.first[0], columns[0] - region.first[1]
            tensor[
                :,
                rows[0] + top - crop.rows[0] : rows[1] + top - crop.rows[0] + 1,
                columns[0] + left - crop.columns[0] : columns[1] + left - crop.columns[0] + 1,
            ] = region.planes[
                :,
                first_row : first_row + rows[1] - rows[0] + 1,
                first_column : first_column + columns[1] - columns[0] + 1,
            ]
        tensors.append(tensor)
    return tensors


def _base_box(box: Box, upsample: int) -> Box:
    """A box in the coordinates of the pyramid's level 0 (the image or its 2x copy):
    ``pyramid_down<2>``'s rect_up, 2 * (point + shift)."""
    if not upsample:
        return box
    shift_x, shift_y = (float(value) for value in UPSAMPLE_SHIFT)
    return Box(2 * (box.left + shift_x), 2 * (box.top + shift_y), 2 * (box.right + shift_x), 2 * (box.bottom + shift_y))


def face_levels(geometry: Pyramid, base_box: Box) -> list[int]:
    """The pyramid levels whose window size is near the face's size (level 0 for smaller faces)."""
    size = math.sqrt(max(base_box.right - base_box.left, 1.0) * max(base_box.bottom - base_box.top, 1.0))
    nearest = min(round(math.log(size / WINDOW_SPAN, LEVEL_GROWTH)), len(geometry.sizes) - 1)
    levels = [level for level in (nearest + offset for offset in LEVEL_SPAN) if 0 <= level < len(geometry.sizes)]
    return levels or [0]


def _windows(scores: np.ndarray, crop: Crop, geometry: Pyramid, network: MmodNetwork) -> list[tuple[PixelBox, float]]:
    """The crop's windows above the threshold as image rectangles, with their scores."""
    downsampling = network.pyramid.downsampling
    found = []
    for window, channel in zip(network.options.detector_windows, scores, strict=True):
        rows, columns = np.nonzero(channel > DETECTION_THRESHOLD)
        ys, xs = network.output_to_input(rows, columns)
        half_width, half_height = (window.width - 1) / 2, (window.height - 1) / 2
        for crop_x, crop_y, row, column in zip(xs.tolist(), ys.tolist(), rows.tolist(), columns.tolist(), strict=True):
            x, y = crop_x + crop.columns[0], crop_y + crop.rows[0]
            window_box = Box(x - half_width, y - half_height, x + half_width, y + half_height)
            rect = tiled_to_image(list(geometry.rects), window_box, downsampling)
            found.append((rect_down(rect, geometry.upsample), float(channel[row, column])))
    return found


def _best_windows(
    image: np.ndarray, boxes: dict[int, Box], upsample: int, network: MmodNetwork
) -> dict[int, tuple[PixelBox, float]]:
    """Each face's best-scoring window overlapping its box in dlib's pyramid at ``upsample``
    (faces without one are left out); crops of one shape go through the network at once."""
    settings = network.pyramid
    height, width = image.shape[:2]
    geometry = pyramid(height, width, upsample, settings.downsampling, settings.padding, settings.outer_padding)
    crops: list[Crop] = []
    for face, box in boxes.items():
        base = _base_box(box, upsample)
        centre_x, centre_y = base.centre
        levels = face_levels(geometry, base)
        crops.extend(face_crop(face, (centre_y, centre_x), geometry, level, network) for level in levels)
    crops = merge_crops(crops)
    tensors = crop_tensors(image, geometry, crops, network)
    best: dict[int, tuple[PixelBox, float]] = {}
    for shape in sorted({tensor.shape for tensor in tensors}):
        batch = [index for index, tensor in enumerate(tensors) if tensor.shape == shape]
        scores = network.scores(np.stack([tensors[index] for index in batch]))
        for index, crop_scores in zip(batch, scores, strict=True):
            windows = _windows(crop_scores, crops[index], geometry, network)
            for face in crops[index].faces:
                target = boxes[face].rounded()
                for rect, score in windows:
                    current = best.get(face)
                    if (current is None or score > current[1]) and boxes_overlap(
                        rect, target, network.options.overlaps_nms
                    ):
                        best[face] = (rect, score)
    return best


def refine_boxes(image_rgb_uint8: np.ndarray, boxes: Sequence[Box]) -> list[PixelBox | None]:
    """dlib's CNN box (inclusive rectangle) of each face given by an approximate dlib-convention
    box: at upsample 0 where dlib's detector finds the face there, else at upsample 1; None
    where it finds it at neither."""
    network = get_mmod_network()
    large = {
        face: box
        for face, box in enumerate(boxes)
        if min(box.right - box.left, box.bottom - box.top) >= MIN_UPSAMPLE_0_FACE
    }
    found = _best_windows(image_rgb_uint8, large, 0, network) if large else {}
    rest = {face: box for face, box in enumerate(boxes) if face not in found}
    found.update(_best_windows(image_rgb_uint8, rest, 1, network) if rest else {})
    return [found[face][0] if face in found else None for face in range(len(boxes))]
