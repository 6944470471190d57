"""Matching query features against candidates: the arithmetic of Identify, Find Similar and Group.

Identify and Find Similar take the nearest persons or faces from
``core.search.exact`` (exact, nearest first, ties by position in the index)
and turn their distances into confidences on the curve of the index's
recognition model (``core.search.confidence``, the curves in
``core.vision.catalog``). Since confidence falls as distance grows, the nearest
candidates are the most confident ones, and a confidence threshold can be
applied after the top-k selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.search.confidence import ConfidenceCurve
from core.search.exact import nearest_faces, nearest_persons
from core.search.index import TrainedIndex, row_to_id
from core.vision.catalog import confidence_curve


@dataclass(frozen=True)
class Match:
    """A candidate (person, persisted face or faceId) and its reported confidence."""

    candidate_id: str
    confidence: float


def ranked_matches(
    ids: np.ndarray, columns: np.ndarray, squared_distances: np.ndarray, threshold: float | None, curve: ConfidenceCurve
) -> list[Match]:
    """The candidates ``ids[columns]`` (nearest first) with their confidences on ``curve``, cut at ``threshold``."""
    confidences = curve.confidences(squared_distances)
    return [
        Match(row_to_id(ids[column]), float(confidence))
        for column, confidence in zip(columns.tolist(), confidences.tolist(), strict=True)
        if threshold is None or confidence >= threshold
    ]


def identify_persons(
    index: TrainedIndex, queries: np.ndarray, max_candidates: int, threshold: float
) -> list[list[Match]]:
    """For each query feature, the persons of ``index`` whose nearest face gives confidence >= ``threshold``.

    At most ``max_candidates`` per query, most confident first.
    """
    assert index.person_ids is not None
    curve = confidence_curve(index.recognition_model)
    return [
        ranked_matches(index.person_ids, positions, distances, threshold, curve)
        for positions, distances in nearest_persons(index, queries, max_candidates)
    ]


def similar_faces(index: TrainedIndex, query: np.ndarray, max_candidates: int, threshold: float | None) -> list[Match]:
    """The faces of ``index`` nearest to ``query``, most confident first, optionally cut at ``threshold``."""
    ((rows, distances),) = nearest_faces(index, query, max_candidates)
    return ranked_matches(index.face_ids, rows, distances, threshold, confidence_curve(index.recognition_model))


def nearest_confidence(squared_distances: np.ndarray, recognition_model: str) -> float:
    """The confidence of the nearest of some squared distances between features of
    ``recognition_model`` (a face against a person's faces)."""
    return float(confidence_curve(recognition_model).confidences(np.min(squared_distances)))


def _link_distances(features: np.ndarray) -> np.ndarray:
    """Squared distances between all pairs of ``features`` from one float32 Gram product (for linking only)."""
    squared_norms = np.einsum("ij,ij->i", features, features)
    distances = features @ features.T
    distances *= -2.0
    distances += squared_norms[np.newaxis, :]
    distances += squared_norms[:, np.newaxis]
    return distances


def group_by_similarity(index: TrainedIndex, rank: np.ndarray) -> tuple[list[list[int]], list[int]]:
    """Partition the rows of ``index`` into groups of one person each, and the rows alike no other.

    Two faces are linked when their distance is within the same-person
    threshold of the index's recognition model; a group is a connected component of that graph (the graph
    dlib's face-clustering example builds). Components are found by min-label
    propagation with pointer jumping, all in matrix operations. ``rank[row]``
    is the row's position in the caller's order: rows are listed in that order,
    groups by size (largest first) and then by their first row. Singletons
    form the messy group.
    """
    count = len(index)
    linked = _link_distances(index.features) <= confidence_curve(index.recognition_model).same_person_distance ** 2
    labels = np.arange(count)
    while True:
        proposed = np.where(linked, labels[np.newaxis, :], count).min(axis=1)
        proposed = proposed[proposed]
        if np.array_equal(proposed, labels):
            break
        labels = proposed
    sizes = np.bincount(labels, minlength=count)
    by_rank = np.argsort(rank, kind="stable")
    members: dict[int, list[int]] = {}
    for row in by_rank.tolist():
        members.setdefault(int(labels[row]), []).append(row)
    groups = sorted((rows for rows in members.values() if len(rows) > 1), key=lambda rows: (-len(rows), rank[rows[0]]))
    messy = [row for row in by_rank.tolist() if sizes[labels[row]] == 1]
    return groups, messy
