"""What storage reports when a read or write cannot be done as asked, in storage terms.

The services catch these and answer with the Azure error the client should
see; storage itself knows nothing of HTTP statuses or error codes.
"""

from __future__ import annotations


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
