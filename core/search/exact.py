"""Exact nearest persons and faces of a trained index: quantised scores prune, float32 decides.

The answer to a search is defined by the exhaustive evaluation: every row's
squared distance as ``core.search.distance`` computes it, a person's
distance being that of their nearest face, and the ``count`` nearest
candidates ordered by (distance, position in the index). Small indexes are
searched exactly that way.

Large indexes are first scored by their int8 copy (``core.search.quantised``,
built once per loaded index), which bounds every row's distance. A person or
face whose lowest possible distance exceeds the highest possible distance of
the ``count``-th best cannot be among the ``count`` nearest, so only the
others are evaluated exactly, with the same float32 evaluation and ordering:
the result is bit-for-bit the exhaustive one.
"""

from __future__ import annotations

import math
import threading
import weakref

import numpy as np

from core.search.distance import (
    ABSOLUTE_ERROR,
    RELATIVE_ERROR,
    paired_squared_distances,
)
from core.search.index import FEATURE_DIMENSION, TrainedIndex
from core.search.quantised import QuantisedFeatures, quantise_features
from core.search.rows import chosen_rows

_BLOCK_ROWS = 64
"""Rows are looked at in blocks of this many, each block first through its best score."""

_BLOCKS_TAKEN_GROWTH = 8

EXHAUSTIVE_SEARCH_ROWS = 1024
"""Indexes up to this many rows (every FaceList, every faceIds list) are searched without a quantised copy."""

Nearest = tuple[np.ndarray, np.ndarray]
"""Positions (persons or rows) nearest first, and their float32 squared distances."""

_quantised: weakref.WeakKeyDictionary[TrainedIndex, QuantisedFeatures] = weakref.WeakKeyDictionary()
_quantised_lock = threading.Lock()


def attach_quantised(index: TrainedIndex, quantised: QuantisedFeatures) -> None:
    """Use ``quantised`` (read with a stored index) as the index's int8 copy instead of building one."""
    with _quantised_lock:
        _quantised[index] = quantised


def quantised_features(index: TrainedIndex) -> QuantisedFeatures:
    """The int8 copy of ``index``, built once while the index lives."""
    with _quantised_lock:
        quantised = _quantised.get(index)
        if quantised is None:
            quantised = _quantised[index] = quantise_features(index.features)
        return quantised


def nearest_persons(index: TrainedIndex, queries: np.ndarray, count: int) -> list[Nearest]:
    """For each query, the ``count`` persons with the nearest faces."""
    assert index.person_starts is not None
    return _nearest(index, _as_queries(queries), count, index.person_starts)


def nearest_faces(index: TrainedIndex, queries: np.ndarray, count: int) -> list[Nearest]:
    """For each query, the ``count`` nearest rows."""
    return _nearest(index, _as_queries(queries), count, None)


def _as_queries(queries: np.ndarray) -> np.ndarray:
    return np.asarray(queries, dtype=np.float32).reshape(-1, FEATURE_DIMENSION)


def _nearest(index: TrainedIndex, queries: np.ndarray, count: int, person_starts: np.ndarray | None) -> list[Nearest]:
    if len(index) <= EXHAUSTIVE_SEARCH_ROWS:
        return exhaustive_nearest(index, queries, count, person_starts)
    scored = quantised_features(index).scores(queries)
    block_best = np.maximum.reduceat(scored.scores, np.arange(0, len(index), _BLOCK_ROWS), axis=1)
    results = []
    for query, scores in enumerate(scored.scores):
        lowest_kept = _lowest_kept_score(
            _kth_best_score(scores, block_best[query], count, person_starts),
            float(scored.offsets[query]),
            float(scored.units[query]),
            float(scored.errors[query]),
        )
        candidates = np.unique(
            _groups_of(_rows_scoring_at_least(scores, block_best[query], lowest_kept), person_starts)
        )
        rows, person_rows = (candidates, None) if person_starts is None else _rows_of(index, person_starts, candidates)
        distances = paired_squared_distances(chosen_rows(index, rows), queries[query][np.newaxis, :])
        if person_rows is not None:
            distances = np.minimum.reduceat(distances, person_rows)
        results.append(_first(candidates, distances, count))
    return results


