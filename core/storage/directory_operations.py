"""The ``directoryoperations`` table: the long-running operations of the PersonDirectory.

PartitionKey is the operationId, RowKey ``operation``. A row holds the status
(``notstarted``, ``running``, ``succeeded``, ``failed``), the times Azure
reports, the failure message and the job the queue function runs (its fields
as JSON). Every change is conditional on the row's ETag, so of two deliveries
of one job only one moves the status, and a terminal status is never changed
again: a repeated job finds its work done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from core.storage.clients import table
from core.storage.conditional import etag_of
from core.storage.exceptions import WriteConflict
from core.storage.resources import DIRECTORY_OPERATIONS_TABLE

ROW_KEY = "operation"
JOB_PART_CHARACTERS = 30_000
"""A job's JSON is stored in parts (``job``, ``job1``, ...) of at most this many characters: a string property
holds at most 32K characters, an entity 1 MB (which bounds a job at about 30 parts)."""
NOT_STARTED, RUNNING, SUCCEEDED, FAILED = "notstarted", "running", "succeeded", "failed"
TERMINAL = frozenset({SUCCEEDED, FAILED})


@dataclass(frozen=True)
class OperationRecord:
    """A long-running operation and the job that completes it."""

    operation_id: str
    status: str
    created: str
    job: dict[str, Any]
    last_action: str | None = None
    finished: str | None = None
    message: str | None = None
    etag: str | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def with_changes(self, **changes: Any) -> OperationRecord:
        return replace(self, **changes)


def _table() -> TableClient:
    return table(DIRECTORY_OPERATIONS_TABLE)


def _record(entity: Any) -> OperationRecord:
    return OperationRecord(
        operation_id=entity["PartitionKey"],
        status=entity["status"],
        created=entity["createdTime"],
        job=json.loads("".join(entity.get(name) or "" for name in _job_properties(entity)) or "{}"),
        last_action=entity.get("lastActionTime"),
        finished=entity.get("finishedTime"),
        message=entity.get("message"),
        etag=etag_of(entity),
    )


def _job_properties(entity: Any) -> list[str]:
    names = ["job"]
    while f"job{len(names)}" in entity:
        names.append(f"job{len(names)}")
    return names


def _job_parts(text: str) -> dict[str, str]:
    parts = [text[start : start + JOB_PART_CHARACTERS] for start in range(0, len(text), JOB_PART_CHARACTERS)]
    return {("job" if number == 0 else f"job{number}"): part for number, part in enumerate(parts or [""])}


def _entity(record: OperationRecord) -> dict[str, Any]:
    optional = {"lastActionTime": record.last_action, "finishedTime": record.finished, "message": record.message}
    return {
        "PartitionKey": record.operation_id,
        "RowKey": ROW_KEY,
        "status": record.status,
        "createdTime": record.created,
        **_job_parts(json.dumps(record.job, separators=(",", ":"))),
        **{name: value for name, value in optional.items() if value is not None},
    }


def insert_operation(record: OperationRecord) -> OperationRecord:
    metadata = _table().create_entity(_entity(record))
    return record.with_changes(etag=metadata["etag"])


def read_operation(operation_id: str) -> OperationRecord | None:
    try:
        return _record(_table().get_entity(operation_id, ROW_KEY))
    except ResourceNotFoundError:
        return None


def write_operation(record: OperationRecord) -> OperationRecord:
    """Replace the row if unchanged since ``record.etag`` was read; ``WriteConflict`` otherwise."""
    try:
        metadata = _table().update_entity(
            _entity(record), mode=UpdateMode.REPLACE, etag=record.etag, match_condition=MatchConditions.IfNotModified
        )
    except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError) as error:
        raise WriteConflict() from error
    return record.with_changes(etag=metadata["etag"])


def operations_created_before(moment: str) -> list[str]:
    """The ids of operations created before ``moment`` (an ISO timestamp), for the purge."""
    entities = _table().query_entities(
        "createdTime lt @moment", parameters={"moment": moment}, select=["PartitionKey"], results_per_page=1000
    )
    return [entity["PartitionKey"] for entity in entities]


def operations_not_started_since(moment: str) -> list[OperationRecord]:
    """The ``notstarted`` operations whose last action was before ``moment`` (an ISO timestamp)."""
    entities = _table().query_entities(
        "status eq @status and lastActionTime lt @moment",
        parameters={"status": NOT_STARTED, "moment": moment},
        results_per_page=1000,
    )
    return [_record(entity) for entity in entities]


def delete_operation(operation_id: str) -> None:
    _table().delete_entity(operation_id, ROW_KEY)
