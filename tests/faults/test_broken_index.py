"""A trained index blob that goes missing or is corrupted: a clear error at once, and retraining repairs it."""

from __future__ import annotations

import pytest

from core.storage.clients import container
from core.storage.face_training import read_training
from core.storage.resources import INDEX_CONTAINER
from tests.faults.conftest import Servers
from tests.support.helpers import OCTET, error_of
from tests.support.polling import finished_training

GROUP = "broken-index"


def identify(servers: Servers, face_id: str) -> object:
    return servers.api.post("/identify", json={"personGroupId": GROUP, "faceIds": [face_id]})


def train(servers: Servers) -> dict:
    assert servers.api.post(f"/persongroups/{GROUP}/train").status_code == 202
    return finished_training(servers.api, f"/persongroups/{GROUP}/training")


def assert_recognised(servers: Servers, face_id: str, person: str) -> None:
    answer = identify(servers, face_id)
    assert answer.status_code == 200, answer.text
    assert answer.json()[0]["candidates"][0]["personId"] == person


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_broken_index_blob_answers_not_trained_until_retrained(
    servers: Servers, faces: dict[str, bytes], damage: str
) -> None:
    api = servers.api
    assert api.put(f"/persongroups/{GROUP}", json={"name": "broken"}).status_code == 200
    person = api.post(f"/persongroups/{GROUP}/persons", json={"name": "obama"}).json()["personId"]
    added = api.post(f"/persongroups/{GROUP}/persons/{person}/persistedfaces", data=faces["obama.jpg"], headers=OCTET)
    assert added.status_code == 200
    assert train(servers)["status"] == "succeeded"
    face_id = api.post("/detect", data=faces["obama2.jpg"], headers=OCTET).json()[0]["faceId"]
    assert_recognised(servers, face_id, person)  # the host now holds the index in memory

    record = read_training("persongroup", GROUP)
    assert record is not None and record.index_blob is not None
    blobs = container(INDEX_CONTAINER)
    if damage == "corrupt":
        blobs.upload_blob(record.index_blob, b"not an index", overwrite=True)
    else:
        blobs.delete_blob(record.index_blob)

    for _ in range(3):  # the same clear answer every time, never a 500
        assert error_of(identify(servers, face_id)) == (400, "PersonGroupNotTrained", "Person group not trained.")
    status = api.get(f"/persongroups/{GROUP}/training").json()
    assert status["status"] == "failed"
    assert status["message"] == "The trained index is missing or unreadable; train again to rebuild it."

    assert train(servers)["status"] == "succeeded"
    assert_recognised(servers, face_id, person)
