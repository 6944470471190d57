"""DynamicPersonGroups over real HTTP (dev host + Azurite): create with or without persons, update, delete,
members, the persons' references, and Identify against a group, with the documented errors."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from core import limits
from core.storage.clients import table
from core.storage.counted_rows import COUNT_KEY
from core.storage.dynamic_groups import PARTITION
from core.storage.resources import DYNAMIC_GROUPS_TABLE
from tests.support.directory import (
    UNKNOWN_ID,
    add_face,
    create_person,
    delete_persons,
    query_faces,
    wait_for,
)
from tests.support.helpers import error_of, new_id
from tests.support.paths import KNN_EXAMPLES
from tests.support.servers import FaceClient


def references(client: FaceClient, person_id: str) -> list[str]:
    body: dict[str, list[str]] = client.get(f"/persons/{person_id}/dynamicPersonGroupReferences").json()
    return body["dynamicPersonGroupIds"]


def members(client: FaceClient, group_id: str, **params: Any) -> list[str]:
    response = client.get(f"/dynamicpersongroups/{group_id}/persons", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, list[str]] = response.json()
    return body["personIds"]


def succeeded(client: FaceClient, response: Any) -> None:
    assert response.status_code == 202, response.text
    assert response.content == b""
    assert wait_for(client, response)["status"] == "succeeded"


def test_groups_are_created_changed_listed_and_deleted(preview: FaceClient) -> None:
    first, second, third = sorted(create_person(preview, name) for name in ("first", "second", "third"))
    plain, crowd = sorted(new_id("dpg") for _ in range(2))

    created = preview.put(f"/dynamicpersongroups/{plain}", json={"name": "plain", "userData": "data"})
    assert (created.status_code, created.content) == (200, b""), created.text
    assert preview.get(f"/dynamicpersongroups/{plain}").json() == {
        "dynamicPersonGroupId": plain,
        "name": "plain",
        "userData": "data",
    }
    assert members(preview, plain) == []
    succeeded(
        preview, preview.put(f"/dynamicpersongroups/{crowd}", json={"name": "crowd", "addPersonIds": [first, second]})
    )
    assert members(preview, crowd) == [first, second]
    assert references(preview, first) == [crowd] and references(preview, third) == []
    assert members(preview, crowd, start=first) == [second]
    assert members(preview, crowd, top=1) == [first]

    listed = [group["dynamicPersonGroupId"] for group in preview.get("/dynamicpersongroups").json()]
    assert listed == sorted(listed) and {plain, crowd} <= set(listed)
    after = preview.get("/dynamicpersongroups", params={"start": plain, "top": "1"}).json()
    assert len(after) == 1 and after[0]["dynamicPersonGroupId"] > plain

    renamed = preview.patch(f"/dynamicpersongroups/{crowd}", json={"name": "renamed"})
    assert (renamed.status_code, renamed.content) == (200, b"")
    # userData was never set: left out, not null (the contract types it as a string)
    assert preview.get(f"/dynamicpersongroups/{crowd}").json() == {"dynamicPersonGroupId": crowd, "name": "renamed"}
    changed = preview.patch(f"/dynamicpersongroups/{crowd}", json={"addPersonIds": [third], "removePersonIds": [first]})
    succeeded(preview, changed)
    assert members(preview, crowd) == [second, third]
    assert references(preview, first) == [] and references(preview, third) == [crowd]
    assert preview.get(f"/dynamicpersongroups/{crowd}").json()["name"] == "renamed"
    succeeded(preview, preview.patch(f"/dynamicpersongroups/{plain}", json={"addPersonIds": [second]}))
    assert references(preview, second) == sorted([plain, crowd])
    assert (
        references(preview, second)[:1]
        == preview.get(f"/persons/{second}/dynamicPersonGroupReferences", params={"top": 1}).json()[
            "dynamicPersonGroupIds"
        ]
    )

    deleted_person = preview.delete(f"/persons/{third}")
    assert wait_for(preview, deleted_person)["status"] == "succeeded"
    assert members(preview, crowd) == [second]

    deleted = preview.delete(f"/dynamicpersongroups/{crowd}")
    assert deleted.status_code == 202 and deleted.content == b""
    assert error_of(preview.get(f"/dynamicpersongroups/{crowd}")) == (
        404,
        "DynamicPersonGroupNotFound",
        "Dynamic person group is not found.",
    )
    assert wait_for(preview, deleted)["status"] == "succeeded"
    assert references(preview, second) == [plain]
    assert preview.get(f"/persons/{second}").status_code == 200
    assert crowd not in [group["dynamicPersonGroupId"] for group in preview.get("/dynamicpersongroups").json()]
    succeeded(preview, preview.put(f"/dynamicpersongroups/{crowd}", json={"name": "again", "addPersonIds": [first]}))
    assert members(preview, crowd) == [first]


def test_group_errors(preview: FaceClient) -> None:
    person = create_person(preview)
    group = new_id("dpg")
    assert preview.put(f"/dynamicpersongroups/{group}", json={"name": "g", "addPersonIds": [person]}).status_code == 202
    url = f"/dynamicpersongroups/{group}"
    invalid = (400, "BadArgument", "Dynamic person group ID is invalid.")
    not_found = (404, "DynamicPersonGroupNotFound", "Dynamic person group is not found.")
    missing = f"/dynamicpersongroups/{new_id('missing')}"

    assert error_of(preview.put(url, json={"name": "g"})) == (
        409,
        "DynamicPersonGroupExists",
        f"Dynamic person group ID {group} already exists.",
    )
    assert error_of(preview.put("/dynamicpersongroups/Upper", json={"name": "g"})) == invalid
    assert error_of(preview.put(f"/dynamicpersongroups/{'a' * 65}", json={"name": "g"})) == invalid
    assert error_of(preview.get("/dynamicpersongroups/bad!id")) == invalid
    assert error_of(preview.delete("/dynamicpersongroups/bad!id")) == invalid
    assert error_of(preview.get(missing)) == not_found
    assert error_of(preview.patch(missing, json={"name": "x"})) == not_found
    assert error_of(preview.delete(missing)) == not_found
    assert error_of(preview.get(f"{missing}/persons")) == not_found

    fresh = f"/dynamicpersongroups/{new_id('dpg')}"
    assert error_of(preview.put(fresh, json={})) == (400, "BadArgument", "'name' is empty.")
    assert error_of(preview.put(fresh, json={"name": "x" * 129}))[2] == "'name' is too long."
    assert error_of(preview.put(fresh, json={"name": "x", "userData": "u" * 16385}))[2] == "'userData' is too long."
    assert error_of(preview.put(fresh, data=b"x", headers={"Content-Type": "text/plain"}))[:2] == (415, "BadArgument")
    assert error_of(preview.put(fresh, json={"name": "x", "addPersonIds": [UNKNOWN_ID]})) == (
        400,
        "PersonNotFound",
        "Person is not found.",
    )
    assert error_of(preview.put(fresh, json={"name": "x", "addPersonIds": ["nope"]})) == (
        400,
        "BadArgument",
        "Person ID is invalid.",
    )
    too_many = [str(uuid.uuid4()) for _ in range(limits.MAX_GROUP_PERSON_CHANGES + 1)]
    assert error_of(preview.put(fresh, json={"name": "x", "addPersonIds": too_many})) == (
        400,
        "BadArgument",
        "Request body is invalid.",
    )
    assert error_of(preview.get(fresh)) == not_found  # nothing of a refused create is stored

    assert error_of(preview.patch(url, json={})) == (400, "BadArgument", "Both 'name' and 'userData' are empty.")
    assert error_of(preview.patch(url, json={"name": "x" * 129}))[2] == "'name' is too long."
    assert error_of(preview.patch(url, json={"removePersonIds": [UNKNOWN_ID]})) == (
        404,
        "DynamicPersonGroupNotFound",
        f"DynamicPersonGroupPersonReference {group} is not found.",
    )
    assert error_of(preview.patch(url, json={"addPersonIds": [UNKNOWN_ID]}))[:2] == (400, "PersonNotFound")
    assert error_of(preview.get("/dynamicpersongroups", params={"top": 0})) == (400, "BadArgument", "'top' is invalid.")
    assert error_of(preview.get("/dynamicpersongroups", params={"start": "s" * 65}))[2] == "'start' is too long."
    assert error_of(preview.get(f"{url}/persons", params={"start": "nope"})) == (
        400,
        "BadArgument",
        "'start' is not valid.",
    )
    assert error_of(preview.get(f"{url}/persons", params={"top": 1001}))[2] == "'top' is invalid."
    assert error_of(preview.get(f"/persons/{person}/dynamicPersonGroupReferences", params={"start": "No!"})) == (
        400,
        "BadArgument",
        "'start' is not valid.",
    )

    body = {"faceIds": [UNKNOWN_ID], "dynamicPersonGroupId": "Bad Id"}
    assert error_of(preview.post("/identify", json=body)) == invalid
    body["dynamicPersonGroupId"] = new_id("missing")
    assert error_of(preview.post("/identify", json=body)) == (
        400,
        "DynamicPersonGroupNotFound",
        "Dynamic person group is not found.",
    )
    body["personIds"] = ["*"]
    assert error_of(preview.post("/identify", json=body))[1] == "IncompatibleIdentificationScopeParametersCombination"
    assert error_of(preview.post("/identify", json={"faceIds": [UNKNOWN_ID], "dynamicPersonGroupId": group})) == (
        400,
        "FaceNotFound",
        "Face is not found.",
    )


@pytest.mark.slow
def test_identify_against_a_group_names_members_only(preview: FaceClient, shared_data: Path) -> None:
    names: dict[str, str] = {}
    pending = []
    for person_dir in sorted((KNN_EXAMPLES / "train").iterdir()):
        person_id = create_person(preview, person_dir.name)
        names[person_dir.name] = person_id
        for image in sorted(person_dir.iterdir()):
            pending.append(add_face(preview, person_id, image.read_bytes()))
    assert all(wait_for(preview, added)["status"] == "succeeded" for added in pending)
    people = {person_id: name for name, person_id in names.items()}
    group = new_id("dpg")
    url = f"/dynamicpersongroups/{group}"
    faces = {
        image: query_faces(preview, (KNN_EXAMPLES / "test" / image).read_bytes())
        for image in ("obama_and_biden.jpg", "kit_with_rose.jpg", "obama1.jpg")
    }

    def identified(image: str) -> tuple[list[str], set[str]]:
        """The best candidate of each face that has one, and every candidate named."""
        results = preview.post("/identify", json={"faceIds": faces[image], "dynamicPersonGroupId": group}).json()
        best = [people.get(result["candidates"][0]["personId"], "?") for result in results if result["candidates"]]
        named = {people.get(candidate["personId"], "?") for result in results for candidate in result["candidates"]}
        return sorted(best), named

    def members_only(image: str, group_members: set[str]) -> list[str]:
        best, named = identified(image)
        assert named <= group_members, (image, named)
        return best

    assert preview.put(url, json={"name": "empty"}).status_code == 200
    assert identified("obama_and_biden.jpg") == ([], set())
    succeeded(preview, preview.patch(url, json={"addPersonIds": [names["obama"], names["biden"]]}))
    assert members_only("obama_and_biden.jpg", {"obama", "biden"}) == ["biden", "obama"]
    assert members_only("kit_with_rose.jpg", {"obama", "biden"}) == []

    succeeded(preview, preview.patch(url, json={"addPersonIds": [names["kit_harington"]]}))
    assert members_only("kit_with_rose.jpg", {"obama", "biden", "kit_harington"}) == ["kit_harington"]

    succeeded(preview, preview.patch(url, json={"removePersonIds": [names["obama"]]}))
    assert members_only("obama1.jpg", {"biden", "kit_harington"}) == []
    assert members_only("obama_and_biden.jpg", {"biden", "kit_harington"}) == ["biden"]

    succeeded(preview, preview.delete(f"/persons/{names['biden']}"))
    assert members_only("obama_and_biden.jpg", {"kit_harington"}) == []
    delete_persons(preview, list(people))


def test_group_quota(preview: FaceClient, storage: str) -> None:
    assert preview.put(f"/dynamicpersongroups/{new_id('dpg')}", json={"name": "counted"}).status_code == 200
    counts = table(DYNAMIC_GROUPS_TABLE)
    before = counts.get_entity(PARTITION, COUNT_KEY)["count"]
    counts.upsert_entity({"PartitionKey": PARTITION, "RowKey": COUNT_KEY, "count": limits.MAX_DYNAMIC_PERSON_GROUPS})
    try:
        assert error_of(preview.put(f"/dynamicpersongroups/{new_id('dpg')}", json={"name": "one more"})) == (
            403,
            "QuotaExceeded",
            "Dynamic person group number reached subscription level limit.",
        )
    finally:
        counts.upsert_entity({"PartitionKey": PARTITION, "RowKey": COUNT_KEY, "count": before})
