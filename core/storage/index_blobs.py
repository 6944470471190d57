"""The ``trainedindexes`` container: one blob per successful training.

Each training writes a new blob ``{kind}/{collectionId}/{trainingId}.index``; the
training status row names the current one, and older blobs are removed once
the status points at the new one. A blob is never changed after it is
written, so a reader that keeps a copy can revalidate it with a conditional
read on its ETag instead of downloading it again.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import ContainerClient

from core.storage.blobs import PARALLEL_RANGES, download_if_modified
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
    return f"{index_prefix(kind, collection_id)}{training_id}.index"


def save_index(name: str, data: bytes) -> None:
    _container().upload_blob(name, data, overwrite=True, max_concurrency=PARALLEL_RANGES)


def read_index_blob(name: str, known_etag: str | None = None) -> IndexBlob | None:
    """The blob ``name``; None when the reader's copy, read with ``known_etag``, is still current.

    Raises ``NotFound`` when the blob does not exist (e.g. a newer training has just replaced it).
    """
    try:
        read = download_if_modified(_container().get_blob_client(name), known_etag)
    except ResourceNotFoundError as error:
        raise NotFound() from error
    if read is None:
        return None
    data, etag = read
    return IndexBlob(name, etag, data)


def delete_index_blob(name: str) -> None:
    with suppress(ResourceNotFoundError):
        _container().delete_blob(name)


def delete_index_blobs(kind: str, collection_id: str, keep: str | None = None) -> None:
    """Delete the collection's index blobs, except ``keep``."""
    for blob in _container().list_blobs(name_starts_with=index_prefix(kind, collection_id)):
        if blob.name != keep:
            delete_index_blob(blob.name)
