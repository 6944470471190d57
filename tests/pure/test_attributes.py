"""Face attributes without photos: Azure's attribute names, and head pose from projected model points."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.errors import FaceError
from core.vision.attributes import MEAN_FACE_MODEL, UNSUPPORTED_ATTRIBUTES, head_pose, parse_attribute_names, project


def test_attribute_names_are_parsed_in_azure_spelling() -> None:
    assert parse_attribute_names(None) == ()
    assert parse_attribute_names("  ") == ()
    assert parse_attribute_names("headPose,blur") == ("headPose", "blur")
    assert parse_attribute_names("NOISE, exposure ,noise,qualityforrecognition") == (
        "noise",
        "exposure",
        "qualityForRecognition",
    )


@pytest.mark.parametrize("text", ["headPose,height", "headPose,,blur", "pose"])
def test_unknown_attribute_is_invalid_argument(text: str) -> None:
    with pytest.raises(FaceError) as caught:
        parse_attribute_names(text)
    assert (caught.value.status, caught.value.code) == (400, "BadArgument")
    assert caught.value.message == "Invalid argument returnFaceAttributes."


@pytest.mark.parametrize("name", UNSUPPORTED_ATTRIBUTES)
def test_classifier_attributes_are_refused_by_name(name: str) -> None:
    with pytest.raises(FaceError) as caught:
        parse_attribute_names(f"headPose,{name}")
    assert (caught.value.status, caught.value.code) == (400, "BadArgument")
    assert f"'{name}'" in caught.value.message


@pytest.mark.parametrize(
    "roll, yaw, pitch", [(0.0, 20.0, 0.0), (0.0, 0.0, 15.0), (12.0, -25.0, -10.0), (-30.0, 5.0, 20.0)]
)
def test_pose_of_a_projected_model_is_recovered(roll: float, yaw: float, pitch: float) -> None:
    width, height = 1280, 720
    centre = np.array([width / 2, height / 2])
    pose = np.array([math.radians(roll), math.radians(yaw), math.radians(pitch), 30.0, -20.0, 700.0])
    points68 = np.zeros((68, 2))
    points68[list(MEAN_FACE_MODEL)] = project(pose, float(width), centre)
    recovered = head_pose(points68, (height, width, 3))
    assert recovered == pytest.approx({"roll": roll, "yaw": yaw, "pitch": pitch}, abs=0.2)


def test_sign_conventions() -> None:
    width, height = 1000, 1000
    centre = np.array([width / 2, height / 2])

    def model_points(roll: float, yaw: float, pitch: float) -> np.ndarray:
        pose = np.array([math.radians(roll), math.radians(yaw), math.radians(pitch), 0.0, 0.0, 600.0])
        return project(pose, float(width), centre)

    indices = list(MEAN_FACE_MODEL)
    nose, left_eye, right_eye = indices.index(30), indices.index(36), indices.index(45)
    turned = model_points(0, 30, 0)
    assert turned[nose, 0] < (turned[left_eye, 0] + turned[right_eye, 0]) / 2
    lowered = model_points(0, 0, 20)
    level = model_points(0, 0, 0)
    assert lowered[nose, 1] - lowered[left_eye, 1] > level[nose, 1] - level[left_eye, 1]
    tilted = model_points(20, 0, 0)
    assert tilted[right_eye, 1] > tilted[left_eye, 1]
