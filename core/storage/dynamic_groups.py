"""The ``dynamicgroups`` and ``dynamicgroupmembers`` tables: DynamicPersonGroups and who is in them.

``dynamicgroups``: PartitionKey ``groups``, RowKey the dynamicPersonGroupId,
counted against the limit (``core.storage.counted_rows``). A row holds name,
userData, ``deleting`` (a group being deleted reads as gone and keeps its id
until its delete operation has finished), ``incarnation`` (fresh for each
group created under the id) and ``membersVersion``, a fresh value each time
the members change.

``dynamicgroupmembers``: PartitionKey the dynamicPersonGroupId, RowKey the
personId, field ``incarnation``: one row per member, so members list in
personId order. Only rows of the group's current incarnation are members: a
row written by a request that raced with the group's deletion can never make
someone a member of a group later created under the same id.

Invariant: a membership change writes its member rows first and the new
``membersVersion`` after them, so a reader that reads the version and then the
members never files an older member list under a newer version.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from core.storage.clients import table
from core.storage.counted_rows import COUNT_KEY, insert_counted, remove_counted
from core.storage.resources import DYNAMIC_GROUP_MEMBERS_TABLE, DYNAMIC_GROUPS_TABLE

PARTITION = "groups"
TRANSACTION_SIZE = 100


@dataclass(frozen=True)
class DynamicGroupRecord:
    group_id: str
    name: str
    user_data: str | None
    incarnation: str
    members_version: str
    deleting: bool = False


def _groups() -> TableClient:
    return table(DYNAMIC_GROUPS_TABLE)


def _members() -> TableClient:
    return table(DYNAMIC_GROUP_MEMBERS_TABLE)


def _record(entity: Any) -> DynamicGroupRecord:
    return DynamicGroupRecord(
        group_id=entity["RowKey"],
        name=entity["name"],
        user_data=entity.get("userData"),
        incarnation=entity["incarnation"],
        members_version=entity["membersVersion"],
        deleting=bool(entity.get("deleting", False)),
    )


def _entity(record: DynamicGroupRecord) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": PARTITION,
        "RowKey": record.group_id,
        "name": record.name,
        "incarnation": record.incarnation,
        "membersVersion": record.members_version,
        "deleting": record.deleting,
    }
    if record.user_data is not None:
        entity["userData"] = record.user_data
    return entity


def fresh_version() -> str:
    """A value never used before, for ``incarnation`` and ``membersVersion``."""
    return uuid.uuid4().hex


def insert_group(record: DynamicGroupRecord, limit: int) -> None:
    """Store a new group, counted: ``QuotaReached`` at ``limit`` groups, ``AlreadyExists`` for a taken id."""
    insert_counted(_groups(), _entity(record), limit)


def read_group(group_id: str) -> DynamicGroupRecord | None:
    """The stored row, including one marked ``deleting``."""
    try:
        return _record(_groups().get_entity(PARTITION, group_id))
    except ResourceNotFoundError:
        return None


def list_groups(start: str | None, top: int) -> list[DynamicGroupRecord]:
    """Live groups with ids after ``start``, ascending, at most ``top``."""
    query = "PartitionKey eq @pk and RowKey gt @low and RowKey lt @high and deleting eq false"
    parameters = {"pk": PARTITION, "low": start or "", "high": COUNT_KEY}
    found: list[DynamicGroupRecord] = []
    for entity in _groups().query_entities(query, parameters=parameters, results_per_page=min(top, 1000)):
        found.append(_record(entity))
        if len(found) >= top:
            break
    return found


def update_group(group_id: str, changes: dict[str, Any]) -> bool:
    """Merge changes (``name``, ``userData``, ``membersVersion``, ``deleting``); False when there is no row."""
    try:
        _groups().update_entity({"PartitionKey": PARTITION, "RowKey": group_id, **changes}, mode=UpdateMode.MERGE)
    except ResourceNotFoundError:
        return False
    return True


def remove_group(group_id: str) -> None:
    """Uncount and delete the group's row; nothing when it is gone already."""
    remove_counted(_groups(), PARTITION, group_id)


def add_members(group: DynamicGroupRecord, person_ids: Iterable[str]) -> None:
    """Make the persons members of this incarnation of the group (idempotent: upserts, 100 to a transaction)."""
    chosen = sorted(set(person_ids))
    for first in range(0, len(chosen), TRANSACTION_SIZE):
        rows = [
            {"PartitionKey": group.group_id, "RowKey": person_id, "incarnation": group.incarnation}
            for person_id in chosen[first : first + TRANSACTION_SIZE]
        ]
        _members().submit_transaction([("upsert", row) for row in rows])


def remove_member(group_id: str, person_id: str) -> None:
    """Delete the person's member row, whatever its incarnation; nothing when there is none."""
    try:
        _members().delete_entity(group_id, person_id)
    except ResourceNotFoundError:
        return


def is_member(group: DynamicGroupRecord, person_id: str) -> bool:
    try:
        entity = _members().get_entity(group.group_id, person_id)
    except ResourceNotFoundError:
        return False
    return bool(entity.get("incarnation") == group.incarnation)


def list_members(group: DynamicGroupRecord, start: str | None = None, top: int | None = None) -> list[str]:
    """The members' personIds after ``start``, ascending, at most ``top`` (all when None)."""
    query = "PartitionKey eq @pk and RowKey gt @low and incarnation eq @incarnation"
    parameters = {"pk": group.group_id, "low": start or "", "incarnation": group.incarnation}
    found: list[str] = []
    pages = 1000 if top is None else min(top, 1000)
    for entity in _members().query_entities(query, parameters=parameters, select=["RowKey"], results_per_page=pages):
        found.append(entity["RowKey"])
        if top is not None and len(found) >= top:
            break
    return found
