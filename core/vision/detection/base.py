"""The detector interface: an image in, its faces out, each as a ``DetectedFace``.

A detector family (``core.vision.detection.detectors``) implements
``FaceDetector``; ``core.vision.registry`` maps Azure's ``detectionModel``
names to instances of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from core.geometry import Box, Rectangle


@dataclass(frozen=True)
class DetectedFace:
    """One face a detector found.

    ``box`` is in dlib's detector convention, which dlib's shape predictors
    were trained on, and ``rectangle`` is that box clipped to the image in
    whole pixels (what Azure returns). ``landmarks`` are the detector's own
    five points where it has them, as a (5, 2) float64 array of (x, y) image
    pixels in the order eye, eye, nose tip, mouth corner, mouth corner, each
    pair image-left first (MTCNN's order, and that of the five-point templates
    ArcFace and SFace align on); None for a detector without landmarks.
    """

    rectangle: Rectangle
    box: Box
    score: float
    # Arrays have no single truth value under ==, and a face is told apart by its box and score.
    landmarks: np.ndarray | None = field(default=None, compare=False)


class FaceDetector(Protocol):
    """A face detector family with its settings."""

    def detect(self, image_rgb_uint8: np.ndarray) -> list[DetectedFace]:
        """The faces of an RGB uint8 (height, width, 3) image, largest rectangle
        first, at most ``core.limits.MAX_FACES_PER_IMAGE``."""
        ...
