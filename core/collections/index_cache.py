"""The trained indexes queries search: read from Blob Storage, kept in memory, revalidated by ETag.

The training status row names a collection's current index blob. Each process
keeps the last index it loaded for up to ``CACHED_INDEXES`` collections (the
least recently used goes first), with the blob name and ETag it was read with.
When the status still names the cached blob, a conditional read confirms it
unchanged without downloading it again. A downloaded index is ready to search
as read: its int8 copy is stored with it (``core.search.stored``).

An index blob that is missing although the status still names it, or that
cannot be read as an index, is a broken training: the status is moved to
``failed`` with a message saying so and no longer names the blob, so queries
answer "not trained" at once (instead of failing on every call) and training
again repairs the collection.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from core.collections.kinds import CollectionKind
from core.search.index import TrainedIndex
from core.search.stored import index_from_bytes
from core.storage.exceptions import NotFound, WriteConflict
from core.storage.face_training import FAILED, TrainingRecord, read_training, write_training
from core.storage.index_blobs import read_index_blob
from core.timestamps import utc_now

logger = logging.getLogger("face.index")

CACHED_INDEXES = 16
BROKEN_INDEX_MESSAGE = "The trained index is missing or unreadable; train again to rebuild it."
UNREADABLE = (ValueError, KeyError, TypeError)
"""What reading raises for bytes that are not a stored index (another format such as an older ``.npz``,
cut short, a garbled header or arrays)."""


@dataclass(frozen=True)
class _CachedIndex:
    blob: str
    etag: str
    index: TrainedIndex


_cache: OrderedDict[tuple[str, str], _CachedIndex] = OrderedDict()
_cache_lock = threading.Lock()


def load_index(kind: CollectionKind, collection_id: str, training: TrainingRecord | None = None) -> TrainedIndex | None:
    """The collection's last successfully trained index; None when it was never trained successfully.

    ``training`` is the collection's status row when the caller has just read
    it; it is read again only if its index blob has been replaced meanwhile
    (a newer training deletes the older blob once the status names its own).
    """
    for attempt in range(2):
        if training is None or attempt:
            training = read_training(kind.name, collection_id)
        if training is None or training.index_blob is None:
            return None
        try:
            return _fetch((kind.name, collection_id), training.index_blob)
        except NotFound:
            continue
        except UNREADABLE as error:
            _record_broken(training, f"unreadable: {type(error).__name__}: {error}")
            return None
    # Read twice, the status named a blob that is not there: not a newer training replacing it.
    if training is not None:
        _record_broken(training, "missing")
    return None


def _record_broken(training: TrainingRecord, reason: str) -> None:
    """Mark the training that wrote a broken index blob as failed, unless the status has moved on."""
    logger.error("index blob %s of %s %s is %s", training.index_blob, training.kind, training.collection_id, reason)
    try:
        write_training(
            training.with_changes(status=FAILED, index_blob=None, last_action=utc_now(), message=BROKEN_INDEX_MESSAGE)
        )
    except WriteConflict:
        logger.info("training of %s %s changed meanwhile", training.kind, training.collection_id)


def _fetch(key: tuple[str, str], name: str) -> TrainedIndex:
    with _cache_lock:
        cached = _cache.get(key)
    known = cached if cached is not None and cached.blob == name else None
    blob = read_index_blob(name, None if known is None else known.etag)
    if blob is None:
        assert known is not None
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
        return known.index
    index = index_from_bytes(blob.data)
    with _cache_lock:
        _cache[key] = _CachedIndex(blob.name, blob.etag, index)
        _cache.move_to_end(key)
        while len(_cache) > CACHED_INDEXES:
            _cache.popitem(last=False)
    return index
