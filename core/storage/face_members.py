"""The ``facemembers`` table: the persons and persisted faces of every collection.

One partition per collection, ``{kind}:{collectionId}``, so each listing is a
single-partition range query:

- ``head``: the number of persons (groups) or faces (lists) in the collection;
- ``person:{personId}``: name, userData and the ordered ``persistedFaceIds``;
- ``face:{personId}:{persistedFaceId}`` (groups) or ``face:{persistedFaceId}``
  (lists): userData, the face rectangle, the recognition model and the 128-D
  feature as a binary property. Images are never stored.

Every quota-affecting write is one entity-group transaction: the counting row
(``head`` for persons and list faces, the person row for a person's faces) is
replaced under ``If-Match`` together with the insert or delete of the member
row. A person's listed ``persistedFaceIds`` are the truth: face rows left by an
interrupted person delete are never read and go with the collection. The
limits are the caller's: a write that would pass one raises ``QuotaReached``,
and one that keeps losing to concurrent writers ``TooManyConflicts``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from core.storage.clients import table
from core.storage.conditional import (
    MemberWriteFailed,
    etag_of,
    guarded_delete,
    guarded_replace,
    retry_on_conflict,
    submit_guarded,
)
from core.storage.exceptions import NotFound, QuotaReached
from core.storage.resources import MEMBERS_TABLE

HEAD_KEY = "head"
PERSON_PREFIX = "person:"
FACE_PREFIX = "face:"
TRANSACTION_SIZE = 100

Box = tuple[int, int, int, int]
"""A face rectangle as stored: left, top, width and height in pixels."""


@dataclass(frozen=True)
class PersonRecord:
    person_id: str
    name: str | None
    user_data: str | None
    persisted_face_ids: tuple[str, ...]


@dataclass(frozen=True)
class NewFace:
    """A face about to be persisted: what detection and recognition produced, plus userData."""

    user_data: str | None
    rectangle: Box
    feature: bytes
    recognition_model: str


@dataclass(frozen=True)
class FaceRecord:
    persisted_face_id: str
    person_id: str | None
    user_data: str | None
    rectangle: Box
    recognition_model: str


def partition(kind: str, collection_id: str) -> str:
    """The partition of one collection's members: ``{kind}:{collectionId}``."""
    return f"{kind}:{collection_id}"


def person_key(person_id: str) -> str:
    return PERSON_PREFIX + person_id


def face_key(person_id: str | None, face_id: str) -> str:
    return f"{FACE_PREFIX}{person_id}:{face_id}" if person_id else FACE_PREFIX + face_id


