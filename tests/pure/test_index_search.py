"""Exact search of trained indexes: the quantised, pruned search against the exhaustive float32 evaluation."""

import uuid

import numpy as np
import pytest

from core.search.confidence import DLIB_RESNET_CURVE
from core.search.distance import (
    RELATIVE_ERROR,
    paired_squared_distances,
    squared_distances,
)
from core.search.exact import (
    EXHAUSTIVE_SEARCH_ROWS,
    exhaustive_nearest,
    nearest_faces,
    nearest_persons,
    quantised_features,
)
from core.search.index import (
    FEATURE_DIMENSION,
    TrainedIndex,
    build_index,
    feature_to_bytes,
)
from core.search.matching import identify_persons, similar_faces
from tests.support.faces import unit_vectors


def _index(features: np.ndarray, faces_per_person: list[int] | None) -> TrainedIndex:
    rows = features.shape[0]
    ids = np.arange(rows * 16, dtype=np.int64).astype(np.uint8).reshape(rows, 16)
    if faces_per_person is None:
        return TrainedIndex("recognition_01", "v", features, ids, None, None)
    assert sum(faces_per_person) == rows
    starts = np.concatenate(([0], np.cumsum(faces_per_person)[:-1])).astype(np.int64)
    return TrainedIndex("recognition_01", "v", features, ids, ids[: len(faces_per_person)], starts)


def _same(found: list, expected: list) -> None:
    assert len(found) == len(expected)
    for (positions, distances), (expected_positions, expected_distances) in zip(found, expected, strict=True):
        assert positions.tolist() == expected_positions.tolist()
        assert distances.dtype == expected_distances.dtype == np.float32
        assert distances.tobytes() == expected_distances.tobytes()


def _clustered(rng: np.random.Generator, sizes: list[int], spread: float) -> np.ndarray:
    centres = unit_vectors(rng, len(sizes))
    features = np.repeat(centres, sizes, axis=0)
    return (features + spread / np.sqrt(FEATURE_DIMENSION) * rng.standard_normal(features.shape)).astype(np.float32)


def test_summation_tree_gives_each_pair_the_same_value_in_any_subset():
    rng = np.random.default_rng(10)
    rows = rng.standard_normal((700, FEATURE_DIMENSION)).astype(np.float32)
    queries = rng.standard_normal((3, FEATURE_DIMENSION)).astype(np.float32)
    everything = squared_distances(queries, rows)
    picked = rng.choice(700, size=50, replace=False)
    assert squared_distances(queries, rows[picked]).tobytes() == everything[:, picked].tobytes()
    assert (
        paired_squared_distances(rows[picked], queries[1][np.newaxis, :]).tobytes() == everything[1, picked].tobytes()
    )
    exact = ((rows.astype(np.float64)[np.newaxis] - queries.astype(np.float64)[:, np.newaxis]) ** 2).sum(axis=2)
    assert np.all(np.abs(everything - exact) <= RELATIVE_ERROR * exact)


def test_quantised_scores_bound_every_distance_including_extreme_queries():
    rng = np.random.default_rng(11)
    features = _clustered(rng, [3] * 700, 0.3) * rng.uniform(0.5, 1.5, size=(2100, 1)).astype(np.float32)
    quantised = quantised_features(_index(features, None))
    queries = np.concatenate(
        [
            features[:3],
            unit_vectors(rng, 3) * 0.01,
            unit_vectors(rng, 2) * 40,
            np.zeros((1, FEATURE_DIMENSION), np.float32),
        ]
    ).astype(np.float32)
    scored = quantised.scores(queries)
    exact = ((features.astype(np.float64)[np.newaxis] - queries.astype(np.float64)[:, np.newaxis]) ** 2).sum(axis=2)
    approximate = scored.offsets[:, np.newaxis] - scored.units[:, np.newaxis] * scored.scores
    assert np.all(np.abs(exact - approximate) <= scored.errors[:, np.newaxis])
    assert np.all(scored.errors[:3] < 0.15)


def test_matrix_product_is_exact_at_the_extreme_codes():
    rng = np.random.default_rng(12)
    features = np.sign(rng.standard_normal((1500, FEATURE_DIMENSION))).astype(np.float32)
    features[:, :64] = np.where(np.arange(1500)[:, np.newaxis] % 2 == 0, 1.0, -1.0)
    quantised = quantised_features(_index(features, None))
    queries = np.sign(features[:4]).astype(np.float32)
    scored = quantised.scores(queries)
    codes = np.rint(features / quantised.scale).astype(np.int64)
    query_codes = np.rint(queries / (quantised.norm_unit / (2 * quantised.scale * 64))).astype(np.int64)
    assert np.abs(codes).max() == 127 and np.abs(query_codes).max() == 64
    assert np.array_equal(scored.scores, query_codes @ codes.T)


@pytest.mark.parametrize("count", [1, 5, 37, 5000])
def test_persons_with_many_faces_match_the_exhaustive_evaluation(count):
    rng = np.random.default_rng(13)
    sizes = [int(size) for size in rng.integers(1, 30, size=150)] + [600]
    features = _clustered(rng, sizes, 0.5)
    index = _index(features, sizes)
    assert len(index) > EXHAUSTIVE_SEARCH_ROWS
    queries = np.concatenate(
        [
            features[rng.choice(len(index), 6)] + 0.05 * rng.standard_normal((6, FEATURE_DIMENSION)).astype(np.float32),
            unit_vectors(rng, 3),
            features[-1:],
        ]
    ).astype(np.float32)
    _same(nearest_persons(index, queries, count), exhaustive_nearest(index, queries, count, index.person_starts))


