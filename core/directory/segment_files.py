"""Local copies of the PersonDirectory's segment blobs, mapped into memory: loading a segment is mapping a file.

A segment blob is downloaded once per machine into a file under the
temporary folder (``TMPDIR``), in ranges fetched in parallel, and mapped
read-only; its arrays are views of the mapping (``segment_from_buffer``), so
nothing is parsed, copied or recomputed. Only the pages a search touches are
read into memory: the int8 codes every whole-directory search scans (onnxruntime
keeps its prepacked copy of them, so their mapped pages are released once the
session holds it) and the ids and starts of the candidates. The float32 rows
of the few candidates the exact evaluation decides on are read from the file
(``core.search.rows``), never mapped.

Invariants the copies rely on:

- a segment never changes once written and its name is never reused, so a
  file under a segment's name is that segment (other processes on the machine
  share it);
- a file appears under its final name only whole (downloaded to a private
  name, then renamed), so a reader never maps a partial download;
- each storage account has its own folder (named by the index container's
  address), so two accounts' segments never mix.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import tempfile
import uuid
from pathlib import Path

from core.directory.segments import MAGIC, Segment, segment_from_buffer
from core.search.rows import RowFile, attach_row_file
from core.search.stored import array_offset
from core.storage.directory_index import download_segment, index_location

FOLDER_NAME = "face-directory"


def _path(model: str, name: str) -> Path:
    account = hashlib.sha256(index_location().encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / FOLDER_NAME / account / model / f"{name}.seg"


def mapped_segment(model: str, name: str) -> Segment:
    """The segment ``name`` of ``model``, mapped from its local copy (downloaded first when there is none);
    ``NotFound`` when compaction has removed its blob."""
    path = _path(model, name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
        try:
            with partial.open("wb") as target:
                download_segment(model, name, target)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return map_segment_file(path)


def map_segment_file(path: Path) -> Segment:
    """The segment stored in the file ``path``, its arrays viewing a read-only map of it, its chosen float32
    rows read from the file."""
    source = path.open("rb")  # kept open by the segment's RowFile: its chosen rows are read from it
    mapping = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
    mapping.madvise(mmap.MADV_RANDOM)  # what is read through the map is scattered: no read-ahead around it
    segment = segment_from_buffer(mapping)
    attach_row_file(segment.index, RowFile(source, array_offset(MAGIC, mapping, "features")))
    mapping.madvise(mmap.MADV_DONTNEED)  # drop what loading touched (the codes onnxruntime has prepacked)
    return segment


def forget_segment(model: str, name: str) -> None:
    """Remove the local copy of a segment no longer listed (mappings of it stay valid until released)."""
    with contextlib.suppress(FileNotFoundError):
        _path(model, name).unlink()
