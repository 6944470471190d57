"""The PersonDirectory's index in Azurite, worked by the real queue listener in-process: every face whose add
returned is searchable exactly once even when the job fails part-way on its first attempts; deletes win over
pending adds; compaction keeps the answer; the per-person face limit holds under concurrent writers; and the
search equals a brute-force float32 evaluation over the searchable faces.

Each test runs against its own Azurite, so no dev host works the same queue meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core import limits
from core.directory import faces, indexer, operations
from core.directory.index import current_view
from core.directory.persons import create_person, delete_person
from core.directory.segment_files import mapped_segment
from core.errors import FaceError
from core.search.exact import exhaustive_nearest
from core.search.index import feature_to_bytes, ids_to_rows, index_from_rows, row_to_id
from core.storage.clients import queue
from core.storage.directory_index import (
    SegmentEntry,
    read_manifest,
    replace_manifest,
    stored_segments,
    write_segment,
)
from core.storage.directory_operations import SUCCEEDED, read_operation
from core.storage.resources import DIRECTORY_POISON_QUEUE, DIRECTORY_QUEUE
from devhost.trigger_host import QueueListener, QueueOptions
from tests.support.servers import Azurite, storage_at

MODEL = "recognition_04"


@pytest.fixture()
def own_storage(tmp_path: Path) -> Iterator[None]:
    server = Azurite(tmp_path / "azurite").start()
    try:
        with storage_at(server.connection_string):
            yield
    finally:
        server.stop()


def listener() -> QueueListener:
    options = QueueOptions(max_dequeue_count=limits.DIRECTORY_MAX_DEQUEUE_COUNT, visibility_timeout_seconds=0)
    return QueueListener(
        "Directory_Job",
        lambda msg: indexer.run_directory_job(msg.get_body(), msg.dequeue_count or 1),
        "msg",
        queue(DIRECTORY_QUEUE),
        queue(DIRECTORY_POISON_QUEUE),
        options,
    )


def drain(worker: QueueListener, operation_ids: list[str]) -> None:
    """Poll until every operation is terminal (the queue is then empty)."""
    for _ in range(200):
        if all(read_operation(operation_id).terminal for operation_id in operation_ids):  # type: ignore[union-attr]
            return
        worker.poll_once()
    pytest.fail("operations did not finish")


def add_faces(person_ids: list[str], per_person: int, seed: int) -> tuple[dict[str, tuple[str, np.ndarray]], list[str]]:
    """Synthetic faces stored through the service; {faceId: (personId, feature)} and the operation ids."""
    rng = np.random.default_rng(seed)
    added: dict[str, tuple[str, np.ndarray]] = {}
    operation_ids = []
    for person_id in person_ids:
        for _ in range(per_person):
            feature = (rng.standard_normal(128) * 0.1).astype(np.float32)
            face_id, operation_id = faces.store_face(person_id, MODEL, None, (1, 2, 30, 30), feature_to_bytes(feature))
            added[face_id] = (person_id, feature)
            operation_ids.append(operation_id)
    return added, operation_ids


def listed_face_ids() -> list[str]:
    """Every faceId of every segment the manifest lists (with repeats, if any)."""
    manifest = read_manifest(MODEL)
    assert manifest is not None
    found = []
    for entry in manifest.segments:
        segment = mapped_segment(MODEL, entry.name)
        found += [row_to_id(row) for row in segment.index.face_ids]
    return found


def assert_brute_force(live: dict[str, tuple[str, np.ndarray]], queries: np.ndarray, persons: list[str] | None) -> None:
    view = current_view(MODEL)
    assert view.face_count == len(live) or persons is not None
    chosen = {face: value for face, value in live.items() if persons is None or value[0] in persons}
    brute = index_from_rows(
        MODEL,
        "",
        ids_to_rows([person for person, _ in chosen.values()]),
        ids_to_rows(list(chosen)),
        np.stack([feature for _, feature in chosen.values()]),
    )
    got = view.nearest_persons(queries, 5, None if persons is None else ids_to_rows(persons))
    want = exhaustive_nearest(brute, queries, 5, brute.person_starts)
    for (ids, distances), (positions, expected) in zip(got, want, strict=True):
        assert np.array_equal(ids, brute.person_ids[positions])  # type: ignore[index]
        assert np.array_equal(distances, expected)


def failing_first(target: Callable[..., Any], after: bool, key_of: Callable[..., str]) -> Callable[..., Any]:
    """``target``, failing its first call for each key (before or after doing its work)."""
    failed: set[str] = set()

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = key_of(*args)
        if key not in failed and not after:
            failed.add(key)
            raise RuntimeError("injected failure before")
        result = target(*args, **kwargs)
        if key not in failed:
            failed.add(key)
            raise RuntimeError("injected failure after")
        return result

    return wrapper


def new_segment(model: str, segments: tuple[Any, ...], etag: str | None) -> str:
    return segments[-1].name


def face_row(person_id: str, model: str, face_id: str, changes: dict[str, Any]) -> str:
    return face_id


POINTS: dict[str, tuple[str, bool, Callable[..., str]]] = {
    "segment written, manifest not": ("replace_manifest", False, new_segment),
    "manifest committed": ("replace_manifest", True, new_segment),
    "face marked indexed": ("directory_faces.update_face", True, face_row),
}


@pytest.mark.usefixtures("own_storage")
@pytest.mark.parametrize("point", sorted(POINTS))
def test_every_added_face_is_searchable_exactly_once_after_failures(point: str, monkeypatch: Any) -> None:
    name, after, key_of = POINTS[point]
    if "." in name:
        module_name, attribute = name.split(".")
        owner = getattr(indexer, module_name)
    else:
        owner, attribute = indexer, name
    monkeypatch.setattr(owner, attribute, failing_first(getattr(owner, attribute), after, key_of))
    finish = operations.finish
    refused: set[str] = set()

    def finish_failing_once(operation_id: str, status: str, message: str | None = None) -> None:
        if status == "succeeded" and operation_id not in refused:
            refused.add(operation_id)
            raise RuntimeError("injected failure before succeeded")
        finish(operation_id, status, message)

    monkeypatch.setattr(operations, "finish", finish_failing_once)
    persons = [create_person({"name": f"p{number}"})[0] for number in range(4)]
    added, operation_ids = add_faces(persons, 2, seed=1)
    drain(listener(), operation_ids)
    monkeypatch.undo()

    assert {read_operation(operation_id).status for operation_id in operation_ids} == {"succeeded"}  # type: ignore[union-attr]
    assert sorted(listed_face_ids()) == sorted(added)
    assert_brute_force(added, np.stack([feature for _, feature in added.values()]), None)


@pytest.mark.usefixtures("own_storage")
def test_deletes_compaction_and_person_subsets_keep_the_brute_force_answer(monkeypatch: Any) -> None:
    monkeypatch.setattr(limits, "DIRECTORY_COMPACTION_SEGMENTS", 6)
    worker = listener()
    persons = [create_person({"name": f"p{number}"})[0] for number in range(6)]
    added, operation_ids = add_faces(persons, 3, seed=2)
    drain(worker, operation_ids)
    manifest = read_manifest(MODEL)
    assert manifest is not None and len(manifest.segments) <= 7
    doomed_face = next(iter(added))
    deletions = [faces.delete_face(added[doomed_face][0], MODEL, doomed_face), delete_person(persons[1])]
    drain(worker, deletions)
    live = {face: value for face, value in added.items() if face != doomed_face and value[0] != persons[1]}
    queries = np.stack([feature for _, feature in added.values()])
    assert_brute_force(live, queries, None)
    assert_brute_force(live, queries, persons[:3])
    more, more_operations = add_faces(persons[2:4], 2, seed=3)
    overtaken = next(iter(more))
    more_operations.append(faces.delete_face(more.pop(overtaken)[0], MODEL, overtaken))
    drain(worker, more_operations)
    live.update(more)
    assert_brute_force(live, queries, None)
    assert indexer.compact(MODEL) is True
    manifest = read_manifest(MODEL)
    assert manifest is not None and len(manifest.segments) == 1
    assert sorted(listed_face_ids()) == sorted(live)
    assert_brute_force(live, queries, None)
    assert_brute_force(live, queries, persons[2:5])


@pytest.mark.usefixtures("own_storage")
def test_the_face_limit_per_person_and_model_holds_under_concurrent_writers(monkeypatch: Any) -> None:
    monkeypatch.setattr(limits, "MAX_FACES_PER_DIRECTORY_PERSON", 5)
    person_id = create_person({"name": "p"})[0]
    feature = feature_to_bytes(np.zeros(128, dtype=np.float32))

    def attempt(_: int) -> str:
        try:
            faces.store_face(person_id, MODEL, None, (0, 0, 10, 10), feature)
        except FaceError as error:
            return error.code
        return "added"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(12)))
    assert outcomes.count("added") == 5
    assert set(outcomes) == {"added", "QuotaExceeded"}
    assert len(faces.list_faces(person_id, MODEL)["persistedFaceIds"]) == 5
    assert faces.store_face(person_id, "recognition_03", None, (0, 0, 10, 10), feature)[0]


@pytest.mark.usefixtures("own_storage")
def test_the_cleanup_removes_only_segments_no_manifest_will_list(monkeypatch: Any) -> None:
    listed, abandoned, pending = (operations.new_operation({"kind": "test"}).operation_id for _ in range(3))
    operations.finish(listed, SUCCEEDED)
    operations.finish(abandoned, SUCCEEDED)
    operations.start(pending)
    base = f"{indexer.BASE_PREFIX}left-by-a-crash"
    for name in (listed, abandoned, pending, base):
        write_segment(MODEL, name, b"segment")
    replace_manifest(MODEL, (SegmentEntry(listed, 1, 0),), None)

    assert indexer.remove_abandoned_segments(MODEL) == 1
    assert set(stored_segments(MODEL)) == {listed, pending, base}, "a fresh base may belong to a compaction"
    monkeypatch.setattr(limits, "DIRECTORY_ABANDONED_BASE_SECONDS", -60)
    assert indexer.remove_abandoned_segments(MODEL) == 1
    assert set(stored_segments(MODEL)) == {listed, pending}
    operations.finish(pending, SUCCEEDED)
    assert indexer.remove_abandoned_segments(MODEL) == 1, "settled and never listed"
    assert set(stored_segments(MODEL)) == {listed}
