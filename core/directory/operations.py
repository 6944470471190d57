"""Long-running operations of the PersonDirectory: recording them, reporting them, moving their status.

Each 202 of the directory answers with an ``operation-Location`` naming one
operation. The request records it ``notstarted`` with its job before anything
else is written, and queues its id; the queue function moves it to
``running`` and then ``succeeded`` once its effect is visible everywhere, or
``failed`` with the reason. Status changes are conditional on the row's
ETag, and a terminal status is final, so a repeated message cannot move an
operation back.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from core import limits
from core.collections.bodies import present
from core.collections.fields import is_server_id
from core.errors import resource_not_found
from core.storage.conditional import retry_on_conflict
from core.storage.directory_operations import (
    FAILED,
    NOT_STARTED,
    RUNNING,
    SUCCEEDED,
    OperationRecord,
    delete_operation,
    insert_operation,
    operations_created_before,
    operations_not_started_since,
    read_operation,
    write_operation,
)
from core.storage.directory_queue import enqueue_operation
from core.storage.exceptions import WriteConflict
from core.timestamps import format_timestamp, parse_timestamp, utc_now

CAMEL_CASE_STATUS = {NOT_STARTED: "notStarted", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed"}


def new_operation(job: dict[str, Any]) -> OperationRecord:
    """Record a ``notstarted`` operation for ``job`` (not queued yet: see ``queue_operation``)."""
    now = utc_now()
    return insert_operation(OperationRecord(str(uuid.uuid4()), NOT_STARTED, now, job, last_action=now))


def queue_operation(record: OperationRecord) -> None:
    """Queue the operation's job; a failure to queue records the operation ``failed``."""
    try:
        enqueue_operation(record.operation_id)
    except Exception:
        finish(record.operation_id, FAILED, "The operation could not be queued.")
        raise


def completed_operation(job: dict[str, Any]) -> OperationRecord:
    """Record an operation whose effect the request itself has completed."""
    now = utc_now()
    return insert_operation(OperationRecord(str(uuid.uuid4()), SUCCEEDED, now, job, last_action=now, finished=now))


def operation_body(operation_id: str, camel_case: bool) -> dict[str, Any]:
    """``OperationResult``; 404 for an unknown, malformed or expired operationId. The times an operation has
    not reached and a message it never got are left out (see ``present``): the contract types them as
    strings, never null."""
    if not is_server_id(operation_id):
        raise resource_not_found()
    record = read_operation(operation_id.lower())
    if record is None or _expired(record):
        raise resource_not_found()
    return present(
        {
            "operationId": record.operation_id,
            "status": CAMEL_CASE_STATUS[record.status] if camel_case else record.status,
            "createdTime": record.created,
            "lastActionTime": record.last_action,
            "finishedTime": record.finished,
            "message": record.message,
        }
    )


def _expired(record: OperationRecord) -> bool:
    age = datetime.now(UTC) - parse_timestamp(record.created)
    return age.total_seconds() > limits.OPERATION_RETENTION_SECONDS


def start(operation_id: str) -> OperationRecord | None:
    """Mark the operation ``running``; None when it is unknown or already terminal (nothing left to do)."""

    def attempt() -> OperationRecord | None:
        record = read_operation(operation_id)
        if record is None or record.terminal:
            return None
        if record.status == RUNNING:
            return record
        return write_operation(record.with_changes(status=RUNNING, last_action=utc_now()))

    return retry_on_conflict(attempt)


def finish(operation_id: str, status: str, message: str | None = None) -> None:
    """Move the operation to ``succeeded`` or ``failed`` (once: a terminal status stays)."""

    def attempt() -> None:
        record = read_operation(operation_id)
        if record is None or record.terminal:
            return
        now = utc_now()
        write_operation(record.with_changes(status=status, last_action=now, finished=now, message=message))

    retry_on_conflict(attempt)


def is_settled(operation_id: str) -> bool:
    """True when the operation is terminal (or gone): its job will not run again."""
    record = read_operation(operation_id)
    return record is None or record.terminal


def requeue_stalled_operations() -> int:
    """Queue again every operation still ``notstarted`` ``DIRECTORY_STALE_SECONDS`` after its last action;
    returns how many.

    A request that crashed between recording an operation (and writing its
    state: a stored face, a person marked deleting, member rows) and queuing
    it leaves the operation ``notstarted`` with no message; its job, run now,
    completes it (every job is safe to run from any point, and more than
    once). Each re-queue first moves the operation's last action time under its
    ETag, so of several sweeping instances one queues it, and an operation
    merely waiting in a long queue is queued again at most once per period.
    """
    cutoff = format_timestamp(datetime.now(UTC) - timedelta(seconds=limits.DIRECTORY_STALE_SECONDS))
    queued = 0
    for record in operations_not_started_since(cutoff):
        try:
            write_operation(record.with_changes(last_action=utc_now()))
        except WriteConflict:
            continue  # another sweep, or the job itself, moved it first
        enqueue_operation(record.operation_id)
        queued += 1
    return queued


def purge_expired_operations() -> int:
    """Delete the operations older than their retention; returns how many."""
    cutoff = format_timestamp(datetime.now(UTC) - timedelta(seconds=limits.OPERATION_RETENTION_SECONDS))
    expired = operations_created_before(cutoff)
    for operation_id in expired:
        delete_operation(operation_id)
    return len(expired)
