"""Collections in Table and Blob Storage (Azurite): concurrent face writes, converging deletes,
the training job and the cached index loader, called in-process."""

from __future__ import annotations

import gc
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from core import limits
from core.collections.index_cache import load_index
from core.collections.kinds import FACE_LIST, LARGE_FACE_LIST, LARGE_PERSON_GROUP, PERSON_GROUP, CollectionKind
from core.collections.lifecycle import create_collection, delete_collection, get_collection
from core.collections.persisted_faces import store_faces
from core.collections.persons import create_person
from core.collections.training import run_training_job
from core.errors import FaceError
from core.search import exact
from core.storage import face_collections, face_members
from core.storage.clients import container
from core.storage.exceptions import AlreadyExists, NotFound, QuotaReached
from core.storage.face_collections import CollectionRecord
from core.storage.face_training import (
    FAILED,
    NOT_STARTED,
    RUNNING,
    SUCCEEDED,
    TrainingRecord,
    read_training,
    write_training,
)
from core.storage.index_blobs import index_blob_name, index_prefix, read_index_blob, save_index
from core.storage.resources import INDEX_CONTAINER
from core.storage.training_queue import TrainingJob
from tests.support.faces import synthetic_face
from tests.support.helpers import new_id

pytestmark = pytest.mark.usefixtures("storage")


def new_person(kind: CollectionKind, group: str, name: str) -> str:
    return create_person(kind, group, {"name": name})["personId"]


def blobs_of(kind: str, collection_id: str) -> list[str]:
    return [
        blob.name for blob in container(INDEX_CONTAINER).list_blobs(name_starts_with=index_prefix(kind, collection_id))
    ]


def queue_training(kind: str, collection_id: str) -> TrainingJob:
    """Record a requested training the way the HTTP side does, without queueing it."""
    job = TrainingJob(kind, collection_id, str(uuid.uuid4()))
    current = read_training(kind, collection_id)
    base = current or TrainingRecord(kind, collection_id, NOT_STARTED, job.training_id, "2024-01-01T00:00:00.000Z")
    write_training(
        base.with_changes(status=NOT_STARTED, training_id=job.training_id, last_action="2024-01-01T00:00:00.000Z")
    )
    return job


def test_parallel_adds_to_one_person_never_pass_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FACES_PER_PERSON", 10)
    group = new_id()
    create_collection(LARGE_PERSON_GROUP, group, {"name": "parallel"})
    person = new_person(LARGE_PERSON_GROUP, group, "p")

    def add(_: int) -> str | FaceError:
        try:
            return store_faces(LARGE_PERSON_GROUP, group, person, [synthetic_face()])[0]
        except FaceError as error:
            return error

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(add, range(30)))
    added = [outcome for outcome in outcomes if isinstance(outcome, str)]
    failures = [outcome for outcome in outcomes if isinstance(outcome, FaceError)]
    assert {(error.status, error.code) for error in failures} <= {
        (403, "QuotaExceeded"),
        (409, "ConcurrentOperationConflict"),
    }
    assert 1 <= len(added) <= 10
    stored = face_members.read_person(LARGE_PERSON_GROUP.name, group, person)
    assert stored is not None and sorted(stored.persisted_face_ids) == sorted(added)
    rows = face_members.training_faces(LARGE_PERSON_GROUP.name, group)
    assert sorted(face_id for _, face_id, _ in rows) == sorted(added)


