"""The trained index: building, serialising and searching."""

import uuid

import numpy as np
import pytest

from core.search.index import (
    build_index,
    feature_from_bytes,
    feature_to_bytes,
    index_from_bytes,
    index_to_bytes,
)


def _faces(rng, persons, faces_each):
    entries = []
    for _ in range(persons):
        person = str(uuid.uuid4())
        for _ in range(faces_each):
            entries.append((person, str(uuid.uuid4()), feature_to_bytes(rng.normal(size=128).astype(np.float32))))
    return entries


def test_feature_bytes_round_trip_and_size_check():
    feature = np.arange(128, dtype=np.float32) / 7
    assert np.array_equal(feature_from_bytes(feature_to_bytes(feature)), feature)
    with pytest.raises(ValueError):
        feature_from_bytes(b"\0" * 10)
    with pytest.raises(ValueError):
        feature_to_bytes(np.zeros(3))


def test_person_index_distances_match_brute_force():
    rng = np.random.default_rng(1)
    entries = _faces(rng, persons=7, faces_each=3)
    index = index_from_bytes(index_to_bytes(build_index("recognition_01", "v1", entries)))
    assert len(index) == 21 and index.person_count == 7 and index.recognition_model == "recognition_01"
    queries = rng.normal(size=(4, 128)).astype(np.float32)
    expected = {}
    for person, _face, data in entries:
        distances = np.sum((queries - feature_from_bytes(data)) ** 2, axis=1)
        expected[person] = np.minimum(expected.get(person, np.inf), distances)
    per_person = index.person_squared_distances(queries)
    for position in range(index.person_count):
        assert np.allclose(per_person[:, position], expected[index.person_id(position)], rtol=1e-4)
    face_rows = {index.face_id(row): row for row in range(len(index))}
    assert set(face_rows) == {face for _, face, _ in entries}


def test_face_list_index_and_empty_index():
    rng = np.random.default_rng(2)
    entries = [(None, str(uuid.uuid4()), feature_to_bytes(rng.normal(size=128))) for _ in range(5)]
    index = index_from_bytes(index_to_bytes(build_index("recognition_04", "v2", entries)))
    assert index.person_ids is None and len(index) == 5
    assert index.squared_distances(np.zeros(128)).shape == (1, 5)
    empty = index_from_bytes(index_to_bytes(build_index("recognition_01", "v3", [])))
    assert len(empty) == 0 and empty.squared_distances(np.zeros((2, 128))).shape == (2, 0)


def test_mixing_person_and_list_faces_is_refused():
    rng = np.random.default_rng(3)
    entries = [*_faces(rng, 1, 1), (None, str(uuid.uuid4()), feature_to_bytes(rng.normal(size=128)))]
    with pytest.raises(ValueError):
        build_index("recognition_01", "v", entries)
