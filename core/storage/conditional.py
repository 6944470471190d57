"""Optimistic concurrency for Table Storage: ETag-guarded transactions with bounded, jittered retries.

A quota-affecting write reads its counting row (a collection count, a person's
face list), then submits ONE entity-group transaction whose first operation
replaces that row under ``If-Match`` (or creates it when it did not exist) and
whose other operations insert or delete the member rows. Losing the race makes
the first operation fail; the whole write is then read and tried again, a
bounded number of times, before ``TooManyConflicts`` gives up (the services
answer ``ConcurrentOperationConflict``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from azure.core import MatchConditions
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from core import limits
from core.storage.exceptions import TooManyConflicts, WriteConflict

T = TypeVar("T")
Operation = tuple[Any, ...]

RACE_STATUSES = frozenset({404, 409, 412})


class MemberWriteFailed(Exception):
    """A member operation of a transaction failed (e.g. the row already exists)."""

    def __init__(self, index: int, status: int | None) -> None:
        super().__init__(f"operation {index} failed with status {status}")
        self.index = index
        self.status = status


def retry_on_conflict(attempt: Callable[[], T]) -> T:
    """Run ``attempt`` until it does not raise ``WriteConflict``; ``TooManyConflicts`` after the limit."""
    for number in range(limits.WRITE_CONFLICT_ATTEMPTS):
        try:
            return attempt()
        except WriteConflict:
            ceiling = min(limits.WRITE_CONFLICT_MAX_BACKOFF_SECONDS, limits.WRITE_CONFLICT_BACKOFF_SECONDS * 2**number)
            time.sleep(random.uniform(0, ceiling))
    raise TooManyConflicts()


def guarded_replace(entity: dict[str, Any], etag: str | None) -> Operation:
    """Replace ``entity`` if unchanged since it was read with ``etag``; create it when there was none."""
    if etag is None:
        return ("create", entity)
    options = {"mode": UpdateMode.REPLACE, "etag": etag, "match_condition": MatchConditions.IfNotModified}
    return ("update", entity, options)


def guarded_delete(entity: dict[str, Any], etag: str) -> Operation:
    return ("delete", entity, {"etag": etag, "match_condition": MatchConditions.IfNotModified})


def submit_guarded(table: TableClient, operations: list[Operation]) -> None:
    """Submit one transaction whose first operation is the guarded counting row.

    Raises ``WriteConflict`` when a guarded row changed (or the counting row
    appeared or vanished) since it was read, ``MemberWriteFailed`` when
    another operation failed.
    """
    try:
        table.submit_transaction(operations)
    except TableTransactionError as error:
        index = getattr(error, "index", 0) or 0
        if error.status_code == 412 or (index == 0 and error.status_code in RACE_STATUSES):
            raise WriteConflict() from error
        raise MemberWriteFailed(index, error.status_code) from error


def etag_of(entity: Any) -> str:
    return entity.metadata["etag"]
