"""The fuzzing servers: an Azurite and a dev host of their own, with a few real resources to aim at.

Fuzzing writes hundreds of arbitrary collections (and would fill the 64 face
lists a subscription may have), and directory persons and dynamic groups by the
hundred, so it gets storage no other test shares. The seeded resources (a
trained PersonGroup and LargePersonGroup with a person and a face each, a
FaceList and a trained LargeFaceList with a face, a directory person with a
recognition_04 face in a dynamic group, the operation that created that person,
a fresh faceId of recognition_01 and one of recognition_04) let generated
requests reach past "not found" into the operations themselves. DELETE gets
disposable resources of its own where the answer is a long-running 202 whose
headers are checked (a directory person, a directory face and a dynamic group
per version that has the directory), so the seeds survive.
URL images stay public-only here: generated URLs must not reach local servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from core.api_versions import API_VERSIONS
from tests.fuzz.contracts import CONTRACTS
from tests.support.directory import MODEL, PREVIEW, add_face, create_person, operation_path, query_faces, wait_for
from tests.support.helpers import OCTET
from tests.support.paths import FACE_EXAMPLES
from tests.support.polling import finished_training
from tests.support.servers import Azurite, DevHost, FaceClient

SEED_PHOTO = FACE_EXAMPLES / "obama.jpg"
STREAM_PHOTO = FACE_EXAMPLES / "obama_small.jpg"
"""The photo swapped in for generated image streams: one face, small enough to detect quickly."""


DIRECTORY_OPERATIONS = ("PersonDirectory", "DynamicPersonGroup")
"""Words of the operationIds that work on the PersonDirectory (its own operations, and Identify and Verify
against it), whose body ids name directory persons and whose faceIds must come from a model it takes."""


@dataclass(frozen=True)
class Seeds:
    """Ids of real resources: path parameters by the collection family a path starts with, path parameters
    DELETE may consume by operation path, and body fields (with the directory's own values for the operations
    on it); and a photo of one face for image streams."""

    paths: dict[str, dict[str, str]]
    disposable: dict[str, dict[str, dict[str, str]]]
    body: dict[str, object]
    directory_body: dict[str, object]
    image: bytes

    def path_values(self, version: str, method: str, path: str) -> dict[str, str]:
        """The real path parameters for an operation path such as ``/persongroups/{personGroupId}/...``:
        a DELETE gets the version's disposable ones (or none), so the seeds survive."""
        if method.upper() == "DELETE":
            return self.disposable.get(version, {}).get(path, {})
        return self.paths.get(path.strip("/").split("/", 1)[0], {})

    def body_values(self, operation_id: str) -> dict[str, object]:
        """The real body fields for an operation, by its operationId."""
        if any(word in operation_id for word in DIRECTORY_OPERATIONS):
            return {**self.body, **self.directory_body}
        return self.body


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
        directory_face_id = query_faces(api, image)[0]
    directory = seed_directory(fuzz_host, image)
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
            "persons": {
                "personId": directory.person,
                "recognitionModel": MODEL,
                "persistedFaceId": directory.face,
            },
            "dynamicpersongroups": {"dynamicPersonGroupId": directory.group},
            "operations": {"operationId": directory.operation},
        },
        disposable=directory.disposable,
        body={
            "faceId": face_id,
            "faceId1": face_id,
            "faceId2": face_id,
            "personGroupId": "seed-group",
            "largePersonGroupId": "seed-group",
            "faceListId": "seed-list",
            "largeFaceListId": "seed-list",
            "personId": person,
            "faceIds": [face_id],
        },
        directory_body={
            "faceId": directory_face_id,
            "faceIds": [directory_face_id],
            "personId": directory.person,
            "personIds": [directory.person],
            "addPersonIds": [directory.person],
            "dynamicPersonGroupId": directory.group,
        },
        image=STREAM_PHOTO.read_bytes(),
    )


DIRECTORY_VERSIONS = tuple(
    contract.version for contract in CONTRACTS if API_VERSIONS[contract.version].person_directory
)
"""The fuzzed versions that serve the PersonDirectory, each with disposable directory resources of its own."""
FACE_PATH = "/persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces/{persistedFaceId}"


@dataclass(frozen=True)
class DirectorySeeds:
    """The seeded PersonDirectory: a person with a face in a group, the operation that created the person,
    and what DELETE may consume in each version, by operation path (a person, another face of the seeded
    person, a group)."""

    person: str
    face: str
    group: str
    operation: str
    disposable: dict[str, dict[str, dict[str, str]]]


def seed_directory(host: DevHost, image: bytes) -> DirectorySeeds:
    """Create the directory seeds through a preview version (the directory is one per subscription, so
    every version sees them, v1.2's Identify and Verify too), each operation waited for."""
    with FaceClient(host.versioned_url(PREVIEW), host.key) as api:
        created = api.post("/persons", json={"name": "seed"})
        assert created.status_code == 202, created.text
        assert wait_for(api, created)["status"] == "succeeded"
        person = created.json()["personId"]
        faces = [add_face(api, person, image) for _ in range(1 + len(DIRECTORY_VERSIONS))]
        group_ids = ["seed-group", *(f"disposable-{index}" for index in range(len(DIRECTORY_VERSIONS)))]
        groups = [
            api.put(f"/dynamicpersongroups/{group}", json={"name": "seed", "addPersonIds": [person]})
            for group in group_ids
        ]
        for accepted in faces + groups:
            assert accepted.status_code == 202, accepted.text
            assert wait_for(api, accepted)["status"] == "succeeded"
        face_ids = [face.json()["persistedFaceId"] for face in faces]
        disposable = {
            version: {
                "/persons/{personId}": {"personId": create_person(api, "disposable")},
                FACE_PATH: {"personId": person, "recognitionModel": MODEL, "persistedFaceId": face_id},
                "/dynamicpersongroups/{dynamicPersonGroupId}": {"dynamicPersonGroupId": group_id},
            }
            for version, face_id, group_id in zip(DIRECTORY_VERSIONS, face_ids[1:], group_ids[1:], strict=True)
        }
        return DirectorySeeds(
            person=person,
            face=face_ids[0],
            group="seed-group",
            operation=operation_path(api, created).rsplit("/", 1)[1],
            disposable=disposable,
        )
