"""Everything trained survives a restart of both the storage emulator and the dev host."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from servers import Azurite, DevHost, FaceClient, storage_at

from core.collections.index_cache import load_index
from core.collections.kinds import LARGE_PERSON_GROUP
from core.collections.persisted_faces import store_faces
from core.search.index import feature_to_bytes
from core.storage.face_members import NewFace

pytestmark = pytest.mark.slow


def wait_trained(api: FaceClient, path: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = api.get(path).json()
        if status["status"] in ("succeeded", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError("training did not finish")


def test_trained_group_survives_restart(tmp_path: Path) -> None:
    azurite = Azurite(tmp_path / "azurite").start()
    host = DevHost(azurite.connection_string, tmp_path / "devhost.log").start()
    try:
        with FaceClient(host.base_url, host.key) as api:
            assert api.put("/largepersongroups/kept", json={"name": "kept", "userData": "u"}).status_code == 200
            persons = [api.post("/largepersongroups/kept/persons", json={"name": n}).json()["personId"] for n in "ab"]
            rng = np.random.default_rng(3)
            with storage_at(azurite.connection_string):
                faces = {
                    person: store_faces(
                        LARGE_PERSON_GROUP,
                        "kept",
                        person,
                        [
                            NewFace(None, (0, 0, 40, 40), feature_to_bytes(rng.standard_normal(128)), "recognition_01")
                            for _ in range(3)
                        ],
                    )
                    for person in persons
                }
            assert api.post("/largepersongroups/kept/train").status_code == 202
            before = wait_trained(api, "/largepersongroups/kept/training")
            assert before["status"] == "succeeded"
            listed = api.get("/largepersongroups/kept/persons").json()
    finally:
        host.stop()
        azurite.stop()

    azurite.start()
    host.start()
    try:
        with FaceClient(host.base_url, host.key) as api:
            assert api.get("/largepersongroups/kept/training").json() == before
            assert api.get("/largepersongroups/kept/persons").json() == listed
            assert api.get("/largepersongroups/kept").json() == {
                "largePersonGroupId": "kept",
                "name": "kept",
                "userData": "u",
            }
            with storage_at(azurite.connection_string):
                index = load_index(LARGE_PERSON_GROUP, "kept")
            assert index is not None
            assert sorted(index.face_id(row) for row in range(len(index))) == sorted(
                face for ids in faces.values() for face in ids
            )
            assert api.post("/largepersongroups/kept/train").status_code == 202
            assert wait_trained(api, "/largepersongroups/kept/training")["status"] == "succeeded"
    finally:
        host.stop()
        azurite.stop()
