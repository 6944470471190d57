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

from core.errors import FaceError, concurrent_operation_conflict
from core.storage.exceptions import AlreadyExists, NotFound, QuotaReached, StorageError, TooManyConflicts


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
