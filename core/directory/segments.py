"""Index segments of the PersonDirectory: immutable blocks of face rows and tombstones, as stored bytes.

A segment holds face rows grouped by person (a ``TrainedIndex``: persons in
ascending id order, so a position order is the personId order), the order of
its faceIds (so a tombstone finds its row by binary search), the int8 copy of
its rows with its bounds when it is large enough to be searched through one,
and tombstones: faceIds and personIds deleted from the directory. Tombstones
apply to every segment, earlier or later, since ids are never reused.

Stored format: the layout of a stored trained index (``core.search.stored``)
under the magic ``FSEG``, its header naming the segment, with three more
arrays: ``face_order``, ``dead_faces`` and ``dead_persons``. Loading is
reading: every array, the int8 copy included, is a view of the stored bytes
(a segment file mapped into memory, ``core.directory.segment_files``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.search.index import FEATURE_DIMENSION, TrainedIndex, ids_to_rows, index_from_rows
from core.search.stored import Stored, arrays_from_buffer, arrays_to_bytes, index_arrays, index_from_arrays

MAGIC = b"FSEG"
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
    header, arrays = index_arrays(segment.index)
    arrays.update(face_order=segment.face_order, dead_faces=segment.dead_faces, dead_persons=segment.dead_persons)
    return arrays_to_bytes(MAGIC, {**header, "name": segment.name}, arrays)


def segment_from_buffer(data: Stored) -> Segment:
    """A stored segment, its arrays viewing ``data``, its stored int8 copy attached for the exact search."""
    header, arrays = arrays_from_buffer(MAGIC, data)
    header.setdefault("version", header["name"])  # a segment stored before the shared form names no version
    index = index_from_arrays(header, arrays)
    return Segment(header["name"], index, arrays["face_order"], arrays["dead_faces"], arrays["dead_persons"])
