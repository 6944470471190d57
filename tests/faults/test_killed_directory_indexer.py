"""The host SIGKILLed in the middle of PersonDirectory indexing jobs: after each restart every add finishes.

An add's job (``core.directory.indexer``) writes the face's segment blob,
lists it in the model's manifest under If-Match, compacts the manifest when it
lists more than ``DIRECTORY_COMPACTION_SEGMENTS`` segments, marks the face row
``indexed`` and the operation ``succeeded``. A kill matters most inside that
job, so the test kills the host twice, each time in a state read from storage:

1. ``segment written, not listed``: an add ``running``, its segment blob
   stored, the manifest not listing it. The rerun writes the same blob again and
   lists it once.
2. ``listed, compacting``: an add ``running`` whose segment the manifest lists,
   its face not yet ``indexed``, while its job compacts the manifest (over the
   compaction threshold) past writing the merged base: blobs are stored that
   are neither listed nor a running add's (the base before the manifest names
   it, or the merged segments once it does, not all deleted yet). The rerun
   finds its segment listed and does not add the face again; what the kill
   left unlisted is never listed again, and recovery leaves no unlisted blob of
   its own.

To land in a state, the test freezes the host (SIGSTOP) at random moments,
reads storage while nothing can change it, and SIGKILLs the frozen host when
the state is the wanted one (otherwise it lets the host go on, SIGCONT). The
state is read again after the kill and must still be the wanted one: that is
the state the host died in, printed with the test's output.

Every add answers 202 (or is stored, for the synthetic ones) only once its
operation is recorded and its message queued; the killed job's message is
hidden until its processing lease (``PROCESSING_LEASE_SECONDS``) runs out,
the others are received at once. So every add succeeds within
``RECOVERY_SECONDS`` of the last restart. Afterwards each face is listed once
and searchable once (the live rows of the listed segments hold every faceId
exactly once), the manifest lists each segment once and only segments that
exist, and Identify against ``["*"]`` finds the right person.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core import limits
from core.directory.faces import store_face
from core.directory.index import current_view
from core.directory.indexer import BASE_PREFIX, remove_abandoned_segments
from core.geometry import Rectangle
from core.search.index import feature_to_bytes, row_to_id
from core.settings import PROJECT_ROOT
from core.storage import directory_faces
from core.storage.clients import table
from core.storage.directory_index import read_manifest, stored_segments
from core.storage.directory_operations import FAILED, RUNNING, SUCCEEDED
from core.storage.resources import DIRECTORY_OPERATIONS_TABLE
from devhost.trigger_host import PROCESSING_LEASE_SECONDS, queue_options
from tests.faults.conftest import Servers
from tests.support.directory import (
    MODEL,
    PREVIEW,
    add_face,
    create_person,
    largest_face,
    operation_path,
    query_faces,
)
from tests.support.faces import unit_vectors
from tests.support.paths import KNN_EXAMPLES
from tests.support.polling import wait_until
from tests.support.servers import DevHost, FaceClient

POLLING_SECONDS = queue_options(json.loads((PROJECT_ROOT / "host.json").read_text())).max_polling_interval_seconds
"""host.json's ``maxPollingInterval``: the longest an idle queue waits before it is read again."""
RECOVERY_SECONDS = PROCESSING_LEASE_SECONDS + POLLING_SECONDS + 30
"""The stated bound from the last restart to every add succeeded: the lease running out, one poll, the jobs."""
SETTLE_SECONDS = 0.05
"""How long a frozen host's last storage request (sent in full before the freeze) is given to land."""
RUN_SECONDS = 0.06
"""The longest the host runs between two freezes (each run lasts a random share of it)."""
KILL_TIMEOUT = 45.0
"""The longest the test looks for a wanted state before failing."""
FILLER_PERSONS = 3
"""Persons the synthetic faces go to, each seeded by a thread of its own (a person's adds are serialised)."""
SYNTHETIC_PER_PERSON = limits.DIRECTORY_COMPACTION_SEGMENTS
"""Synthetic adds per filler person: enough for the manifest to pass the compaction threshold twice."""
QUERIES = {"alex_lacamoire1.jpg": "alex_lacamoire", "johnsnow_test1.jpg": "kit_harington", "obama1.jpg": "obama"}
"""Test photos with one face each, by the person they show."""


