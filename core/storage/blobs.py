"""Reading a blob only when it changed: the conditional read both index containers use.

``PARALLEL_RANGES`` is how many ranges of a large blob are uploaded (a trained
index, a segment) or downloaded into a file (a segment) at once. A blob read
into memory here is downloaded by one thread: downloading its ranges on
several threads leaves their buffers in the threads' heap arenas for the life
of the process (see README, "Stored index form").
"""

from __future__ import annotations

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotModifiedError
from azure.storage.blob import BlobClient

PARALLEL_RANGES = 8


def download_if_modified(blob: BlobClient, known_etag: str | None) -> tuple[bytes, str] | None:
    """The blob's bytes and ETag; None when the reader's copy, read with ``known_etag``, is still current.

    With ``known_etag`` the read is a conditional GET (``If-None-Match``): an
    unchanged blob is not downloaded again. Azure answers such a read with 304,
    Azurite with 412; both mean "unchanged". A missing blob raises the SDK's
    ``ResourceNotFoundError`` for the caller to name.
    """
    if known_etag is None:
        download = blob.download_blob()
    else:
        try:
            download = blob.download_blob(etag=known_etag, match_condition=MatchConditions.IfModified)
        except (ResourceNotModifiedError, ResourceModifiedError):
            return None
    return download.readall(), download.properties.etag
