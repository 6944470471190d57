"""PersonGroup, LargePersonGroup, FaceList and LargeFaceList over real HTTP: every operation on the
collections themselves, their persons and faces (faces seeded with synthetic features), and each
documented error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from core.collections.kinds import FACE_LIST, LARGE_FACE_LIST, LARGE_PERSON_GROUP, PERSON_GROUP, CollectionKind
from core.storage.clients import table
from core.storage.face_collections import COUNT_KEY
from core.storage.face_members import HEAD_KEY, partition
from core.storage.resources import COLLECTIONS_TABLE, MEMBERS_TABLE
from tests.support.faces import seed_faces
from tests.support.helpers import OCTET, error_of, new_id

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Family:
    kind: CollectionKind
    route: str


GROUPS = [Family(PERSON_GROUP, "persongroups"), Family(LARGE_PERSON_GROUP, "largepersongroups")]
LISTS = [Family(FACE_LIST, "facelists"), Family(LARGE_FACE_LIST, "largefacelists")]
ALL = GROUPS + LISTS
names = [family.route for family in ALL]


def create(api: Any, family: Family, **body: Any) -> str:
    collection_id = new_id()
    response = api.put(f"/{family.route}/{collection_id}", json={"name": "a name", **body})
    assert response.status_code == 200 and response.content == b""
    return collection_id


def set_count(table_name: str, partition_key: str, row_key: str, count: int) -> None:
    table(table_name).upsert_entity({"PartitionKey": partition_key, "RowKey": row_key, "count": count})


@pytest.mark.parametrize("family", ALL, ids=names)
def test_collection_lifecycle(api: Any, family: Family) -> None:
    kind = family.kind
    collection_id = create(api, family, userData="data", recognitionModel="recognition_04")
    got = api.get(f"/{family.route}/{collection_id}")
    expected: dict[str, Any] = {kind.id_field: collection_id, "name": "a name", "userData": "data"}
    if kind.inlines_faces:
        expected["persistedFaces"] = []
    assert got.status_code == 200 and got.json() == expected
    with_model = api.get(f"/{family.route}/{collection_id}", params={"returnRecognitionModel": "true"}).json()
    assert with_model["recognitionModel"] == "recognition_04"

    listed = api.get(f"/{family.route}", params={"returnRecognitionModel": "true"}).json()
    assert {
        kind.id_field: collection_id,
        "name": "a name",
        "userData": "data",
        "recognitionModel": "recognition_04",
    } in listed

    patched = api.patch(f"/{family.route}/{collection_id}", json={"name": "new", "recognitionModel": "recognition_01"})
    assert patched.status_code == 200 and patched.content == b""
    after = api.get(f"/{family.route}/{collection_id}", params={"returnRecognitionModel": "true"}).json()
    assert (after["name"], after["userData"], after["recognitionModel"]) == ("new", "data", "recognition_04")

    assert api.delete(f"/{family.route}/{collection_id}").status_code == 200
    assert error_of(api.get(f"/{family.route}/{collection_id}")) == (
        404,
        f"{kind.code_prefix}NotFound",
        f"{kind.noun} is not found.",
    )
    assert collection_id not in [entry[kind.id_field] for entry in api.get(f"/{family.route}").json()]


@pytest.mark.parametrize("family", ALL, ids=names)
def test_create_errors(api: Any, family: Family) -> None:
    kind = family.kind
    route = f"/{family.route}"
    assert error_of(api.put(f"{route}/Upper", json={"name": "x"})) == (
        400,
        "BadArgument",
        f"{kind.noun} ID is invalid.",
    )
    assert error_of(api.put(f"{route}/{'a' * 65}", json={"name": "x"}))[2] == f"{kind.noun} ID is invalid."
    fresh = f"{route}/{new_id()}"
    assert error_of(api.put(fresh, json={})) == (400, "BadArgument", "'name' is empty.")
    assert error_of(api.put(fresh, json={"name": ""}))[2] == "'name' is empty."
    assert error_of(api.put(fresh, json={"name": "x" * 129}))[2] == "'name' is too long."
    assert error_of(api.put(fresh, json={"name": "x", "userData": "u" * 16385}))[2] == "'userData' is too long."
    assert error_of(api.put(fresh, json={"name": "x", "recognitionModel": "recognition_05"}))[2] == (
        "'recognitionModel' is invalid."
    )
    assert error_of(api.put(fresh, data=b"{not json", headers={"Content-Type": "application/json"})) == (
        400,
        "BadArgument",
        "JSON parsing error.",
    )
    assert api.put(fresh, json={"name": "x" * 128, "userData": "u" * 16384}).status_code == 200
    assert error_of(api.put(fresh, json={"name": "again"})) == (
        409,
        f"{kind.code_prefix}Exists",
        f"{kind.noun} already exists.",
    )


@pytest.mark.parametrize("family", ALL, ids=names)
def test_path_and_update_errors(api: Any, family: Family) -> None:
    kind = family.kind
    not_found = (404, f"{kind.code_prefix}NotFound", f"{kind.noun} is not found.")
    invalid = (404, f"{kind.code_prefix}NotFound", f"{kind.noun} ID is invalid.")
    for method in ("get", "patch", "delete"):
        call = getattr(api, method)
        kwargs = {"json": {"name": "x"}} if method == "patch" else {}
        assert error_of(call(f"/{family.route}/{new_id()}", **kwargs)) == not_found
        assert error_of(call(f"/{family.route}/Not_Valid", **kwargs)) == invalid
    collection_id = create(api, family)
    assert error_of(api.patch(f"/{family.route}/{collection_id}", json={})) == (
        400,
        "BadArgument",
        "Both 'name' and 'userData' are empty.",
    )
    assert error_of(api.patch(f"/{family.route}/{collection_id}", json={"name": "n" * 129}))[2] == "'name' is too long."
    assert error_of(api.patch(f"/{family.route}/{collection_id}", json={"userData": "u" * 16385}))[2] == (
        "'userData' is too long."
    )


@pytest.mark.parametrize(
    "family",
    [family for family in ALL if family.kind.pages_listing],
    ids=[family.route for family in ALL if family.kind.pages_listing],
)
def test_listing_pages_by_id(api: Any, family: Family) -> None:
    prefix = new_id()
    ids = [f"{prefix}-{n}" for n in range(3)]
    for collection_id in ids:
        assert api.put(f"/{family.route}/{collection_id}", json={"name": "paged"}).status_code == 200
    page = api.get(f"/{family.route}", params={"start": ids[0], "top": 2}).json()
    assert [entry[family.kind.id_field] for entry in page] == ids[1:]
    assert [
        entry[family.kind.id_field] for entry in api.get(f"/{family.route}", params={"start": prefix, "top": 1}).json()
    ] == ids[:1]
    everything = [entry[family.kind.id_field] for entry in api.get(f"/{family.route}").json()]
    assert everything == sorted(everything) and set(ids) <= set(everything)
    for top in ("0", "1001", "many"):
        assert error_of(api.get(f"/{family.route}", params={"top": top})) == (400, "BadArgument", "'top' is invalid.")
    assert error_of(api.get(f"/{family.route}", params={"start": "s" * 65}))[2] == "'start' is too long."


def test_face_list_listing_ignores_paging(api: Any) -> None:
    family = LISTS[0]
    ids = [create(api, family) for _ in range(2)]
    listed = [entry["faceListId"] for entry in api.get("/facelists", params={"top": "1", "start": "zzz"}).json()]
    assert set(ids) <= set(listed)


@pytest.mark.parametrize("family", ALL, ids=names)
def test_collection_quota(api: Any, storage: str, family: Family) -> None:
    create(api, family)
    before = table(COLLECTIONS_TABLE).get_entity(family.kind.name, COUNT_KEY)["count"]
    set_count(COLLECTIONS_TABLE, family.kind.name, COUNT_KEY, family.kind.collection_limit)
    try:
        assert error_of(api.put(f"/{family.route}/{new_id()}", json={"name": "x"})) == (
            403,
            "QuotaExceeded",
            family.kind.collection_quota_message,
        )
    finally:
        set_count(COLLECTIONS_TABLE, family.kind.name, COUNT_KEY, before)


def test_key_required(anonymous: Any) -> None:
    for path in ("/persongroups", "/largefacelists/x", "/facelists", "/largepersongroups/x/persons"):
        status, code, message = error_of(anonymous.get(path))
        assert (status, code) == (401, "Unspecified") and message.startswith("Access denied")


@pytest.mark.parametrize("family", GROUPS, ids=[family.route for family in GROUPS])
def test_person_lifecycle(api: Any, storage: str, family: Family) -> None:
    group = create(api, family)
    base = f"/{family.route}/{group}/persons"
    created = api.post(base, json={"name": "Ryan", "userData": "data"})
    assert created.status_code == 200
    person_id = created.json()["personId"]
    assert api.get(f"{base}/{person_id}").json() == {
        "personId": person_id,
        "name": "Ryan",
        "userData": "data",
        "persistedFaceIds": [],
    }
    faces = seed_faces(family.kind, group, person_id, 3)
    assert api.get(f"{base}/{person_id}").json()["persistedFaceIds"] == faces

    others = [api.post(base, json={"name": f"p{n}"}).json()["personId"] for n in range(3)]
    ordered = sorted([person_id, *others])
    listed = api.get(base).json()
    assert [entry["personId"] for entry in listed] == ordered
    page = api.get(base, params={"start": ordered[0], "top": 2}).json()
    assert [entry["personId"] for entry in page] == ordered[1:3]
    assert error_of(api.get(base, params={"top": "0"}))[2] == "'top' is invalid."

    assert api.patch(f"{base}/{person_id}", json={"userData": "changed"}).status_code == 200
    assert api.get(f"{base}/{person_id}").json()["userData"] == "changed"
    assert api.get(f"{base}/{person_id}").json()["name"] == "Ryan"

    face_url = f"{base}/{person_id}/persistedfaces/{faces[0]}"
    assert api.get(face_url).json() == {"persistedFaceId": faces[0]}
    assert api.patch(face_url, json={"userData": "face data"}).status_code == 200
    assert api.get(face_url).json() == {"persistedFaceId": faces[0], "userData": "face data"}
    assert error_of(api.patch(face_url, json={"userData": "u" * 1025}))[2] == "'userData' is too long."
    assert api.delete(face_url).status_code == 200
    assert error_of(api.get(face_url)) == (404, "PersistedFaceNotFound", "Persisted face is not found.")
    assert error_of(api.delete(face_url))[1] == "PersistedFaceNotFound"
    assert api.get(f"{base}/{person_id}").json()["persistedFaceIds"] == faces[1:]

    assert api.delete(f"{base}/{person_id}").status_code == 200
    assert error_of(api.get(f"{base}/{person_id}")) == (404, "PersonNotFound", "Person is not found.")
    assert error_of(api.get(f"{base}/{person_id}/persistedfaces/{faces[1]}"))[1] == "PersonNotFound"
    assert [entry["personId"] for entry in api.get(base).json()] == sorted(others)


@pytest.mark.parametrize("family", GROUPS, ids=[family.route for family in GROUPS])
def test_person_errors(api: Any, storage: str, family: Family) -> None:
    kind = family.kind
    group = create(api, family)
    base = f"/{family.route}/{group}/persons"
    missing_group = f"/{family.route}/{new_id()}/persons"
    assert error_of(api.post(missing_group, json={"name": "x"})) == (
        404,
        f"{kind.code_prefix}NotFound",
        f"{kind.noun} is not found.",
    )
    assert error_of(api.get(missing_group))[1] == f"{kind.code_prefix}NotFound"
    assert error_of(api.get(f"/{family.route}/BAD/persons/{UNKNOWN_ID}")) == (
        404,
        f"{kind.code_prefix}NotFound",
        f"{kind.noun} ID is invalid.",
    )
    assert error_of(api.post(base, json={"name": "x" * 129}))[2] == "'name' is too long."
    assert error_of(api.post(base, json={"name": "x", "userData": "u" * 16385}))[2] == "'userData' is too long."
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"name": "x"}} if method == "patch" else {}
        assert error_of(getattr(api, method)(f"{base}/{UNKNOWN_ID}", **kwargs)) == (
            404,
            "PersonNotFound",
            "Person is not found.",
        )
        assert error_of(getattr(api, method)(f"{base}/not-a-person", **kwargs)) == (
            404,
            "PersonNotFound",
            "Person ID is invalid.",
        )
    person_id = api.post(base, json={"name": "p"}).json()["personId"]
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"userData": "x"}} if method == "patch" else {}
        faces = f"{base}/{person_id}/persistedfaces"
        assert error_of(getattr(api, method)(f"{faces}/{UNKNOWN_ID}", **kwargs)) == (
            404,
            "PersistedFaceNotFound",
            "Persisted face is not found.",
        )
        assert error_of(getattr(api, method)(f"{faces}/nope", **kwargs)) == (
            404,
            "PersistedFaceNotFound",
            "Persisted face ID is invalid.",
        )

    set_count(MEMBERS_TABLE, partition(kind.name, group), HEAD_KEY, kind.member_limit)
    assert error_of(api.post(base, json={"name": "one too many"})) == (403, "QuotaExceeded", kind.member_quota_message)


@pytest.mark.parametrize("family", LISTS, ids=[family.route for family in LISTS])
def test_list_faces(api: Any, storage: str, family: Family) -> None:
    face_list = create(api, family)
    faces = sorted(seed_faces(family.kind, face_list, None, 4))
    base = f"/{family.route}/{face_list}/persistedfaces"
    if family.kind.inlines_faces:
        inline = api.get(f"/{family.route}/{face_list}").json()["persistedFaces"]
        assert [face["persistedFaceId"] for face in inline] == faces
    else:
        assert [face["persistedFaceId"] for face in api.get(base).json()] == faces
        assert [face["persistedFaceId"] for face in api.get(base, params={"start": faces[0], "top": 2}).json()] == (
            faces[1:3]
        )
        assert api.patch(f"{base}/{faces[0]}", json={"userData": "x"}).status_code == 200
        assert api.get(f"{base}/{faces[0]}").json() == {"persistedFaceId": faces[0], "userData": "x"}
        assert error_of(api.get(f"{base}/{UNKNOWN_ID}"))[1] == "PersistedFaceNotFound"
        assert error_of(api.get(f"{base}/bad-id"))[2] == "Persisted face ID is invalid."
    assert api.delete(f"{base}/{faces[0]}").status_code == 200
    assert error_of(api.delete(f"{base}/{faces[0]}")) == (404, "PersistedFaceNotFound", "Persisted face is not found.")
    assert error_of(api.delete(f"{base}/bad-id"))[2] == "Persisted face ID is invalid."
    assert error_of(api.delete(f"/{family.route}/{new_id()}/persistedfaces/{faces[1]}"))[1] == (
        f"{family.kind.code_prefix}NotFound"
    )


def test_face_list_has_no_per_face_reads(api: Any) -> None:
    face_list = create(api, LISTS[0])
    assert api.get(f"/facelists/{face_list}/persistedfaces/{UNKNOWN_ID}").status_code == 405
    assert api.get(f"/facelists/{face_list}/training").status_code == 404


@pytest.mark.parametrize("family", ALL, ids=names)
def test_add_face_argument_errors(api: Any, family: Family) -> None:
    collection_id = create(api, family)
    base = f"/{family.route}/{collection_id}"
    if family.kind.holds_persons:
        base += "/persons/" + api.post(f"{base}/persons", json={"name": "p"}).json()["personId"]
    url = base + "/persistedfaces"
    image = {"url": "http://127.0.0.1:9/none.jpg"}
    assert error_of(api.post(url, json=image, params={"userData": "u" * 1025})) == (
        400,
        "BadArgument",
        "'userData' is too long.",
    )
    assert error_of(api.post(url, json=image, params={"targetFace": "1,2,3"}))[2].startswith(
        "Invalid argument targetFace."
    )
    assert error_of(api.post(url, json=image, params={"detectionModel": "detection_9"}))[2] == (
        "'detectionModel' is invalid."
    )
    assert error_of(api.post(url, data=b"x", headers={"Content-Type": "text/plain"})) == (
        415,
        "BadArgument",
        "Invalid Media Type.",
    )
    assert error_of(api.post(url, json={})) == (400, "BadArgument", "Request body is invalid.")
    assert error_of(api.post(url, json={"url": "ftp://example.com/a.jpg"})) == (400, "InvalidURL", "Invalid image URL.")
    assert error_of(api.post(url, json=image))[1] == "InvalidURL"
    assert error_of(api.post(url, data=b"tiny", headers=OCTET)) == (400, "InvalidImageSize", "Image size is too small.")
    assert error_of(api.post(url, data=b"\x00" * 2048, headers=OCTET))[1] == "InvalidImage"
    missing = url.replace(collection_id, new_id())
    assert error_of(api.post(missing, data=b"\x00" * 2048, headers=OCTET))[1] == f"{family.kind.code_prefix}NotFound"
    if family.kind.holds_persons:
        assert error_of(api.post(url.replace(url.split("/")[-2], UNKNOWN_ID), json=image))[1] == "PersonNotFound"
