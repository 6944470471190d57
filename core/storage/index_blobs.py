"""The ``trainedindexes`` container: one blob per successful training, and the cached loader.

Each training writes a new blob ``{kind}/{collectionId}/{trainingId}.npz``; the
training status row names the current one, and older blobs are removed once
the status points at the new one. ``load_index`` is the query side's way in:
it keeps each collection's last index in memory and revalidates it with a
conditional GET on the blob's ETag (``If-None-Match``; Azure answers 304,
Azurite 412), so an unchanged index is not downloaded again. A downloaded
index is made ready to search (its quantised copy built) before it is cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError, ResourceNotModifiedError
from azure.storage.blob import ContainerClient

from core.search.exact import prepare_search
from core.search.index import TrainedIndex, index_from_bytes
from core.storage.clients import container
from core.storage.face_training import TrainingRecord, read_training
from core.storage.resources import INDEX_CONTAINER

CACHED_INDEXES = 16

_cache: OrderedDict[tuple[str, str], tuple[str, str, TrainedIndex]] = OrderedDict()
_cache_lock = threading.Lock()


def _container() -> ContainerClient:
    return container(INDEX_CONTAINER)


def index_prefix(kind: str, collection_id: str) -> str:
    return f"{kind}/{collection_id}/"


def index_blob_name(kind: str, collection_id: str, training_id: str) -> str:
    return f"{index_prefix(kind, collection_id)}{training_id}.npz"


def save_index(name: str, data: bytes) -> None:
    _container().upload_blob(name, data, overwrite=True)


def delete_index_blob(name: str) -> None:
    try:
        _container().delete_blob(name)
    except ResourceNotFoundError:
        pass


def delete_index_blobs(kind: str, collection_id: str, keep: str | None = None) -> None:
    """Delete the collection's index blobs, except ``keep``."""
    for blob in _container().list_blobs(name_starts_with=index_prefix(kind, collection_id)):
        if blob.name != keep:
            delete_index_blob(blob.name)


def load_index(kind: str, collection_id: str, training: TrainingRecord | None = None) -> TrainedIndex | None:
    """The collection's last successfully trained index; None when it was never trained successfully.

    ``training`` is the collection's status row when the caller has just read
    it; it is read again only if its index blob has been replaced meanwhile.
    """
    for attempt in range(2):
        if training is None or attempt:
            training = read_training(kind, collection_id)
        if training is None or training.index_blob is None:
            return None
        try:
            return _fetch(kind, collection_id, training.index_blob)
        except ResourceNotFoundError:
            continue
    return None


def _fetch(kind: str, collection_id: str, name: str) -> TrainedIndex:
    key = (kind, collection_id)
    with _cache_lock:
        cached = _cache.get(key)
    blob = _container().get_blob_client(name)
    if cached is not None and cached[0] == name:
        try:
            download = blob.download_blob(etag=cached[1], match_condition=MatchConditions.IfModified)
        except (ResourceNotModifiedError, ResourceModifiedError):
            with _cache_lock:
                _cache.move_to_end(key)
            return cached[2]
    else:
        download = blob.download_blob()
    index = index_from_bytes(download.readall())
    prepare_search(index)
    with _cache_lock:
        _cache[key] = (name, download.properties.etag, index)
        _cache.move_to_end(key)
        while len(_cache) > CACHED_INDEXES:
            _cache.popitem(last=False)
    return index
