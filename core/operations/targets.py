"""The collections and persons a recognition request names in its body.

Ids in a body are checked as on create (a malformed one is ``BadArgument``
"<Noun> ID is invalid."), and a missing collection is a 400 naming it, since
the request itself is what is wrong. Identify and Find Similar search the last
successful training's index: a running training is 409
``*TrainingNotFinished``, a collection never trained successfully is 400
``*NotTrained``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.collections.fields import is_collection_id, is_server_id
from core.collections.index_cache import load_index
from core.collections.kinds import LARGE_PERSON_GROUP, PERSON_GROUP, CollectionKind
from core.collections.lookup import training_in_progress
from core.errors import FaceError, bad_argument
from core.search.index import TrainedIndex, feature_from_bytes
from core.storage.face_collections import CollectionRecord, read_collection
from core.storage.face_members import PersonRecord, person_face_features, read_person
from core.storage.face_training import read_training


def body_collection_id(body: dict[str, Any], kind: CollectionKind) -> str | None:
    """The id of ``kind`` the body names (None when absent or null)."""
    value = body.get(kind.id_field)
    if value is None:
        return None
    if not isinstance(value, str) or not is_collection_id(value):
        raise bad_argument(f"{kind.noun} ID is invalid.")
    return value


def named_collection(kind: CollectionKind, collection_id: str, not_found: FaceError | None = None) -> CollectionRecord:
    """The live collection a body names; ``not_found`` (400 ``*NotFound`` by default) otherwise."""
    record = read_collection(kind.name, collection_id)
    if record is None or record.deleting:
        raise not_found or FaceError(400, f"{kind.code_prefix}NotFound", f"{kind.noun} is not found.")
    return record


def person_group_named(body: dict[str, Any]) -> tuple[CollectionKind, str]:
    """Exactly one of ``personGroupId`` / ``largePersonGroupId``, with its kind."""
    given = [kind for kind in (PERSON_GROUP, LARGE_PERSON_GROUP) if body.get(kind.id_field) is not None]
    if len(given) == 2:
        raise FaceError(
            400,
            "PersonGroupIdAndLargePersonGroupIdBothNotNull",
            "Large person group ID and person group ID are both not null.",
        )
    if not given:
        raise FaceError(
            400,
            "PersonGroupIdAndLargePersonGroupIdBothNull",
            "Large person group ID and person group ID are both null.",
        )
    kind = given[0]
    collection_id = body_collection_id(body, kind)
    assert collection_id is not None
    return kind, collection_id


def trained_index(kind: CollectionKind, collection_id: str, not_trained: FaceError) -> TrainedIndex:
    """The index of the last successful training; 409 while a training runs, ``not_trained`` if none."""
    training = read_training(kind.name, collection_id)
    if training_in_progress(training):
        raise kind.training_not_finished()
    index = None if training is None else load_index(kind, collection_id, training)
    if index is None:
        raise not_trained
    return index


def named_person(kind: CollectionKind, collection_id: str, person_id: Any) -> PersonRecord:
    """The person a body names: 400 for a malformed id or one the group does not hold."""
    if not isinstance(person_id, str) or not is_server_id(person_id):
        raise bad_argument("Person ID is invalid.")
    person = read_person(kind.name, collection_id, person_id.lower())
    if person is None:
        raise FaceError(400, "PersonNotFound", "Person is not found.")
    return person


def person_features(kind: CollectionKind, collection_id: str, person: PersonRecord) -> np.ndarray:
    """The features of the person's persisted faces, (faces, 128)."""
    features = [feature_from_bytes(data) for data in person_face_features(kind.name, collection_id, person)]
    if not features:
        raise FaceError(404, "PersistedFaceNotFound", "No persisted face of the person is found.")
    return np.stack(features)
