"""Face - Detect: faces of one image (bytes or URL) in Azure's ``DetectedFace`` shape.

The image is fetched (URL) and decoded, its faces are analysed with the
requested detection and recognition models, and each face's feature is stored
under a new faceId for ``faceIdTimeToLive`` seconds (only when faceIds are
returned). Faces come largest first, at most 100. A timer purges the faceIds
whose time to live has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import limits
from core.api_versions import V1_0, ApiVersion
from core.errors import bad_argument
from core.images.decode import read_image
from core.search.index import feature_to_bytes
from core.storage.detected_faces import purge_expired_faces, store_detected_faces
from core.vision.analysis import AnalyzedFace, analyze_image
from core.vision.attributes import parse_attribute_names
from core.vision.catalog import (
    DEFAULT_DETECTION_MODEL,
    DEFAULT_RECOGNITION_MODEL,
    check_detection_request,
    check_recognition_model,
)


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
    camel_case_values: bool = False  # attribute levels spelled as the request's API version spells them


def face_id_time_to_live(value: int | None) -> int:
    """``faceIdTimeToLive`` in seconds: 60..86400, 86400 when absent."""
    if value is None:
        return limits.FACE_ID_TTL_DEFAULT_SECONDS
    if not limits.FACE_ID_TTL_MIN_SECONDS <= value <= limits.FACE_ID_TTL_MAX_SECONDS:
        raise bad_argument("Invalid argument faceIdTimeToLive.")
    return value


def detect_options(
    return_face_id: bool,
    return_landmarks: bool,
    attributes: str | None,
    recognition_model: str | None,
    return_recognition_model: bool,
    detection_model: str | None,
    time_to_live: int | None,
    version: ApiVersion = V1_0,
) -> DetectOptions:
    """Detect's options from its query values (absent ones None), validated before the image is read.

    ``attributes`` is the ``returnFaceAttributes`` text; model names match
    case-insensitively. The models are checked against what the request asks
    for under the version's rules first (a retired attribute, one the model does
    not return), then each name is parsed (an unknown name, one this service
    does not compute).
    """
    requested = [name.strip() for name in (attributes or "").split(",") if name.strip()]
    check_detection_request(
        detection_model or DEFAULT_DETECTION_MODEL,
        recognition_model or DEFAULT_RECOGNITION_MODEL,
        return_landmarks,
        requested,
        version.detect_rules,
    )
    return DetectOptions(
        return_face_id=return_face_id,
        return_landmarks=return_landmarks,
        attributes=parse_attribute_names(attributes),
        recognition_model=check_recognition_model(recognition_model or DEFAULT_RECOGNITION_MODEL),
        return_recognition_model=return_recognition_model,
        detection_model=(detection_model or DEFAULT_DETECTION_MODEL).lower(),
        face_id_time_to_live=face_id_time_to_live(time_to_live),
        camel_case_values=version.camel_case_values,
    )


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
                [_stored_feature(face) for face in faces],
                options.recognition_model,
                options.face_id_time_to_live,
            )
        )
    return [detected_face(face, face_id, options) for face, face_id in zip(faces, face_ids, strict=True)]


def _stored_feature(face: AnalyzedFace) -> bytes:
    """The face's feature as the faceId store keeps it; Detect analyses features whenever it returns faceIds."""
    assert face.feature is not None
    return feature_to_bytes(face.feature)


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
        assert face.attributes is not None
        result["faceAttributes"] = camel_case_levels(face.attributes) if options.camel_case_values else face.attributes
    return result


LEVEL_FIELDS = {"blur": "blurLevel", "exposure": "exposureLevel", "noise": "noiseLevel"}


def camel_case_levels(attributes: dict[str, Any]) -> dict[str, Any]:
    """Attribute levels as v1.1-preview.1 and later spell them ("low", "goodExposure"; v1.0: "Low", "GoodExposure")."""

    def camel(value: str) -> str:
        return value[:1].lower() + value[1:]

    shaped = dict(attributes)
    for name, field in LEVEL_FIELDS.items():
        if name in shaped:
            shaped[name] = {**shaped[name], field: camel(shaped[name][field])}
    if "qualityForRecognition" in shaped:
        shaped["qualityForRecognition"] = camel(shaped["qualityForRecognition"])
    return shaped


def purge_expired_face_ids() -> int:
    """Delete every stored faceId whose time to live has passed; returns how many went."""
    return purge_expired_faces()
