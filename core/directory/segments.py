"""Index segments of the PersonDirectory: immutable blocks of face rows and tombstones, as stored bytes.

A segment holds face rows grouped by person (a ``TrainedIndex``: persons in
ascending id order, so a position order is the personId order), the order of
its faceIds (so a tombstone finds its row by binary search), the int8 copy of
its rows with its bounds when it is large enough to be searched through one,
and tombstones: faceIds and personIds deleted from the directory. Tombstones
apply to every segment, earlier or later, since ids are never reused.

Stored format: ``FSEG``, a little-endian u32 header length, a JSON header
naming each array's dtype, shape and offset, then the arrays, each aligned to
64 bytes. Loading is reading: every array is a view of the downloaded bytes.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import numpy as np

from core.search.exact import EXHAUSTIVE_SEARCH_ROWS, attach_quantised
from core.search.index import FEATURE_DIMENSION, TrainedIndex, ids_to_rows, index_from_rows
from core.search.quantised import QuantisedCodes, quantise_codes, quantised_from_codes

MAGIC = b"FSEG"
_ALIGNMENT = 64
_NO_IDS = np.zeros((0, 16), dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class Segment:
    """One segment: its rows (an index grouped by person), its faceId order and its tombstones."""

    name: str
    index: TrainedIndex
    face_order: np.ndarray
    dead_faces: np.ndarray
    dead_persons: np.ndarray

    @property
    def person_ids(self) -> np.ndarray:
        assert self.index.person_ids is not None
        return self.index.person_ids

    @property
    def person_starts(self) -> np.ndarray:
        assert self.index.person_starts is not None
        return self.index.person_starts


def as_keys(ids: np.ndarray) -> np.ndarray:
    """(N, 16) uint8 ids as N comparable 16-byte strings (their order is the UUID strings' order)."""
    return np.ascontiguousarray(ids, dtype=np.uint8).view("S16").ravel()


def make_segment(
    name: str,
    model: str,
    owners: np.ndarray,
    face_ids: np.ndarray,
    features: np.ndarray,
    dead_faces: np.ndarray = _NO_IDS,
    dead_persons: np.ndarray = _NO_IDS,
) -> Segment:
    """A segment of the given rows (in any order) and tombstones."""
    index = index_from_rows(model, name, owners, face_ids, features)
    face_order = np.argsort(as_keys(index.face_ids), kind="stable").astype(np.int64)
    return Segment(name, index, face_order, _unique_ids(dead_faces), _unique_ids(dead_persons))


def face_segment(name: str, model: str, person_id: str, face_id: str, feature: np.ndarray) -> Segment:
    """The segment that adds one face."""
    return make_segment(
        name, model, ids_to_rows([person_id]), ids_to_rows([face_id]), feature.reshape(1, FEATURE_DIMENSION)
    )


def tombstone_segment(name: str, model: str, face_ids: list[str], person_ids: list[str]) -> Segment:
    """The segment that deletes faces and persons."""
    empty = np.zeros((0, FEATURE_DIMENSION), dtype=np.float32)
    return make_segment(name, model, _NO_IDS, _NO_IDS, empty, ids_to_rows(face_ids), ids_to_rows(person_ids))


def _unique_ids(ids: np.ndarray) -> np.ndarray:
    """Ids without repeats, in ascending order (so a search can find them by binary search)."""
    if len(ids) == 0:
        return _NO_IDS
    _, first = np.unique(as_keys(ids), return_index=True)
    return np.ascontiguousarray(ids[first])


def segment_to_bytes(segment: Segment) -> bytes:
    """The stored form, with the int8 copy of the rows when the segment is searched through one."""
    index = segment.index
    arrays: dict[str, np.ndarray] = {
        "features": index.features,
        "face_ids": index.face_ids,
        "person_ids": segment.person_ids,
        "person_starts": segment.person_starts,
        "face_order": segment.face_order,
        "dead_faces": segment.dead_faces,
        "dead_persons": segment.dead_persons,
    }
    header: dict[str, object] = {"name": segment.name, "model": index.recognition_model, "quantised": None}
    if len(index) > EXHAUSTIVE_SEARCH_ROWS:
        codes = quantise_codes(index.features)
        arrays["row_codes"] = codes.row_codes
        header["quantised"] = vars(codes.bounds())
    layout: dict[str, list[object]] = {}
    offset = 0
    for key, array in arrays.items():
        layout[key] = [array.dtype.str, list(array.shape), offset]
        offset += -(-array.nbytes // _ALIGNMENT) * _ALIGNMENT
    header["arrays"] = layout
    encoded = json.dumps(header, separators=(",", ":")).encode()
    start = -(-(len(MAGIC) + 4 + len(encoded)) // _ALIGNMENT) * _ALIGNMENT
    buffer = bytearray(start + offset)
    buffer[: len(MAGIC) + 4 + len(encoded)] = MAGIC + struct.pack("<I", len(encoded)) + encoded
    for key, array in arrays.items():
        position = start + int(layout[key][2])  # type: ignore[call-overload]
        buffer[position : position + array.nbytes] = np.ascontiguousarray(array).tobytes()
    return bytes(buffer)


def segment_from_bytes(data: bytes) -> Segment:
    """A stored segment, its arrays viewing ``data``; its int8 copy attached for the exact search."""
    if data[: len(MAGIC)] != MAGIC:
        raise ValueError("not a directory index segment")
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + length])
    start = -(-(len(MAGIC) + 4 + length) // _ALIGNMENT) * _ALIGNMENT

    def array(key: str) -> np.ndarray:
        dtype, shape, offset = header["arrays"][key]
        count = int(np.prod(shape))
        return np.frombuffer(data, dtype=np.dtype(dtype), count=count, offset=start + offset).reshape(shape)

    index = TrainedIndex(
        header["model"],
        header["name"],
        array("features"),
        array("face_ids"),
        array("person_ids"),
        array("person_starts"),
    )
    if header["quantised"] is not None:
        codes = QuantisedCodes(**header["quantised"], row_codes=array("row_codes"))
        attach_quantised(index, quantised_from_codes(codes))
    return Segment(header["name"], index, array("face_order"), array("dead_faces"), array("dead_persons"))
