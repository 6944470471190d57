"""Persisted faces of persons (PersonGroup, LargePersonGroup) and of face lists (FaceList, LargeFaceList).

Adding a face detects the faces of the image, keeps exactly one (the only one,
or the one in ``targetFace``), computes its feature with the collection's
recognition model and stores the feature, the rectangle and userData; the
image itself is never stored.
"""

from __future__ import annotations

from typing import Any

from core import limits
from core.collections.bodies import face_body
from core.collections.failures import azure_errors
from core.collections.fields import Paging, detection_model, face_changes, face_user_data, is_server_id
from core.collections.kinds import (
    CollectionKind,
    invalid_persisted_face_id,
    persisted_face_not_found,
    person_face_quota_exceeded,
    person_not_found,
)
from core.collections.lookup import ensure_not_training, require_collection, require_person
from core.collections.target_face import check_target_in_image, parse_target_face, single_face
from core.geometry import Rectangle
from core.images.decode import read_image
from core.search.index import feature_to_bytes
from core.storage import face_members
from core.storage.face_collections import CollectionRecord
from core.storage.face_members import NewFace
from core.vision.analysis import detect_faces, face_features


def _owner(kind: CollectionKind, collection_id: str, person_id: str | None) -> tuple[CollectionRecord, str | None]:
    """The collection, and the normalised personId (None for a face list); 404 when either is missing."""
    collection = require_collection(kind, collection_id)
    if person_id is None:
        return collection, None
    return collection, require_person(kind, collection_id, person_id).person_id


def _face_id(persisted_face_id: str) -> str:
    if not is_server_id(persisted_face_id):
        raise invalid_persisted_face_id()
    return persisted_face_id.lower()


def add_face(
    kind: CollectionKind,
    collection_id: str,
    person_id: str | None,
    image: bytes | str,
    user_data: str | None,
    target_face: str | None,
    detection: str | None,
) -> dict[str, Any]:
    """Detect the one face in ``image`` (bytes or URL) and persist it; answers ``{"persistedFaceId": ...}``."""
    user_data = face_user_data(user_data)
    target = parse_target_face(target_face)
    model = detection_model(detection)
    collection, owner = _owner(kind, collection_id, person_id)
    ensure_not_training(kind, collection_id)
    rectangle, feature = describe_single_face(image, target, model, collection.recognition_model)
    new_face = NewFace(user_data, rectangle, feature, collection.recognition_model)
    return {"persistedFaceId": store_faces(kind, collection_id, owner, [new_face])[0]}


def describe_single_face(
    image: bytes | str, target: Rectangle | None, detection: str, recognition: str
) -> tuple[Rectangle, bytes]:
    """The rectangle and stored feature of the one face of ``image`` (or the one in ``target``).

    Image errors (undecodable, too small or big, no face, several faces) raise
    here, before anything is stored.
    """
    pixels = read_image(image)
    if target is not None:
        check_target_in_image(target, pixels.shape[1], pixels.shape[0])
    faces = detect_faces(pixels, detection)
    chosen = single_face(faces, [face.rectangle for face in faces], target)
    (feature,) = face_features(pixels, [chosen], recognition)
    return chosen.rectangle, feature_to_bytes(feature)


def store_faces(kind: CollectionKind, collection_id: str, person_id: str | None, faces: list[NewFace]) -> list[str]:
    """Persist described faces on a person (``person_id``) or a face list (None); returns their persistedFaceIds.

    They count against the person's face limit, or the list's. 403
    ``QuotaExceeded`` past it, 404 ``PersonNotFound`` when the person has gone
    meanwhile, 409 ``ConcurrentOperationConflict`` when concurrent writers keep
    winning.
    """
    if person_id is None:
        limit, quota = kind.member_limit, kind.member_quota_exceeded()
    else:
        limit, quota = limits.MAX_FACES_PER_PERSON, person_face_quota_exceeded()
    with azure_errors(quota=quota, missing=person_not_found()):
        return face_members.add_faces(kind.name, collection_id, person_id, faces, limit)


def get_face(kind: CollectionKind, collection_id: str, person_id: str | None, persisted_face_id: str) -> dict[str, Any]:
    _, owner = _owner(kind, collection_id, person_id)
    face = face_members.read_face(kind.name, collection_id, owner, _face_id(persisted_face_id))
    if face is None:
        raise persisted_face_not_found()
    return face_body(face)


def update_face(
    kind: CollectionKind, collection_id: str, person_id: str | None, persisted_face_id: str, body: dict[str, Any]
) -> None:
    _, owner = _owner(kind, collection_id, person_id)
    changes = face_changes(body)
    if not face_members.update_face(kind.name, collection_id, owner, _face_id(persisted_face_id), changes):
        raise persisted_face_not_found()


def delete_face(kind: CollectionKind, collection_id: str, person_id: str | None, persisted_face_id: str) -> None:
    _, owner = _owner(kind, collection_id, person_id)
    face_id = _face_id(persisted_face_id)
    ensure_not_training(kind, collection_id)
    with azure_errors(missing=person_not_found()):
        deleted = face_members.delete_face(kind.name, collection_id, owner, face_id)
    if not deleted:
        raise persisted_face_not_found()


def list_faces(kind: CollectionKind, collection_id: str, paging: Paging) -> list[dict[str, Any]]:
    """A large face list's faces, ascending by persistedFaceId."""
    require_collection(kind, collection_id)
    return [face_body(face) for face in face_members.list_faces(kind.name, collection_id, paging.start, paging.top)]
