"""Face - Verify: are two faces, or a face and a person, the same person?

Face-to-face compares two faceIds; face-to-person compares a faceId with the
nearest of the person's persisted faces (no training needed), the same
aggregation Identify uses. ``isIdentical`` is ``confidence >= 0.5`` on the
confidence curve of the faces' recognition model (``core.search.confidence``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.directory.recognition import COLLECTION_SCOPES, directory_person_features
from core.errors import FaceError, invalid_request_body
from core.operations.face_ids import common_recognition_model, load_query_faces, required_face_id
from core.operations.targets import named_collection, named_person, person_features, person_group_named
from core.search.confidence import is_same_person
from core.search.matching import nearest_confidence

FACE_NOT_FOUND_STATUS = 404


def verify(body: dict[str, Any], directory: bool = False) -> dict[str, Any]:
    """Dispatch on the body's shape: ``faceId1``/``faceId2``, or ``faceId``/``personId`` and a group, or (in
    versions with directory recognition, ``directory``) ``faceId``/``personId`` of the PersonDirectory."""
    if "faceId1" in body or "faceId2" in body:
        return verify_face_to_face(body)
    if directory and not any(body.get(field) is not None for field in COLLECTION_SCOPES):
        return verify_face_to_directory_person(body)
    if "faceId" in body or "personId" in body:
        return verify_face_to_person(body)
    raise invalid_request_body()


def verify_result(confidence: float) -> dict[str, Any]:
    return {"isIdentical": is_same_person(confidence), "confidence": confidence}


def verify_face_to_face(body: dict[str, Any]) -> dict[str, Any]:
    face_ids = [required_face_id(body, "faceId1"), required_face_id(body, "faceId2")]
    first, second = load_query_faces(face_ids, FACE_NOT_FOUND_STATUS)
    model = common_recognition_model([first, second])
    return verify_result(nearest_confidence(squared_distances_to(first.feature[np.newaxis, :], second.feature), model))


def verify_face_to_person(body: dict[str, Any]) -> dict[str, Any]:
    face_id = required_face_id(body, "faceId")
    if body.get("personId") is None:
        raise invalid_request_body()
    kind, collection_id = person_group_named(body)
    not_found = FaceError(400, f"{kind.code_prefix}NotFound", f"{kind.noun.title()} is not found.")
    group = named_collection(kind, collection_id, not_found)
    person = named_person(kind, collection_id, body["personId"])
    (face,) = load_query_faces([face_id], FACE_NOT_FOUND_STATUS)
    model = common_recognition_model([face], group.recognition_model)
    features = person_features(kind, collection_id, person)
    return verify_result(nearest_confidence(squared_distances_to(features, face.feature), model))


def verify_face_to_directory_person(body: dict[str, Any]) -> dict[str, Any]:
    """A faceId against the searchable faces of a PersonDirectory person under the face's recognition model."""
    face_id = required_face_id(body, "faceId")
    if body.get("personId") is None:
        raise invalid_request_body()
    (face,) = load_query_faces([face_id], FACE_NOT_FOUND_STATUS)
    features = directory_person_features(body["personId"], face.recognition_model)
    return verify_result(nearest_confidence(squared_distances_to(features, face.feature), face.recognition_model))


def squared_distances_to(features: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Squared distances, in float64, from ``query`` to each row of ``features``."""
    return np.sum((features.astype(np.float64) - query.astype(np.float64)) ** 2, axis=1)
