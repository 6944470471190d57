"""Face features: dlib's face recognition ResNet on aligned face chips, run with onnxruntime.

``extract_face_chips(image, shapes5)`` cuts one 150x150 chip per face exactly as
dlib's ``compute_face_descriptor(image, shape)`` does
(dlib/image_transforms/interpolation.h): ``get_face_chip_details(shape, 150,
0.25)`` fits a similarity transform from the 5 landmarks to dlib's chip
template, then ``extract_image_chips`` samples the chip with bilinear
interpolation (truncated to uint8, black outside the source), first shrinking
the source with ``pyramid_down<2>`` as many times as needed when the face is
much larger than the chip. Landmarks are rounded to whole pixels first, as
dlib stores them. Each chip is extracted as dlib would for that face alone.

``DlibResnetRecognizer`` implements the recognizer interface
(``core.vision.recognition.base.FaceRecognizer``): it predicts each face's
5-point shape from its box with dlib's 5-point shape predictor
(``core.vision.shape_predictor``), as dlib's pipeline does, and returns the
(N, 128) float32 features of all faces of an image from one batched
onnxruntime call. Two faces belong to the same person when the Euclidean
distance of their features is below ``distance_threshold`` (0.6, from the
model's ``loss_metric``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.geometry import Box, PixelBox
from core.vision.alignment import similarity_transform
from core.vision.conversion.dlib_dnn import FACE_RECOGNITION_RESNET, LossMetric, read_loss
from core.vision.conversion.onnx_export import export_dlib_network
from core.vision.detection.base import DetectedFace
from core.vision.model_files import cached_artifact, dlib_model_path
from core.vision.recognition.base import FaceRecognizer
from core.vision.sessions import create_session
from core.vision.shape_predictor import predict_shapes

MODEL_FILE = "dlib_face_recognition_resnet_model_v1.dat"
CHIP_SIZE = 150
CHIP_PADDING = 0.25
FEATURE_LENGTH = 128

# dlib's chip positions of the 5 landmarks (get_face_chip_details), in the
# unit square of an unpadded chip.
CHIP_TEMPLATE_5 = np.array(
    [
        (0.8595674595992, 0.2134981538014),
        (0.6460604764104, 0.2289674387677),
        (0.1205750620789, 0.2137274526848),
        (0.3340850613712, 0.2290642403242),
        (0.4901123135679, 0.6277975316475),
    ]
)


@dataclass(frozen=True)
class ChipDetails:
    """dlib's ``chip_details``: a rotated rectangle of the image sampled into rows x cols."""

    rect: Box
    angle: float
    rows: int
    cols: int


def _lround(value: float) -> int:
    return int(np.sign(value) * np.floor(abs(value) + 0.5))


def face_chip_details(shape5: np.ndarray, size: int = CHIP_SIZE, padding: float = CHIP_PADDING) -> ChipDetails:
    """dlib's ``get_face_chip_details`` for a 5-point shape (rounded to whole pixels)."""
    parts = np.floor(np.asarray(shape5, dtype=np.float64) + 0.5)
    if parts.shape != (5, 2):
        raise ValueError(f"a 5-point shape is a (5, 2) array, got {parts.shape}")
    chip_points = (padding + CHIP_TEMPLATE_5) / (2 * padding + 1) * size
    m, b = similarity_transform(chip_points, parts)
    angle = float(np.arctan2(m[1, 0], m[0, 0]))
    scale = float(np.hypot(m[0, 0], m[1, 0]))
    centre = m @ np.array([size / 2.0, size / 2.0]) + b
    half = (size * scale - 1) / 2
    rect = Box(float(centre[0] - half), float(centre[1] - half), float(centre[0] + half), float(centre[1] + half))
    return ChipDetails(rect, angle, size, size)


def _rect_down(rect: Box) -> Box:
    """pyramid_down<2>::rect_down: each corner p becomes p / 2 - (1.25, 0.75)."""
    left, right = sorted((rect.left / 2 - 1.25, rect.right / 2 - 1.25))
    top, bottom = sorted((rect.top / 2 - 0.75, rect.bottom / 2 - 0.75))
    return Box(left, top, right, bottom)


