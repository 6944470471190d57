"""The ``directorypersons`` table: the persons of the PersonDirectory, one partition for all of them.

PartitionKey ``persons``, RowKey the personId, so listing in personId order is
one range query. The row ``~count`` counts the persons (``~`` sorts after
every personId); creating and removing a person change it in the same
entity-group transaction, under its ETag, so the limit holds under concurrent
writers. A person being deleted keeps its row, marked ``deleting``, until the
delete operation has removed everything of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from core.storage.clients import table
from core.storage.counted_rows import COUNT_KEY, insert_counted, remove_counted
from core.storage.resources import DIRECTORY_PERSONS_TABLE

PARTITION = "persons"


@dataclass(frozen=True)
class DirectoryPersonRecord:
    person_id: str
    name: str
    user_data: str | None
    created: str
    deleting: bool = False


def _table() -> TableClient:
    return table(DIRECTORY_PERSONS_TABLE)


def _record(entity: Any) -> DirectoryPersonRecord:
    return DirectoryPersonRecord(
        person_id=entity["RowKey"],
        name=entity["name"],
        user_data=entity.get("userData"),
        created=entity["createdDateTime"],
        deleting=bool(entity.get("deleting", False)),
    )


def _entity(record: DirectoryPersonRecord) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": PARTITION,
        "RowKey": record.person_id,
        "name": record.name,
        "createdDateTime": record.created,
        "deleting": record.deleting,
    }
    if record.user_data is not None:
        entity["userData"] = record.user_data
    return entity


def insert_person(record: DirectoryPersonRecord, limit: int) -> None:
    """Store a new person, counted; ``QuotaReached`` when ``limit`` persons are stored already."""
    insert_counted(_table(), _entity(record), limit)


def read_person(person_id: str) -> DirectoryPersonRecord | None:
    """The stored row, including one marked ``deleting``."""
    try:
        return _record(_table().get_entity(PARTITION, person_id))
    except ResourceNotFoundError:
        return None


def list_persons(start: str | None, top: int) -> list[DirectoryPersonRecord]:
    """Live persons with ids after ``start``, ascending, at most ``top``."""
    query = "PartitionKey eq @pk and RowKey gt @low and RowKey lt @high and deleting eq false"
    parameters = {"pk": PARTITION, "low": start or "", "high": COUNT_KEY}
    found: list[DirectoryPersonRecord] = []
    for entity in _table().query_entities(query, parameters=parameters, results_per_page=min(top, 1000)):
        found.append(_record(entity))
        if len(found) >= top:
            break
    return found


def update_person(person_id: str, changes: dict[str, Any]) -> bool:
    """Merge ``name``/``userData`` changes; False when the person does not exist."""
    try:
        _table().update_entity({"PartitionKey": PARTITION, "RowKey": person_id, **changes}, mode=UpdateMode.MERGE)
    except ResourceNotFoundError:
        return False
    return True


def mark_deleting(person_id: str) -> bool:
    """Mark the person ``deleting`` (it reads as gone from then on); False when it does not exist."""
    return update_person(person_id, {"deleting": True})


def remove_person(person_id: str) -> None:
    """Uncount and delete the person's row, in one transaction; nothing when it is gone already."""
    remove_counted(_table(), PARTITION, person_id)
