"""Azurite stopped and restarted under parallel writers: fail fast with a retryable 503, lose nothing.

Four clients add faces to their own persons and to a shared face list, delete
faces they added and create persons, while storage goes away for a few seconds
and comes back. During the outage every request must be answered within
``DEADLINE_SECONDS`` with 503 ``ServiceUnavailable`` in Azure's envelope and a
``Retry-After``. Afterwards, what storage holds must agree with itself and with
what clients were told: counts equal the rows they count, each person's listed
faces are exactly its face rows, every face whose add answered 200 (and was not
deleted with a 200) is there, and every face whose delete answered 200 is gone.
A 503 promises nothing either way (the write may have landed just before the
connection dropped), so it is not checked against storage.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from core import limits
from core.storage.clients import table
from core.storage.face_collections import COUNT_KEY
from core.storage.face_members import FACE_PREFIX, HEAD_KEY, PERSON_PREFIX, partition
from core.storage.resources import COLLECTIONS_TABLE, MEMBERS_TABLE
from tests.faults.conftest import Servers
from tests.support.helpers import OCTET
from tests.support.servers import FaceClient

GROUP, FACE_LIST = "outage-group", "outage-list"
CLIENTS = 4
DEADLINE_SECONDS = 10.0
"""The stated bound on any answer while storage is away: storage calls give up within about a second."""
HEALTHY_SECONDS, OUTAGE_SECONDS = 4.0, 5.0


@dataclass
class Outcomes:
    """What the clients were told, and every answer that broke the rules."""

    added: dict[str | None, set[str]] = field(default_factory=lambda: defaultdict(set))  # person (None: list)
    deleted: dict[str | None, set[str]] = field(default_factory=lambda: defaultdict(set))
    persons: set[str] = field(default_factory=set)
    statuses: list[int] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, what: str, response: requests.Response, seconds: float) -> bool:
        """Record the answer; True when it is a 200."""
        with self.lock:
            self.statuses.append(response.status_code)
            if seconds > DEADLINE_SECONDS:
                self.violations.append(f"{what}: answered after {seconds:.1f} s")
            if response.status_code == 200:
                return True
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            code = body.get("error", {}).get("code") if isinstance(body, dict) else None
            if response.status_code == 503:
                if code != "ServiceUnavailable" or not response.headers.get("Retry-After"):
                    self.violations.append(f"{what}: 503 without the envelope or Retry-After: {response.text[:200]}")
            elif (response.status_code, code) != (409, "ConcurrentOperationConflict"):
                self.violations.append(f"{what}: {response.status_code} {response.text[:200]}")
            return False


def client_work(api: FaceClient, person: str, photos: list[bytes], outcomes: Outcomes, stop: threading.Event) -> None:
    """Add, delete and create until ``stop``; each answer recorded in ``outcomes``."""
    group = f"/persongroups/{GROUP}"
    mine: list[str] = []
    for step in itertools.count():
        if stop.is_set():
            return
        action = step % 4
        started = time.monotonic()
        if action == 0:
            response = api.post(f"{group}/persons/{person}/persistedfaces", data=photos[step % 3], headers=OCTET)
            if outcomes.check("add person face", response, time.monotonic() - started):
                mine.append(response.json()["persistedFaceId"])
                with outcomes.lock:
                    outcomes.added[person].add(mine[-1])
        elif action == 1:
            response = api.post(f"/facelists/{FACE_LIST}/persistedfaces", data=photos[step % 3], headers=OCTET)
            if outcomes.check("add list face", response, time.monotonic() - started):
                with outcomes.lock:
                    outcomes.added[None].add(response.json()["persistedFaceId"])
        elif action == 2 and mine:
            face = mine[0]
            response = api.delete(f"{group}/persons/{person}/persistedfaces/{face}")
            if outcomes.check("delete person face", response, time.monotonic() - started):
                mine.remove(face)
                with outcomes.lock:
                    outcomes.deleted[person].add(face)
        elif action == 3:
            response = api.post(f"{group}/persons", json={"name": f"made at step {step}"})
            if outcomes.check("create person", response, time.monotonic() - started):
                with outcomes.lock:
                    outcomes.persons.add(response.json()["personId"])


def rows(partition_key: str) -> dict[str, dict]:
    """Every row of one members partition, by RowKey."""
    query = "PartitionKey eq @pk"
    return {e["RowKey"]: e for e in table(MEMBERS_TABLE).query_entities(query, parameters={"pk": partition_key})}


def assert_storage_agrees(outcomes: Outcomes, owners: list[str]) -> None:
    group_rows = rows(partition("persongroup", GROUP))
    persons = {key[len(PERSON_PREFIX) :]: row for key, row in group_rows.items() if key.startswith(PERSON_PREFIX)}
    assert group_rows[HEAD_KEY]["count"] == len(persons) <= limits.MAX_PERSONS_PER_PERSON_GROUP
    assert outcomes.persons | set(owners) <= set(persons)
    for person_id, row in persons.items():
        listed = json.loads(row.get("persistedFaceIds") or "[]")
        prefix = f"{FACE_PREFIX}{person_id}:"
        stored = {key[len(prefix) :] for key in group_rows if key.startswith(prefix)}
        assert len(listed) == len(set(listed)) == len(stored) <= limits.MAX_FACES_PER_PERSON
        assert set(listed) == stored, f"person {person_id}: listed faces and face rows differ"
        assert outcomes.added[person_id] - outcomes.deleted[person_id] <= stored, "a face answered 200 is lost"
        assert not outcomes.deleted[person_id] & stored, "a face deleted with 200 is back"

    list_rows = rows(partition("facelist", FACE_LIST))
    list_faces = {key[len(FACE_PREFIX) :] for key in list_rows if key.startswith(FACE_PREFIX)}
    assert list_rows[HEAD_KEY]["count"] == len(list_faces) <= limits.MAX_FACES_PER_FACE_LIST
    assert outcomes.added[None] <= list_faces, "a list face answered 200 is lost"

    for kind in ("persongroup", "facelist"):
        query = "PartitionKey eq @kind"
        kind_rows = list(table(COLLECTIONS_TABLE).query_entities(query, parameters={"kind": kind}))
        counted = [row for row in kind_rows if row["RowKey"] != COUNT_KEY]
        assert next(row["count"] for row in kind_rows if row["RowKey"] == COUNT_KEY) == len(counted) == 1


@pytest.mark.slow
def test_storage_outage_fails_fast_and_loses_no_face(servers: Servers, faces: dict[str, bytes]) -> None:
    api = servers.api
    assert api.put(f"/persongroups/{GROUP}", json={"name": "outage"}).status_code == 200
    assert api.put(f"/facelists/{FACE_LIST}", json={"name": "outage"}).status_code == 200
    owners = [
        api.post(f"/persongroups/{GROUP}/persons", json={"name": f"owner {n}"}).json()["personId"]
        for n in range(CLIENTS)
    ]
    photos = list(faces.values())
    outcomes, stop = Outcomes(), threading.Event()
    sessions = [FaceClient(servers.host.base_url, servers.host.key) for _ in range(CLIENTS)]

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        running = [
            pool.submit(client_work, session, owner, photos, outcomes, stop)
            for session, owner in zip(sessions, owners, strict=True)
        ]
        time.sleep(HEALTHY_SECONDS)
        servers.azurite.stop()
        time.sleep(OUTAGE_SECONDS)
        during = len(outcomes.statuses)
        servers.azurite.start()
        time.sleep(HEALTHY_SECONDS)
        stop.set()
        for future in running:
            future.result()

    assert not outcomes.violations, "\n".join(outcomes.violations[:10])
    assert 503 in outcomes.statuses, "the outage was never seen"
    assert 200 in outcomes.statuses[during:], "nothing succeeded once storage was back"
    assert_storage_agrees(outcomes, owners)
