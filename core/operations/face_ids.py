"""The faceIds a recognition request names: parsing, lookup in the detected-face store, model checks.

Verify, Identify, Find Similar and Group all take faceIds from Detect. A
malformed one is ``BadArgument`` "Face ID is invalid."; an unknown or expired
one is ``FaceNotFound`` (400 for Identify, Find Similar and Group, where the
id comes from a list; 404 for Verify, as Azure documents). Faces compared with
each other, or with a collection, must come from one recognition model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import FaceError, bad_argument, invalid_request_body
from core.search.index import TrainedIndex, build_index, feature_from_bytes, feature_to_bytes
from core.storage.detected_faces import canonical_face_id, load_detected_faces


@dataclass(frozen=True)
class QueryFace:
    """A live faceId a request names: the feature Detect extracted and its recognition model."""

    face_id: str
    recognition_model: str
    feature: np.ndarray


def face_not_found(status: int = 400) -> FaceError:
    return FaceError(status, "FaceNotFound", "Face is not found.")


def incompatible_recognition_model() -> FaceError:
    return bad_argument("'recognitionModel' is incompatible.")


def invalid_list_length() -> FaceError:
    return bad_argument("The length of faceIds is not in a valid range.")


def parse_face_id(value: Any) -> str:
    """A faceId from a request body, canonical; ``BadArgument`` when it is not a UUID string."""
    face_id = canonical_face_id(value) if isinstance(value, str) else None
    if face_id is None:
        raise bad_argument("Face ID is invalid.")
    return face_id


def required_face_id(body: dict[str, Any], field: str) -> str:
    if body.get(field) is None:
        raise invalid_request_body()
    return parse_face_id(body[field])


def face_id_list(value: Any, minimum: int, maximum: int) -> list[str]:
    """A ``faceIds`` array of ``minimum``..``maximum`` faceIds, canonical, duplicates dropped."""
    if not isinstance(value, list):
        raise invalid_request_body()
    if not minimum <= len(value) <= maximum:
        raise invalid_list_length()
    return list(dict.fromkeys(parse_face_id(item) for item in value))


def load_query_faces(face_ids: Sequence[str], not_found_status: int = 400) -> list[QueryFace]:
    """The faces of ``face_ids``, in order; ``FaceNotFound`` if any is unknown or expired."""
    found = load_detected_faces(face_ids)
    if len(found) != len(set(face_ids)):
        raise face_not_found(not_found_status)
    return [
        QueryFace(face_id, found[face_id].recognition_model, feature_from_bytes(found[face_id].feature))
        for face_id in face_ids
    ]


def common_recognition_model(faces: Sequence[QueryFace], expected: str | None = None) -> str:
    """The one recognition model of ``faces`` (and ``expected``); incompatible otherwise."""
    models = {face.recognition_model for face in faces} | ({expected} if expected else set())
    if len(models) != 1:
        raise incompatible_recognition_model()
    return models.pop()


def stacked_features(faces: Sequence[QueryFace]) -> np.ndarray:
    """The faces' features as one (len(faces), 128) float32 matrix."""
    return np.stack([face.feature for face in faces]).astype(np.float32, copy=False)


def detected_faces_index(faces: Sequence[QueryFace]) -> TrainedIndex:
    """An index whose rows are the faces (named by faceId), all of one recognition model."""
    model = common_recognition_model(faces)
    return build_index(model, "", ((None, face.face_id, feature_to_bytes(face.feature)) for face in faces))