def test_parallel_adds_to_different_persons_all_succeed() -> None:
    group = new_id()
    create_collection(PERSON_GROUP, group, {"name": "two persons"})
    persons = [new_person(PERSON_GROUP, group, name) for name in ("a", "b")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        added = list(
            pool.map(lambda n: store_faces(PERSON_GROUP, group, persons[n % 2], [synthetic_face()])[0], range(8))
        )
    assert len(set(added)) == 8
    counts = [len(face_members.read_person(PERSON_GROUP.name, group, person).persisted_face_ids) for person in persons]
    assert counts == [4, 4]


def test_face_list_count_and_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FACES_PER_FACE_LIST", 3)
    face_list = new_id()
    create_collection(FACE_LIST, face_list, {"name": "small"})
    first = store_faces(FACE_LIST, face_list, None, [synthetic_face(), synthetic_face()])
    with pytest.raises(FaceError) as caught:
        store_faces(FACE_LIST, face_list, None, [synthetic_face(), synthetic_face()])
    assert (caught.value.status, caught.value.message) == (403, "Persisted face number reached limit.")
    assert face_members.delete_face(FACE_LIST.name, face_list, None, first[0])
    assert not face_members.delete_face(FACE_LIST.name, face_list, None, first[0])
    store_faces(FACE_LIST, face_list, None, [synthetic_face(), synthetic_face()])
    assert len(get_collection(FACE_LIST, face_list, False)["persistedFaces"]) == 3


def test_collection_count_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    existing = len(face_collections.list_collections(LARGE_FACE_LIST.name, None, None))
    monkeypatch.setattr(limits, "MAX_LARGE_FACE_LISTS", existing + 1)
    create_collection(LARGE_FACE_LIST, new_id(), {"name": "last one"})
    with pytest.raises(FaceError) as caught:
        create_collection(LARGE_FACE_LIST, new_id(), {"name": "one too many"})
    assert (caught.value.status, caught.value.message) == (403, "Large Face List number reached limit.")


def test_storage_reports_in_its_own_terms() -> None:
    """Storage raises its own exceptions; the services turn them into Azure errors."""
    group = new_id()
    create_collection(PERSON_GROUP, group, {"name": "terms"})
    record = CollectionRecord(PERSON_GROUP.name, group, "again", None, "recognition_01", "2024-01-01T00:00:00.000Z")
    with pytest.raises(AlreadyExists):
        face_collections.insert_collection(record, limits.MAX_PERSON_GROUPS)
    with pytest.raises(QuotaReached):
        face_collections.insert_collection(replace(record, collection_id=new_id()), 0)
    with pytest.raises(QuotaReached):
        face_members.create_person(PERSON_GROUP.name, group, "p", None, 0)
    person = face_members.create_person(PERSON_GROUP.name, group, "p", None, 1)
    with pytest.raises(QuotaReached):
        face_members.add_faces(PERSON_GROUP.name, group, person, [synthetic_face(), synthetic_face()], 1)
    with pytest.raises(NotFound):
        face_members.add_faces(PERSON_GROUP.name, group, str(uuid.uuid4()), [synthetic_face()], 1)
    with pytest.raises(NotFound):
        face_members.delete_face(PERSON_GROUP.name, group, str(uuid.uuid4()), str(uuid.uuid4()))


def test_index_blobs_are_read_again_only_when_changed() -> None:
    name = index_blob_name(LARGE_FACE_LIST.name, new_id(), str(uuid.uuid4()))
    with pytest.raises(NotFound):
        read_index_blob(name)
    save_index(name, b"first")
    first = read_index_blob(name)
    assert first is not None and first.data == b"first" and first.name == name
    assert read_index_blob(name, first.etag) is None
    save_index(name, b"second")
    second = read_index_blob(name, first.etag)
    assert second is not None and second.data == b"second" and second.etag != first.etag


def test_interrupted_delete_converges() -> None:
    group = new_id()
    create_collection(PERSON_GROUP, group, {"name": "doomed"})
    person = new_person(PERSON_GROUP, group, "p")
    store_faces(PERSON_GROUP, group, person, [synthetic_face() for _ in range(3)])
    run_training_job(queue_training(PERSON_GROUP.name, group).to_json().encode(), 1)
    assert blobs_of(PERSON_GROUP.name, group)

    face_collections.mark_deleting(PERSON_GROUP.name, group)
    with pytest.raises(FaceError) as caught:
        get_collection(PERSON_GROUP, group, False)
    assert caught.value.code == "PersonGroupNotFound"
    listed = face_collections.list_collections(PERSON_GROUP.name, None, None)
    assert group not in [record.collection_id for record in listed]

    delete_collection(PERSON_GROUP, group)
    assert face_collections.read_collection(PERSON_GROUP.name, group) is None
    assert read_training(PERSON_GROUP.name, group) is None
    assert blobs_of(PERSON_GROUP.name, group) == []
    assert face_members.training_faces(PERSON_GROUP.name, group) == []
    assert face_members.read_person(PERSON_GROUP.name, group, person) is None


def test_recreating_an_interrupted_delete_starts_empty() -> None:
    face_list = new_id()
    create_collection(LARGE_FACE_LIST, face_list, {"name": "before"})
    store_faces(LARGE_FACE_LIST, face_list, None, [synthetic_face()])
    face_collections.mark_deleting(LARGE_FACE_LIST.name, face_list)
    create_collection(LARGE_FACE_LIST, face_list, {"name": "after"})
    assert get_collection(LARGE_FACE_LIST, face_list, False)["name"] == "after"
    assert face_members.list_faces(LARGE_FACE_LIST.name, face_list, None, None) == []


def test_person_delete_removes_its_faces() -> None:
    group = new_id()
    create_collection(LARGE_PERSON_GROUP, group, {"name": "g"})
    keep, drop = (new_person(LARGE_PERSON_GROUP, group, name) for name in ("keep", "drop"))
    store_faces(LARGE_PERSON_GROUP, group, keep, [synthetic_face()])
    store_faces(LARGE_PERSON_GROUP, group, drop, [synthetic_face() for _ in range(5)])
    assert face_members.delete_person(LARGE_PERSON_GROUP.name, group, drop)
    assert [person for person, _, _ in face_members.training_faces(LARGE_PERSON_GROUP.name, group)] == [keep]
    assert [person.person_id for person in face_members.list_persons(LARGE_PERSON_GROUP.name, group, None, None)] == [
        keep
    ]


def test_training_job_builds_and_replaces_the_index() -> None:
    group = new_id()
    create_collection(LARGE_PERSON_GROUP, group, {"name": "train me"})
    persons = sorted(new_person(LARGE_PERSON_GROUP, group, name) for name in "abc")
    for person in persons:
        store_faces(LARGE_PERSON_GROUP, group, person, [synthetic_face(), synthetic_face()])

    first = queue_training(LARGE_PERSON_GROUP.name, group)
    run_training_job(first.to_json().encode(), 1)
    status = read_training(LARGE_PERSON_GROUP.name, group)
    assert status.status == SUCCEEDED and status.last_successful_training == status.last_action
    index = load_index(LARGE_PERSON_GROUP, group)
    assert index is not None and len(index) == 6 and index.person_count == 3
    assert [index.person_id(position) for position in range(3)] == persons
    assert load_index(LARGE_PERSON_GROUP, group) is index

    run_training_job(first.to_json().encode(), 2)
    assert read_training(LARGE_PERSON_GROUP.name, group).etag == status.etag

    store_faces(LARGE_PERSON_GROUP, group, persons[0], [synthetic_face()])
    second = queue_training(LARGE_PERSON_GROUP.name, group)
    run_training_job(first.to_json().encode(), 1)
    assert read_training(LARGE_PERSON_GROUP.name, group).status == NOT_STARTED
    run_training_job(second.to_json().encode(), 1)
    retrained = load_index(LARGE_PERSON_GROUP, group)
    assert retrained is not index and len(retrained) == 7 and retrained.version == second.training_id
    assert blobs_of(LARGE_PERSON_GROUP.name, group) == [f"largepersongroup/{group}/{second.training_id}.index"]


def test_retraining_frees_the_superseded_index_and_its_quantised_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache keeps one index per collection: once a newer training is loaded, the older index and its
    quantised copy (with its onnxruntime session) are freed, however often the collection is retrained."""
    monkeypatch.setattr(exact, "EXHAUSTIVE_SEARCH_ROWS", 1)  # small indexes get their quantised copy too
    group = new_id()
    create_collection(LARGE_PERSON_GROUP, group, {"name": "retrain me"})
    person = new_person(LARGE_PERSON_GROUP, group, "a")
    loaded: list[weakref.ref[object]] = []
    copies: list[weakref.ref[object]] = []
    for _ in range(4):
        store_faces(LARGE_PERSON_GROUP, group, person, [synthetic_face()])
        job = queue_training(LARGE_PERSON_GROUP.name, group)
        run_training_job(job.to_json().encode(), 1)
        index = load_index(LARGE_PERSON_GROUP, group)
        assert index is not None and index.version == job.training_id
        loaded.append(weakref.ref(index))
        copies.append(weakref.ref(exact.quantised_features(index)))
        del index
    gc.collect()
    assert [reference() is None for reference in loaded] == [True, True, True, False]
    assert [reference() is None for reference in copies] == [True, True, True, False]


def test_empty_collection_trains_to_an_empty_index() -> None:
    face_list = new_id()
    create_collection(LARGE_FACE_LIST, face_list, {"name": "empty"})
    run_training_job(queue_training(LARGE_FACE_LIST.name, face_list).to_json().encode(), 1)
    assert read_training(LARGE_FACE_LIST.name, face_list).status == SUCCEEDED
    assert len(load_index(LARGE_FACE_LIST, face_list)) == 0


def test_failing_job_records_failure_on_its_last_attempt() -> None:
    face_list = new_id()
    create_collection(LARGE_FACE_LIST, face_list, {"name": "corrupt"})
    store_faces(LARGE_FACE_LIST, face_list, None, [synthetic_face(b"not a feature")])
    body = queue_training(LARGE_FACE_LIST.name, face_list).to_json().encode()
    for attempt in range(1, limits.TRAINING_MAX_DEQUEUE_COUNT):
        with pytest.raises(ValueError):
            run_training_job(body, attempt)
        assert read_training(LARGE_FACE_LIST.name, face_list).status == RUNNING
    with pytest.raises(ValueError):
        run_training_job(body, limits.TRAINING_MAX_DEQUEUE_COUNT)
    status = read_training(LARGE_FACE_LIST.name, face_list)
    assert status.status == FAILED and "ValueError" in status.message
    assert load_index(LARGE_FACE_LIST, face_list) is None