def test_near_ties_and_exact_ties_are_ordered_as_the_exhaustive_evaluation_orders_them():
    rng = np.random.default_rng(14)
    base = unit_vectors(rng, 1)[0]
    ulps = rng.integers(-3, 4, size=(3000, FEATURE_DIMENSION)).astype(np.float32)
    features = (base[np.newaxis, :] + ulps * np.spacing(base)[np.newaxis, :]).astype(np.float32)
    features[::3] = base
    features[1500:] += (0.02 * unit_vectors(rng, 1500)).astype(np.float32)
    sizes = [3] * 1000
    index = _index(features, sizes)
    queries = np.stack([base, base + np.float32(1e-7), features[2999], unit_vectors(rng, 1)[0]]).astype(np.float32)
    for count in (1, 4, 50, 1000):
        _same(nearest_persons(index, queries, count), exhaustive_nearest(index, queries, count, index.person_starts))
        _same(nearest_faces(index, queries, count), exhaustive_nearest(index, queries, count, None))
    (positions, distances), *_ = nearest_faces(index, queries, 40)
    assert np.all(distances == 0) and positions.tolist() == list(range(0, 120, 3))


@pytest.mark.parametrize("count", [1, 20, 1000])
def test_faces_match_the_exhaustive_evaluation(count):
    rng = np.random.default_rng(15)
    features = _clustered(rng, [5] * 800, 0.4)
    index = _index(features, None)
    queries = np.concatenate([features[:4] + 0.01, unit_vectors(rng, 2)]).astype(np.float32)
    _same(nearest_faces(index, queries, count), exhaustive_nearest(index, queries, count, None))


def test_exhaustive_evaluation_orders_by_distance_then_position():
    features = np.zeros((6, FEATURE_DIMENSION), dtype=np.float32)
    features[:, 0] = [3, 1, 2, 1, 0, 2]
    index = _index(features, None)
    ((positions, distances),) = exhaustive_nearest(index, np.zeros((1, FEATURE_DIMENSION), np.float32), 4, None)
    assert positions.tolist() == [4, 1, 3, 2] and distances.tolist() == [0, 1, 1, 4]


def test_identify_and_find_similar_answers_equal_the_exhaustive_ones_with_ids_and_confidences():
    rng = np.random.default_rng(16)
    sizes = [int(size) for size in rng.integers(1, 12, size=400)]
    features = _clustered(rng, sizes, 0.35)
    persons = [str(uuid.uuid4()) for _ in sizes]
    owners = np.repeat(np.arange(len(sizes)), sizes)
    index = build_index(
        "recognition_01",
        "v",
        [
            (persons[owner], str(uuid.uuid4()), feature_to_bytes(feature))
            for owner, feature in zip(owners, features, strict=True)
        ],
    )
    queries = (features[rng.choice(len(features), 10)] + 0.04 * rng.standard_normal((10, FEATURE_DIMENSION))).astype(
        np.float32
    )
    found = identify_persons(index, queries, max_candidates=10, threshold=0.2)
    for matches, (positions, distances) in zip(
        found, exhaustive_nearest(index, queries, 10, index.person_starts), strict=True
    ):
        expected = [
            (index.person_id(position), confidence)
            for position, confidence in zip(
                positions.tolist(), DLIB_RESNET_CURVE.confidences(distances).tolist(), strict=True
            )
            if confidence >= 0.2
        ]
        assert [(match.candidate_id, match.confidence) for match in matches] == expected
        assert matches, "each query is near a face of some person"
    faces = similar_faces(index, queries[0], max_candidates=20, threshold=None)
    ((rows, _),) = exhaustive_nearest(index, queries[:1], 20, None)
    assert [match.candidate_id for match in faces] == [index.face_id(row) for row in rows.tolist()]


def test_empty_index_finds_nothing():
    index = build_index("recognition_01", "v", [])
    queries = np.zeros((2, FEATURE_DIMENSION), dtype=np.float32)
    assert [positions.size for positions, _ in nearest_faces(index, queries, 5)] == [0, 0]
    assert similar_faces(index, queries[0], max_candidates=5, threshold=None) == []


def test_pruning_evaluates_only_a_few_rows_of_a_large_index(monkeypatch):
    rng = np.random.default_rng(17)
    sizes = [10] * 2000
    features = _clustered(rng, sizes, 0.15)
    index = _index(features, sizes)
    queries = (features[[7, 1234, 19_990]] + 0.01 * rng.standard_normal((3, FEATURE_DIMENSION))).astype(np.float32)
    evaluated = []

    def counted(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        evaluated.append(left.shape[0])
        return paired_squared_distances(left, right)

    monkeypatch.setattr("core.search.exact.paired_squared_distances", counted)
    found = nearest_persons(index, queries, 3)
    _same(found, exhaustive_nearest(index, queries, 3, index.person_starts))
    assert [positions[0] for positions, _ in found] == [0, 123, 1999]
    assert sum(evaluated) < len(index) // 20
