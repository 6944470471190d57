"""Microsoft's current Python SDK (azure-ai-vision-face 1.0.0b2, API v1.2-preview.1), unchanged, against
the dev host: the README's detect sample, a LargePersonGroup built and identified through the SDK's own
long-running poller, verification, a LargeFaceList with Find Similar, grouping, updates, deletes, and
errors surfaced with Azure's codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.ai.vision.face import FaceAdministrationClient, FaceClient
from azure.ai.vision.face.models import (
    FaceAttributeTypeDetection03,
    FaceAttributeTypeRecognition04,
    FaceDetectionModel,
    FaceRecognitionModel,
    QualityForRecognition,
)
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

KNN = Path("face_recognition") / "examples" / "knn_examples"
PEOPLE = ("alex_lacamoire", "biden", "kit_harington", "obama", "rose_leslie")


@pytest.fixture(scope="module")
def face_client(devhost: Any) -> FaceClient:
    return FaceClient(devhost.endpoint, AzureKeyCredential(devhost.key))


@pytest.fixture(scope="module")
def admin(devhost: Any) -> FaceAdministrationClient:
    return FaceAdministrationClient(devhost.endpoint, AzureKeyCredential(devhost.key))


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _photo(shared_data: Path, relative: Path) -> bytes:
    return (shared_data / relative).read_bytes()


def _detect(face_client: FaceClient, image: bytes) -> list[Any]:
    return face_client.detect(
        image,
        detection_model=FaceDetectionModel.DETECTION03,
        recognition_model=FaceRecognitionModel.RECOGNITION04,
        return_face_id=True,
    )


def _http_error(call: Callable[[], Any]) -> tuple[int, str]:
    with pytest.raises(HttpResponseError) as caught:
        call()
    assert caught.value.error is not None
    return caught.value.status_code, caught.value.error.code


def test_the_readme_detect_sample(face_client: FaceClient, shared_data: Path) -> None:
    image = _photo(shared_data, Path("face_recognition/examples/obama.jpg"))
    faces = face_client.detect(
        image,
        detection_model=FaceDetectionModel.DETECTION03,
        recognition_model=FaceRecognitionModel.RECOGNITION04,
        return_face_id=True,
        return_face_attributes=[
            FaceAttributeTypeDetection03.HEAD_POSE,
            FaceAttributeTypeDetection03.MASK,
            FaceAttributeTypeRecognition04.QUALITY_FOR_RECOGNITION,
        ],
        return_face_landmarks=True,
        return_recognition_model=True,
        face_id_time_to_live=120,
    )
    assert len(faces) == 1
    face = faces[0]
    assert uuid.UUID(face.face_id) and face.recognition_model == "recognition_04"
    assert face.face_rectangle.width > 100
    assert face.face_landmarks.nose_tip.x > 0
    attributes = face.face_attributes
    assert abs(attributes.head_pose.yaw) < 30
    assert attributes.mask.type == "noMask" and attributes.mask.nose_and_mouth_covered is False
    assert attributes.quality_for_recognition in (QualityForRecognition.HIGH, QualityForRecognition.MEDIUM)


@pytest.fixture(scope="module")
def large_person_group(admin: FaceAdministrationClient, shared_data: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The five knn training people, each photo added by the SDK, trained with the SDK's poller."""
    group_id = _unique("sdk-lpg")
    admin.large_person_group.create(
        group_id, name="knn people", user_data="from the sdk", recognition_model=FaceRecognitionModel.RECOGNITION04
    )
    persons: dict[str, str] = {}
    for name in PEOPLE:
        person_id = admin.large_person_group.create_person(group_id, name=name, user_data=f"{name} data").person_id
        persons[name] = person_id
        for photo in sorted((shared_data / KNN / "train" / name).iterdir()):
            added = admin.large_person_group.add_face(
                group_id,
                person_id,
                photo.read_bytes(),
                detection_model=FaceDetectionModel.DETECTION03,
                user_data=photo.name,
            )
            assert uuid.UUID(added.persisted_face_id)
    poller = admin.large_person_group.begin_train(group_id, polling_interval=0.2)
    poller.result(timeout=120)
    assert poller.status().lower() == "succeeded"
    yield group_id, persons
    admin.large_person_group.delete(group_id)


def test_training_status_after_the_poller(admin: FaceAdministrationClient, large_person_group) -> None:
    group_id, _ = large_person_group
    status = admin.large_person_group.get_training_status(group_id)
    assert status.status == "succeeded"
    assert status.created_date_time and status.last_action_date_time and status.last_successful_training_date_time


def test_identify_names_the_right_people(face_client: FaceClient, large_person_group, shared_data: Path) -> None:
    group_id, persons = large_person_group
    expected = {
        "alex_lacamoire1.jpg": "alex_lacamoire",
        "johnsnow_test1.jpg": "kit_harington",
        "obama1.jpg": "obama",
    }
    for photo, name in expected.items():
        faces = _detect(face_client, _photo(shared_data, KNN / "test" / photo))
        results = face_client.identify_from_large_person_group(
            face_ids=[faces[0].face_id], large_person_group_id=group_id
        )
        assert results[0].candidates, photo
        assert results[0].candidates[0].person_id == persons[name], photo
        assert results[0].candidates[0].confidence >= 0.5
    everyone = face_client.identify_from_large_person_group(
        face_ids=[faces[0].face_id], large_person_group_id=group_id, confidence_threshold=0.0
    )
    assert len(everyone[0].candidates) == len(PEOPLE)  # v1.2's default of 10 candidates, not v1.0's 1


