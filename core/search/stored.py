"""The stored form of a trained index: a header and little-endian arrays that loading views, never recomputes.

One layout serves a collection's trained index (a blob per training) and
every segment of the PersonDirectory's index: four magic bytes naming the
kind, a little-endian u32 header length, a JSON header naming each array's
dtype (explicitly little-endian), shape and offset, then the arrays, each
starting on a 64-byte boundary. Reading is ``np.frombuffer`` on the stored
bytes (downloaded or memory-mapped): nothing is parsed or copied per row.

An index of more than ``EXHAUSTIVE_SEARCH_ROWS`` rows also stores its int8
copy (``core.search.quantised``) and that copy's bounds, so a loaded index is
ready to search without quantising its rows again; onnxruntime uses the
stored codes in place (``quantised_from_codes``).
"""

from __future__ import annotations

import json
import mmap
import struct
from typing import Any

import numpy as np

from core.search.exact import EXHAUSTIVE_SEARCH_ROWS, attach_quantised
from core.search.index import TrainedIndex
from core.search.quantised import QuantisedCodes, quantise_codes, quantised_from_codes

INDEX_MAGIC = b"FIDX"
"""A collection's trained index."""

Stored = bytes | bytearray | memoryview | mmap.mmap
"""What a stored form is read from: downloaded bytes or a mapped file."""

_ALIGNMENT = 64
_PREFIX = 8  # the magic and the header length


def _aligned(size: int) -> int:
    return -(-size // _ALIGNMENT) * _ALIGNMENT


def arrays_to_bytes(magic: bytes, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    """The stored form of ``arrays`` with ``header`` (JSON values) under the 4-byte ``magic``."""
    stored = {key: np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")) for key, array in arrays.items()}
    layout: dict[str, list[object]] = {}
    offset = 0
    for key, array in stored.items():
        layout[key] = [array.dtype.str, list(array.shape), offset]
        offset += _aligned(array.nbytes)
    encoded = json.dumps({**header, "arrays": layout}, separators=(",", ":")).encode()
    start = _aligned(_PREFIX + len(encoded))
    buffer = bytearray(start + offset)
    buffer[: _PREFIX + len(encoded)] = magic + struct.pack("<I", len(encoded)) + encoded
    for key, array in stored.items():
        position = start + int(layout[key][2])  # type: ignore[call-overload]  # the offset written just above
        buffer[position : position + array.nbytes] = array.tobytes()
    return bytes(buffer)


def _header(magic: bytes, view: memoryview) -> tuple[dict[str, Any], int]:
    """The header of a stored form and where its arrays start; ``ValueError`` for another kind of bytes."""
    if len(view) < _PREFIX or bytes(view[: len(magic)]) != magic:
        raise ValueError("not a stored index of this kind: train again or rebuild it")
    (length,) = struct.unpack_from("<I", view, len(magic))
    return json.loads(bytes(view[_PREFIX : _PREFIX + length])), _aligned(_PREFIX + length)


def array_offset(magic: bytes, data: Stored, key: str) -> int:
    """Where the array ``key`` of a stored form starts, in bytes from its beginning."""
    header, start = _header(magic, memoryview(data).cast("B"))
    return start + int(header["arrays"][key][2])


def arrays_from_buffer(magic: bytes, data: Stored) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of a stored form, each array a read-only view of ``data``.

    Raises ``ValueError`` when ``data`` is not a stored form of this kind (another magic, or cut short).
    """
    view = memoryview(data).cast("B")
    header, start = _header(magic, view)
    arrays = {}
    for key, (dtype, shape, offset) in header.pop("arrays").items():
        count = int(np.prod(shape))
        if start + offset + count * np.dtype(dtype).itemsize > len(view):
            raise ValueError("a stored index is cut short")
        arrays[key] = np.frombuffer(view, dtype=np.dtype(dtype), count=count, offset=start + offset).reshape(shape)
    return header, arrays


def index_arrays(index: TrainedIndex) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays storing ``index``, its int8 copy included when it is searched through one."""
    header: dict[str, Any] = {"model": index.recognition_model, "version": index.version, "quantised": None}
    arrays = {"features": index.features, "face_ids": index.face_ids}
    if index.person_ids is not None and index.person_starts is not None:
        arrays["person_ids"] = index.person_ids
        arrays["person_starts"] = index.person_starts
    if len(index) > EXHAUSTIVE_SEARCH_ROWS:
        codes = quantise_codes(index.features)
        arrays["row_codes"] = codes.row_codes
        header["quantised"] = vars(codes.bounds())
    return header, arrays


def index_from_arrays(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> TrainedIndex:
    """The index stored as ``header`` and ``arrays``, its stored int8 copy attached for the search."""
    grouped = "person_ids" in arrays
    index = TrainedIndex(
        header["model"],
        header["version"],
        arrays["features"],
        arrays["face_ids"],
        arrays["person_ids"] if grouped else None,
        arrays["person_starts"] if grouped else None,
    )
    if header["quantised"] is not None:
        codes = QuantisedCodes(**header["quantised"], row_codes=arrays["row_codes"])
        attach_quantised(index, quantised_from_codes(codes))
    return index


def index_to_bytes(index: TrainedIndex) -> bytes:
    """A collection's trained index as stored."""
    return arrays_to_bytes(INDEX_MAGIC, *index_arrays(index))


def index_from_bytes(data: Stored) -> TrainedIndex:
    """A stored collection index, viewing ``data``, ready to search; ``ValueError`` for other bytes."""
    return index_from_arrays(*arrays_from_buffer(INDEX_MAGIC, data))
