"""Detect, Verify, Identify, Find Similar and Group over real HTTP: every documented error, and the results.

Most faceIds here are seeded straight into the detected-face store (the dev
host shares the session's Azurite) with synthetic features, so each error path
is checked without running detection; the detection paths use real photos.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from core.collections.kinds import LARGE_FACE_LIST, LARGE_PERSON_GROUP, PERSON_GROUP
from core.search.index import feature_to_bytes
from core.storage.detected_faces import store_detected_faces
from core.storage.face_training import RUNNING, TrainingRecord, write_training
from core.timestamps import format_timestamp
from tests.support.faces import unit_vectors
from tests.support.helpers import OCTET, error_of, new_id
from tests.support.images import serve_directory
from tests.support.polling import finished_training

UNKNOWN_FACE = "00000000-0000-4000-8000-000000000000"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def image_server(shared_data: Path):
    with serve_directory(shared_data) as url_of:
        yield url_of


@pytest.fixture(scope="module")
def faces(storage: str) -> dict[str, Any]:
    """faceIds seeded with synthetic features: two of one person, one of another, one of another model."""
    rng = np.random.default_rng(11)
    centre, other = unit_vectors(rng, 2)
    same = [centre + 0.1 * unit_vectors(rng, 1)[0], centre + 0.1 * unit_vectors(rng, 1)[0]]
    stored = [feature_to_bytes(feature) for feature in [*same, other, centre]]
    first, second, stranger = store_detected_faces(stored[:3], "recognition_01", 3600)
    (modern,) = store_detected_faces(stored[3:], "recognition_04", 3600)
    (expired,) = store_detected_faces(stored[3:], "recognition_01", 60, now=datetime.now(UTC) - timedelta(seconds=120))
    return {"first": first, "second": second, "stranger": stranger, "modern": modern, "expired": expired}


def _collection(api: Any, path: str, model: str = "recognition_01") -> str:
    collection_id = new_id("ops")
    response = api.put(f"/{path}/{collection_id}", json={"name": "face operations", "recognitionModel": model})
    assert response.status_code == 200, response.text
    return collection_id


@pytest.fixture(scope="module")
def collections(storage: str, devhost: Any) -> dict[str, str]:
    from tests.support.servers import FaceClient

    with FaceClient(devhost.base_url, devhost.key) as api:
        person_group = _collection(api, "persongroups")
        person = api.post(f"/persongroups/{person_group}/persons", json={"name": "nobody"}).json()["personId"]
        running = _collection(api, "persongroups")
        large_running = _collection(api, "largepersongroups")
        lfl_running = _collection(api, "largefacelists")
        moment = format_timestamp(datetime.now(UTC))
        for kind, collection_id in (
            (PERSON_GROUP, running),
            (LARGE_PERSON_GROUP, large_running),
            (LARGE_FACE_LIST, lfl_running),
        ):
            write_training(TrainingRecord(kind.name, collection_id, RUNNING, str(uuid.uuid4()), moment, moment))
        return {
            "pg": person_group,
            "pg_person": person,
            "pg_modern": _collection(api, "persongroups", "recognition_04"),
            "pg_running": running,
            "lpg": _collection(api, "largepersongroups"),
            "lpg_running": large_running,
            "fl": _collection(api, "facelists"),
            "lfl": _collection(api, "largefacelists"),
            "lfl_running": lfl_running,
        }


Body = Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]

IDENTIFY_ERRORS: list[tuple[str, Body, int, str, str]] = [
    ("no faceIds", lambda f, c: {"personGroupId": c["pg"]}, 400, "BadArgument", "Request body is invalid."),
    (
        "faceIds not a list",
        lambda f, c: {"faceIds": f["first"], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "Request body is invalid.",
    ),
    (
        "no faceIds given",
        lambda f, c: {"faceIds": [], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "The length of faceIds is not in a valid range.",
    ),
    (
        "eleven faceIds",
        lambda f, c: {"faceIds": [str(uuid.uuid4()) for _ in range(11)], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "The length of faceIds is not in a valid range.",
    ),
    (
        "malformed faceId",
        lambda f, c: {"faceIds": ["nope"], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "Face ID is invalid.",
    ),
    (
        "both groups",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg"], "largePersonGroupId": c["lpg"]},
        400,
        "PersonGroupIdAndLargePersonGroupIdBothNotNull",
        "Large person group ID and person group ID are both not null.",
    ),
    (
        "no group",
        lambda f, c: {"faceIds": [f["first"]]},
        400,
        "PersonGroupIdAndLargePersonGroupIdBothNull",
        "Large person group ID and person group ID are both null.",
    ),
    (
        "malformed group id",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": "Bad Id"},
        400,
        "BadArgument",
        "Person group ID is invalid.",
    ),
    (
        "malformed large group id",
        lambda f, c: {"faceIds": [f["first"]], "largePersonGroupId": "x" * 65},
        400,
        "BadArgument",
        "Large person group ID is invalid.",
    ),
    (
        "zero candidates",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg"], "maxNumOfCandidatesReturned": 0},
        400,
        "BadArgument",
        "The argument maxNumOfCandidatesReturned is not valid.",
    ),
    (
        "101 candidates",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg"], "maxNumOfCandidatesReturned": 101},
        400,
        "BadArgument",
        "The argument maxNumOfCandidatesReturned is not valid.",
    ),
    (
        "threshold above 1",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg"], "confidenceThreshold": 1.5},
        400,
        "BadArgument",
        "The argument confidenceThreshold is not valid.",
    ),
    (
        "threshold below 0",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg"], "confidenceThreshold": -0.1},
        400,
        "BadArgument",
        "The argument confidenceThreshold is not valid.",
    ),
    (
        "unknown group",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": "no-such-group"},
        400,
        "PersonGroupNotFound",
        "Person group is not found.",
    ),
    (
        "unknown large group",
        lambda f, c: {"faceIds": [f["first"]], "largePersonGroupId": "no-such-group"},
        400,
        "LargePersonGroupNotFound",
        "Large person group is not found.",
    ),
    (
        "unknown face",
        lambda f, c: {"faceIds": [UNKNOWN_FACE], "personGroupId": c["pg"]},
        400,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "expired face",
        lambda f, c: {"faceIds": [f["expired"]], "personGroupId": c["pg"]},
        400,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "other model",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg_modern"]},
        400,
        "BadArgument",
        "'recognitionModel' is incompatible.",
    ),
    (
        "mixed models",
        lambda f, c: {"faceIds": [f["first"], f["modern"]], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "'recognitionModel' is incompatible.",
    ),
    (
        "never trained",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg"]},
        400,
        "PersonGroupNotTrained",
        "Person group not trained.",
    ),
    (
        "large never trained",
        lambda f, c: {"faceIds": [f["first"]], "largePersonGroupId": c["lpg"]},
        400,
        "LargePersonGroupNotTrained",
        "Large person group not trained.",
    ),
    (
        "training",
        lambda f, c: {"faceIds": [f["first"]], "personGroupId": c["pg_running"]},
        409,
        "PersonGroupTrainingNotFinished",
        "Person group is under training.",
    ),
    (
        "large training",
        lambda f, c: {"faceIds": [f["first"]], "largePersonGroupId": c["lpg_running"]},
        409,
        "LargePersonGroupTrainingNotFinished",
        "Large person group is under training.",
    ),
]

VERIFY_ERRORS: list[tuple[str, Body, int, str, str]] = [
    ("empty body", lambda f, c: {}, 400, "BadArgument", "Request body is invalid."),
    ("one face", lambda f, c: {"faceId1": f["first"]}, 400, "BadArgument", "Request body is invalid."),
    (
        "malformed face",
        lambda f, c: {"faceId1": f["first"], "faceId2": "12"},
        400,
        "BadArgument",
        "Face ID is invalid.",
    ),
    (
        "unknown face",
        lambda f, c: {"faceId1": f["first"], "faceId2": UNKNOWN_FACE},
        404,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "expired face",
        lambda f, c: {"faceId1": f["expired"], "faceId2": f["first"]},
        404,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "mixed models",
        lambda f, c: {"faceId1": f["first"], "faceId2": f["modern"]},
        400,
        "BadArgument",
        "'recognitionModel' is incompatible.",
    ),
    (
        "no person",
        lambda f, c: {"faceId": f["first"], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "Request body is invalid.",
    ),
    (
        "malformed person",
        lambda f, c: {"faceId": f["first"], "personId": "abc", "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "Person ID is invalid.",
    ),
    (
        "malformed group",
        lambda f, c: {"faceId": f["first"], "personId": c["pg_person"], "personGroupId": "A B"},
        400,
        "BadArgument",
        "Person group ID is invalid.",
    ),
    (
        "malformed large group",
        lambda f, c: {"faceId": f["first"], "personId": c["pg_person"], "largePersonGroupId": "A"},
        400,
        "BadArgument",
        "Large person group ID is invalid.",
    ),
    (
        "unknown group",
        lambda f, c: {"faceId": f["first"], "personId": c["pg_person"], "personGroupId": "none-here"},
        400,
        "PersonGroupNotFound",
        "Person Group is not found.",
    ),
    (
        "unknown large group",
        lambda f, c: {"faceId": f["first"], "personId": c["pg_person"], "largePersonGroupId": "none-here"},
        400,
        "LargePersonGroupNotFound",
        "Large Person Group is not found.",
    ),
    (
        "unknown person",
        lambda f, c: {"faceId": f["first"], "personId": UNKNOWN_FACE, "personGroupId": c["pg"]},
        400,
        "PersonNotFound",
        "Person is not found.",
    ),
    (
        "unknown face for person",
        lambda f, c: {"faceId": UNKNOWN_FACE, "personId": c["pg_person"], "personGroupId": c["pg"]},
        404,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "person of another model",
        lambda f, c: {"faceId": f["modern"], "personId": c["pg_person"], "personGroupId": c["pg"]},
        400,
        "BadArgument",
        "'recognitionModel' is incompatible.",
    ),
    (
        "person without faces",
        lambda f, c: {"faceId": f["first"], "personId": c["pg_person"], "personGroupId": c["pg"]},
        404,
        "PersistedFaceNotFound",
        "No persisted face of the person is found.",
    ),
    (
        "both groups",
        lambda f, c: {
            "faceId": f["first"],
            "personId": c["pg_person"],
            "personGroupId": c["pg"],
            "largePersonGroupId": c["lpg"],
        },
        400,
        "PersonGroupIdAndLargePersonGroupIdBothNotNull",
        "Large person group ID and person group ID are both not null.",
    ),
]

FIND_SIMILAR_ERRORS: list[tuple[str, Body, int, str, str]] = [
    ("no faceId", lambda f, c: {"faceIds": [f["first"]]}, 400, "BadArgument", "Request body is invalid."),
    (
        "no candidates",
        lambda f, c: {"faceId": f["first"]},
        400,
        "BadArgument",
        "LargeFaceListId, faceListId and faceIds are all null.",
    ),
    (
        "two sources",
        lambda f, c: {"faceId": f["first"], "faceIds": [f["second"]], "faceListId": c["fl"]},
        400,
        "BadArgument",
        "2 or more of largeFaceListId, faceListId and faceIds are not null.",
    ),
    (
        "bad mode",
        lambda f, c: {"faceId": f["first"], "faceIds": [f["second"]], "mode": "matchAll"},
        400,
        "BadArgument",
        "Mode is invalid.",
    ),
    (
        "malformed face list",
        lambda f, c: {"faceId": f["first"], "faceListId": "No!"},
        400,
        "BadArgument",
        "Face list ID is invalid.",
    ),
    (
        "malformed large face list",
        lambda f, c: {"faceId": f["first"], "largeFaceListId": "No!"},
        400,
        "BadArgument",
        "Large face list ID is invalid.",
    ),
    (
        "zero candidates",
        lambda f, c: {"faceId": f["first"], "faceIds": [f["second"]], "maxNumOfCandidatesReturned": 0},
        400,
        "BadArgument",
        "The argument maxNumOfCandidatesReturned is not valid.",
    ),
    (
        "1001 candidates",
        lambda f, c: {"faceId": f["first"], "faceIds": [f["second"]], "maxNumOfCandidatesReturned": 1001},
        400,
        "BadArgument",
        "The argument maxNumOfCandidatesReturned is not valid.",
    ),
    (
        "empty faceIds",
        lambda f, c: {"faceId": f["first"], "faceIds": []},
        400,
        "BadArgument",
        "The length of faceIds is not in a valid range.",
    ),
    (
        "1001 faceIds",
        lambda f, c: {"faceId": f["first"], "faceIds": [str(uuid.uuid4()) for _ in range(1001)]},
        400,
        "BadArgument",
        "The length of faceIds is not in a valid range.",
    ),
    (
        "unknown query face",
        lambda f, c: {"faceId": UNKNOWN_FACE, "faceIds": [f["second"]]},
        400,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "unknown candidate face",
        lambda f, c: {"faceId": f["first"], "faceIds": [UNKNOWN_FACE]},
        400,
        "FaceNotFound",
        "Face is not found.",
    ),
    (
        "mixed models",
        lambda f, c: {"faceId": f["modern"], "faceIds": [f["second"]]},
        400,
        "BadArgument",
        "'recognitionModel' is incompatible.",
    ),
    (
        "unknown face list",
        lambda f, c: {"faceId": f["first"], "faceListId": "no-such-list"},
        400,
        "FaceListNotFound",
        "Face list is not found.",
    ),
    (
        "unknown large face list",
        lambda f, c: {"faceId": f["first"], "largeFaceListId": "no-such-list"},
        400,
        "LargeFaceListNotFound",
        "Large face list is not found.",
    ),
    (
        "empty face list",
        lambda f, c: {"faceId": f["first"], "faceListId": c["fl"]},
        400,
        "FaceListNotReady",
        "Face list is empty.",
    ),
    (
        "untrained large face list",
        lambda f, c: {"faceId": f["first"], "largeFaceListId": c["lfl"]},
        400,
        "LargeFaceListNotTrained",
        "Large face list is not trained.",
    ),
    (
        "training large face list",
        lambda f, c: {"faceId": f["first"], "largeFaceListId": c["lfl_running"]},
        409,
        "LargeFaceListTrainingNotFinished",
        "Large face list is under training.",
    ),
]

GROUP_ERRORS: list[tuple[str, Body, int, str, str]] = [
    ("no faceIds", lambda f, c: {}, 400, "BadArgument", "Request body is invalid."),
    (
        "one face",
        lambda f, c: {"faceIds": [f["first"]]},
        400,
        "BadArgument",
        "The length of faceIds is not in a valid range.",
    ),
    (
        "1001 faces",
        lambda f, c: {"faceIds": [str(uuid.uuid4()) for _ in range(1001)]},
        400,
        "BadArgument",
        "The length of faceIds is not in a valid range.",
    ),
    ("malformed face", lambda f, c: {"faceIds": [f["first"], "x"]}, 400, "BadArgument", "Face ID is invalid."),
    ("unknown face", lambda f, c: {"faceIds": [f["first"], UNKNOWN_FACE]}, 400, "FaceNotFound", "Face is not found."),
    (
        "mixed models",
        lambda f, c: {"faceIds": [f["first"], f["modern"]]},
        400,
        "BadArgument",
        "'recognitionModel' is incompatible.",
    ),
]

ERRORS = (
    [("/identify", *case) for case in IDENTIFY_ERRORS]
    + [("/verify", *case) for case in VERIFY_ERRORS]
    + [("/findsimilars", *case) for case in FIND_SIMILAR_ERRORS]
    + [("/group", *case) for case in GROUP_ERRORS]
)


@pytest.mark.parametrize(
    "path, case, body, status, code, message", ERRORS, ids=[f"{path[1:]}: {case}" for path, case, *_ in ERRORS]
)
def test_documented_errors(api, faces, collections, path, case, body, status, code, message):
    response = api.post(path, json=body(faces, collections))
    assert error_of(response) == (status, code, message)


@pytest.mark.parametrize("path", ["/identify", "/verify", "/findsimilars", "/group"])
def test_unparsable_and_non_object_bodies(api, path):
    assert error_of(api.post(path, data=b"{nope", headers=JSON)) == (400, "BadArgument", "JSON parsing error.")
    assert error_of(api.post(path, data=b"[1, 2]", headers=JSON)) == (400, "BadArgument", "Request body is invalid.")
    assert error_of(api.post(path, data=b"", headers=JSON)) == (400, "BadArgument", "Request body is invalid.")


def test_verify_face_to_face_uses_the_same_person_threshold(api, faces):
    same = api.post("/verify", json={"faceId1": faces["first"], "faceId2": faces["second"].upper()})
    assert same.status_code == 200
    assert same.json()["isIdentical"] is True and 0.5 <= same.json()["confidence"] <= 1
    different = api.post("/verify", json={"faceId1": faces["first"], "faceId2": faces["stranger"]}).json()
    assert different["isIdentical"] is False and 0 <= different["confidence"] < 0.5
    itself = api.post("/verify", json={"faceId1": faces["first"], "faceId2": faces["first"]}).json()
    assert itself == {"isIdentical": True, "confidence": 1.0}


def test_find_similar_among_face_ids_in_both_modes(api, faces):
    candidates = [faces["second"], faces["stranger"]]
    person = api.post("/findsimilars", json={"faceId": faces["first"], "faceIds": candidates}).json()
    assert [match["faceId"] for match in person] == [faces["second"]]
    anything = api.post(
        "/findsimilars",
        json={"faceId": faces["first"], "faceIds": candidates, "mode": "matchFace", "maxNumOfCandidatesReturned": 5},
    ).json()
    assert [match["faceId"] for match in anything] == candidates
    assert anything[0]["confidence"] > anything[1]["confidence"]
    top = api.post(
        "/findsimilars",
        json={"faceId": faces["first"], "faceIds": candidates, "mode": "matchFace", "maxNumOfCandidatesReturned": 1},
    ).json()
    assert len(top) == 1


def test_group_returns_groups_and_messy_group(api, faces):
    response = api.post("/group", json={"faceIds": [faces["stranger"], faces["first"], faces["second"]]})
    assert response.status_code == 200
    assert response.json() == {"groups": [[faces["first"], faces["second"]]], "messyGroup": [faces["stranger"]]}


def _jpeg(path: Path) -> bytes:
    return path.read_bytes()


def _noise_image(width: int, height: int) -> bytes:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


DETECT_ERRORS = [
    ("returnFaceAttributes=nonsense", 400, "BadArgument", "Invalid argument returnFaceAttributes."),
    ("recognitionModel=recognition_99", 400, "BadArgument", "'recognitionModel' is invalid."),
    ("detectionModel=detection_99", 400, "BadArgument", "'detectionModel' is invalid."),
    ("faceIdTimeToLive=59", 400, "BadArgument", "Invalid argument faceIdTimeToLive."),
    ("faceIdTimeToLive=86401", 400, "BadArgument", "Invalid argument faceIdTimeToLive."),
    ("faceIdTimeToLive=soon", 400, "BadArgument", "Invalid argument faceIdTimeToLive."),
    ("returnFaceId=maybe", 400, "BadArgument", "Invalid argument returnFaceId."),
    (
        "detectionModel=detection_02&returnFaceAttributes=blur",
        400,
        "BadArgument",
        "'returnFaceAttributes' is not supported by detection_02.",
    ),
    (
        "detectionModel=detection_02&returnFaceLandmarks=true",
        400,
        "BadArgument",
        "'returnLandmarks' is not supported by detection_02.",
    ),
]


@pytest.mark.parametrize("query, status, code, message", DETECT_ERRORS, ids=[case[0] for case in DETECT_ERRORS])
def test_detect_parameter_errors(api, shared_data, query, status, code, message):
    image = _jpeg(shared_data / "face_recognition" / "examples" / "obama.jpg")
    assert error_of(api.post(f"/detect?{query}", data=image, headers=OCTET)) == (status, code, message)


def test_detect_body_errors(api, devhost):
    assert error_of(api.post("/detect", data=b"{", headers=JSON)) == (400, "BadArgument", "JSON parsing error.")
    assert error_of(api.post("/detect", json={"uri": "http://x"})) == (400, "BadArgument", "Request body is invalid.")
    assert error_of(api.post("/detect", data=b"x" * 2048, headers={"Content-Type": "text/plain"})) == (
        415,
        "BadArgument",
        "Invalid Media Type.",
    )
    assert error_of(api.post("/detect", json={"url": "not a url"})) == (400, "InvalidURL", "Invalid image URL.")
    missing = api.post("/detect", json={"url": f"{devhost.base_url}/no-such-image.jpg"})
    assert error_of(missing)[:2] == (400, "InvalidURL")
    assert error_of(api.post("/detect", data=b"\x89PNG" + b"\0" * 2000, headers=OCTET)) == (
        400,
        "InvalidImage",
        "Decoding error, image format unsupported.",
    )
    assert error_of(api.post("/detect", data=b"\xff\xd8" * 100, headers=OCTET)) == (
        400,
        "InvalidImageSize",
        "Image size is too small.",
    )


def test_detect_finds_nothing_in_noise(api):
    response = api.post("/detect", data=_noise_image(320, 240), headers=OCTET)
    assert response.status_code == 200 and response.json() == []


def test_detect_response_shape_and_face_id_lifetime(api, shared_data):
    image = _jpeg(shared_data / "face_recognition" / "examples" / "obama.jpg")
    response = api.post(
        "/detect?returnFaceLandmarks=true&returnRecognitionModel=true&faceIdTimeToLive=60"
        "&returnFaceAttributes=headPose,blur&recognitionModel=recognition_04",
        data=image,
        headers=OCTET,
    )
    assert response.status_code == 200, response.text
    face = response.json()[0]
    assert list(face) == ["faceId", "recognitionModel", "faceRectangle", "faceLandmarks", "faceAttributes"]
    assert face["recognitionModel"] == "recognition_04"
    assert set(face["faceRectangle"]) == {"top", "left", "width", "height"}
    assert len(face["faceLandmarks"]) == 27 and set(face["faceAttributes"]) == {"headPose", "blur"}
    plain = api.post("/detect?returnFaceId=false", data=image, headers=OCTET).json()
    assert list(plain[0]) == ["faceRectangle"]
    verified = api.post("/verify", json={"faceId1": face["faceId"], "faceId2": face["faceId"]}).json()
    assert verified["isIdentical"] is True


def test_detect_from_url(api, shared_data, image_server):
    response = api.post("/detect", json={"url": image_server("face_recognition/examples/biden.jpg")})
    assert response.status_code == 200, response.text
    assert len(response.json()) == 1 and "faceId" in response.json()[0]
    assert response.json()[0]["faceRectangle"]["width"] > 200


def _largest_face_target(api: Any, image: bytes) -> str:
    rectangle = api.post("/detect?returnFaceId=false", data=image, headers=OCTET).json()[0]["faceRectangle"]
    return ",".join(str(rectangle[side]) for side in ("left", "top", "width", "height"))


def test_large_person_group_identify_and_verify(api, shared_data):
    examples = shared_data / "face_recognition" / "examples"
    group_id = _collection(api, "largepersongroups")
    persons = {}
    for name in ("obama", "biden"):
        image = (examples / f"{name}.jpg").read_bytes()
        person_id = api.post(f"/largepersongroups/{group_id}/persons", json={"name": name}).json()["personId"]
        added = api.post(
            f"/largepersongroups/{group_id}/persons/{person_id}/persistedfaces"
            f"?targetFace={_largest_face_target(api, image)}",
            data=image,
            headers=OCTET,
        )
        assert added.status_code == 200, added.text
        persons[name] = person_id
    assert api.post(f"/largepersongroups/{group_id}/train").status_code == 202
    assert finished_training(api, f"/largepersongroups/{group_id}/training")["status"] == "succeeded"
    query = api.post("/detect", data=(examples / "obama2.jpg").read_bytes(), headers=OCTET).json()[0]["faceId"]
    (result,) = api.post(
        "/identify",
        json={
            "faceIds": [query],
            "largePersonGroupId": group_id,
            "maxNumOfCandidatesReturned": 2,
            "confidenceThreshold": 0,
        },
    ).json()
    assert [candidate["personId"] for candidate in result["candidates"]] == [persons["obama"], persons["biden"]]
    assert result["candidates"][0]["confidence"] >= 0.5 > result["candidates"][1]["confidence"]
    default = api.post("/identify", json={"faceIds": [query], "largePersonGroupId": group_id}).json()
    assert [candidate["personId"] for candidate in default[0]["candidates"]] == [persons["obama"]]
    same = api.post("/verify", json={"faceId": query, "personId": persons["obama"], "largePersonGroupId": group_id})
    assert same.json()["isIdentical"] is True
    assert same.json()["confidence"] == pytest.approx(result["candidates"][0]["confidence"], abs=1e-4)
    other = api.post("/verify", json={"faceId": query, "personId": persons["biden"], "largePersonGroupId": group_id})
    assert other.json()["isIdentical"] is False
    api.delete(f"/largepersongroups/{group_id}")
