"""Storage failures as the Azure errors clients see.

Storage reports in its own terms (``core.storage.exceptions``), and one storage
failure means different things in different places: a full counting row is
the collection quota of a kind, the person or face quota of a collection, or
the face quota of a person. So each service call that can meet one names the
Azure error it means there. Losing to concurrent writers on every allowed
attempt is always 409 ``ConcurrentOperationConflict``; a failure the caller
did not name is not expected there and propagates unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import FaceError, concurrent_operation_conflict, service_unavailable
from core.storage.exceptions import (
    AlreadyExists,
    NotFound,
    QuotaReached,
    StorageError,
    TooManyConflicts,
    storage_unreachable,
)

OUTAGE_RETRY_AFTER_SECONDS = 5
"""What a 503 asks clients to wait: storage clients give up within about a second, outages last longer."""


@contextmanager
def azure_errors(
    quota: FaceError | None = None, missing: FaceError | None = None, exists: FaceError | None = None
) -> Iterator[None]:
    """Raise ``quota`` for ``QuotaReached``, ``missing`` for ``NotFound``, ``exists`` for ``AlreadyExists``."""
    meanings: dict[type[StorageError], FaceError | None] = {
        QuotaReached: quota,
        NotFound: missing,
        AlreadyExists: exists,
        TooManyConflicts: concurrent_operation_conflict(),
    }
    try:
        yield
    except StorageError as failure:
        error = meanings.get(type(failure))
        if error is None:
            raise
        raise error from None


def outage_error(error: BaseException) -> FaceError | None:
    """The retryable 503 a failure means when storage could not be reached, or None for any other failure.

    Any operation may meet an outage at any storage call, so the HTTP layer asks
    this of every failure that is not already an Azure error.
    """
    return service_unavailable(OUTAGE_RETRY_AFTER_SECONDS) if storage_unreachable(error) else None