def exhaustive_nearest(
    index: TrainedIndex, queries: np.ndarray, count: int, person_starts: np.ndarray | None
) -> list[Nearest]:
    """The definition of the search: every row evaluated, persons by their nearest face."""
    distances = index.squared_distances(queries) if person_starts is None else index.person_squared_distances(queries)
    positions = np.arange(distances.shape[1])
    return [_first(positions, row, count) for row in distances]


def _first(positions: np.ndarray, distances: np.ndarray, count: int) -> Nearest:
    """The ``count`` nearest of ascending ``positions``, ordered by (distance, position)."""
    order = np.argsort(distances, kind="stable")[:count]
    return positions[order], distances[order]


def _kth_best_score(scores: np.ndarray, block_best: np.ndarray, count: int, person_starts: np.ndarray | None) -> int:
    """The ``count``-th highest score of a row or, with ``person_starts``, of a person (their best row's).

    Only the rows of the best-scoring blocks are looked at, taking more blocks
    until ``count`` rows or persons show up: the rows scoring at least the
    lowest block maximum taken are all in those blocks, and a person's best
    row is among them whenever any of theirs is. Once every block is taken,
    every row is looked at, and with fewer than ``count`` rows or persons the
    lowest of their scores is returned.
    """
    taken = 0
    while True:
        taken = min(block_best.size, max(taken, count) * _BLOCKS_TAKEN_GROWTH)
        cutoff = (
            int(scores.min())
            if taken == block_best.size
            else int(np.partition(block_best, block_best.size - taken)[block_best.size - taken])
        )
        rows = _rows_scoring_at_least(scores, block_best, cutoff)
        firsts = np.flatnonzero(np.diff(_groups_of(rows, person_starts), prepend=-1))
        if firsts.size >= count or taken == block_best.size:
            break
    group_best = np.maximum.reduceat(scores[rows], firsts)
    kth = max(0, group_best.size - count)
    return int(np.partition(group_best, kth)[kth])


def _lowest_kept_score(kth_score: int, offset: float, unit: float, error: float) -> int:
    """The lowest score of a row that can still be among the nearest, given the ``count``-th best score.

    A score ``T`` bounds the exact distance to ``offset - unit * T +- error``
    and its float32 evaluation to that widened by ``RELATIVE_ERROR`` and
    ``ABSOLUTE_ERROR``; the ``count``-th best score bounds the ``count``-th
    best distance from above. A row (and a person, whose distance is their
    nearest row's) is left out only when its lower bound is above that bound.
    The last unit and the floor absorb the float64 rounding of this bound.
    """
    kth_upper = (1 + RELATIVE_ERROR) * (offset - unit * kth_score + error) + ABSOLUTE_ERROR
    return math.floor((offset - error - (kth_upper + ABSOLUTE_ERROR) / (1 - RELATIVE_ERROR)) / unit) - 1


def _rows_scoring_at_least(scores: np.ndarray, block_best: np.ndarray, lowest: int) -> np.ndarray:
    """The rows, ascending, whose score is at least ``lowest``, found through the blocks' best scores."""
    blocks = np.flatnonzero(block_best >= lowest)
    rows = (blocks[:, np.newaxis] * _BLOCK_ROWS + np.arange(_BLOCK_ROWS)).ravel()
    rows = rows[rows < scores.size]
    return rows[scores[rows] >= lowest]


def _groups_of(rows: np.ndarray, person_starts: np.ndarray | None) -> np.ndarray:
    """The position of each of ascending ``rows`` among rows or, with ``person_starts``, among persons."""
    return rows if person_starts is None else np.searchsorted(person_starts, rows, side="right") - 1


def _rows_of(index: TrainedIndex, person_starts: np.ndarray, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``persons`` (ascending positions), and where each person's rows start among them."""
    starts = person_starts[persons]
    following = persons + 1  # the next person's start ends a person's rows (the last person's: the index's end)
    ends = np.where(
        following < len(person_starts), person_starts[np.minimum(following, len(person_starts) - 1)], len(index)
    )
    lengths = ends - starts
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    rows = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - offsets, lengths)
    return rows, offsets