@dataclass(frozen=True)
class IndexState:
    """What storage holds of the indexing: the add operations running, and the model's segments."""

    running: dict[str, dict[str, Any]]  # operationId: job
    listed: tuple[str, ...]  # the manifest's segments, in order
    stored: frozenset[str]  # every segment blob
    indexed: frozenset[str]  # the running adds whose face row is marked indexed

    def describe(self) -> str:
        adds = ", ".join(
            f"{operation} (blob {'stored' if operation in self.stored else 'absent'}, "
            f"{'listed' if operation in self.listed else 'unlisted'}, "
            f"face {'indexed' if operation in self.indexed else 'not indexed'})"
            for operation in sorted(self.running)
        )
        unlisted = self.stored - set(self.listed)
        bases = sum(name.startswith(BASE_PREFIX) for name in unlisted)
        listed_bases = sum(name.startswith(BASE_PREFIX) for name in self.listed)
        return (
            f"running adds: {adds or 'none'}; manifest lists {len(self.listed)} ({listed_bases} bases); "
            f"{len(unlisted)} segments stored unlisted ({bases} bases)"
        )


def read_state() -> IndexState:
    entities = table(DIRECTORY_OPERATIONS_TABLE).query_entities("status eq @status", parameters={"status": RUNNING})
    jobs = {entity["PartitionKey"]: json.loads(entity["job"]) for entity in entities}
    running = {operation: job for operation, job in jobs.items() if job["kind"] == "addFace"}
    manifest = read_manifest(MODEL)
    assert manifest is not None
    indexed = set()
    for operation, job in running.items():
        face = directory_faces.read_face(job["personId"], MODEL, job["persistedFaceId"])
        if face is not None and face.indexed:
            indexed.add(operation)
    return IndexState(
        running,
        tuple(entry.name for entry in manifest.segments),
        frozenset(stored_segments(MODEL)),
        frozenset(indexed),
    )


def written_not_listed(state: IndexState) -> bool:
    return any(op in state.stored and op not in state.listed for op in state.running)


def leftovers(state: IndexState) -> set[str]:
    """Stored segments neither listed nor a running add's: a compaction's base or merged segments."""
    return set(state.stored) - set(state.listed) - set(state.running)


def compacting(state: IndexState) -> bool:
    """A compaction under way: the manifest over the threshold (reading the segments, writing the base), or
    leftovers (the base not listed yet, or the merged segments not all deleted)."""
    return len(state.listed) > limits.DIRECTORY_COMPACTION_SEGMENTS or bool(leftovers(state))


def listed_past_the_base(state: IndexState) -> bool:
    return bool(leftovers(state)) and any(op in state.listed and op not in state.indexed for op in state.running)


def kill_in(
    host: DevHost,
    wanted: Callable[[IndexState], bool],
    ready: Callable[[], bool] = lambda: True,
    near: Callable[[IndexState], bool] = lambda state: True,
) -> IndexState:
    """SIGKILL the host in a state ``wanted`` accepts, read from storage while the host is frozen; the state
    it died in.

    Freezing slows the jobs down, so the test starts freezing the host once
    ``ready`` (asked without freezing) says the state is near, and goes on while
    each reading is ``near`` it.
    """
    assert host.process is not None
    pid = host.process.pid
    started, sampling = time.monotonic(), False
    while time.monotonic() - started < KILL_TIMEOUT:
        sampling = sampling or ready()
        if not sampling:
            time.sleep(0.005)
            continue
        time.sleep(random.uniform(0, RUN_SECONDS))
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(SETTLE_SECONDS)
            state = read_state()
            sampling = near(state)
            if wanted(state):
                host.kill()
                after = read_state()
                assert wanted(after), f"the state changed after the freeze: {state.describe()} -> {after.describe()}"
                elapsed = time.monotonic() - started
                print(f"killed after {elapsed:.1f} s with {after.describe()}")  # the state the host died in, logged
                return after
        finally:
            if host.process is not None:  # not killed: the host goes on
                os.kill(pid, signal.SIGCONT)
    raise AssertionError(f"the host never reached the wanted state in {KILL_TIMEOUT:g} s")


def seed_adds(person: str, count: int, seed: int) -> list[tuple[str, str]]:
    """Add ``count`` synthetic faces to a person through the service's own store-and-queue path (no
    detection); (persistedFaceId, operationId) of each."""
    features = unit_vectors(np.random.default_rng(seed), count)
    return [store_face(person, MODEL, None, Rectangle(10, 20, 100, 100), feature_to_bytes(f)) for f in features]


