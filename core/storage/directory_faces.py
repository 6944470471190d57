"""The ``directoryfaces`` table: everything of one directory person but its name, in the person's partition.

PartitionKey is the personId. Rows:

- ``person``: the guard. It counts the person's faces per recognition model
  (``counts``, JSON) and says when the person is ``deleting``. Adding or
  deleting a face is ONE entity-group transaction that replaces the guard
  under its ETag together with the insert or delete of the face row, so the
  per-model limit holds under concurrent writers and no face is added to a
  person being deleted (marking the guard changes its ETag).
- ``face:{recognitionModel}:{persistedFaceId}``: the 128-D feature (binary),
  rectangle, userData, the id of the operation that adds it, and ``indexed``
  once that operation has made it searchable.
- ``group:{dynamicPersonGroupId}``: the person's reference to a dynamic group.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from core.storage.clients import table
from core.storage.conditional import MemberWriteFailed, etag_of, guarded_replace, retry_on_conflict, submit_guarded
from core.storage.exceptions import NotFound, QuotaReached
from core.storage.resources import DIRECTORY_FACES_TABLE

GUARD_KEY = "person"
FACE_PREFIX = "face:"
GROUP_PREFIX = "group:"
TRANSACTION_SIZE = 100
FACE_FIELDS = ["RowKey", "userData", "left", "top", "width", "height", "operationId", "indexed"]

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class NewDirectoryFace:
    """A described face about to be stored on a person, and the operation that will index it."""

    recognition_model: str
    user_data: str | None
    rectangle: Box
    feature: bytes
    operation_id: str


@dataclass(frozen=True)
class DirectoryFaceRecord:
    persisted_face_id: str
    recognition_model: str
    user_data: str | None
    rectangle: Box
    operation_id: str
    indexed: bool


def _table() -> TableClient:
    return table(DIRECTORY_FACES_TABLE)


def face_key(recognition_model: str, face_id: str) -> str:
    return f"{FACE_PREFIX}{recognition_model}:{face_id}"


def _prefix_end(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _range(person_id: str, prefix: str, after: str | None = None, select: list[str] | None = None) -> Iterator[Any]:
    query = "PartitionKey eq @pk and RowKey gt @low and RowKey lt @high"
    parameters = {"pk": person_id, "low": prefix + (after or ""), "high": _prefix_end(prefix)}
    return iter(_table().query_entities(query, parameters=parameters, results_per_page=1000, select=select))


def _guard(person_id: str) -> Any | None:
    try:
        return _table().get_entity(person_id, GUARD_KEY)
    except ResourceNotFoundError:
        return None


def _guard_entity(person_id: str, counts: dict[str, int], deleting: bool) -> dict[str, Any]:
    return {"PartitionKey": person_id, "RowKey": GUARD_KEY, "counts": json.dumps(counts), "deleting": deleting}


def _counts(guard: Any) -> dict[str, int]:
    return {model: int(count) for model, count in json.loads(guard.get("counts") or "{}").items()}


def _face(entity: Any) -> DirectoryFaceRecord:
    _, model, face_id = entity["RowKey"].split(":", 2)
    return DirectoryFaceRecord(
        persisted_face_id=face_id,
        recognition_model=model,
        user_data=entity.get("userData"),
        rectangle=(int(entity["left"]), int(entity["top"]), int(entity["width"]), int(entity["height"])),
        operation_id=entity["operationId"],
        indexed=bool(entity.get("indexed", False)),
    )


def create_guard(person_id: str) -> None:
    """The guard row of a new person: no faces yet."""
    _table().upsert_entity(_guard_entity(person_id, {}, False), mode=UpdateMode.REPLACE)


def mark_guard_deleting(person_id: str) -> None:
    """Refuse further face writes on the person (concurrent ones see the guard changed and re-read it)."""
    try:
        _table().update_entity(
            {"PartitionKey": person_id, "RowKey": GUARD_KEY, "deleting": True}, mode=UpdateMode.MERGE
        )
    except ResourceNotFoundError:
        return


def face_models(person_id: str) -> list[str]:
    """The recognition models under which the person has (or had) faces."""
    guard = _guard(person_id)
    return [] if guard is None else sorted(_counts(guard))


def add_face(person_id: str, face_id: str, face: NewDirectoryFace, limit: int) -> None:
    """Store a face on a live person; ``NotFound`` when the person is missing or being deleted,
    ``QuotaReached`` when it has ``limit`` faces of the model already."""
    left, top, width, height = face.rectangle
    row: dict[str, Any] = {
        "PartitionKey": person_id,
        "RowKey": face_key(face.recognition_model, face_id),
        "left": left,
        "top": top,
        "width": width,
        "height": height,
        "feature": face.feature,
        "operationId": face.operation_id,
        "indexed": False,
    }
    if face.user_data is not None:
        row["userData"] = face.user_data

    def attempt() -> None:
        guard = _guard(person_id)
        if guard is None or guard.get("deleting"):
            raise NotFound()
        counts = _counts(guard)
        if counts.get(face.recognition_model, 0) >= limit:
            raise QuotaReached()
        counts[face.recognition_model] = counts.get(face.recognition_model, 0) + 1
        submit_guarded(
            _table(), [guarded_replace(_guard_entity(person_id, counts, False), etag_of(guard)), ("create", row)]
        )

    retry_on_conflict(attempt)


def delete_face(person_id: str, recognition_model: str, face_id: str) -> DirectoryFaceRecord | None:
    """Uncount and delete a face (one transaction); the deleted face, or None when there was none.

    Raises ``NotFound`` when the person is missing or being deleted.
    """
    key = face_key(recognition_model, face_id)

    def attempt() -> DirectoryFaceRecord | None:
        guard = _guard(person_id)
        if guard is None or guard.get("deleting"):
            raise NotFound()
        try:
            entity = _table().get_entity(person_id, key, select=FACE_FIELDS)
        except ResourceNotFoundError:
            return None
        counts = _counts(guard)
        counts[recognition_model] = max(counts.get(recognition_model, 0) - 1, 0)
        try:
            submit_guarded(
                _table(),
                [
                    guarded_replace(_guard_entity(person_id, counts, False), etag_of(guard)),
                    ("delete", {"PartitionKey": person_id, "RowKey": key}),
                ],
            )
        except MemberWriteFailed as failure:
            if failure.status == 404:
                return None
            raise
        return _face(entity)

    return retry_on_conflict(attempt)


def read_face(person_id: str, recognition_model: str, face_id: str) -> DirectoryFaceRecord | None:
    try:
        return _face(_table().get_entity(person_id, face_key(recognition_model, face_id), select=FACE_FIELDS))
    except ResourceNotFoundError:
        return None


def read_feature(person_id: str, recognition_model: str, face_id: str) -> bytes | None:
    try:
        entity = _table().get_entity(person_id, face_key(recognition_model, face_id), select=["feature"])
    except ResourceNotFoundError:
        return None
    return bytes(entity["feature"])


def list_faces(person_id: str, recognition_model: str) -> list[DirectoryFaceRecord]:
    """The person's faces of one model, ascending by persistedFaceId."""
    return [_face(entity) for entity in _range(person_id, f"{FACE_PREFIX}{recognition_model}:", select=FACE_FIELDS)]


