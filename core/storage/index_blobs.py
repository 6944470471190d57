"""The ``trainedindexes`` container: one blob per successful training.

Each training writes a new blob ``{kind}/{collectionId}/{trainingId}.npz``; the
training status row names the current one, and older blobs are removed once
the status points at the new one. A blob is never changed after it is
written, so a reader that keeps a copy can revalidate it with a conditional
read on its ETag instead of downloading it again.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError, ResourceNotModifiedError
from azure.storage.blob import ContainerClient

from core.storage.clients import container
from core.storage.exceptions import NotFound
from core.storage.resources import INDEX_CONTAINER


@dataclass(frozen=True)
class IndexBlob:
    """A downloaded index blob: its name, the ETag it was read with and its bytes."""

    name: str
    etag: str
    data: bytes


def _container() -> ContainerClient:
    return container(INDEX_CONTAINER)


def index_prefix(kind: str, collection_id: str) -> str:
    return f"{kind}/{collection_id}/"


def index_blob_name(kind: str, collection_id: str, training_id: str) -> str:
    return f"{index_prefix(kind, collection_id)}{training_id}.npz"


def save_index(name: str, data: bytes) -> None:
    _container().upload_blob(name, data, overwrite=True)


def read_index_blob(name: str, known_etag: str | None = None) -> IndexBlob | None:
    """The blob ``name``; None when the reader's copy, read with ``known_etag``, is still current.

    With ``known_etag`` the read is a conditional GET (``If-None-Match``): an
    unchanged blob is not downloaded again. Azure answers such a read with
    304, Azurite with 412; both mean "unchanged". Raises ``NotFound`` when the
    blob does not exist (e.g. a newer training has just replaced it).
    """
    blob = _container().get_blob_client(name)
    try:
        if known_etag is None:
            download = blob.download_blob()
        else:
            try:
                download = blob.download_blob(etag=known_etag, match_condition=MatchConditions.IfModified)
            except (ResourceNotModifiedError, ResourceModifiedError):
                return None
        data = download.readall()
    except ResourceNotFoundError as error:
        raise NotFound() from error
    return IndexBlob(name, download.properties.etag, data)


def delete_index_blob(name: str) -> None:
    with suppress(ResourceNotFoundError):
        _container().delete_blob(name)


def delete_index_blobs(kind: str, collection_id: str, keep: str | None = None) -> None:
    """Delete the collection's index blobs, except ``keep``."""
    for blob in _container().list_blobs(name_starts_with=index_prefix(kind, collection_id)):
        if blob.name != keep:
            delete_index_blob(blob.name)
