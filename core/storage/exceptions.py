"""What storage reports when a read or write cannot be done as asked, in storage terms.

The services catch these and answer with the Azure error the client should
see; storage itself knows nothing of HTTP statuses or error codes.
"""

from __future__ import annotations

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError


class StorageError(Exception):
    """A storage operation could not be done as asked."""


class NotFound(StorageError):
    """A row or blob the operation needs does not exist (e.g. the person a face is added to)."""


class AlreadyExists(StorageError):
    """A row to be created exists already."""


class QuotaReached(StorageError):
    """A counting row is at its limit: the write would count more members than allowed."""


class WriteConflict(StorageError):
    """A conditional write found its row changed (or appeared, or vanished) since it was read."""


class TooManyConflicts(StorageError):
    """A write lost to concurrent writers on every attempt it was allowed."""


def storage_unreachable(error: BaseException) -> bool:
    """True when ``error``, or an error it was raised from, says the storage account is unreachable:
    no connection, no answer in time, or a 5xx from the service itself."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ServiceRequestError | ServiceResponseError):
            return True
        if isinstance(current, HttpResponseError) and (current.status_code or 0) >= 500:
            return True
        current = current.__cause__ or current.__context__
    return False