def _rotated_corners(rect: Box, angle: float) -> np.ndarray:
    """The rect's tl, tr, bl, br corners rotated by ``angle`` about its centre."""
    left, top, right, bottom = rect
    centre = np.array(rect.centre)
    corners = np.array([(left, top), (right, top), (left, bottom), (right, bottom)], dtype=np.float64)
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.array([[cos, -sin], [sin, cos]])
    return (corners - centre) @ rotation.T + centre


def pyramid_down_2(image: np.ndarray) -> np.ndarray:
    """dlib's ``pyramid_down<2>`` for RGB: 5x5 [1 4 6 4 1] filter, every other pixel, integer maths."""
    height, width = image.shape[:2]
    if height <= 8 or width <= 8:
        return np.zeros((0, 0, 3), dtype=np.uint8)
    out_height, out_width = (height - 3) // 2, (width - 3) // 2
    pixels = image.astype(np.uint16)
    taps = ((0, 1), (1, 4), (2, 6), (3, 4), (4, 1))
    rows_filtered = np.zeros((height, out_width, 3), dtype=np.uint16)
    for shift, weight in taps:
        rows_filtered += weight * pixels[:, shift : shift + 2 * out_width : 2]
    filtered = np.zeros((out_height, out_width, 3), dtype=np.uint16)
    for shift, weight in taps:
        filtered += weight * rows_filtered[shift : shift + 2 * out_height : 2]
    return (filtered // 256).astype(np.uint8)


def _bilinear(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dlib's interpolate_bilinear at (x, y), truncated to uint8; black where it needs pixels outside."""
    height, width = image.shape[:2]
    left, top = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    inside = (left >= 0) & (top >= 0) & (left + 1 < width) & (top + 1 < height)
    if not inside.any():
        return np.zeros((*x.shape, 3), dtype=np.uint8)
    lr = (x - left)[..., None]
    tb = (y - top)[..., None]
    top_left = np.where(inside, top * width + left, 0)
    pixels = image.reshape(-1, 3)

    def corner(offset: int) -> np.ndarray:
        return np.take(pixels, top_left + offset, axis=0, mode="clip").astype(np.float64)

    tl, tr, bl, br = corner(0), corner(1), corner(width), corner(width + 1)
    value = (1 - tb) * ((1 - lr) * tl + lr * tr) + tb * ((1 - lr) * bl + lr * br)
    chip = value.astype(np.uint8)
    chip[~inside] = 0
    return chip


def _affine_from_corners(cols: int, rows: int, targets: np.ndarray) -> np.ndarray:
    """The 2x3 affine map taking chip corners (0,0), (cols-1,0), (0,rows-1) to ``targets``."""
    source = np.array([(0.0, 0.0, 1.0), (cols - 1.0, 0.0, 1.0), (0.0, rows - 1.0, 1.0)])
    return np.linalg.solve(source, targets).T


def _copy_chip(image: np.ndarray, rect: PixelBox) -> np.ndarray:
    """dlib's basic_extract_image_chip: the pixels of a rectangle, black outside the image."""
    height, width = image.shape[:2]
    left, top, right, bottom = rect
    chip = np.zeros((bottom - top + 1, right - left + 1, 3), dtype=np.uint8)
    y0, x0, y1, x1 = max(top, 0), max(left, 0), min(bottom + 1, height), min(right + 1, width)
    if y1 > y0 and x1 > x0:
        chip[y0 - top : y1 - top, x0 - left : x1 - left] = image[y0:y1, x0:x1]
    return chip


def extract_face_chip(image: np.ndarray, details: ChipDetails) -> np.ndarray:
    """dlib's ``extract_image_chips`` (bilinear) for one chip of an RGB uint8 image."""
    height, width = image.shape[:2]
    rect, size = details.rect, details.rows * details.cols
    if details.angle == 0 and details.rows == rect.height and details.cols == rect.width:
        return _copy_chip(
            image, PixelBox(_lround(rect.left), _lround(rect.top), _lround(rect.right), _lround(rect.bottom))
        )
    depth, grow, level_rect = 0, 2.0, _rect_down(rect)
    while level_rect.area > size:
        level_rect, depth, grow = _rect_down(level_rect), depth + 1, grow * 2 + 2
    corners = _rotated_corners(rect, details.angle)
    grown = Box(
        corners[:, 0].min() - grow,
        corners[:, 1].min() - grow,
        corners[:, 0].max() + grow,
        corners[:, 1].max() + grow,
    )
    region = PixelBox(
        _lround(max(grown.left, 0)),
        _lround(max(grown.top, 0)),
        _lround(min(grown.right, width - 1)),
        _lround(min(grown.bottom, height - 1)),
    )
    if region.right < region.left or region.bottom < region.top:
        return np.zeros((details.rows, details.cols, 3), dtype=np.uint8)
    source = image[region.top : region.bottom + 1, region.left : region.right + 1]
    chip_rect = Box(rect.left - region.left, rect.top - region.top, rect.right - region.left, rect.bottom - region.top)
    for _ in range(depth):
        source, chip_rect = pyramid_down_2(source), _rect_down(chip_rect)
    transform = _affine_from_corners(details.cols, details.rows, _rotated_corners(chip_rect, details.angle)[:3])
    columns, rows = np.meshgrid(np.arange(details.cols, dtype=np.float64), np.arange(details.rows, dtype=np.float64))
    x = transform[0, 0] * columns + transform[0, 1] * rows + transform[0, 2]
    y = transform[1, 0] * columns + transform[1, 1] * rows + transform[1, 2]
    return _bilinear(source, x, y)


def _check_image(image: np.ndarray) -> None:
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 image (H, W, 3), got {image.dtype} {image.shape}")


def extract_face_chips(image_rgb_uint8: np.ndarray, shapes5: Sequence[np.ndarray]) -> np.ndarray:
    """The (N, 150, 150, 3) uint8 aligned face chips of the faces with 5-point ``shapes5``."""
    _check_image(image_rgb_uint8)
    chips = [extract_face_chip(image_rgb_uint8, face_chip_details(shape)) for shape in shapes5]
    return np.stack(chips) if chips else np.zeros((0, CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)


def _export_face_recognition(source: Path, target: Path) -> None:
    export_dlib_network(source, target, FACE_RECOGNITION_RESNET, "rgb_chips")


class DlibResnetRecognizer(FaceRecognizer):
    """dlib's face recognition ResNet as one onnxruntime session, loaded (and
    converted if needed) when constructed."""

    name = MODEL_FILE.removesuffix(".dat")
    feature_length = FEATURE_LENGTH

    def __init__(self) -> None:
        source = dlib_model_path(MODEL_FILE)
        loss = read_loss(source.read_bytes())
        if not isinstance(loss, LossMetric):
            raise ValueError(f"{source.name} is not a metric-learning network")
        self.distance_threshold = loss.distance_threshold
        self.session = create_session(cached_artifact(source, ".onnx", _export_face_recognition))

    def compute_features(self, image_rgb_uint8: np.ndarray, faces: Sequence[DetectedFace]) -> np.ndarray:
        """(N, 128) float32 features, each face aligned on dlib's 5-point shape of its box."""
        return self.shape_features(image_rgb_uint8, predict_shapes(image_rgb_uint8, [face.box for face in faces], 5))

    def shape_features(self, image_rgb_uint8: np.ndarray, shapes5: Sequence[np.ndarray]) -> np.ndarray:
        """(N, 128) float32 features of the faces with 5-point ``shapes5`` in the image
        (dlib's ``compute_face_descriptor(image, shape)`` for each)."""
        return self.embed_chips(extract_face_chips(image_rgb_uint8, shapes5))

    def embed_chips(self, chips: np.ndarray) -> np.ndarray:
        """(N, 128) float32 features of (N, 150, 150, 3) uint8 aligned chips, in one call."""
        if len(chips) == 0:
            return np.zeros((0, FEATURE_LENGTH), dtype=np.float32)
        features: np.ndarray = self.session.run(["output"], {"chips": np.ascontiguousarray(chips, dtype=np.uint8)})[0]
        return features