def indexed_features(person_id: str, recognition_model: str) -> list[bytes]:
    """The features of the person's faces of one model whose add operation has made them searchable."""
    return [
        bytes(entity["feature"])
        for entity in _range(person_id, f"{FACE_PREFIX}{recognition_model}:", select=["feature", "indexed"])
        if entity.get("indexed")
    ]


def update_face(person_id: str, recognition_model: str, face_id: str, changes: dict[str, Any]) -> bool:
    """Merge changes into a face row; False when it does not exist."""
    entity = {"PartitionKey": person_id, "RowKey": face_key(recognition_model, face_id), **changes}
    try:
        _table().update_entity(entity, mode=UpdateMode.MERGE)
    except ResourceNotFoundError:
        return False
    return True


def add_reference(person_id: str, group_id: str) -> None:
    _table().upsert_entity({"PartitionKey": person_id, "RowKey": GROUP_PREFIX + group_id})


def remove_reference(person_id: str, group_id: str) -> None:
    try:
        _table().delete_entity(person_id, GROUP_PREFIX + group_id)
    except ResourceNotFoundError:
        return


def list_references(person_id: str, start: str | None, top: int | None) -> list[str]:
    """The ids of the dynamic groups that reference the person, after ``start``, ascending."""
    found: list[str] = []
    for entity in _range(person_id, GROUP_PREFIX, start, ["RowKey"]):
        found.append(entity["RowKey"][len(GROUP_PREFIX) :])
        if top is not None and len(found) >= top:
            break
    return found


def delete_partition(person_id: str) -> None:
    """Delete every row of the person: faces, references, the guard last."""
    keys = [
        entity["RowKey"]
        for entity in _table().query_entities(
            "PartitionKey eq @pk", parameters={"pk": person_id}, select=["RowKey"], results_per_page=1000
        )
        if entity["RowKey"] != GUARD_KEY
    ]
    for first in range(0, len(keys), TRANSACTION_SIZE):
        chunk = keys[first : first + TRANSACTION_SIZE]
        try:
            _table().submit_transaction([("delete", {"PartitionKey": person_id, "RowKey": key}) for key in chunk])
        except TableTransactionError:
            for key in chunk:
                try:
                    _table().delete_entity(person_id, key)
                except ResourceNotFoundError:
                    continue
    try:
        _table().delete_entity(person_id, GUARD_KEY)
    except ResourceNotFoundError:
        return
