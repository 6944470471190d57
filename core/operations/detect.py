"""Face - Detect: faces of one image (bytes or URL) in Azure's ``DetectedFace`` shape.

The image is fetched (URL) and decoded, its faces are analysed with the
requested detection and recognition models, and each face's feature is stored
under a new faceId for ``faceIdTimeToLive`` seconds (only when faceIds are
returned). Faces come largest first, at most 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import limits
from core.errors import bad_argument
from core.images.decode import read_image
from core.storage.detected_faces import store_detected_faces
from core.vision.analysis import AnalyzedFace, analyze_image


@dataclass(frozen=True)
class DetectOptions:
    """Detect's query parameters, already validated."""

    return_face_id: bool = True
    return_landmarks: bool = False
    attributes: tuple[str, ...] = ()
    recognition_model: str = "recognition_01"
    return_recognition_model: bool = False
    detection_model: str = "detection_01"
    face_id_time_to_live: int = limits.FACE_ID_TTL_DEFAULT_SECONDS


def face_id_time_to_live(value: int | None) -> int:
    """``faceIdTimeToLive`` in seconds: 60..86400, 86400 when absent."""
    if value is None:
        return limits.FACE_ID_TTL_DEFAULT_SECONDS
    if not limits.FACE_ID_TTL_MIN_SECONDS <= value <= limits.FACE_ID_TTL_MAX_SECONDS:
        raise bad_argument("Invalid argument faceIdTimeToLive.")
    return value


def detect(image: bytes | str, options: DetectOptions) -> list[dict[str, Any]]:
    faces = analyze_image(
        read_image(image),
        options.detection_model,
        options.recognition_model,
        with_features=options.return_face_id,
        with_landmarks=options.return_landmarks,
        attributes=options.attributes,
    )
    face_ids: list[str | None] = [None] * len(faces)
    if options.return_face_id and faces:
        face_ids = list(
            store_detected_faces(
                [face.feature for face in faces], options.recognition_model, options.face_id_time_to_live
            )
        )
    return [detected_face(face, face_id, options) for face, face_id in zip(faces, face_ids)]


def detected_face(face: AnalyzedFace, face_id: str | None, options: DetectOptions) -> dict[str, Any]:
    """One ``DetectedFace``: faceId, recognitionModel, faceRectangle, faceLandmarks, faceAttributes, as asked."""
    result: dict[str, Any] = {}
    if face_id is not None:
        result["faceId"] = face_id
    if options.return_recognition_model:
        result["recognitionModel"] = options.recognition_model
    rectangle = face.rectangle
    result["faceRectangle"] = {
        "top": int(rectangle.top),
        "left": int(rectangle.left),
        "width": int(rectangle.width),
        "height": int(rectangle.height),
    }
    if options.return_landmarks:
        result["faceLandmarks"] = face.landmarks
    if options.attributes:
        result["faceAttributes"] = face.attributes
    return result
