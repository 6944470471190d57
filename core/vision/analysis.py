"""The face pipeline every operation shares: detect, then landmarks, attributes and features.

``analyze_image`` is the whole path on one screen: the detection model finds
the faces (largest first, at most 100), the recognition model aligns and embeds
all faces of the image in one batch (how it aligns is its own business, see
``core.vision.recognition.base``), and dlib's 68-point shapes of the faces'
boxes give Azure's landmarks and the pixel-based attributes. ``detect_faces``
and ``describe_faces`` are its two halves, for a caller that chooses among the
faces before describing them; ``face_features`` is the recognition step alone
(add face keeps one face and stores only its feature).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.geometry import Rectangle
from core.vision.attributes import compute_attributes
from core.vision.detection.base import DetectedFace
from core.vision.landmarks import azure_landmarks
from core.vision.registry import get_detection_model, get_recognition_model
from core.vision.shape_predictor import predict_shapes


@dataclass(frozen=True)
class AnalyzedFace:
    """One face of an image, with what the caller asked for."""

    rectangle: Rectangle
    feature: np.ndarray | None = None
    landmarks: dict[str, dict[str, float]] | None = None
    attributes: dict[str, Any] | None = None


def analyze_image(
    image: np.ndarray,
    detection_model: str = "detection_01",
    recognition_model: str = "recognition_01",
    *,
    with_features: bool = True,
    with_landmarks: bool = False,
    attributes: Sequence[str] = (),
) -> list[AnalyzedFace]:
    """Detect the faces of an RGB image and describe each of them."""
    faces = detect_faces(image, detection_model)
    return describe_faces(
        image,
        faces,
        recognition_model,
        with_features=with_features,
        with_landmarks=with_landmarks,
        attributes=attributes,
    )


def detect_faces(image: np.ndarray, detection_model: str = "detection_01") -> list[DetectedFace]:
    """The faces of an RGB image, largest first, at most 100."""
    return get_detection_model(detection_model).detect(image)


def face_features(
    image: np.ndarray, faces: Sequence[DetectedFace], recognition_model: str = "recognition_01"
) -> np.ndarray:
    """The (len(faces), d) float32 features of faces already located in ``image``."""
    return get_recognition_model(recognition_model).compute_features(image, faces)


def describe_faces(
    image: np.ndarray,
    faces: Sequence[DetectedFace],
    recognition_model: str = "recognition_01",
    *,
    with_features: bool = True,
    with_landmarks: bool = False,
    attributes: Sequence[str] = (),
) -> list[AnalyzedFace]:
    """Features, landmarks and attributes of faces already located in ``image``."""
    if not faces:
        return []
    features: Sequence[np.ndarray | None] = [None] * len(faces)
    if with_features:
        features = list(face_features(image, faces, recognition_model))
    shapes68: Sequence[np.ndarray | None] = [None] * len(faces)
    if with_landmarks or attributes:
        shapes68 = predict_shapes(image, [face.box for face in faces], 68)
    return [
        AnalyzedFace(
            rectangle=face.rectangle,
            feature=feature,
            landmarks=azure_landmarks(points) if with_landmarks and points is not None else None,
            attributes=compute_attributes(attributes, image, face.box, points)
            if attributes and points is not None
            else None,
        )
        for face, feature, points in zip(faces, features, shapes68, strict=True)
    ]
