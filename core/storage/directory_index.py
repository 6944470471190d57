"""The ``directoryindex`` container: the PersonDirectory's search index, per recognition model.

``{model}/segments/{name}.seg`` are immutable segment blobs (written once,
never changed, so a reader caches them by name). ``{model}/manifest.json``
lists the segments that make up the index; it is the only blob that changes,
always replaced under ``If-Match`` on the ETag it was read with (or
``If-None-Match: *`` when there is none yet), so concurrent writers never lose
each other's segments. A reader revalidates its copy of the manifest with a
conditional read on its ETag.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.storage.blob import ContainerClient

from core.storage.blobs import PARALLEL_RANGES, download_if_modified
from core.storage.clients import container
from core.storage.exceptions import NotFound, WriteConflict
from core.storage.resources import DIRECTORY_INDEX_CONTAINER


@dataclass(frozen=True)
class SegmentEntry:
    """A segment the manifest lists: its name, how many face rows and tombstones it holds."""

    name: str
    rows: int
    tombstones: int


@dataclass(frozen=True)
class Manifest:
    """The segments of one model's index, and the ETag they were read with (None: no manifest yet)."""

    segments: tuple[SegmentEntry, ...]
    etag: str | None

    def names(self) -> set[str]:
        return {entry.name for entry in self.segments}


def _container() -> ContainerClient:
    return container(DIRECTORY_INDEX_CONTAINER)


def _manifest_name(model: str) -> str:
    return f"{model}/manifest.json"


def _segment_name(model: str, name: str) -> str:
    return f"{model}/segments/{name}.seg"


def _decode(data: bytes, etag: str) -> Manifest:
    entries = json.loads(data)["segments"]
    return Manifest(tuple(SegmentEntry(entry["name"], entry["rows"], entry["tombstones"]) for entry in entries), etag)


def read_manifest(model: str, known_etag: str | None = None) -> Manifest | None:
    """The model's manifest; None when the reader's copy, read with ``known_etag``, is still current."""
    try:
        read = download_if_modified(_container().get_blob_client(_manifest_name(model)), known_etag)
    except ResourceNotFoundError:
        return Manifest((), None)
    return None if read is None else _decode(*read)


def replace_manifest(model: str, segments: tuple[SegmentEntry, ...], etag: str | None) -> Manifest:
    """Write the manifest if it is unchanged since read with ``etag``; ``WriteConflict`` otherwise."""
    data = json.dumps(
        {"segments": [{"name": e.name, "rows": e.rows, "tombstones": e.tombstones} for e in segments]},
        separators=(",", ":"),
    ).encode()
    blob = _container().get_blob_client(_manifest_name(model))
    try:
        if etag is None:
            result = blob.upload_blob(data, overwrite=False)
        else:
            result = blob.upload_blob(data, overwrite=True, etag=etag, match_condition=MatchConditions.IfNotModified)
    except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError) as error:
        raise WriteConflict() from error
    return Manifest(segments, result["etag"])


def write_segment(model: str, name: str, data: bytes) -> None:
    """Write a segment blob (a rewrite by a retried job writes the same bytes)."""
    _container().upload_blob(_segment_name(model, name), data, overwrite=True, max_concurrency=PARALLEL_RANGES)


def download_segment(model: str, name: str, target: BinaryIO) -> None:
    """Write a segment's bytes to the seekable file ``target``, in ranges downloaded in parallel;
    ``NotFound`` when compaction has removed it."""
    try:
        download = (
            _container().get_blob_client(_segment_name(model, name)).download_blob(max_concurrency=PARALLEL_RANGES)
        )
        download.readinto(target)
    except ResourceNotFoundError as error:
        raise NotFound() from error


def index_location() -> str:
    """The container's address: what tells one storage account's segments from another's."""
    return str(_container().url)


def delete_segment(model: str, name: str) -> None:
    with suppress(ResourceNotFoundError):
        _container().delete_blob(_segment_name(model, name))


def stored_segments(model: str) -> dict[str, datetime]:
    """Every segment blob of the model, listed or not, with the time it was written."""
    prefix = f"{model}/segments/"
    return {
        blob.name[len(prefix) : -len(".seg")]: blob.last_modified
        for blob in _container().list_blobs(name_starts_with=prefix)
    }
