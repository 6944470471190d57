"""The command line's targets: which one the flags name, the API version it is spoken in, what Identify's body
names for it, and a photo refused on Detect's count."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from face_cli.main import chosen_target, target_api_version
from face_cli.photos import Photo
from face_cli.rejections import NO_FACE, SEVERAL_FACES, detect_rejection
from face_cli.targets import DYNAMIC_PERSON_GROUP, LARGE_PERSON_GROUP, PERSON_DIRECTORY, Target


def test_the_directory_alone_or_through_a_dynamic_group_and_nothing_else_with_it() -> None:
    assert chosen_target(None, None, None, None, person_directory=True) == Target(PERSON_DIRECTORY, "")
    assert chosen_target(None, None, None, None, dynamic_person_group="g") == Target(DYNAMIC_PERSON_GROUP, "g")
    both = chosen_target(None, None, None, None, person_directory=True, dynamic_person_group="g")
    assert both == Target(DYNAMIC_PERSON_GROUP, "g")
    with pytest.raises(typer.BadParameter):
        chosen_target(None, "lpg", None, None, person_directory=True)
    with pytest.raises(typer.BadParameter):
        chosen_target(None, None, None, None)


def test_the_directory_is_spoken_to_in_a_version_that_has_it_unless_one_is_asked_for() -> None:
    assert target_api_version(Target(PERSON_DIRECTORY, ""), None) == "v1.2-preview.1"
    assert target_api_version(Target(DYNAMIC_PERSON_GROUP, "g"), None) == "v1.2-preview.1"
    assert target_api_version(Target(LARGE_PERSON_GROUP, "g"), None) == "v1.2"
    assert target_api_version(Target(PERSON_DIRECTORY, ""), "v1.1-preview.1") == "v1.1-preview.1"


def test_identify_names_every_directory_person_a_dynamic_group_or_a_collection() -> None:
    assert Target(PERSON_DIRECTORY, "").scope == {"personIds": ["*"]}
    assert Target(DYNAMIC_PERSON_GROUP, "g").scope == {"dynamicPersonGroupId": "g"}
    assert Target(LARGE_PERSON_GROUP, "g").scope == {"largePersonGroupId": "g"}
    assert Target(PERSON_DIRECTORY, "").path == "" and str(Target(PERSON_DIRECTORY, "")) == "person directory"


def test_a_photo_refused_on_detect_s_count_says_so_without_an_azure_code() -> None:
    photo = Photo("nobody", Path("dogs.jpg"), "0" * 64)
    none, two = detect_rejection(photo, 0), detect_rejection(photo, 2)
    assert (none.reason, none.code, none.message) == (NO_FACE, "", "Detect found no face in the photo.")
    assert (two.reason, two.code, two.message) == (SEVERAL_FACES, "", "Detect found 2 faces in the photo.")
