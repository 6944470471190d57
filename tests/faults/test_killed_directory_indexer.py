"""The host SIGKILLed while the PersonDirectory indexes added faces: after a restart every add finishes by itself.

Each add answers 202 only once its operation is recorded and its message
queued, so at the kill every pending add has a message: one not yet received
is visible to the restarted host at once, and the one whose job the kill
interrupted (host.json's ``batchSize`` is 1) reappears once its processing
lease (``PROCESSING_LEASE_SECONDS``) runs out, no longer renewed. So every add
succeeds within ``RECOVERY_SECONDS`` of the restart: that lease, the queue's
longest polling interval, and the few jobs' own work. The stalled-operation
sweep (every ``SWEEP_PERIOD_SECONDS``, for operations ``notStarted``
``DIRECTORY_STALE_SECONDS`` after their last action) would only add to that
bound for an operation a crash left unqueued, which this test does not make;
an add that needed it would miss the bound and fail the test. Jobs are safe to
run again, so an interrupted job run twice leaves each face in the index once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from core.directory.index import current_view
from core.settings import PROJECT_ROOT
from devhost.trigger_host import PROCESSING_LEASE_SECONDS, queue_options
from tests.faults.conftest import Servers
from tests.support.directory import (
    KNN,
    MODEL,
    PREVIEW,
    add_face,
    create_person,
    largest_face,
    operation_path,
    query_faces,
)
from tests.support.polling import wait_until
from tests.support.servers import FaceClient

POLLING_SECONDS = queue_options(json.loads((PROJECT_ROOT / "host.json").read_text())).max_polling_interval_seconds
"""host.json's ``maxPollingInterval``: the longest an idle queue waits before it is read again."""
RECOVERY_SECONDS = PROCESSING_LEASE_SECONDS + POLLING_SECONDS + 30
"""The stated bound from restart to every add succeeded: the lease running out, one poll, then the jobs."""
ROUNDS = 3
"""Rounds of adds at most until one is caught before it succeeded: each round adds every training photo."""
UNFINISHED = ("notStarted", "running")
QUERIES = {"alex_lacamoire1.jpg": "alex_lacamoire", "johnsnow_test1.jpg": "kit_harington", "obama1.jpg": "obama"}
"""Test photos with one face each, by the person they show."""


def status_of(client: FaceClient, path: str) -> str:
    """The status of the operation at ``path``; an operation ending ``failed`` fails the test at once."""
    body: dict[str, Any] = client.get(path).json()
    assert body["status"] in (*UNFINISHED, "succeeded"), body
    return str(body["status"])


@pytest.mark.slow
def test_adds_interrupted_by_a_killed_host_succeed_after_restart_and_index_each_face_once(
    servers: Servers, shared_data: Path
) -> None:
    host = servers.host
    with FaceClient(host.versioned_url(PREVIEW), host.key) as preview:
        photos = [
            (person.name, image.read_bytes())
            for person in sorted((shared_data / KNN / "train").iterdir())
            for image in sorted(person.iterdir())
        ]
        persons = {name: create_person(preview, name) for name in sorted({name for name, _ in photos})}
        targets = [(name, image, largest_face(preview, image)) for name, image in photos]

        added: dict[str, list[str]] = {person_id: [] for person_id in persons.values()}
        operations: list[str] = []
        unfinished: str | None = None
        for _ in range(ROUNDS):
            for name, image, target in targets:
                response = add_face(preview, persons[name], image, targetFace=target)
                assert response.status_code == 202, response.text
                added[persons[name]].append(response.json()["persistedFaceId"])
                operations.append(operation_path(preview, response))
            # the newest first, and no further reads once one is found: the kill must come before it finishes
            unfinished = next((path for path in reversed(operations) if status_of(preview, path) in UNFINISHED), None)
            if unfinished:
                break
        assert unfinished, f"the indexer finished all {len(operations)} adds before the kill could interrupt one"
        host.kill()

        host.start()
        restarted = time.monotonic()
        wait_until(
            lambda: all(status_of(preview, path) == "succeeded" for path in operations),
            RECOVERY_SECONDS,
            "every add to succeed after the restart",
            interval=0.5,
        )
        assert time.monotonic() - restarted <= RECOVERY_SECONDS

        for person_id, face_ids in added.items():
            listed = preview.get(f"/persons/{person_id}/recognitionModels/{MODEL}/persistedfaces").json()
            assert sorted(listed["persistedFaceIds"]) == sorted(face_ids), person_id
            assert len(set(face_ids)) == len(face_ids)
        assert current_view(MODEL).face_count == len(operations), "a face indexed twice, or not at all"
        for query, name in QUERIES.items():
            (face_id,) = query_faces(preview, (shared_data / KNN / "test" / query).read_bytes())
            (result,) = preview.post("/identify", json={"faceIds": [face_id], "personIds": ["*"]}).json()
            candidates = [candidate["personId"] for candidate in result["candidates"]]
            assert candidates[0] == persons[name], query
            assert len(set(candidates)) == len(candidates), query
