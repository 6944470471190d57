"""dlib's CNN face detector (``cnn_face_detection_model_v1``) on onnxruntime.

The network (mmod_human_face_detector.dat) comes from
``core.vision.detection.mmod_network``; this module reproduces what dlib does around it:

* ``pyramid_up``: optional 2x upsampling of the image (``pyramid_down<2>``'s
  geometry, bilinear, truncated to uint8), as the Python binding does for
  ``upsample_num_times``;
* ``input_rgb_image_pyramid<pyramid_down<6>>``: the image and its
  downscaled copies (each 5/6 of the previous, bilinearly resampled) tiled into
  one zero-padded tensor, normalised as ``(pixel - mean) / 256``
  (dlib/image_transforms/image_pyramid.h, compute_tiled_image_pyramid_details);
* ``loss_mmod``'s ``to_label``: every output above the threshold is a detector
  window centred on its input-space point, mapped from the tiled image back
  to the image, then greedy non-maximum suppression with the model's
  ``test_box_overlap``.

Rectangles follow dlib: ``core.geometry.PixelBox``, inclusive whole pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.geometry import Box, PixelBox
from core.vision.conversion.dlib_dnn import BoxOverlap
from core.vision.detection.mmod_network import DETECTION_THRESHOLD, MmodNetwork, get_mmod_network

PYRAMID_MIN_HEIGHT = 5
UPSAMPLE_SHIFT = np.array([1.25, 0.75])


@dataclass(frozen=True)
class MmodDetection:
    """One detection: dlib's rectangle of the face and its score."""

    box: PixelBox
    score: float


def pyramid_level_sizes(height: int, width: int, downsampling: int) -> list[tuple[int, int]]:
    """(rows, columns) of each pyramid level, as dlib's pyramid_down<N> sizes them."""
    rate = (downsampling - 1.0) / downsampling
    sizes = [(height, width)]
    while True:
        height, width = math.floor(rate * height), math.floor(rate * width)
        if height * width == 0 or height < PYRAMID_MIN_HEIGHT:
            return sizes
        sizes.append((height, width))


def tiled_pyramid_layout(
    height: int, width: int, downsampling: int, padding: int, outer_padding: int
) -> tuple[list[PixelBox], int, int]:
    """Where each pyramid level sits in the tiled image, and the tiled image's rows
    and columns: the first column holds the largest levels top to bottom, the
    rest climb back up the right side from the bottom."""
    sizes = pyramid_level_sizes(height, width, downsampling)
    total_height = sum(rows + padding for rows, _ in sizes) - 2 * padding
    column_height, previous_width = 0, 0
    for rows, columns in sizes:
        if columns <= width - previous_width - padding and (column_height - height) * 2 >= total_height - height:
            break
        column_height += rows + padding
        previous_width = columns
    column_height -= padding
    rects: list[PixelBox] = []
    y = outer_padding
    while y < column_height + outer_padding and len(rects) < len(sizes):
        rows, columns = sizes[len(rects)]
        rects.append(PixelBox(outer_padding, y, outer_padding + columns - 1, y + rows - 1))
        y += rows + padding
    y -= padding
    right, first = outer_padding + width - 1, rects[0]
    while len(rects) < len(sizes):
        rows, columns = sizes[len(rects)]
        rect = PixelBox(right - columns + 1, y - rows, right, y - 1)
        if rect.intersection(first).area > 0:
            break
        rects.append(rect)
        y -= rows + padding
    return rects, column_height + 2 * outer_padding, width + 2 * outer_padding


