"""Persons of PersonGroups and LargePersonGroups: create, get, list, update and delete."""

from __future__ import annotations

from typing import Any

from core.collections.bodies import person_body
from core.collections.failures import azure_errors
from core.collections.fields import Paging, metadata_changes, new_metadata
from core.collections.kinds import CollectionKind, person_not_found
from core.collections.lookup import ensure_not_training, require_collection, require_person
from core.storage import face_members


def create_person(kind: CollectionKind, collection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Add a person, counted against the group's person limit; answers ``{"personId": ...}``."""
    require_collection(kind, collection_id)
    name, user_data = new_metadata(body)
    ensure_not_training(kind, collection_id)
    with azure_errors(quota=kind.member_quota_exceeded()):
        person_id = face_members.create_person(kind.name, collection_id, name, user_data, kind.member_limit)
    return {"personId": person_id}


def get_person(kind: CollectionKind, collection_id: str, person_id: str) -> dict[str, Any]:
    require_collection(kind, collection_id)
    return person_body(require_person(kind, collection_id, person_id))


def list_persons(kind: CollectionKind, collection_id: str, paging: Paging) -> list[dict[str, Any]]:
    require_collection(kind, collection_id)
    return [
        person_body(person) for person in face_members.list_persons(kind.name, collection_id, paging.start, paging.top)
    ]


def update_person(kind: CollectionKind, collection_id: str, person_id: str, body: dict[str, Any]) -> None:
    require_collection(kind, collection_id)
    person = require_person(kind, collection_id, person_id)
    if not face_members.update_person(kind.name, collection_id, person.person_id, metadata_changes(body)):
        raise person_not_found()


def delete_person(kind: CollectionKind, collection_id: str, person_id: str) -> None:
    require_collection(kind, collection_id)
    person = require_person(kind, collection_id, person_id)
    ensure_not_training(kind, collection_id)
    with azure_errors():
        deleted = face_members.delete_person(kind.name, collection_id, person.person_id)
    if not deleted:
        raise person_not_found()
