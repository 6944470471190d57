"""The trained index: building, serialising and searching."""

import uuid

import numpy as np
import pytest

from core.directory.segment_files import map_segment_file
from core.directory.segments import make_segment, segment_to_bytes
from core.search.exact import EXHAUSTIVE_SEARCH_ROWS, exhaustive_nearest, nearest_persons, quantised_features
from core.search.index import (
    build_index,
    feature_from_bytes,
    feature_to_bytes,
)
from core.search.quantised import quantise_codes
from core.search.rows import RowFile, chosen_rows
from core.search.stored import index_from_bytes, index_to_bytes


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


def test_a_stored_large_index_is_read_with_its_int8_copy_and_searches_as_the_built_one():
    rng = np.random.default_rng(4)
    entries = _faces(rng, persons=700, faces_each=2)
    built = build_index("recognition_04", "v4", entries)
    assert len(built) > EXHAUSTIVE_SEARCH_ROWS
    stored = index_to_bytes(built)
    index = index_from_bytes(stored)
    assert np.shares_memory(index.features, np.frombuffer(stored, dtype=np.uint8))
    quantised = quantised_features(index)
    assert np.shares_memory(quantised.row_codes, np.frombuffer(stored, dtype=np.uint8))
    assert np.array_equal(quantised.row_codes, quantise_codes(built.features).row_codes)
    queries = rng.normal(size=(5, 128)).astype(np.float32) * 0.1
    for found, expected in zip(
        nearest_persons(index, queries, 20),
        exhaustive_nearest(built, queries, 20, built.person_starts),
        strict=True,
    ):
        assert found[0].tolist() == expected[0].tolist() and found[1].tobytes() == expected[1].tobytes()


@pytest.mark.parametrize("data", [b"", b"FID", b"PK\x03\x04" + bytes(60), b"FSEG" + bytes(60)])
def test_bytes_of_another_format_are_refused_as_an_index(data):
    with pytest.raises(ValueError):
        index_from_bytes(data)


def test_a_stored_index_cut_short_is_refused():
    rng = np.random.default_rng(5)
    stored = index_to_bytes(build_index("recognition_01", "v5", _faces(rng, persons=3, faces_each=2)))
    with pytest.raises(ValueError):
        index_from_bytes(stored[:-100])


def test_a_mapped_segment_file_reads_its_chosen_rows_from_the_file_and_searches_exactly(tmp_path, monkeypatch):
    rng = np.random.default_rng(6)
    count = 3000
    owners = rng.integers(0, 256, size=(count // 3, 16), dtype=np.uint8).repeat(3, axis=0)
    faces = rng.integers(0, 256, size=(count, 16), dtype=np.uint8)
    features = (rng.standard_normal((count, 128)) * 0.1).astype(np.float32)
    built = make_segment("base-test", "recognition_04", owners, faces, features)
    path = tmp_path / "base-test.seg"
    path.write_bytes(segment_to_bytes(built))
    mapped = map_segment_file(path)
    read_rows = []
    original = RowFile.read
    monkeypatch.setattr(RowFile, "read", lambda self, rows: read_rows.append(len(rows)) or original(self, rows))
    picked = np.sort(rng.choice(count, 200, replace=False))
    picked[:20] = np.arange(100, 120)
    picked.sort()
    assert chosen_rows(mapped.index, picked).tobytes() == built.index.features[picked].tobytes()
    queries = np.concatenate([features[:4] + 0.01, rng.standard_normal((3, 128)).astype(np.float32) * 0.1])
    expected = exhaustive_nearest(built.index, queries, 10, built.person_starts)
    for found, wanted in zip(nearest_persons(mapped.index, queries, 10), expected, strict=True):
        assert found[0].tolist() == wanted[0].tolist() and found[1].tobytes() == wanted[1].tobytes()
    assert len(read_rows) == 1 + len(queries) and sum(read_rows) < count


def test_rows_past_the_end_of_a_row_file_are_refused(tmp_path):
    path = tmp_path / "rows"
    path.write_bytes(np.zeros((3, 128), dtype=np.float32).tobytes())
    with path.open("rb") as source, pytest.raises(ValueError):
        RowFile(source, 0).read(np.array([1, 2, 3]))
