"""The host SIGKILLed while a training runs: after a restart the training finishes by itself.

The training job's queue message stays hidden only while its lease is renewed;
the killed host renews it no more, so the message reappears once the lease runs
out and the restarted host runs the job again, which takes the running status
over (same training id) and finishes it.
"""

from __future__ import annotations

import time

import pytest

from core.collections.kinds import LARGE_PERSON_GROUP
from devhost.trigger_host import PROCESSING_LEASE_SECONDS
from tests.faults.conftest import Servers
from tests.support.faces import seed_faces
from tests.support.helpers import OCTET
from tests.support.polling import finished_training, wait_until

GROUP = "killed-host"
FILLER_PERSONS = 80
FACES_PER_FILLER = 200
"""16,000 synthetic faces: enough for the training to be seen running, on any machine."""
RECOVERY_SECONDS = PROCESSING_LEASE_SECONDS + 90
"""The stated bound from restart to a finished training: the lease running out, then one full training."""


@pytest.mark.slow
def test_training_interrupted_by_a_killed_host_finishes_after_restart(
    servers: Servers, faces: dict[str, bytes]
) -> None:
    api = servers.api
    base = f"/largepersongroups/{GROUP}"
    assert api.put(base, json={"name": "killed"}).status_code == 200
    obama = api.post(f"{base}/persons", json={"name": "obama"}).json()["personId"]
    assert api.post(f"{base}/persons/{obama}/persistedfaces", data=faces["obama.jpg"], headers=OCTET).ok
    for number in range(FILLER_PERSONS):
        filler = api.post(f"{base}/persons", json={"name": f"filler {number}"}).json()["personId"]
        seed_faces(LARGE_PERSON_GROUP, GROUP, filler, FACES_PER_FILLER)

    assert api.post(f"{base}/train").status_code == 202
    wait_until(
        lambda: api.get(f"{base}/training").json()["status"] == "running", 60, "the training to run", interval=0.05
    )
    servers.host.kill()

    servers.host.start()
    restarted = time.monotonic()
    status = finished_training(api, f"{base}/training", timeout=RECOVERY_SECONDS)
    assert status["status"] == "succeeded", status
    assert time.monotonic() - restarted <= RECOVERY_SECONDS

    face_id = api.post("/detect", data=faces["obama2.jpg"], headers=OCTET).json()[0]["faceId"]
    found = api.post("/identify", json={"largePersonGroupId": GROUP, "faceIds": [face_id]})
    assert found.status_code == 200, found.text
    assert found.json()[0]["candidates"][0]["personId"] == obama
