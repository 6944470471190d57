"""Chosen float32 rows of an index, read from its stored file when it has one instead of from memory.

A search evaluates exactly only the few rows its int8 copy could not rule
out. When an index's rows stay in a local file (a PersonDirectory segment,
``core.directory.segment_files``), those rows are read with ``pread`` into a
fresh array: the process then holds only them. Reading them through a memory
map instead would map whole page-cache folios around each row (large folios
make that up to megabytes per row), so a few thousand scattered rows would
bring most of the file into the process's resident memory.
"""

from __future__ import annotations

import os
import threading
import weakref
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from core.search.index import FEATURE_DIMENSION, TrainedIndex

_ROW_BYTES = FEATURE_DIMENSION * 4


@dataclass(frozen=True, eq=False)
class RowFile:
    """An open file holding an index's rows as contiguous little-endian float32, from byte ``offset`` on."""

    file: BinaryIO
    offset: int

    def read(self, rows: np.ndarray) -> np.ndarray:
        """The float32 rows ``rows`` (ascending positions), (len(rows), 128); each run of consecutive rows is
        one ``pread`` straight into the result."""
        result = np.empty((len(rows), FEATURE_DIMENSION), dtype=np.float32)
        if len(rows) == 0:
            return result
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        firsts = np.concatenate(([0], breaks))
        starts = (firsts * _ROW_BYTES).tolist()
        ends = (np.concatenate((breaks, [len(rows)])) * _ROW_BYTES).tolist()
        positions = (self.offset + rows[firsts].astype(np.int64) * _ROW_BYTES).tolist()
        buffer = memoryview(result.data).cast("B")
        descriptor = self.file.fileno()
        for start, end, position in zip(starts, ends, positions, strict=True):
            done = 0
            while start + done < end:  # a regular file's pread is short only at its end, which no row passes
                read = os.preadv(descriptor, [buffer[start + done : end]], position + done)
                if read == 0:
                    raise ValueError("a stored index file is cut short")
                done += read
        return result


_files: weakref.WeakKeyDictionary[TrainedIndex, RowFile] = weakref.WeakKeyDictionary()
_files_lock = threading.Lock()


def attach_row_file(index: TrainedIndex, rows: RowFile) -> None:
    """Read the rows a search chooses of ``index`` from ``rows`` (the file its ``features`` are mapped from)."""
    with _files_lock:
        _files[index] = rows


def chosen_rows(index: TrainedIndex, rows: np.ndarray) -> np.ndarray:
    """The features of ``rows`` (ascending positions) of ``index``, (len(rows), 128) float32."""
    with _files_lock:
        source = _files.get(index)
    return index.features[rows] if source is None else source.read(rows)