def unfinished_operations() -> list[str]:
    """The operations not ``succeeded``, read from storage (a ``failed`` one fails the test at once)."""
    entities = table(DIRECTORY_OPERATIONS_TABLE).query_entities("status ne @status", parameters={"status": SUCCEEDED})
    unfinished = {entity["PartitionKey"]: entity["status"] for entity in entities}
    assert FAILED not in unfinished.values(), unfinished
    return sorted(unfinished)


def compaction_due() -> bool:
    manifest = read_manifest(MODEL)
    return manifest is not None and len(manifest.segments) > limits.DIRECTORY_COMPACTION_SEGMENTS


def searchable_face_ids() -> list[str]:
    """The faceId of every live row of the listed segments (a face listed twice appears twice)."""
    view = current_view(MODEL)
    found: list[str] = []
    for part in view.parts:
        live = np.setdiff1d(np.arange(len(part.segment.index)), part.dead_rows)
        found += [row_to_id(row) for row in part.segment.index.face_ids[live]]
    return found


@pytest.mark.slow
def test_adds_killed_mid_job_succeed_after_restart_and_index_each_face_once(
    servers: Servers, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = servers.host
    with FaceClient(host.versioned_url(PREVIEW), host.key) as preview, ThreadPoolExecutor(FILLER_PERSONS) as pool:
        photos = {person.name: min(person.iterdir()).read_bytes() for person in (KNN_EXAMPLES / "train").iterdir()}
        persons = {name: create_person(preview, name) for name in sorted(photos)}
        fillers = [create_person(preview, f"filler {number}") for number in range(FILLER_PERSONS)]
        added: dict[str, list[str]] = {person_id: [] for person_id in [*persons.values(), *fillers]}
        operations: list[str] = []
        for name, image in photos.items():
            response = add_face(preview, persons[name], image, targetFace=largest_face(preview, image))
            assert response.status_code == 202, response.text
            added[persons[name]].append(response.json()["persistedFaceId"])
            operations.append(operation_path(preview, response))

        # the synthetic adds go on being stored while the host is frozen, killed and restarted
        seeding = [pool.submit(seed_adds, person, SYNTHETIC_PER_PERSON, n) for n, person in enumerate(fillers)]
        first = kill_in(host, written_not_listed)
        host.start()
        second = kill_in(host, listed_past_the_base, compaction_due, compacting)
        host.start()
        restarted = time.monotonic()
        for person, seeded in zip(fillers, seeding, strict=True):
            for face_id, operation in seeded.result():
                added[person].append(face_id)
                operations.append(f"/operations/{operation}")
        assert {f"/operations/{operation}" for operation in [*first.running, *second.running]} <= set(operations)

        wait_until(lambda: not unfinished_operations(), RECOVERY_SECONDS, "every add to succeed", interval=0.5)
        assert time.monotonic() - restarted <= RECOVERY_SECONDS
        assert {preview.get(path).json()["status"] for path in operations} == {"succeeded"}

        for person_id, face_ids in added.items():
            listed = preview.get(f"/persons/{person_id}/recognitionModels/{MODEL}/persistedfaces").json()
            assert sorted(listed["persistedFaceIds"]) == sorted(face_ids), person_id
        manifest = read_manifest(MODEL)
        assert manifest is not None
        names = [entry.name for entry in manifest.segments]
        assert len(names) == len(set(names)), "a segment listed twice"
        stored = set(stored_segments(MODEL))
        assert set(names) <= stored, "a listed segment is missing"
        assert stored - set(names) <= leftovers(second), "recovery left a segment unlisted"
        searchable = searchable_face_ids()
        assert len(searchable) == len(set(searchable)), "a face searchable twice"
        assert sorted(searchable) == sorted(face for faces in added.values() for face in faces)
        for query, name in QUERIES.items():
            (face_id,) = query_faces(preview, (KNN_EXAMPLES / "test" / query).read_bytes())
            (result,) = preview.post("/identify", json={"faceIds": [face_id], "personIds": ["*"]}).json()
            candidates = [candidate["personId"] for candidate in result["candidates"]]
            assert candidates[0] == persons[name], query
            assert len(set(candidates)) == len(candidates), query

        # The hourly cleanup, run now and with no age for a base: it removes what the killed compaction left
        # and nothing the index lists.
        monkeypatch.setattr(limits, "DIRECTORY_ABANDONED_BASE_SECONDS", 0)
        assert remove_abandoned_segments(MODEL) == len(stored - set(names))
        assert set(stored_segments(MODEL)) == set(names)
        assert sorted(searchable_face_ids()) == sorted(searchable)
