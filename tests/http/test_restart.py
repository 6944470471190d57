"""Everything trained survives a restart of both the storage emulator and the dev host."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.collections.index_cache import load_index
from core.collections.kinds import LARGE_PERSON_GROUP
from tests.support.faces import seed_faces
from tests.support.polling import finished_training
from tests.support.servers import Azurite, DevHost, FaceClient, storage_at

pytestmark = pytest.mark.slow


def test_trained_group_survives_restart(tmp_path: Path) -> None:
    azurite = Azurite(tmp_path / "azurite").start()
    host = DevHost(azurite.connection_string, tmp_path / "devhost.log").start()
    try:
        with FaceClient(host.base_url, host.key) as api:
            assert api.put("/largepersongroups/kept", json={"name": "kept", "userData": "u"}).status_code == 200
            persons = [api.post("/largepersongroups/kept/persons", json={"name": n}).json()["personId"] for n in "ab"]
            with storage_at(azurite.connection_string):
                faces = {person: seed_faces(LARGE_PERSON_GROUP, "kept", person, 3) for person in persons}
            assert api.post("/largepersongroups/kept/train").status_code == 202
            before = finished_training(api, "/largepersongroups/kept/training")
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
            assert finished_training(api, "/largepersongroups/kept/training")["status"] == "succeeded"
    finally:
        host.stop()
        azurite.stop()
