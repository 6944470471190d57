"""The ``facecollections`` table: one row per collection, and one count row per kind.

PartitionKey is the kind (``persongroup``, ``largepersongroup``, ``facelist``,
``largefacelist``), RowKey the collection id. The row ``~count`` of each
partition counts the kind's collections; ``~`` sorts after every valid id, so
id-range listings never see it. Creating and removing a collection updates the
count in the same transaction. A collection being deleted keeps its row, marked
``deleting``, until everything under it is gone, so an interrupted delete can
be finished by trying again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from core.storage.clients import table
from core.storage.counted_rows import COUNT_KEY, insert_counted, remove_counted
from core.storage.resources import COLLECTIONS_TABLE


@dataclass(frozen=True)
class CollectionRecord:
    """A stored collection."""

    kind: str
    collection_id: str
    name: str
    user_data: str | None
    recognition_model: str
    created: str
    deleting: bool = False


def _table() -> TableClient:
    return table(COLLECTIONS_TABLE)


def _record(entity: Any) -> CollectionRecord:
    return CollectionRecord(
        kind=entity["PartitionKey"],
        collection_id=entity["RowKey"],
        name=entity["name"],
        user_data=entity.get("userData"),
        recognition_model=entity["recognitionModel"],
        created=entity["createdDateTime"],
        deleting=bool(entity.get("deleting", False)),
    )


def _entity(record: CollectionRecord) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": record.kind,
        "RowKey": record.collection_id,
        "name": record.name,
        "recognitionModel": record.recognition_model,
        "createdDateTime": record.created,
        "deleting": record.deleting,
    }
    if record.user_data is not None:
        entity["userData"] = record.user_data
    return entity


def read_collection(kind: str, collection_id: str) -> CollectionRecord | None:
    """The stored row, including one marked ``deleting``; None when there is none."""
    try:
        return _record(_table().get_entity(kind, collection_id))
    except ResourceNotFoundError:
        return None


def insert_collection(record: CollectionRecord, limit: int) -> None:
    """Store a new collection, counting it against the ``limit`` of its kind (one transaction).

    Raises ``QuotaReached`` when the kind already counts ``limit`` collections,
    ``AlreadyExists`` when the id is taken, ``TooManyConflicts`` when concurrent
    writers keep changing the count.
    """
    insert_counted(_table(), _entity(record), limit)


def update_collection(kind: str, collection_id: str, changes: dict[str, Any]) -> bool:
    """Merge ``changes`` (``name``, ``userData``) into the row; False when it does not exist."""
    if not changes:
        return read_collection(kind, collection_id) is not None
    try:
        _table().update_entity({"PartitionKey": kind, "RowKey": collection_id, **changes}, mode=UpdateMode.MERGE)
    except ResourceNotFoundError:
        return False
    return True


def mark_deleting(kind: str, collection_id: str) -> None:
    _table().update_entity({"PartitionKey": kind, "RowKey": collection_id, "deleting": True}, mode=UpdateMode.MERGE)


def remove_collection(kind: str, collection_id: str) -> None:
    """Delete the row and uncount it (one transaction); nothing happens when it is already gone."""
    remove_counted(_table(), kind, collection_id)


def list_collections(kind: str, start: str | None, top: int | None) -> list[CollectionRecord]:
    """Live collections of ``kind`` with ids after ``start``, ascending, at most ``top``."""
    query = "PartitionKey eq @kind and RowKey gt @start and RowKey lt @end and deleting eq false"
    parameters = {"kind": kind, "start": start or "", "end": COUNT_KEY}
    found: list[CollectionRecord] = []
    for entity in _table().query_entities(query, parameters=parameters, results_per_page=min(top or 1000, 1000)):
        found.append(_record(entity))
        if top is not None and len(found) >= top:
            break
    return found
