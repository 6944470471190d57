"""The PersonDirectory over real HTTP (dev host + Azurite): persons, faces per recognition model, long-running
operations, and Identify / Verify against the directory, with the documented errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.directory import (
    MODEL,
    PREVIEW,
    UNKNOWN_ID,
    add_face,
    create_person,
    delete_persons,
    operation_path,
    photo,
    query_faces,
    wait_for,
)
from tests.support.helpers import OCTET, error_of
from tests.support.paths import KNN_EXAMPLES, KNN_TEST_PEOPLE
from tests.support.servers import FaceClient


def test_operations_exist_only_in_the_versions_that_have_them(devhost: Any) -> None:
    for version, code in (("v1.0", "ResourceNotFound"), ("v1.2", "ResourceNotFound"), (PREVIEW, "ResourceNotFound")):
        with FaceClient(devhost.versioned_url(version), devhost.key) as client:
            assert error_of(client.get(f"/operations/{UNKNOWN_ID}"))[:2] == (404, code)
            assert client.get("/persons").status_code == (200 if version == PREVIEW else 404)
    with FaceClient(devhost.versioned_url(PREVIEW), devhost.key) as client:
        assert error_of(client.get("/operations/not-a-uuid"))[0] == 404


def test_person_lifecycle_and_errors(preview: FaceClient) -> None:
    created = preview.post("/persons", json={"name": "first", "userData": "data"})
    assert created.status_code == 202
    person_id = created.json()["personId"]
    assert created.headers["Location"] == f"{preview.base_url}/persons/{person_id}"
    operation = wait_for(preview, created)
    # no message was ever set: left out, not null (the contract types it as a string)
    assert set(operation) == {"operationId", "status", "createdTime", "lastActionTime", "finishedTime"}
    assert operation["status"] == "succeeded"
    assert operation_path(preview, created) == f"/operations/{operation['operationId']}"

    assert preview.get(f"/persons/{person_id}").json() == {"personId": person_id, "name": "first", "userData": "data"}
    second = create_person(preview, "second")
    # userData was never set: left out, not null (the contract types it as a string)
    assert preview.get(f"/persons/{second}").json() == {"personId": second, "name": "second"}
    listed = preview.get("/persons").json()
    ids = [entry["personId"] for entry in listed]
    assert ids == sorted(ids) and {person_id, second} <= set(ids)
    first_two = sorted([person_id, second])
    after = preview.get("/persons", params={"start": first_two[0], "top": 1}).json()
    assert len(after) == 1 and after[0]["personId"] > first_two[0]

    assert preview.patch(f"/persons/{person_id}", json={"name": "renamed"}).status_code == 200
    assert preview.get(f"/persons/{person_id}").json()["name"] == "renamed"
    assert preview.get(f"/persons/{person_id}").json()["userData"] == "data"

    assert error_of(preview.post("/persons", json={})) == (400, "BadArgument", "'name' is empty.")
    assert error_of(preview.post("/persons", json={"name": "x" * 129}))[2] == "'name' is too long."
    assert error_of(preview.post("/persons", json={"name": "x", "userData": "u" * 16385}))[2] == (
        "'userData' is too long."
    )
    assert error_of(preview.post("/persons", data=b"{", headers={"Content-Type": "application/json"}))[2] == (
        "JSON parsing error."
    )
    assert error_of(preview.post("/persons", data=b"x", headers={"Content-Type": "text/plain"}))[:2] == (
        415,
        "BadArgument",
    )
    assert error_of(preview.get("/persons", params={"start": "nope"})) == (
        400,
        "BadArgument",
        "'start' is not valid person ID.",
    )
    assert error_of(preview.get("/persons", params={"top": 1001}))[2] == "'top' is invalid."
    assert error_of(preview.get(f"/persons/{UNKNOWN_ID}")) == (404, "PersonNotFound", "Person is not found.")
    assert error_of(preview.get("/persons/bad")) == (404, "PersonNotFound", "Person ID is invalid.")
    assert error_of(preview.patch(f"/persons/{person_id}", json={})) == (
        400,
        "BadArgument",
        "Both 'name' and 'userData' are empty.",
    )
    assert error_of(preview.delete(f"/persons/{UNKNOWN_ID}"))[:2] == (404, "PersonNotFound")
    assert preview.get(f"/persons/{person_id}/dynamicPersonGroupReferences").json() == {"dynamicPersonGroupIds": []}

    deleted = preview.delete(f"/persons/{person_id}")
    assert deleted.status_code == 202 and deleted.content == b""
    assert wait_for(preview, deleted)["status"] == "succeeded"
    assert error_of(preview.get(f"/persons/{person_id}"))[:2] == (404, "PersonNotFound")
    assert person_id not in [entry["personId"] for entry in preview.get("/persons").json()]


@pytest.mark.slow
def test_faces_are_searchable_once_added_and_gone_once_deleted(preview: FaceClient, shared_data: Path) -> None:
    person_id = create_person(preview, "biden")
    image = photo("biden")
    added = add_face(preview, person_id, image, userData="face data")
    assert added.status_code == 202, added.text
    face_id = added.json()["persistedFaceId"]
    faces_url = f"/persons/{person_id}/recognitionModels/{MODEL}/persistedfaces"
    assert added.headers["Location"] == f"{preview.base_url}{faces_url}/{face_id}"
    assert wait_for(preview, added)["status"] == "succeeded"

    assert preview.get(faces_url).json() == {"personId": person_id, "persistedFaceIds": [face_id]}
    assert preview.get(f"{faces_url}/{face_id}").json() == {"persistedFaceId": face_id, "userData": "face data"}
    assert preview.patch(f"{faces_url}/{face_id}", json={"userData": "new"}).status_code == 200
    assert preview.get(f"{faces_url}/{face_id}").json()["userData"] == "new"

    query = query_faces(preview, photo("biden", 1))
    (result,) = preview.post("/identify", json={"faceIds": query[:1], "personIds": [person_id]}).json()
    assert result["candidates"][0]["personId"] == person_id
    # The whole directory is the session's: another test's persons may hold photos of the same man.
    body = {"faceIds": query[:1], "personIds": ["*"], "maxNumOfCandidatesReturned": 10}
    (result,) = preview.post("/identify", json=body).json()
    assert person_id in [candidate["personId"] for candidate in result["candidates"]]
    verified = preview.post("/verify", json={"faceId": query[0], "personId": person_id}).json()
    assert verified["isIdentical"] is True and verified["confidence"] >= 0.5
    with FaceClient(preview.base_url.replace(PREVIEW, "v1.2"), str(preview.headers["Ocp-Apim-Subscription-Key"])) as ga:
        (result,) = ga.post("/identify", json={"faceIds": query[:1], "personIds": [person_id]}).json()
        assert result["candidates"][0]["personId"] == person_id

    deleted = preview.delete(f"{faces_url}/{face_id}")
    assert deleted.status_code == 202
    assert error_of(preview.get(f"{faces_url}/{face_id}"))[:2] == (404, "PersistedFaceNotFound")
    assert wait_for(preview, deleted)["status"] == "succeeded"
    (result,) = preview.post("/identify", json={"faceIds": query[:1], "personIds": ["*"]}).json()
    assert person_id not in [candidate["personId"] for candidate in result["candidates"]]
    assert error_of(preview.post("/verify", json={"faceId": query[0], "personId": person_id}))[:2] == (
        404,
        "PersistedFaceNotFound",
    )

    again = add_face(preview, person_id, image)
    assert wait_for(preview, again)["status"] == "succeeded"
    again_id = again.json()["persistedFaceId"]
    # userData was never set: left out, not null (the contract types it as a string)
    assert preview.get(f"{faces_url}/{again_id}").json() == {"persistedFaceId": again_id}
    removed = preview.delete(f"/persons/{person_id}")
    assert wait_for(preview, removed)["status"] == "succeeded"
    (result,) = preview.post("/identify", json={"faceIds": query[:1], "personIds": ["*"]}).json()
    assert person_id not in [candidate["personId"] for candidate in result["candidates"]]


@pytest.mark.slow
def test_add_face_errors_answer_before_anything_is_stored(preview: FaceClient, shared_data: Path) -> None:
    person_id = create_person(preview)
    url = f"/persons/{person_id}/recognitionModels/{MODEL}/persistedfaces"
    several = (KNN_EXAMPLES / "test" / "obama_and_biden.jpg").read_bytes()
    assert error_of(preview.post(url, data=several, headers=OCTET))[:2] == (400, "InvalidImage")
    assert error_of(preview.post(url, data=b"x" * 2048, headers=OCTET))[:2] == (400, "InvalidImage")
    assert error_of(preview.post(url, data=b"{", headers={"Content-Type": "application/json"}))[2] == (
        "JSON parsing error."
    )
    assert error_of(preview.post(url, data=b"x", headers={"Content-Type": "text/plain"}))[0] == 415
    assert preview.get(url).json()["persistedFaceIds"] == []
    image = photo("biden")
    assert error_of(preview.post(url.replace(MODEL, "recognition_01"), data=image, headers=OCTET)) == (
        400,
        "BadArgument",
        "Recognition model is not supported for this feature.",
    )
    assert error_of(preview.get(url.replace(MODEL, "recognition_09")))[2] == "'recognitionModel' is invalid."
    assert error_of(add_face(preview, UNKNOWN_ID, image))[:2] == (404, "PersonNotFound")
    assert error_of(add_face(preview, person_id, image, userData="u" * 1025))[2] == "'userData' is too long."
    assert error_of(preview.get(f"{url}/{UNKNOWN_ID}"))[:2] == (404, "PersistedFaceNotFound")
    assert error_of(preview.get(f"{url}/bad"))[:2] == (404, "PersistedFaceNotFound")
    assert error_of(preview.delete(f"{url}/{UNKNOWN_ID}"))[:2] == (404, "PersistedFaceNotFound")


@pytest.mark.slow
def test_knn_examples_are_identified_against_the_directory(preview: FaceClient, shared_data: Path) -> None:
    names: dict[str, str] = {}
    pending = []
    for person_dir in sorted((KNN_EXAMPLES / "train").iterdir()):
        person_id = create_person(preview, person_dir.name)
        names[person_id] = person_dir.name
        for image in sorted(person_dir.iterdir()):
            added = add_face(preview, person_id, image.read_bytes())
            assert added.status_code == 202, (image.name, added.text)
            pending.append(added)
    assert all(wait_for(preview, added)["status"] == "succeeded" for added in pending)
    for scope in (["*"], list(names)):
        for test_image, people in KNN_TEST_PEOPLE.items():
            faces = query_faces(preview, (KNN_EXAMPLES / "test" / test_image).read_bytes())[:10]
            results = preview.post("/identify", json={"faceIds": faces, "personIds": scope}).json()
            found = [
                names.get(result["candidates"][0]["personId"], "someone else")
                for result in results
                if result["candidates"]
            ]
            assert sorted(found) == sorted(people), (test_image, scope == ["*"])
    delete_persons(preview, list(names))


def test_identify_and_verify_errors(preview: FaceClient) -> None:
    body = {"faceIds": [UNKNOWN_ID], "personIds": ["*"], "personGroupId": "group"}
    assert error_of(preview.post("/identify", json=body)) == (
        400,
        "IncompatibleIdentificationScopeParametersCombination",
        "Incompatible identification scope parameters are present in the request.",
    )
    assert error_of(preview.post("/identify", json={"faceIds": [UNKNOWN_ID], "personIds": []}))[:2] == (
        400,
        "BadArgument",
    )
    assert error_of(preview.post("/identify", json={"faceIds": [UNKNOWN_ID], "personIds": ["nope"]}))[2] == (
        "Person ID is invalid."
    )
    assert error_of(preview.post("/identify", json={"faceIds": [UNKNOWN_ID], "personIds": ["*"]})) == (
        400,
        "FaceNotFound",
        "Face is not found.",
    )
    assert error_of(preview.post("/verify", json={"faceId": UNKNOWN_ID, "personId": "bad"}))[:2] == (
        404,
        "FaceNotFound",
    )
