"""The faceIds a recognition request names: parsing, lookup in the detected-face store, model checks.

Verify, Identify, Find Similar and Group all take faceIds from Detect. A
malformed one is ``BadArgument`` "Face ID is invalid."; an unknown or expired
one is ``FaceNotFound`` (400 for Identify, Find Similar and Group, where the
id comes from a list; 404 for Verify, as Azure documents). Faces compared with
each other, or with a collection, must come from one recognition model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.errors import FaceError, bad_argument, invalid_request_body
from core.search.index import TrainedIndex, build_index, feature_to_bytes
from core.storage.detected_faces import DetectedFaceRecord, canonical_face_id, load_detected_faces


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


def load_query_faces(face_ids: Sequence[str], not_found_status: int = 400) -> list[DetectedFaceRecord]:
    """The stored records of ``face_ids``, in order; ``FaceNotFound`` if any is unknown or expired."""
    found = load_detected_faces(face_ids)
    if len(found) != len(set(face_ids)):
        raise face_not_found(not_found_status)
    return [found[face_id] for face_id in face_ids]


def common_recognition_model(records: Sequence[DetectedFaceRecord], expected: str | None = None) -> str:
    """The one recognition model of ``records`` (and ``expected``); incompatible otherwise."""
    models = {record.recognition_model for record in records} | ({expected} if expected else set())
    if len(models) != 1:
        raise incompatible_recognition_model()
    return models.pop()


def stacked_features(records: Sequence[DetectedFaceRecord]) -> np.ndarray:
    """The records' features as one (len(records), 128) float32 matrix."""
    return np.stack([record.feature for record in records]).astype(np.float32, copy=False)


def detected_faces_index(records: Sequence[DetectedFaceRecord]) -> TrainedIndex:
    """An index whose rows are the records' faces (named by faceId), all of one recognition model."""
    model = common_recognition_model(records)
    return build_index(model, "", ((None, record.face_id, feature_to_bytes(record.feature)) for record in records))