def test_verify_face_to_face_and_face_to_person(face_client: FaceClient, large_person_group, shared_data: Path) -> None:
    group_id, persons = large_person_group
    obama = _detect(face_client, _photo(shared_data, KNN / "test" / "obama1.jpg"))[0].face_id
    obama_again = _detect(face_client, _photo(shared_data, Path("face_recognition/examples/obama2.jpg")))[0].face_id
    biden = _detect(face_client, _photo(shared_data, Path("face_recognition/examples/biden.jpg")))[0].face_id
    same = face_client.verify_face_to_face(face_id1=obama, face_id2=obama_again)
    assert same.is_identical and same.confidence >= 0.5
    different = face_client.verify_face_to_face(face_id1=obama, face_id2=biden)
    assert not different.is_identical and different.confidence < 0.5
    to_person = face_client.verify_from_large_person_group(
        face_id=obama, large_person_group_id=group_id, person_id=persons["obama"]
    )
    assert to_person.is_identical
    to_other = face_client.verify_from_large_person_group(
        face_id=obama, large_person_group_id=group_id, person_id=persons["biden"]
    )
    assert not to_other.is_identical


def test_persons_and_faces_are_read_updated_and_deleted(admin: FaceAdministrationClient, large_person_group) -> None:
    group_id, persons = large_person_group
    group = admin.large_person_group.get(group_id, return_recognition_model=True)
    assert (group.name, group.user_data, group.recognition_model) == ("knn people", "from the sdk", "recognition_04")
    listed = admin.large_person_group.get_persons(group_id)
    assert sorted(person.name for person in listed) == sorted(PEOPLE)
    person_id = persons["rose_leslie"]
    admin.large_person_group.update_person(group_id, person_id, name="Rose", user_data="renamed")
    person = admin.large_person_group.get_person(group_id, person_id)
    assert (person.name, person.user_data) == ("Rose", "renamed")
    face_id = person.persisted_face_ids[0]
    admin.large_person_group.update_face(group_id, person_id, face_id, user_data="face data")
    assert admin.large_person_group.get_face(group_id, person_id, face_id).user_data == "face data"
    admin.large_person_group.delete_face(group_id, person_id, face_id)
    assert face_id not in admin.large_person_group.get_person(group_id, person_id).persisted_face_ids
    admin.large_person_group.update(group_id, name="knn people, renamed")
    assert admin.large_person_group.get(group_id).name == "knn people, renamed"


def test_large_face_list_find_similar_and_group(
    admin: FaceAdministrationClient, face_client: FaceClient, shared_data: Path
) -> None:
    list_id = _unique("sdk-lfl")
    admin.large_face_list.create(list_id, name="faces", recognition_model=FaceRecognitionModel.RECOGNITION04)
    try:
        persisted = {}
        for name in ("obama", "biden", "kit_harington"):
            photo = sorted((shared_data / KNN / "train" / name).iterdir())[0]
            added = admin.large_face_list.add_face(
                list_id, photo.read_bytes(), detection_model=FaceDetectionModel.DETECTION03, user_data=name
            )
            persisted[name] = added.persisted_face_id
        admin.large_face_list.begin_train(list_id, polling_interval=0.2).result(timeout=120)
        assert sorted(face.user_data for face in admin.large_face_list.get_faces(list_id)) == [
            "biden",
            "kit_harington",
            "obama",
        ]
        query = _detect(face_client, _photo(shared_data, KNN / "test" / "obama1.jpg"))[0].face_id
        similar = face_client.find_similar_from_large_face_list(
            face_id=query, large_face_list_id=list_id, max_num_of_candidates_returned=3
        )
        assert similar[0].persisted_face_id == persisted["obama"]
        assert [match.confidence for match in similar] == sorted((match.confidence for match in similar), reverse=True)
        admin.large_face_list.update_face(list_id, persisted["biden"], user_data="Joe")
        assert admin.large_face_list.get_face(list_id, persisted["biden"]).user_data == "Joe"
        admin.large_face_list.delete_face(list_id, persisted["biden"])
        assert persisted["biden"] not in {face.persisted_face_id for face in admin.large_face_list.get_faces(list_id)}
    finally:
        admin.large_face_list.delete(list_id)
    with pytest.raises(ResourceNotFoundError):
        admin.large_face_list.get(list_id)

    faces = [
        _detect(face_client, _photo(shared_data, relative))[0].face_id
        for relative in (
            KNN / "test" / "obama1.jpg",
            Path("face_recognition/examples/obama2.jpg"),
            Path("face_recognition/examples/biden.jpg"),
        )
    ]
    grouped = face_client.group(face_ids=faces)
    assert [sorted(group) for group in grouped.groups] == [sorted(faces[:2])]
    assert grouped.messy_group == [faces[2]]


def test_errors_carry_azures_codes(admin: FaceAdministrationClient, face_client: FaceClient) -> None:
    assert _http_error(lambda: admin.large_person_group.get(_unique("missing"))) == (
        404,
        "LargePersonGroupNotFound",
    )
    assert _http_error(lambda: admin.large_face_list.get(_unique("missing"))) == (404, "LargeFaceListNotFound")
    assert _http_error(
        lambda: face_client.detect(
            b"not an image" * 100,
            detection_model="detection_03",
            recognition_model="recognition_04",
            return_face_id=True,
        )
    ) == (400, "InvalidImage")
    assert (
        _http_error(lambda: face_client.verify_face_to_face(face_id1=str(uuid.uuid4()), face_id2=str(uuid.uuid4())))[1]
        == "FaceNotFound"
    )
    assert _http_error(lambda: admin.large_person_group.create("Bad Id!", name="x"))[1] == "BadArgument"
