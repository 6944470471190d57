"""The fuzzing servers: an Azurite and a dev host of their own, with a few real resources to aim at.

Fuzzing writes hundreds of arbitrary collections (and would fill the 64 face
lists a subscription may have), so it gets storage no other test shares. The
seeded resources (a trained PersonGroup and LargePersonGroup with a person and a
face each, a FaceList and a trained LargeFaceList with a face, a fresh faceId)
let generated requests reach past "not found" into the operations themselves.
URL images stay public-only here: generated URLs must not reach local servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.support.helpers import OCTET
from tests.support.paths import FACE_EXAMPLES
from tests.support.polling import finished_training
from tests.support.servers import Azurite, DevHost, FaceClient

SEED_PHOTO = FACE_EXAMPLES / "obama.jpg"
STREAM_PHOTO = FACE_EXAMPLES / "obama_small.jpg"
"""The photo swapped in for generated image streams: one face, small enough to detect quickly."""


@dataclass(frozen=True)
class Seeds:
    """Ids of real resources: path parameters by the collection family a path starts with, and body fields;
    and a photo of one face for image streams."""

    paths: dict[str, dict[str, str]]
    body: dict[str, str]
    image: bytes

    def path_values(self, path: str) -> dict[str, str]:
        """The real path parameters for an operation path such as ``/persongroups/{personGroupId}/...``."""
        return self.paths.get(path.strip("/").split("/", 1)[0], {})


@pytest.fixture(scope="package")
def fuzz_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevHost]:
    azurite = Azurite(tmp_path_factory.mktemp("fuzz-azurite")).start()
    host = DevHost(
        azurite.connection_string,
        tmp_path_factory.mktemp("fuzz-devhost") / "devhost.log",
        {"FACE_ALLOW_PRIVATE_URLS": "false", "FACE_URL_FETCH_TIMEOUT_SECONDS": "2"},
    )
    try:
        yield host.start()
    finally:
        host.stop()
        azurite.stop()


@pytest.fixture(scope="package")
def seeds(fuzz_host: DevHost) -> Seeds:
    """Create the seeded resources through the API and train what can be trained."""
    image = SEED_PHOTO.read_bytes()
    with FaceClient(fuzz_host.base_url, fuzz_host.key) as api:
        for path in ("/persongroups/seed-group", "/largepersongroups/seed-group"):
            assert api.put(path, json={"name": "seed"}).status_code == 200
        for path in ("/facelists/seed-list", "/largefacelists/seed-list"):
            assert api.put(path, json={"name": "seed"}).status_code == 200
            assert api.post(f"{path}/persistedfaces", data=image, headers=OCTET).status_code == 200
        person = api.post("/persongroups/seed-group/persons", json={"name": "seed"}).json()["personId"]
        large_person = api.post("/largepersongroups/seed-group/persons", json={"name": "seed"}).json()["personId"]
        face = api.post(f"/persongroups/seed-group/persons/{person}/persistedfaces", data=image, headers=OCTET)
        large_face = api.post(
            f"/largepersongroups/seed-group/persons/{large_person}/persistedfaces", data=image, headers=OCTET
        )
        list_faces = {
            path: api.get(f"{path}/persistedfaces").json()[0]["persistedFaceId"]
            if path.startswith("/large")
            else api.get(path).json()["persistedFaces"][0]["persistedFaceId"]
            for path in ("/facelists/seed-list", "/largefacelists/seed-list")
        }
        for path in ("/persongroups/seed-group", "/largepersongroups/seed-group", "/largefacelists/seed-list"):
            assert api.post(f"{path}/train").status_code == 202
            finished_training(api, f"{path}/training")
        face_id = api.post("/detect", data=image, headers=OCTET).json()[0]["faceId"]
    group = {"personGroupId": "seed-group", "personId": person, "persistedFaceId": face.json()["persistedFaceId"]}
    large_group = {
        "largePersonGroupId": "seed-group",
        "personId": large_person,
        "persistedFaceId": large_face.json()["persistedFaceId"],
    }
    return Seeds(
        paths={
            "persongroups": group,
            "largepersongroups": large_group,
            "facelists": {"faceListId": "seed-list", "persistedFaceId": list_faces["/facelists/seed-list"]},
            "largefacelists": {
                "largeFaceListId": "seed-list",
                "persistedFaceId": list_faces["/largefacelists/seed-list"],
            },
        },
        body={
            "faceId": face_id,
            "faceId1": face_id,
            "faceId2": face_id,
            "personGroupId": "seed-group",
            "largePersonGroupId": "seed-group",
            "faceListId": "seed-list",
            "largeFaceListId": "seed-list",
            "personId": person,
        },
        image=STREAM_PHOTO.read_bytes(),
    )
