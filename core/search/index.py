"""The trained index of a collection: its face features as one matrix, ready to search.

Training turns a collection's stored faces into a ``TrainedIndex``; queries load
it (from Blob Storage, cached) and search it with ``core.search.exact``. Rows of
a person group are grouped by person, so per-person results reduce with
``np.minimum.reduceat`` over ``person_starts``. Ids are server-generated UUIDs,
kept as 16-byte rows so a million faces stay compact. An index is compared by
identity, so search structures can be attached to it with a weak reference.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core.search import distance as feature_distance

FEATURE_DIMENSION = 128
_FEATURE_DTYPE = np.dtype("<f4")


def feature_to_bytes(feature: np.ndarray) -> bytes:
    """A feature as stored in Table Storage: 128 little-endian float32."""
    vector = np.asarray(feature, dtype=_FEATURE_DTYPE).reshape(-1)
    if vector.shape != (FEATURE_DIMENSION,):
        raise ValueError(f"a feature has {FEATURE_DIMENSION} values, not {vector.size}")
    return vector.tobytes()


def feature_from_bytes(data: bytes) -> np.ndarray:
    if len(data) != FEATURE_DIMENSION * _FEATURE_DTYPE.itemsize:
        raise ValueError(f"a stored feature has {FEATURE_DIMENSION * 4} bytes, not {len(data)}")
    return np.frombuffer(data, dtype=_FEATURE_DTYPE).astype(np.float32)


def ids_to_rows(ids: Iterable[str]) -> np.ndarray:
    """UUID strings as an (N, 16) uint8 array."""
    packed = b"".join(uuid.UUID(value).bytes for value in ids)
    return np.frombuffer(packed, dtype=np.uint8).reshape(-1, 16).copy()


def row_to_id(row: np.ndarray) -> str:
    return str(uuid.UUID(bytes=bytes(row)))


@dataclass(frozen=True, eq=False)
class TrainedIndex:
    """Features of one collection, with the ids that name each row."""

    recognition_model: str
    version: str
    features: np.ndarray
    face_ids: np.ndarray
    person_ids: np.ndarray | None
    person_starts: np.ndarray | None

    def __len__(self) -> int:
        return int(self.features.shape[0])

    @property
    def person_count(self) -> int:
        return 0 if self.person_ids is None else int(self.person_ids.shape[0])

    def face_id(self, row: int) -> str:
        return row_to_id(self.face_ids[row])

    def person_id(self, position: int) -> str:
        assert self.person_ids is not None
        return row_to_id(self.person_ids[position])

    def squared_distances(self, queries: np.ndarray) -> np.ndarray:
        """Squared Euclidean distances, (Q, N), from each query feature to every row (``core.search.distance``)."""
        return feature_distance.squared_distances(queries, self.features)

    def person_squared_distances(self, queries: np.ndarray) -> np.ndarray:
        """For each query, the squared distance to each person's nearest face, (Q, P)."""
        distances = self.squared_distances(queries)
        if self.person_starts is None or self.person_count == 0:
            return distances[:, :0]
        return np.minimum.reduceat(distances, self.person_starts, axis=1)


def build_index(recognition_model: str, version: str, faces: Iterable[tuple[str | None, str, bytes]]) -> TrainedIndex:
    """Build an index from ``(personId or None, persistedFaceId, feature bytes)`` triples.

    With person ids, rows are grouped by person (persons in ascending id order);
    without, the index is a face list's.
    """
    entries = list(faces)
    grouped = bool(entries) and entries[0][0] is not None
    if any((entry[0] is not None) != grouped for entry in entries):
        raise ValueError("an index holds either persons' faces or a list's faces, not both")
    features = np.empty((len(entries), FEATURE_DIMENSION), dtype=np.float32)
    for row, (_, _, data) in enumerate(entries):
        features[row] = feature_from_bytes(data)
    owners = ids_to_rows(entry[0] or "" for entry in entries) if grouped else None
    return index_from_rows(recognition_model, version, owners, ids_to_rows(entry[1] for entry in entries), features)


def index_from_rows(
    recognition_model: str, version: str, owners: np.ndarray | None, face_ids: np.ndarray, features: np.ndarray
) -> TrainedIndex:
    """An index of rows given as arrays: ``owners`` (N, 16) person ids or None, ``face_ids`` (N, 16), ``features``.

    Rows are ordered by (person, face) id bytes, which is the order of their
    canonical UUID strings, and grouped by person.
    """
    keys = (face_ids,) if owners is None else (face_ids, owners)
    order = np.lexsort(tuple(column for ids in keys for column in ids.T[::-1]))
    face_ids = face_ids[order]
    features = np.ascontiguousarray(features[order], dtype=np.float32)
    person_ids = person_starts = None
    if owners is not None:
        owners = owners[order]
        changes = np.any(owners[1:] != owners[:-1], axis=1) if len(owners) else np.zeros(0, dtype=bool)
        person_starts = np.flatnonzero(np.concatenate(([len(owners) > 0], changes))).astype(np.int64)
        person_ids = owners[person_starts]
    return TrainedIndex(recognition_model, version, features, face_ids, person_ids, person_starts)
