"""Confidence mapping and the vectorised matching of Identify, Find Similar and Group, on synthetic features."""

import uuid

import numpy as np
import pytest

from core.search.confidence import DLIB_RESNET_CURVE, SAME_PERSON_DISTANCE, is_same_person
from core.search.index import build_index, feature_to_bytes
from core.search.matching import group_by_similarity, identify_persons, similar_faces
from tests.support.faces import unit_vectors


def test_confidence_is_monotone_in_unit_interval_and_half_at_dlib_threshold():
    distances = np.linspace(0.0, 2.0, 2001)
    confidences = DLIB_RESNET_CURVE.confidences(distances**2)
    assert np.all(np.diff(confidences) <= 0) and confidences[0] > confidences[-1]
    assert np.all((confidences >= 0) & (confidences <= 1))
    assert DLIB_RESNET_CURVE.confidences(SAME_PERSON_DISTANCE**2) == 0.5
    assert DLIB_RESNET_CURVE.confidences(0.0) == 1.0 and DLIB_RESNET_CURVE.confidences(1.2**2) == 0.0
    assert np.all(np.diff(confidences[(distances > 0.01) & (distances < 1.15)]) < 0)
    assert is_same_person(float(DLIB_RESNET_CURVE.confidences(0.59**2)))
    assert not is_same_person(float(DLIB_RESNET_CURVE.confidences(0.61**2)))
    assert DLIB_RESNET_CURVE.confidences(0.4**2) > 0.85 and DLIB_RESNET_CURVE.confidences(0.9**2) < 0.05


def _near(rng: np.random.Generator, centre: np.ndarray, distance: float) -> np.ndarray:
    direction = unit_vectors(rng, 1)[0]
    return (centre + distance * direction).astype(np.float32)


def test_identify_ranks_persons_by_nearest_face_and_applies_the_threshold():
    rng = np.random.default_rng(5)
    centres = unit_vectors(rng, 30) * 2.0
    entries, persons = [], []
    for centre in centres:
        person = str(uuid.uuid4())
        persons.append(person)
        for _ in range(3):
            entries.append((person, str(uuid.uuid4()), feature_to_bytes(_near(rng, centre, 0.25))))
    index = build_index("recognition_01", "v", entries)
    queries = np.stack([_near(rng, centres[3], 0.2), _near(rng, centres[17], 0.2), unit_vectors(rng, 1)[0] * 5])
    results = identify_persons(index, queries, max_candidates=5, threshold=0.5)
    assert results[0][0].candidate_id == persons[3] and results[0][0].confidence >= 0.5
    assert results[1][0].candidate_id == persons[17]
    assert results[2] == []
    assert all(len(result) <= 5 for result in results)
    everything = identify_persons(index, queries, max_candidates=100, threshold=0.0)
    assert [len(result) for result in everything] == [30, 30, 30]
    confidences = [match.confidence for match in everything[0]]
    assert confidences == sorted(confidences, reverse=True)
    brute = np.sqrt(((queries[0] - np.stack([np.frombuffer(e[2], np.float32) for e in entries])) ** 2).sum(axis=1))
    best_per_person = {
        person: min(d for d, e in zip(brute, entries, strict=True) if e[0] == person) for person in persons
    }
    expected_order = sorted(persons, key=best_per_person.get)
    assert [match.candidate_id for match in everything[0]] == expected_order


@pytest.mark.parametrize("threshold, expected_count", [(None, 12), (0.5, 4)])
def test_similar_faces_match_face_ranks_all_and_match_person_keeps_same_person(threshold, expected_count):
    rng = np.random.default_rng(6)
    centre = unit_vectors(rng, 1)[0]
    same = [_near(rng, centre, 0.3) for _ in range(4)]
    others = [unit_vectors(rng, 1)[0] * 3 for _ in range(8)]
    entries = [(None, str(uuid.uuid4()), feature_to_bytes(feature)) for feature in same + others]
    index = build_index("recognition_01", "v", entries)
    matches = similar_faces(index, centre, max_candidates=20, threshold=threshold)
    assert len(matches) == expected_count
    same_ids = {entry[1] for entry in entries[:4]}
    assert {match.candidate_id for match in matches[:4]} == same_ids
    assert len(similar_faces(index, centre, max_candidates=2, threshold=threshold)) == 2


def grouped(features: list[np.ndarray]) -> tuple[list[list[int]], list[int]]:
    """``group_by_similarity`` of features given in caller order, as positions in that order."""
    face_ids = [str(uuid.uuid4()) for _ in features]
    index = build_index(
        "recognition_01",
        "v",
        [(None, face_id, feature_to_bytes(feature)) for face_id, feature in zip(face_ids, features, strict=True)],
    )
    position = {face_id: order for order, face_id in enumerate(face_ids)}
    rank = np.array([position[index.face_id(row)] for row in range(len(index))])
    groups, messy = group_by_similarity(index, rank)
    return (
        [[position[index.face_id(row)] for row in rows] for rows in groups],
        [position[index.face_id(row)] for row in messy],
    )


def test_grouping_finds_persons_orders_groups_by_size_and_keeps_messy_faces():
    rng = np.random.default_rng(7)
    centres = unit_vectors(rng, 3) * 3
    features = (
        [_near(rng, centres[0], 0.2) for _ in range(2)]
        + [_near(rng, centres[1], 0.2) for _ in range(4)]
        + [unit_vectors(rng, 1)[0] * 9]
        + [_near(rng, centres[0], 0.2)]
        + [unit_vectors(rng, 1)[0] * -9]
    )
    groups, messy = grouped(features)
    assert groups == [[2, 3, 4, 5], [0, 1, 7]]
    assert messy == [6, 8]


def test_grouping_follows_chains_of_links():
    start = np.zeros(128, dtype=np.float32)
    step = np.zeros(128, dtype=np.float32)
    step[0] = 0.5
    features = [start + step * k for k in (5, 0, 3, 1, 4, 2)]
    groups, messy = grouped(features)
    assert groups == [[0, 1, 2, 3, 4, 5]]
    assert messy == []
