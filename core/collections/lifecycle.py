"""Collections of every kind: create, get, list, update and delete (PersonGroup, LargePersonGroup,
FaceList, LargeFaceList), shared code driven by ``CollectionKind``.

Deleting converges: the collection is first marked ``deleting`` (from then on
it reads as not found everywhere else), then its training status, members and
index blobs go, and the row itself goes last. Repeating the delete, or
re-creating the id, finishes an interrupted one.
"""

from __future__ import annotations

from typing import Any

from core.collections.bodies import collection_body, face_body
from core.collections.failures import azure_errors
from core.collections.fields import (
    Paging,
    check_new_collection_id,
    is_collection_id,
    metadata_changes,
    new_metadata,
    recognition_model,
)
from core.collections.kinds import CollectionKind
from core.collections.lookup import ensure_not_training, require_collection
from core.storage import face_collections, face_members
from core.storage.face_collections import CollectionRecord
from core.storage.face_training import delete_training
from core.storage.index_blobs import delete_index_blobs
from core.timestamps import utc_now


def create_collection(kind: CollectionKind, collection_id: str, body: dict[str, Any]) -> None:
    check_new_collection_id(kind, collection_id)
    name, user_data = new_metadata(body)
    model = recognition_model(body)
    existing = face_collections.read_collection(kind.name, collection_id)
    if existing is not None:
        if not existing.deleting:
            raise kind.exists()
        _remove_everything(kind, collection_id)
    record = CollectionRecord(kind.name, collection_id, name, user_data, model, utc_now())
    with azure_errors(quota=kind.collection_quota_exceeded(), exists=kind.exists()):
        face_collections.insert_collection(record, kind.collection_limit)


def get_collection(kind: CollectionKind, collection_id: str, with_model: bool) -> dict[str, Any]:
    """The collection's body, with its faces (``persistedFaces``) when the kind shows them inline (FaceList)."""
    body = collection_body(kind, require_collection(kind, collection_id), with_model)
    if kind.inlines_faces:
        faces = face_members.list_faces(kind.name, collection_id, None, None)
        body["persistedFaces"] = [face_body(face) for face in faces]
    return body


def list_collections(kind: CollectionKind, paging: Paging | None, with_model: bool) -> list[dict[str, Any]]:
    """Collections in ascending id order; every one when the kind does not page (FaceList)."""
    start, top = (None, None) if paging is None else (paging.start, paging.top)
    records = face_collections.list_collections(kind.name, start, top)
    return [collection_body(kind, record, with_model) for record in records]


def update_collection(kind: CollectionKind, collection_id: str, body: dict[str, Any]) -> None:
    require_collection(kind, collection_id)
    changes = metadata_changes(body)
    if not face_collections.update_collection(kind.name, collection_id, changes):
        raise kind.not_found()


def delete_collection(kind: CollectionKind, collection_id: str) -> None:
    """Delete a collection and everything under it; repeating it finishes an interrupted delete."""
    if not is_collection_id(collection_id):
        raise kind.invalid_path_id()
    record = face_collections.read_collection(kind.name, collection_id)
    if record is None:
        raise kind.not_found()
    if not record.deleting:
        ensure_not_training(kind, collection_id)
        face_collections.mark_deleting(kind.name, collection_id)
    _remove_everything(kind, collection_id)


def _remove_everything(kind: CollectionKind, collection_id: str) -> None:
    """Everything under a collection marked ``deleting``, then the collection row itself."""
    delete_training(kind.name, collection_id)
    face_members.delete_members(kind.name, collection_id)
    delete_index_blobs(kind.name, collection_id)
    with azure_errors():
        face_collections.remove_collection(kind.name, collection_id)
