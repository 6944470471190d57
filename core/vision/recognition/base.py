"""The recognizer interface: an image and its detected faces in, one feature per face out.

A recognition model aligns each face itself, from what the detector reported
(``DetectedFace``: the box in dlib's convention, and the detector's five
landmarks when it has them), so the pipeline (``core.vision.analysis``) never
knows how a model aligns. ``core.vision.registry`` maps Azure's
``recognitionModel`` names to instances of the implementations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from core.vision.detection.base import DetectedFace


class FaceRecognizer(Protocol):
    """A face recognition model, loaded and ready to embed faces."""

    name: str
    """The model's own name (its file's, not Azure's ``recognitionModel``)."""
    feature_length: int
    """The number of float32 values in one feature."""

    def compute_features(self, image_rgb_uint8: np.ndarray, faces: Sequence[DetectedFace]) -> np.ndarray:
        """The (len(faces), feature_length) float32 features of ``faces`` of an RGB
        uint8 (height, width, 3) image, row i for face i; (0, feature_length) for no faces."""
        ...
