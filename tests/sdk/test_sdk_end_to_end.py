"""Microsoft's Face SDK (azure-cognitiveservices-vision-face), unchanged, against the dev host.

One story on real photos (face_recognition's knn examples): a person group is
built from stream and URL uploads, trained and searched; faces are verified,
found in a face list and a large face list, grouped; things are renamed and
deleted; and the errors the SDK raises carry Azure's codes.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.cognitiveservices.vision.face import FaceClient
from azure.cognitiveservices.vision.face.models import APIErrorException, DetectedFace, TrainingStatus
from msrest.authentication import CognitiveServicesCredentials

from tests.support.helpers import new_id
from tests.support.images import serve_directory
from tests.support.polling import wait_for_training

KNN = Path("face_recognition") / "examples" / "knn_examples"
EXAMPLES = Path("face_recognition") / "examples"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(devhost: Any) -> FaceClient:
    return FaceClient(devhost.endpoint, CognitiveServicesCredentials(devhost.key))


@pytest.fixture(scope="module")
def url_of(shared_data: Path) -> Iterator[Callable[[Path], str]]:
    with serve_directory(shared_data) as url_for:
        yield lambda relative: url_for(relative.as_posix())


def _detect(client: FaceClient, shared_data: Path, relative: Path) -> list[DetectedFace]:
    with (shared_data / relative).open("rb") as stream:
        return client.face.detect_with_stream(stream, return_face_id=True, return_recognition_model=True)


def _largest_face(client: FaceClient, path: Path) -> list[int]:
    """``targetFace`` of the largest face in a photo (a training photo may show other faces too)."""
    with path.open("rb") as stream:
        rectangle = client.face.detect_with_stream(stream, return_face_id=False)[0].face_rectangle
    return [rectangle.left, rectangle.top, rectangle.width, rectangle.height]


def _state(training: TrainingStatus) -> str:
    """The SDK's training state as Azure spells it (an enum member, or a plain string it does not know)."""
    return str(getattr(training.status, "value", training.status))


def _wait_for_training(read_status: Callable[[], TrainingStatus]) -> None:
    assert _state(wait_for_training(read_status, _state, "the SDK's training to finish")) == "succeeded"


def _api_error(call: Callable[[], Any]) -> tuple[int, str]:
    with pytest.raises(APIErrorException) as caught:
        call()
    return caught.value.response.status_code, caught.value.error.error.code


@pytest.fixture(scope="module")
def person_group(client: FaceClient, shared_data: Path, url_of: Callable[[Path], str]) -> Iterator[tuple[str, dict]]:
    """A trained person group of the five knn training people; even images by stream, odd ones by URL.

    Each photo's person is its largest face, enrolled with ``target_face``.
    """
    group_id = new_id("sdk-group")
    client.person_group.create(group_id, "knn examples", user_data="sdk story", recognition_model="recognition_01")
    persons: dict[str, str] = {}
    for person_dir in sorted((shared_data / KNN / "train").iterdir()):
        person = client.person_group_person.create(group_id, name=person_dir.name)
        persons[person_dir.name] = person.person_id
        for number, image in enumerate(sorted(person_dir.iterdir())):
            target = _largest_face(client, image)
            if number % 2 == 0:
                with image.open("rb") as stream:
                    added = client.person_group_person.add_face_from_stream(
                        group_id, person.person_id, stream, target_face=target
                    )
            else:
                added = client.person_group_person.add_face_from_url(
                    group_id, person.person_id, url_of(image.relative_to(shared_data)), target_face=target
                )
            assert uuid.UUID(added.persisted_face_id)
    client.person_group.train(group_id)
    _wait_for_training(lambda: client.person_group.get_training_status(group_id))
    yield group_id, persons
    client.person_group.delete(group_id)


def test_identify_ranks_the_right_person_first(client, shared_data, person_group):
    group_id, persons = person_group
    expected = {"obama1.jpg": "obama", "alex_lacamoire1.jpg": "alex_lacamoire", "johnsnow_test1.jpg": "kit_harington"}
    for image, name in expected.items():
        faces = _detect(client, shared_data, KNN / "test" / image)
        assert faces and faces[0].recognition_model == "recognition_01"
        (result,) = client.face.identify([faces[0].face_id], person_group_id=group_id, max_num_of_candidates_returned=3)
        assert result.face_id == faces[0].face_id
        assert result.candidates[0].person_id == persons[name], image
        assert result.candidates[0].confidence >= 0.5


