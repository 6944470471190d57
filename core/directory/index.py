"""The PersonDirectory's searchable faces: the segments a manifest lists, read once, searched exactly.

Each process keeps, per recognition model, the manifest it last read (with
its ETag) and every segment it has mapped (by name: segments never change;
``core.directory.segment_files`` keeps their local copies). A search first
revalidates the manifest with a conditional read, so every instance answers
from the latest committed state; only new segments are downloaded.

The searchable faces are the rows of the listed segments minus the
tombstoned faces and persons. ``nearest_persons`` returns exactly what a
brute-force float32 evaluation over those faces returns (``core.search.exact``
defines it: persons by their nearest face, ordered by distance, then by
personId):

- the whole directory: each large segment (searched through its int8 copy)
  is searched leaving out the persons a tombstone touches (asking for
  ``count`` more than their number, then dropping them); the live rows of
  those persons form one small index searched exactly, and so do the live
  rows of every small segment (one face added, a small merge), gathered when
  the view is built; per person the nearest distance wins. A person among the
  ``count`` nearest overall is among the ``count`` nearest of the part
  holding their nearest live face, so nothing is missed;
- a set of persons (a list, a dynamic group): their live rows are gathered
  into one index and searched exactly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from core.directory.segment_files import forget_segment, mapped_segment
from core.directory.segments import Segment, as_keys
from core.search.exact import EXHAUSTIVE_SEARCH_ROWS
from core.search.exact import nearest_persons as exact_nearest_persons
from core.search.index import FEATURE_DIMENSION, TrainedIndex, index_from_rows
from core.search.rows import chosen_rows
from core.storage.directory_index import Manifest, read_manifest
from core.storage.exceptions import NotFound

Nearest = tuple[np.ndarray, np.ndarray]
"""Person ids (K, 16) nearest first, and their float32 squared distances."""

_RELOAD_ATTEMPTS = 3
PERSON_SET_ROWS_KEPT = 200_000
"""Rows of recent person sets a view keeps gathered, in all (the oldest set goes first; a larger set is not kept)."""


@dataclass(frozen=True, eq=False)
class _Part:
    """A listed segment and what the tombstones take from it."""

    segment: Segment
    dead_rows: np.ndarray
    touched: np.ndarray  # positions of persons with a dead row, ascending


@dataclass(frozen=True, eq=False)
class DirectoryView:
    """The searchable faces of one recognition model at one manifest version."""

    model: str
    segments: tuple[Segment, ...]  # every listed segment, tombstones only or not
    parts: tuple[_Part, ...]  # the segments with rows
    large_parts: tuple[_Part, ...]  # those searched on their own (through their int8 copy)
    gathered_rows: TrainedIndex  # the live rows of the other parts, and of every touched person of the large ones
    person_sets: dict[bytes, TrainedIndex] = field(default_factory=dict)  # recent person sets' rows, by their ids

    @property
    def face_count(self) -> int:
        return sum(len(part.segment.index) - len(part.dead_rows) for part in self.parts)

    def nearest_persons(self, queries: np.ndarray, count: int, persons: np.ndarray | None = None) -> list[Nearest]:
        """For each query, the ``count`` nearest persons: of the whole directory, or of ``persons`` (N, 16)."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, FEATURE_DIMENSION)
        if persons is not None:
            return _nearest_of(self._rows_of(persons), queries, count)
        found = [_nearest_of(self.gathered_rows, queries, count)]
        for part in self.large_parts:
            found.append(_nearest_without(part, queries, count))
        return [_merge([result[query] for result in found], count) for query in range(len(queries))]

    def _rows_of(self, persons: np.ndarray) -> TrainedIndex:
        """The live rows of ``persons`` as one index, kept for the next searches of the same persons (a dynamic
        group's members): the view never changes, so neither do they."""
        wanted = np.unique(as_keys(persons))
        key = wanted.tobytes()
        with _lock:
            known = self.person_sets.get(key)
        if known is not None:
            return known
        chosen = [(part, _live_rows(part, _positions(part.segment, wanted))) for part in self.parts]
        gathered = _gathered(self.model, chosen)
        if len(gathered) <= PERSON_SET_ROWS_KEPT:
            with _lock:
                while sum(len(kept) for kept in self.person_sets.values()) + len(gathered) > PERSON_SET_ROWS_KEPT:
                    del self.person_sets[next(iter(self.person_sets))]
                self.person_sets[key] = gathered
        return gathered


def _positions(segment: Segment, wanted_keys: np.ndarray) -> np.ndarray:
    """The positions of the persons ``wanted_keys`` (sorted 16-byte keys) that the segment holds."""
    keys = as_keys(segment.person_ids)
    if len(keys) == 0 or len(wanted_keys) == 0:
        return np.zeros(0, dtype=np.int64)
    found = np.searchsorted(keys, wanted_keys)
    inside = found < len(keys)
    found = found[inside]
    return found[keys[found] == wanted_keys[inside]].astype(np.int64)


def _rows_of_persons(segment: Segment, positions: np.ndarray) -> np.ndarray:
    starts = segment.person_starts
    ends = np.append(starts[1:], len(segment.index))
    if len(positions) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([np.arange(starts[p], ends[p]) for p in positions.tolist()])


def _live_rows(part: _Part, positions: np.ndarray) -> np.ndarray:
    rows = _rows_of_persons(part.segment, positions)
    return rows[~np.isin(rows, part.dead_rows)]