def prefix_end(prefix: str) -> str:
    """The smallest key after every key starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _table() -> TableClient:
    return table(MEMBERS_TABLE)


def _get(partition_key: str, row_key: str) -> Any | None:
    try:
        return _table().get_entity(partition_key, row_key)
    except ResourceNotFoundError:
        return None


def _range(
    partition_key: str, prefix: str, after: str | None, top: int | None, select: list[str] | None = None
) -> Iterator[Any]:
    query = "PartitionKey eq @pk and RowKey gt @low and RowKey lt @high"
    parameters = {"pk": partition_key, "low": prefix + (after or ""), "high": prefix_end(prefix)}
    page = min(top or 1000, 1000)
    entities = _table().query_entities(query, parameters=parameters, results_per_page=page, select=select)
    for found, entity in enumerate(entities, start=1):
        yield entity
        if top is not None and found >= top:
            return


def _head(partition_key: str) -> tuple[int, str | None]:
    entity = _get(partition_key, HEAD_KEY)
    return (0, None) if entity is None else (int(entity["count"]), etag_of(entity))


def _head_entity(partition_key: str, count: int) -> dict[str, Any]:
    return {"PartitionKey": partition_key, "RowKey": HEAD_KEY, "count": count}


def _person(entity: Any) -> PersonRecord:
    return PersonRecord(
        person_id=entity["RowKey"][len(PERSON_PREFIX) :],
        name=entity.get("name"),
        user_data=entity.get("userData"),
        persisted_face_ids=tuple(json.loads(entity.get("persistedFaceIds") or "[]")),
    )


def _person_entity(partition_key: str, person: PersonRecord) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": partition_key,
        "RowKey": person_key(person.person_id),
        "persistedFaceIds": json.dumps(list(person.persisted_face_ids)),
    }
    if person.name is not None:
        entity["name"] = person.name
    if person.user_data is not None:
        entity["userData"] = person.user_data
    return entity


def _face(entity: Any) -> FaceRecord:
    return FaceRecord(
        persisted_face_id=entity["RowKey"].rsplit(":", 1)[1],
        person_id=entity.get("personId"),
        user_data=entity.get("userData"),
        rectangle=(int(entity["left"]), int(entity["top"]), int(entity["width"]), int(entity["height"])),
        recognition_model=entity["recognitionModel"],
    )


def _face_entity(partition_key: str, person_id: str | None, face_id: str, face: NewFace) -> dict[str, Any]:
    left, top, width, height = face.rectangle
    entity: dict[str, Any] = {
        "PartitionKey": partition_key,
        "RowKey": face_key(person_id, face_id),
        "left": left,
        "top": top,
        "width": width,
        "height": height,
        "feature": face.feature,
        "recognitionModel": face.recognition_model,
    }
    if person_id:
        entity["personId"] = person_id
    if face.user_data is not None:
        entity["userData"] = face.user_data
    return entity


def create_person(kind: str, collection_id: str, name: str | None, user_data: str | None, limit: int) -> str:
    """Add a person, counting it against the group's ``limit``; returns the new personId.

    Raises ``QuotaReached`` when the group already counts ``limit`` persons.
    """
    partition_key = partition(kind, collection_id)
    person = PersonRecord(str(uuid.uuid4()), name, user_data, ())

    def attempt() -> None:
        count, etag = _head(partition_key)
        if count >= limit:
            raise QuotaReached()
        submit_guarded(
            _table(),
            [
                guarded_replace(_head_entity(partition_key, count + 1), etag),
                ("create", _person_entity(partition_key, person)),
            ],
        )

    retry_on_conflict(attempt)
    return person.person_id


def read_person(kind: str, collection_id: str, person_id: str) -> PersonRecord | None:
    entity = _get(partition(kind, collection_id), person_key(person_id))
    return None if entity is None else _person(entity)


def list_persons(kind: str, collection_id: str, start: str | None, top: int | None) -> list[PersonRecord]:
    return [_person(entity) for entity in _range(partition(kind, collection_id), PERSON_PREFIX, start, top)]


def update_person(kind: str, collection_id: str, person_id: str, changes: dict[str, Any]) -> bool:
    """Merge ``name``/``userData`` changes; False when the person does not exist."""
    if not changes:
        return read_person(kind, collection_id, person_id) is not None
    entity = {"PartitionKey": partition(kind, collection_id), "RowKey": person_key(person_id), **changes}
    try:
        _table().update_entity(entity, mode=UpdateMode.MERGE)
    except ResourceNotFoundError:
        return False
    return True


def delete_person(kind: str, collection_id: str, person_id: str) -> bool:
    """Uncount and delete the person (one transaction), then its face rows; False when absent."""
    partition_key = partition(kind, collection_id)

    def attempt() -> bool:
        entity = _get(partition_key, person_key(person_id))
        if entity is None:
            return False
        count, etag = _head(partition_key)
        submit_guarded(
            _table(),
            [
                guarded_replace(_head_entity(partition_key, max(count - 1, 0)), etag),
                guarded_delete(dict(entity), etag_of(entity)),
            ],
        )
        return True

    if not retry_on_conflict(attempt):
        return False
    prefix = f"{FACE_PREFIX}{person_id}:"
    _delete_rows(partition_key, [entity["RowKey"] for entity in _range(partition_key, prefix, None, None, ["RowKey"])])
    return True


def add_faces(kind: str, collection_id: str, person_id: str | None, faces: list[NewFace], limit: int) -> list[str]:
    """Persist ``faces`` on a person (``person_id``) or on a face list (None); returns their persistedFaceIds.

    The counting row (the person, or the list's head) and the face rows change
    in one transaction, so at most 99 faces at a time. Raises ``QuotaReached``
    when the counting row would count more than ``limit`` faces, ``NotFound``
    when the person does not exist.
    """
    if not 1 <= len(faces) < TRANSACTION_SIZE:
        raise ValueError(f"add 1 to {TRANSACTION_SIZE - 1} faces at a time")
    partition_key = partition(kind, collection_id)
    face_ids = [str(uuid.uuid4()) for _ in faces]
    rows = [
        ("create", _face_entity(partition_key, person_id, face_id, face))
        for face_id, face in zip(face_ids, faces, strict=True)
    ]

    def attempt() -> None:
        if person_id is None:
            count, etag = _head(partition_key)
            if count + len(faces) > limit:
                raise QuotaReached()
            counter = guarded_replace(_head_entity(partition_key, count + len(faces)), etag)
        else:
            entity = _get(partition_key, person_key(person_id))
            if entity is None:
                raise NotFound()
            person = _person(entity)
            if len(person.persisted_face_ids) + len(faces) > limit:
                raise QuotaReached()
            grown = PersonRecord(
                person.person_id, person.name, person.user_data, person.persisted_face_ids + tuple(face_ids)
            )
            counter = guarded_replace(_person_entity(partition_key, grown), etag_of(entity))
        submit_guarded(_table(), [counter, *rows])

    retry_on_conflict(attempt)
    return face_ids


def read_face(kind: str, collection_id: str, person_id: str | None, face_id: str) -> FaceRecord | None:
    entity = _get(partition(kind, collection_id), face_key(person_id, face_id))
    return None if entity is None else _face(entity)


def update_face(kind: str, collection_id: str, person_id: str | None, face_id: str, changes: dict[str, Any]) -> bool:
    """Merge ``userData`` changes into a face; False when the face does not exist."""
    if not changes:
        return read_face(kind, collection_id, person_id, face_id) is not None
    entity = {"PartitionKey": partition(kind, collection_id), "RowKey": face_key(person_id, face_id), **changes}
    try:
        _table().update_entity(entity, mode=UpdateMode.MERGE)
    except ResourceNotFoundError:
        return False
    return True


def delete_face(kind: str, collection_id: str, person_id: str | None, face_id: str) -> bool:
    """Uncount and delete one face (one transaction); False when it does not exist.

    Raises ``NotFound`` when the face's person does not exist.
    """
    partition_key = partition(kind, collection_id)
    row = {"PartitionKey": partition_key, "RowKey": face_key(person_id, face_id)}

    def attempt() -> bool:
        if person_id is None:
            if _get(partition_key, row["RowKey"]) is None:
                return False
            count, etag = _head(partition_key)
            counter = guarded_replace(_head_entity(partition_key, max(count - 1, 0)), etag)
        else:
            entity = _get(partition_key, person_key(person_id))
            if entity is None:
                raise NotFound()
            person = _person(entity)
            if face_id not in person.persisted_face_ids:
                return False
            shrunk = PersonRecord(
                person.person_id,
                person.name,
                person.user_data,
                tuple(known for known in person.persisted_face_ids if known != face_id),
            )
            counter = guarded_replace(_person_entity(partition_key, shrunk), etag_of(entity))
        try:
            submit_guarded(_table(), [counter, ("delete", row)])
        except MemberWriteFailed as failure:
            if failure.status == 404:
                return False
            raise
        return True

    return retry_on_conflict(attempt)


def list_faces(kind: str, collection_id: str, start: str | None, top: int | None) -> list[FaceRecord]:
    """A face list's faces with ids after ``start``, ascending."""
    return [
        _face(entity)
        for entity in _range(
            partition(kind, collection_id),
            FACE_PREFIX,
            start,
            top,
            ["RowKey", "personId", "userData", "left", "top", "width", "height", "recognitionModel"],
        )
    ]


def person_face_features(kind: str, collection_id: str, person: PersonRecord) -> list[bytes]:
    """The stored features of the faces a person lists, in one range query."""
    prefix = f"{FACE_PREFIX}{person.person_id}:"
    listed = set(person.persisted_face_ids)
    return [
        bytes(entity["feature"])
        for entity in _range(partition(kind, collection_id), prefix, None, None, ["RowKey", "feature"])
        if entity["RowKey"][len(prefix) :] in listed
    ]


def training_faces(kind: str, collection_id: str) -> list[tuple[str | None, str, bytes]]:
    """Every face to train on as ``(personId or None, persistedFaceId, feature bytes)``, in one partition scan.

    A face owned by a person counts only while its person lists it (face rows
    left by an interrupted person delete do not); a face list's faces have no
    owner and all count.
    """
    partition_key = partition(kind, collection_id)
    listed: set[str] = set()
    faces: list[tuple[str | None, str, bytes]] = []
    query = "PartitionKey eq @pk"
    for entity in _table().query_entities(
        query,
        parameters={"pk": partition_key},
        results_per_page=1000,
        select=["RowKey", "personId", "feature", "persistedFaceIds"],
    ):
        key = entity["RowKey"]
        if key.startswith(PERSON_PREFIX):
            listed.update(json.loads(entity.get("persistedFaceIds") or "[]"))
        elif key.startswith(FACE_PREFIX):
            faces.append((entity.get("personId"), key.rsplit(":", 1)[1], bytes(entity["feature"])))
    return [face for face in faces if face[0] is None or face[1] in listed]


def delete_members(kind: str, collection_id: str) -> None:
    """Delete every row of the collection's partition."""
    partition_key = partition(kind, collection_id)
    keys = [
        entity["RowKey"]
        for entity in _table().query_entities(
            "PartitionKey eq @pk", parameters={"pk": partition_key}, select=["RowKey"], results_per_page=1000
        )
    ]
    _delete_rows(partition_key, keys)


def _delete_rows(partition_key: str, row_keys: list[str]) -> None:
    for first in range(0, len(row_keys), TRANSACTION_SIZE):
        chunk = row_keys[first : first + TRANSACTION_SIZE]
        try:
            _table().submit_transaction([("delete", {"PartitionKey": partition_key, "RowKey": key}) for key in chunk])
        except TableTransactionError:
            for key in chunk:
                _table().delete_entity(partition_key, key)