def test_recognition_04_with_detection_03_identifies_and_verifies(client, shared_data):
    """SFace (recognition_04) on YuNet's faces (detection_03), as Microsoft recommends, through v1.0's SDK."""
    group_id = new_id("sdk-sface")
    client.person_group.create(group_id, "knn examples", recognition_model="recognition_04")
    persons = {}
    try:
        for name in ("obama", "biden", "kit_harington"):
            person = client.person_group_person.create(group_id, name=name)
            persons[name] = person.person_id
            for image in sorted((shared_data / KNN / "train" / name).iterdir()):
                with image.open("rb") as stream:
                    client.person_group_person.add_face_from_stream(
                        group_id, person.person_id, stream, detection_model="detection_03"
                    )
        client.person_group.train(group_id)
        _wait_for_training(lambda: client.person_group.get_training_status(group_id))

        def detect(relative: Path) -> str:
            with (shared_data / relative).open("rb") as stream:
                faces = client.face.detect_with_stream(
                    stream,
                    recognition_model="recognition_04",
                    detection_model="detection_03",
                    return_recognition_model=True,
                )
            assert faces[0].recognition_model == "recognition_04"
            return faces[0].face_id

        obama, biden = detect(KNN / "test" / "obama1.jpg"), detect(EXAMPLES / "biden.jpg")
        (result,) = client.face.identify([obama], person_group_id=group_id)
        assert result.candidates[0].person_id == persons["obama"] and result.candidates[0].confidence >= 0.5
        assert client.face.verify_face_to_person(obama, persons["obama"], person_group_id=group_id).is_identical
        assert not client.face.verify_face_to_face(obama, biden).is_identical
        assert client.face.verify_face_to_face(obama, detect(EXAMPLES / "obama2.jpg")).is_identical
        old_model = detect_with_model(client, shared_data, EXAMPLES / "obama2.jpg", "recognition_01")
        assert _api_error(lambda: client.face.verify_face_to_face(obama, old_model))[0] == 400
    finally:
        client.person_group.delete(group_id)


def detect_with_model(client: FaceClient, shared_data: Path, relative: Path, model: str) -> str:
    with (shared_data / relative).open("rb") as stream:
        return client.face.detect_with_stream(stream, recognition_model=model)[0].face_id


def test_verify_face_to_person_and_face_to_face(client, shared_data, person_group):
    group_id, persons = person_group
    obama = _detect(client, shared_data, KNN / "test" / "obama1.jpg")[0].face_id
    other_obama = _detect(client, shared_data, EXAMPLES / "obama2.jpg")[0].face_id
    biden = _detect(client, shared_data, EXAMPLES / "biden.jpg")[0].face_id
    same_person = client.face.verify_face_to_person(obama, persons["obama"], person_group_id=group_id)
    assert same_person.is_identical and same_person.confidence >= 0.5
    other_person = client.face.verify_face_to_person(obama, persons["biden"], person_group_id=group_id)
    assert not other_person.is_identical and other_person.confidence < 0.5
    assert client.face.verify_face_to_face(obama, other_obama).is_identical
    assert not client.face.verify_face_to_face(obama, biden).is_identical


