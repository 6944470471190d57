"""Rows counted against a limit: one partition holds the rows and a ``~count`` row that counts them.

``~`` sorts after every id the service stores (collection ids, personIds,
dynamicPersonGroupIds), so id-range listings never meet the count row.
Inserting or removing a row changes the count in the same entity-group
transaction, under the count row's ETag, so a limit holds under concurrent
writers (``core.storage.conditional``).
"""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient

from core.storage.conditional import (
    MemberWriteFailed,
    etag_of,
    guarded_delete,
    guarded_replace,
    retry_on_conflict,
    submit_guarded,
)
from core.storage.exceptions import AlreadyExists, QuotaReached

COUNT_KEY = "~count"


def _count(table: TableClient, partition: str) -> tuple[int, str | None]:
    try:
        entity = table.get_entity(partition, COUNT_KEY)
    except ResourceNotFoundError:
        return 0, None
    return int(entity["count"]), etag_of(entity)


def _count_entity(partition: str, count: int) -> dict[str, Any]:
    return {"PartitionKey": partition, "RowKey": COUNT_KEY, "count": count}


def insert_counted(table: TableClient, entity: dict[str, Any], limit: int) -> None:
    """Create ``entity`` and count it in its partition.

    Raises ``QuotaReached`` when the partition counts ``limit`` rows already,
    ``AlreadyExists`` when the row exists, ``TooManyConflicts`` when concurrent
    writers keep changing the count.
    """
    partition = entity["PartitionKey"]

    def attempt() -> None:
        count, etag = _count(table, partition)
        if count >= limit:
            raise QuotaReached()
        try:
            submit_guarded(table, [guarded_replace(_count_entity(partition, count + 1), etag), ("create", entity)])
        except MemberWriteFailed as failure:
            if failure.status == 409:
                raise AlreadyExists() from None
            raise

    retry_on_conflict(attempt)


def remove_counted(table: TableClient, partition: str, row_key: str) -> None:
    """Delete a row and uncount it (one transaction); nothing happens when it is gone already."""

    def attempt() -> None:
        try:
            entity = table.get_entity(partition, row_key)
        except ResourceNotFoundError:
            return
        count, etag = _count(table, partition)
        submit_guarded(
            table,
            [
                guarded_replace(_count_entity(partition, max(count - 1, 0)), etag),
                guarded_delete(dict(entity), etag_of(entity)),
            ],
        )

    retry_on_conflict(attempt)
