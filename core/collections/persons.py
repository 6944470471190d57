"""Persons of PersonGroups and LargePersonGroups: create, get, list, update and delete."""

from __future__ import annotations

from typing import Any

from core.collections.fields import Paging, metadata_changes, new_metadata
from core.collections.kinds import CollectionKind, person_not_found
from core.collections.lookup import ensure_not_training, require_collection, require_person
from core.storage import face_members
from core.storage.face_members import PersonRecord


def create_person(kind: CollectionKind, collection_id: str, body: dict[str, Any]) -> str:
    """Add a person; returns its personId."""
    require_collection(kind, collection_id)
    name, user_data = new_metadata(body)
    ensure_not_training(kind, collection_id)
    return face_members.create_person(kind, collection_id, name, user_data)


def get_person(kind: CollectionKind, collection_id: str, person_id: str) -> PersonRecord:
    require_collection(kind, collection_id)
    return require_person(kind, collection_id, person_id)


def list_persons(kind: CollectionKind, collection_id: str, paging: Paging) -> list[PersonRecord]:
    require_collection(kind, collection_id)
    return face_members.list_persons(kind, collection_id, paging.start, paging.top)


def update_person(kind: CollectionKind, collection_id: str, person_id: str, body: dict[str, Any]) -> None:
    require_collection(kind, collection_id)
    person = require_person(kind, collection_id, person_id)
    if not face_members.update_person(kind, collection_id, person.person_id, metadata_changes(body)):
        raise person_not_found()


def delete_person(kind: CollectionKind, collection_id: str, person_id: str) -> None:
    require_collection(kind, collection_id)
    person = require_person(kind, collection_id, person_id)
    ensure_not_training(kind, collection_id)
    if not face_members.delete_person(kind, collection_id, person.person_id):
        raise person_not_found()