def test_find_similar_in_a_face_list_and_a_large_face_list(client, shared_data, url_of):
    images = [
        EXAMPLES / "obama.jpg",
        EXAMPLES / "biden.jpg",
        KNN / "train" / "alex_lacamoire" / "img1.jpg",
        KNN / "train" / "rose_leslie" / "img1.jpg",
    ]
    query = _detect(client, shared_data, KNN / "test" / "obama1.jpg")[0].face_id
    face_list = new_id("sdk-list")
    large_face_list = new_id("sdk-large-list")
    client.face_list.create(face_list, "examples")
    client.large_face_list.create(large_face_list, "examples")
    try:
        listed, large_listed = [], []
        for image in images:
            target = _largest_face(client, shared_data / image)
            with (shared_data / image).open("rb") as stream:
                listed.append(
                    client.face_list.add_face_from_stream(face_list, stream, target_face=target).persisted_face_id
                )
            large_listed.append(
                client.large_face_list.add_face_from_url(
                    large_face_list, url_of(image), target_face=target
                ).persisted_face_id
            )
        similar = client.face.find_similar(query, face_list_id=face_list)
        assert [match.persisted_face_id for match in similar] == [listed[0]]
        assert client.face_list.get(face_list).persisted_faces[0].persisted_face_id in listed
        client.large_face_list.train(large_face_list)
        _wait_for_training(lambda: client.large_face_list.get_training_status(large_face_list))
        ranked = client.face.find_similar(
            query, large_face_list_id=large_face_list, mode="matchFace", max_num_of_candidates_returned=10
        )
        assert next(match.persisted_face_id for match in ranked) == large_listed[0]
        assert len(ranked) == len(images)
        assert all(first.confidence >= second.confidence for first, second in itertools.pairwise(ranked))
    finally:
        client.face_list.delete(face_list)
        client.large_face_list.delete(large_face_list)


def test_group_splits_people(client, shared_data):
    images = [
        EXAMPLES / "obama.jpg",
        EXAMPLES / "biden.jpg",
        EXAMPLES / "obama2.jpg",
        KNN / "train" / "biden" / "biden2.jpg",
        KNN / "train" / "alex_lacamoire" / "img1.jpg",
    ]
    face_ids = [_detect(client, shared_data, image)[0].face_id for image in images]
    obama, biden, other_obama, other_biden, alex = face_ids
    result = client.face.group(face_ids)
    assert result.groups == [[obama, other_obama], [biden, other_biden]]
    assert result.messy_group == [alex]


def test_update_and_delete(client, person_group):
    group_id, persons = person_group
    client.person_group.update(group_id, name="renamed group")
    assert client.person_group.get(group_id).name == "renamed group"
    client.person_group_person.update(group_id, persons["rose_leslie"], name="Rose Leslie")
    assert client.person_group_person.get(group_id, persons["rose_leslie"]).name == "Rose Leslie"
    spare = client.person_group_person.create(group_id, name="spare").person_id
    client.person_group_person.delete(group_id, spare)
    assert _api_error(lambda: client.person_group_person.get(group_id, spare)) == (404, "PersonNotFound")


def test_errors_carry_azure_codes(client, shared_data, person_group, url_of):
    group_id, _persons = person_group
    unknown = str(uuid.uuid4())
    untrained = new_id("sdk-untrained")
    client.person_group.create(untrained, "untrained")
    try:
        face_id = _detect(client, shared_data, EXAMPLES / "obama.jpg")[0].face_id
        assert _api_error(lambda: client.face.identify([face_id], person_group_id=untrained)) == (
            400,
            "PersonGroupNotTrained",
        )
        assert _api_error(lambda: client.face.identify([unknown], person_group_id=group_id)) == (400, "FaceNotFound")
        assert _api_error(lambda: client.face.identify([face_id], person_group_id="no-such-group")) == (
            400,
            "PersonGroupNotFound",
        )
        assert _api_error(lambda: client.face.verify_face_to_face(face_id, unknown)) == (404, "FaceNotFound")
        assert _api_error(lambda: client.face.verify_face_to_person(face_id, unknown, person_group_id=group_id)) == (
            400,
            "PersonNotFound",
        )
        assert _api_error(lambda: client.face.find_similar(face_id, face_list_id="no-such-list")) == (
            400,
            "FaceListNotFound",
        )
        assert _api_error(lambda: client.face.group([face_id, unknown])) == (400, "FaceNotFound")
        assert _api_error(lambda: client.person_group.get("no-such-group")) == (404, "PersonGroupNotFound")
        with (shared_data / "dlib_faces" / "testing.xml").open("rb") as not_an_image:
            assert _api_error(lambda: client.face.detect_with_stream(not_an_image)) == (400, "InvalidImage")
        assert _api_error(lambda: client.face.detect_with_url(url_of(Path("no-such-photo.jpg")))) == (400, "InvalidURL")
    finally:
        client.person_group.delete(untrained)