def _gathered(model: str, chosen: list[tuple[_Part, np.ndarray]]) -> TrainedIndex:
    """One index of the chosen rows of several segments."""
    owners, faces, features = [], [], []
    for part, rows in chosen:
        if len(rows) == 0:
            continue
        index = part.segment.index
        person_of_row = np.searchsorted(part.segment.person_starts, rows, side="right") - 1
        owners.append(part.segment.person_ids[person_of_row])
        faces.append(index.face_ids[rows])
        features.append(chosen_rows(index, rows))
    if not owners:
        empty = np.zeros((0, 16), dtype=np.uint8)
        return index_from_rows(model, "", empty, empty, np.zeros((0, FEATURE_DIMENSION), dtype=np.float32))
    return index_from_rows(model, "", np.concatenate(owners), np.concatenate(faces), np.concatenate(features))


def _nothing(queries: np.ndarray) -> list[Nearest]:
    return [(np.zeros((0, 16), dtype=np.uint8), np.zeros(0, dtype=np.float32)) for _ in queries]


def _nearest_of(index: TrainedIndex, queries: np.ndarray, count: int) -> list[Nearest]:
    if index.person_count == 0:
        return _nothing(queries)
    assert index.person_ids is not None
    return [
        (index.person_ids[positions], distances)
        for positions, distances in exact_nearest_persons(index, queries, count)
    ]


def _nearest_without(part: _Part, queries: np.ndarray, count: int) -> list[Nearest]:
    """The ``count`` nearest persons of a segment other than its touched ones."""
    index = part.segment.index
    if index.person_count - len(part.touched) <= 0:
        return _nothing(queries)
    results = []
    for positions, distances in exact_nearest_persons(index, queries, count + len(part.touched)):
        kept = ~np.isin(positions, part.touched)
        results.append((part.segment.person_ids[positions[kept][:count]], distances[kept][:count]))
    return results


def _merge(results: list[Nearest], count: int) -> Nearest:
    """The ``count`` nearest persons of several results: per person the nearest, then by (distance, personId)."""
    ids = np.concatenate([ids for ids, _ in results]) if results else np.zeros((0, 16), dtype=np.uint8)
    distances = np.concatenate([distances for _, distances in results]).astype(np.float32)
    if len(ids) == 0:
        return ids, distances
    keys, inverse = np.unique(as_keys(ids), return_inverse=True)
    best = np.full(len(keys), np.inf, dtype=np.float32)
    np.minimum.at(best, inverse, distances)
    order = np.lexsort((keys, best))[:count]
    return keys[order].view(np.uint8).reshape(-1, 16), best[order]


def _part(segment: Segment, dead_faces: np.ndarray, dead_persons: np.ndarray) -> _Part:
    """What the tombstones take from a segment: its dead rows and the persons they belong to."""
    index = segment.index
    rows: list[np.ndarray] = []
    if len(index) and len(dead_faces):
        sorted_faces = as_keys(index.face_ids)[segment.face_order]
        found = np.searchsorted(sorted_faces, dead_faces)
        found = found[found < len(sorted_faces)]
        rows.append(segment.face_order[found[np.isin(sorted_faces[found], dead_faces)]])
    if len(index) and len(dead_persons):
        rows.append(_rows_of_persons(segment, _positions(segment, dead_persons)))
    dead_rows = np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)
    touched = np.unique(np.searchsorted(segment.person_starts, dead_rows, side="right") - 1)
    return _Part(segment, dead_rows.astype(np.int64), touched.astype(np.int64))


def build_view(model: str, segments: list[Segment]) -> DirectoryView:
    """The searchable faces of ``segments``: their rows less every tombstoned face and person."""
    no_ids = as_keys(np.zeros((0, 16), dtype=np.uint8))
    dead_faces = np.unique(np.concatenate([no_ids, *(as_keys(s.dead_faces) for s in segments)]))
    dead_persons = np.unique(np.concatenate([no_ids, *(as_keys(s.dead_persons) for s in segments)]))
    parts = tuple(_part(segment, dead_faces, dead_persons) for segment in segments if len(segment.index))
    large = tuple(part for part in parts if len(part.segment.index) > EXHAUSTIVE_SEARCH_ROWS)
    gathered = _gathered(
        model,
        [
            (part, _live_rows(part, part.touched))
            if part in large
            else (part, np.setdiff1d(np.arange(len(part.segment.index)), part.dead_rows))
            for part in parts
        ],
    )
    return DirectoryView(model, tuple(segments), parts, large, gathered)


@dataclass
class _Cached:
    manifest: Manifest
    view: DirectoryView


_segments: dict[tuple[str, str], Segment] = {}
_views: dict[str, _Cached] = {}
_lock = threading.Lock()
_loading = threading.Lock()


def current_view(model: str) -> DirectoryView:
    """The searchable faces of ``model`` as last committed, revalidated against the manifest."""
    for _ in range(_RELOAD_ATTEMPTS):
        with _lock:
            cached = _views.get(model)
        manifest = read_manifest(model, None if cached is None else cached.manifest.etag)
        if manifest is None and cached is not None:
            return cached.view
        assert manifest is not None
        try:
            segments = [_segment(model, entry.name) for entry in manifest.segments]
        except NotFound:
            continue  # compaction replaced a segment since the manifest was read
        view = build_view(model, segments)
        with _lock:
            _views[model] = _Cached(manifest, view)
            listed = {(model, entry.name) for entry in manifest.segments}
            unlisted = [key for key in _segments if key[0] == model and key not in listed]
            for key in unlisted:
                del _segments[key]
        for _, name in unlisted:
            forget_segment(model, name)
        return view
    raise NotFound()


def _segment(model: str, name: str) -> Segment:
    with _lock:
        cached = _segments.get((model, name))
    if cached is not None:
        return cached
    with _loading:  # concurrent first searches wait for one download rather than each downloading the segment
        with _lock:
            cached = _segments.get((model, name))
        if cached is not None:
            return cached
        segment = mapped_segment(model, name)
        with _lock:
            _segments[(model, name)] = segment
    return segment
