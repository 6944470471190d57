"""Validation of collection, person and face fields, targetFace and the training-limit wiring."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from core import limits
from core.collections.fields import (
    check_new_collection_id,
    detection_model,
    face_changes,
    is_collection_id,
    is_server_id,
    metadata_changes,
    new_metadata,
    paging,
    recognition_model,
)
from core.collections.kinds import FACE_LIST, KINDS, LARGE_FACE_LIST, LARGE_PERSON_GROUP, PERSON_GROUP
from core.collections.lookup import training_in_progress
from core.collections.target_face import check_target_in_image, parse_target_face, single_face
from core.geometry import Rectangle
from core.settings import PROJECT_ROOT
from core.storage.face_training import FAILED, NOT_STARTED, RUNNING, TrainingRecord
from core.timestamps import format_timestamp
from tests.support.helpers import raised_by


def test_training_attempts_match_host_json() -> None:
    host = json.loads((PROJECT_ROOT / "host.json").read_text())
    assert host["extensions"]["queues"]["maxDequeueCount"] == limits.TRAINING_MAX_DEQUEUE_COUNT
    assert (
        limits.TRAINING_STALE_SECONDS
        == 600
        == sum(int(part) * scale for part, scale in zip(host["functionTimeout"].split(":"), (3600, 60, 1), strict=True))
    )


@pytest.mark.parametrize(
    "text, valid",
    [
        ("a", True),
        ("abc-def_09", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        ("Abc", False),
        ("a b", False),
        ("a.b", False),
    ],
)
def test_collection_ids(text: str, valid: bool) -> None:
    assert is_collection_id(text) is valid


def test_new_id_error_names_the_kind() -> None:
    error = raised_by(check_new_collection_id, LARGE_FACE_LIST, "Bad")
    assert (error.status, error.code, error.message) == (400, "BadArgument", "Large face list ID is invalid.")


def test_kind_codes_and_messages() -> None:
    assert PERSON_GROUP.invalid_path_id().to_body() == {
        "error": {"code": "PersonGroupNotFound", "message": "Person group ID is invalid."}
    }
    assert PERSON_GROUP.not_trained().status == 404
    assert LARGE_FACE_LIST.training_not_finished().code == "LargeFaceListTrainingNotFinished"
    assert {kind.code_prefix for kind in KINDS.values()} == {
        "PersonGroup",
        "LargePersonGroup",
        "FaceList",
        "LargeFaceList",
    }
    assert PERSON_GROUP.member_limit == limits.MAX_PERSONS_PER_PERSON_GROUP


def test_documented_quota_messages() -> None:
    assert FACE_LIST.collection_limit == 64
    assert PERSON_GROUP.collection_quota_message == "Person group number reached subscription level limit."
    assert LARGE_PERSON_GROUP.member_quota_message == "Person number reached large person group level limit."


def test_server_ids() -> None:
    assert is_server_id("25985303-c537-4467-b41d-bdb45cd95ca1")
    assert is_server_id("25985303-C537-4467-B41D-BDB45CD95CA1")
    assert not is_server_id("25985303c5374467b41dbdb45cd95ca1")
    assert not is_server_id("not-a-uuid")


def test_new_metadata() -> None:
    assert new_metadata({"name": "n", "userData": "u"}) == ("n", "u")
    assert new_metadata({"name": "n"}) == ("n", None)
    assert raised_by(new_metadata, {}).message == "'name' is empty."
    assert raised_by(new_metadata, {"name": ""}).message == "'name' is empty."
    assert raised_by(new_metadata, {"name": "x" * 129}).message == "'name' is too long."
    assert new_metadata({"name": "x" * 128})[0] == "x" * 128
    assert raised_by(new_metadata, {"name": "n", "userData": "u" * 16385}).message == "'userData' is too long."
    assert raised_by(new_metadata, {"name": 5}).message == "Request body is invalid."


def test_recognition_model() -> None:
    assert recognition_model({}) == "recognition_01"
    assert recognition_model({"recognitionModel": "recognition_04"}) == "recognition_04"
    error = raised_by(recognition_model, {"recognitionModel": "recognition_09"})
    assert error.message == "'recognitionModel' is invalid."


def test_metadata_changes() -> None:
    assert metadata_changes({"name": "x"}) == {"name": "x"}
    assert metadata_changes({"userData": ""}) == {"userData": ""}
    assert raised_by(metadata_changes, {}).message == "Both 'name' and 'userData' are empty."
    assert raised_by(metadata_changes, {"name": ""}).message == "'name' is empty."


def test_face_fields() -> None:
    assert face_changes({"userData": "x" * 1024}) == {"userData": "x" * 1024}
    assert raised_by(face_changes, {"userData": "x" * 1025}).message == "'userData' is too long."
    assert detection_model(None) == "detection_01"
    assert raised_by(detection_model, "detection_07").message == "'detectionModel' is invalid."


def test_paging() -> None:
    assert paging(None, None).top == 1000
    assert paging("abc", "5") == paging("abc", "5")
    assert paging("abc", "5").start == "abc"
    for top in ("0", "1001", "x", "-1"):
        assert raised_by(paging, None, top).message == "'top' is invalid."
    assert raised_by(paging, "a" * 65, None).message == "'start' is too long."


def test_target_face_parsing() -> None:
    assert parse_target_face(None) is None
    assert parse_target_face("10,20,30,40") == (10, 20, 30, 40)
    for text in ("10,20,30", "a,b,c,d", "10,20,30,0", "-1,0,5,5", "1.5,2,3,4", "1,2,3,4,5"):
        error = raised_by(parse_target_face, text)
        assert error.message.startswith("Invalid argument targetFace.")
    error = raised_by(check_target_in_image, Rectangle(500, 10, 20, 20), 400, 300)
    assert error.message.startswith("Argument targetFace out of range")


def test_single_face_selection() -> None:
    faces = ["left", "right"]
    rectangles = [Rectangle(10, 10, 50, 50), Rectangle(200, 10, 50, 50)]
    assert single_face(faces, rectangles, Rectangle(180, 0, 100, 100)) == "right"
    several = raised_by(single_face, faces, rectangles, None)
    assert (several.code, several.message) == (
        "InvalidImage",
        "There is more than 1 face in the image or in the specified targetFace area.",
    )
    none = raised_by(single_face, faces, rectangles, Rectangle(400, 400, 10, 10))
    assert none.message == "No face detected in the image or in the specified targetFace area."
    assert single_face(["only"], [Rectangle(0, 0, 5, 5)], None) == "only"


def test_training_in_progress_goes_stale() -> None:
    now = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    recent = format_timestamp(now - timedelta(seconds=30))
    old = format_timestamp(now - timedelta(seconds=limits.TRAINING_STALE_SECONDS + 1))
    record = TrainingRecord("persongroup", "g", NOT_STARTED, "t", recent, last_action=recent)
    assert training_in_progress(record, now)
    assert training_in_progress(record.with_changes(status=RUNNING), now)
    assert not training_in_progress(record.with_changes(status=FAILED), now)
    assert not training_in_progress(record.with_changes(last_action=old), now)
    assert not training_in_progress(None, now)
