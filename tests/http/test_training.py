"""Training over real HTTP: Train (202 + Operation-Location), training status, the queue function,
writes refused while training, and a job that always crashes ending failed in the poison queue."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from core import limits
from core.collections.index_cache import load_index
from core.collections.kinds import LARGE_FACE_LIST, LARGE_PERSON_GROUP, PERSON_GROUP, CollectionKind
from core.storage.clients import container, queue
from core.storage.face_training import RUNNING, read_training, write_training
from core.storage.resources import INDEX_CONTAINER, TRAINING_POISON_QUEUE
from core.timestamps import utc_now
from tests.support.faces import seed_faces
from tests.support.helpers import error_of, new_id
from tests.support.polling import finished_training, wait_until

TRAINABLE = [
    (PERSON_GROUP, "persongroups"),
    (LARGE_PERSON_GROUP, "largepersongroups"),
    (LARGE_FACE_LIST, "largefacelists"),
]
TRAINABLE_IDS = [route for _, route in TRAINABLE]


@pytest.mark.parametrize("kind, route", TRAINABLE, ids=TRAINABLE_IDS)
def test_train_and_status(api: Any, storage: str, kind: CollectionKind, route: str) -> None:
    collection_id = new_id()
    base = f"/{route}/{collection_id}"
    assert api.put(base, json={"name": "trained"}).status_code == 200
    assert error_of(api.get(f"{base}/training")) == (404, f"{kind.code_prefix}NotTrained", f"{kind.noun} not trained.")
    if kind.holds_persons:
        owners = [api.post(f"{base}/persons", json={"name": n}).json()["personId"] for n in "ab"]
        faces = [face for owner in owners for face in seed_faces(kind, collection_id, owner, 2)]
    else:
        faces = seed_faces(kind, collection_id, None, 3)

    accepted = api.post(f"{base}/train")
    assert accepted.status_code == 202 and accepted.content == b""
    assert accepted.headers["Operation-Location"] == f"{api.base_url}{base}/training"
    status = finished_training(api, f"{base}/training")
    assert status["status"] == "succeeded"
    assert set(status) == {"status", "createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime"}
    assert status["lastSuccessfulTrainingDateTime"] == status["lastActionDateTime"]
    index = load_index(kind, collection_id)
    assert index is not None and sorted(index.face_id(row) for row in range(len(index))) == sorted(faces)

    assert error_of(api.post(f"/{route}/{new_id()}/train"))[1] == f"{kind.code_prefix}NotFound"
    assert error_of(api.post(f"/{route}/BAD/train"))[2] == f"{kind.noun} ID is invalid."
    assert error_of(api.get(f"/{route}/{new_id()}/training"))[1] == f"{kind.code_prefix}NotFound"


def test_empty_group_trains(api: Any) -> None:
    group = new_id()
    assert api.put(f"/persongroups/{group}", json={"name": "empty"}).status_code == 200
    assert api.post(f"/persongroups/{group}/train").status_code == 202
    assert finished_training(api, f"/persongroups/{group}/training")["status"] == "succeeded"


def test_back_to_back_trains_leave_one_consistent_index(api: Any, storage: str) -> None:
    face_list = new_id()
    base = f"/largefacelists/{face_list}"
    assert api.put(base, json={"name": "twice"}).status_code == 200
    seed_faces(LARGE_FACE_LIST, face_list, None, 5)
    answers = [api.post(f"{base}/train").status_code for _ in range(2)]
    assert answers[0] == 202 and answers[1] in (202, 409)
    assert finished_training(api, f"{base}/training")["status"] == "succeeded"
    assert api.post(f"{base}/train").status_code == 202
    assert finished_training(api, f"{base}/training")["status"] == "succeeded"
    training = read_training(LARGE_FACE_LIST.name, face_list)
    assert training is not None

    def only_current_blob() -> bool:
        stored = container(INDEX_CONTAINER).list_blobs(name_starts_with=f"largefacelist/{face_list}/")
        return [blob.name for blob in stored] == [training.index_blob]

    # The job removes superseded blobs just after it records `succeeded`, so the status can be read first.
    wait_until(only_current_blob, 10, "the superseded index blobs to be removed")
    assert len(load_index(LARGE_FACE_LIST, face_list)) == 5


def test_writes_wait_for_training(api: Any, storage: str) -> None:
    group = new_id()
    base = f"/persongroups/{group}"
    assert api.put(base, json={"name": "busy"}).status_code == 200
    person = api.post(f"{base}/persons", json={"name": "p"}).json()["personId"]
    (face,) = seed_faces(PERSON_GROUP, group, person, 1)
    assert api.post(f"{base}/train").status_code == 202
    finished_training(api, f"{base}/training")
    record = read_training(PERSON_GROUP.name, group)
    write_training(record.with_changes(status=RUNNING, last_action=utc_now()))
    busy = (409, "PersonGroupTrainingNotFinished", "Person group is under training.")
    assert error_of(api.post(f"{base}/train")) == busy
    assert error_of(api.delete(base)) == busy
    assert error_of(api.post(f"{base}/persons", json={"name": "q"})) == busy
    assert error_of(api.delete(f"{base}/persons/{person}")) == busy
    assert error_of(api.delete(f"{base}/persons/{person}/persistedfaces/{face}")) == busy
    assert api.patch(f"{base}/persons/{person}", json={"name": "renamed"}).status_code == 200
    assert api.get(f"{base}/training").json()["status"] == "running"
    stale = read_training(PERSON_GROUP.name, group)
    write_training(stale.with_changes(last_action="2000-01-01T00:00:00.000Z"))
    assert api.delete(base).status_code == 200


@pytest.mark.slow
def test_crashing_job_ends_failed_in_poison_queue(api: Any, storage: str, devhost: Any) -> None:
    face_list = new_id()
    base = f"/largefacelists/{face_list}"
    assert api.put(base, json={"name": "corrupt"}).status_code == 200
    seed_faces(LARGE_FACE_LIST, face_list, None, 1, feature=b"\x00" * 7)
    started = time.monotonic()
    assert api.post(f"{base}/train").status_code == 202
    status = finished_training(api, f"{base}/training", timeout=90)
    assert status["status"] == "failed"
    assert f"after {limits.TRAINING_MAX_DEQUEUE_COUNT} attempts" in status["message"]
    assert status["lastSuccessfulTrainingDateTime"] is None

    poisoned = wait_until(
        lambda: [
            json.loads(message.content)
            for message in queue(TRAINING_POISON_QUEUE).peek_messages(32)
            if face_list in message.content
        ],
        20,
        "the job's message in the poison queue",
    )
    assert poisoned[0]["collectionId"] == face_list
    log = devhost.log()
    assert "moved to queue face-training-poison" in log and "Collection_TrainingJob failed" in log
    assert time.monotonic() - started < 90