def bilinear_axis(
    source_size: int, target_size: int, indices: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dlib's resize_image sampling along one axis, at target ``indices`` (all by default):
    positions i * (n-1)/(m-1) as low and high source indices and the float32 weight of high."""
    step = (source_size - 1) / max(target_size - 1, 1)
    positions = (np.arange(target_size) if indices is None else indices) * step
    low = np.floor(positions).astype(np.int64)
    high = np.minimum(low + 1, source_size - 1)
    return low, high, (positions - low).astype(np.float32)


def resize_bilinear(planes: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """dlib's bilinear ``resize_image`` of float planes (..., height, width)."""
    top, bottom, fy = bilinear_axis(planes.shape[-2], rows)
    left, right, fx = bilinear_axis(planes.shape[-1], columns)
    fy = fy[:, None]
    vertical = planes[..., top, :] * (1 - fy) + planes[..., bottom, :] * fy
    return vertical[..., left] * (1 - fx) + vertical[..., right] * fx


def pyramid_up(image: np.ndarray) -> np.ndarray:
    """dlib's ``pyramid_up`` with ``pyramid_down<2>``: an RGB uint8 image resampled to
    (2 rows + 1, 2 columns + 2), bilinear, truncated."""
    height, width = image.shape[:2]
    planes = np.moveaxis(image, 2, 0).astype(np.float32)
    upsampled = resize_bilinear(planes, 2 * height + 1, 2 * width + 2)
    return np.ascontiguousarray(np.moveaxis(upsampled, 0, 2).astype(np.uint8))


def tiled_pyramid_tensor(image: np.ndarray, network: MmodNetwork) -> tuple[np.ndarray, list[PixelBox]]:
    """The (1, 3, rows, columns) float32 input of ``input_rgb_image_pyramid`` and its level rects."""
    settings = network.pyramid
    height, width = image.shape[:2]
    rects, rows, columns = tiled_pyramid_layout(
        height, width, settings.downsampling, settings.padding, settings.outer_padding
    )
    tensor = np.zeros((1, 3, rows, columns), dtype=np.float32)
    level = network.normalise(image)
    left, top, right, bottom = rects[0]
    tensor[0, :, top : bottom + 1, left : right + 1] = level
    for left, top, right, bottom in rects[1:]:
        level = resize_bilinear(level, bottom - top + 1, right - left + 1)
        tensor[0, :, top : bottom + 1, left : right + 1] = level
    return tensor, rects


def _round(value: float) -> int:
    """C's lround: halves away from zero."""
    return math.floor(abs(value) + 0.5) * (1 if value >= 0 else -1)


def _nearest_level(rects: list[PixelBox], x: int, y: int) -> int:
    best, best_distance = 0, math.inf
    for index, (left, top, right, bottom) in enumerate(rects):
        if left <= x <= right and top <= y <= bottom:
            return index
        distance = math.hypot(min(max(x, left), right) - x, min(max(y, top), bottom) - y)
        if distance < best_distance:
            best, best_distance = index, distance
    return best


def tiled_to_image(rects: list[PixelBox], box: Box, downsampling: int) -> PixelBox:
    """dlib's ``tiled_pyramid_to_image`` of a box of the tiled image, rounded to a rectangle."""
    centre_x, centre_y = box.centre
    level = _nearest_level(rects, math.floor(centre_x + 0.5), math.floor(centre_y + 0.5))
    origin_x, origin_y = rects[level].left, rects[level].top
    points = np.array([[box.left - origin_x, box.top - origin_y], [box.right - origin_x, box.bottom - origin_y]])
    ratio = downsampling / (downsampling - 1.0)
    for _ in range(level):
        points = points * ratio + 0.3
    return _rounded(points)


def _rounded(corners: np.ndarray) -> PixelBox:
    """The rectangle of (2, 2) corners ((left, top), (right, bottom)), rounded as C's lround."""
    (left, top), (right, bottom) = corners
    return PixelBox(_round(left), _round(top), _round(right), _round(bottom))


def boxes_overlap(a: PixelBox, b: PixelBox, test: BoxOverlap) -> bool:
    """dlib's ``test_box_overlap`` on integer rectangles (the union is the bounding box)."""
    inner = a.intersection(b).area
    if inner == 0:
        return False
    outer = a.enclosing(b).area
    return inner / outer > test.iou or inner / a.area > test.covered or inner / b.area > test.covered


def rect_down(rect: PixelBox, levels: int) -> PixelBox:
    """``pyramid_down<2>::rect_down``: back from ``levels`` upsamplings, rounded."""
    points = np.array([[rect.left, rect.top], [rect.right, rect.bottom]], dtype=np.float64)
    for _ in range(levels):
        points = points / 2.0 - UPSAMPLE_SHIFT
    return _rounded(points)


class MmodDetector:
    """dlib's CNN face detector; ``upsample`` doubles the image that many times first."""

    def __init__(self, upsample: int = 0, threshold: float = DETECTION_THRESHOLD) -> None:
        self.upsample = upsample
        self.threshold = threshold

    def detect(self, image_rgb: np.ndarray) -> list[MmodDetection]:
        """Detections in an RGB uint8 (height, width, 3) image, best score first."""
        network = get_mmod_network()
        image = image_rgb
        for _ in range(self.upsample):
            image = pyramid_up(image)
        tensor, rects = tiled_pyramid_tensor(image, network)
        if any(side < 2 * offset + 1 for side, offset in zip(tensor.shape[2:], network.output_offset, strict=True)):
            return []  # smaller than one output location's receptive field: dlib's score map is empty
        kept: list[MmodDetection] = []
        for rect, score in self._candidates(network.scores(tensor)[0], rects, network):
            if not any(boxes_overlap(other.box, rect, network.options.overlaps_nms) for other in kept):
                kept.append(MmodDetection(rect, score))
        return [MmodDetection(rect_down(detection.box, self.upsample), detection.score) for detection in kept]

    def _candidates(
        self, scores: np.ndarray, rects: list[PixelBox], network: MmodNetwork
    ) -> list[tuple[PixelBox, float]]:
        """Windows scoring above the threshold, in image coordinates, best first."""
        downsampling = network.pyramid.downsampling
        found = []
        for window, channel in zip(network.options.detector_windows, scores, strict=True):
            rows, columns = np.nonzero(channel > self.threshold)
            ys, xs = network.output_to_input(rows, columns)
            half_width, half_height = (window.width - 1) / 2, (window.height - 1) / 2
            for x, y, row, column in zip(xs.tolist(), ys.tolist(), rows.tolist(), columns.tolist(), strict=True):
                window_box = Box(x - half_width, y - half_height, x + half_width, y + half_height)
                found.append((tiled_to_image(rects, window_box, downsampling), float(channel[row, column])))
        found.sort(key=lambda item: -item[1])
        return found
