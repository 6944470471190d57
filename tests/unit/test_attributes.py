"""Face attributes measured from real photos and from controlled changes to them."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from core.errors import FaceError
from core.geometry import Box
from core.images.decode import decode_image
from core.vision.attributes import (
    MEAN_FACE_MODEL,
    SUPPORTED_ATTRIBUTES,
    UNSUPPORTED_ATTRIBUTES,
    compute_attributes,
    head_pose,
    parse_attribute_names,
    project,
)
from core.vision.shape_predictor import predict_shapes

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "face_recognition" / "examples"
FRONTAL = (EXAMPLES / "obama-720p.jpg", Box(572, 94, 751, 273))
TURNED = (EXAMPLES / "obama2.jpg", Box(164, 302, 474, 611))


@cache
def photo(path: Path) -> np.ndarray:
    return decode_image(path.read_bytes())


def measure(image: np.ndarray, box: Box, names: tuple[str, ...] = SUPPORTED_ATTRIBUTES) -> dict:
    (points,) = predict_shapes(image, [box], 68)
    return compute_attributes(names, image, box, points)


def mirrored(image: np.ndarray, box: Box) -> tuple[np.ndarray, Box]:
    width = image.shape[1]
    left, top, right, bottom = box
    return np.ascontiguousarray(image[:, ::-1]), Box(width - 1 - right, top, width - 1 - left, bottom)


def filtered(image: np.ndarray, radius: float) -> np.ndarray:
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))


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


def test_response_has_azure_shapes_in_requested_order() -> None:
    image, box = photo(FRONTAL[0]), FRONTAL[1]
    names = ("noise", "headPose", "qualityForRecognition", "exposure", "blur")
    attributes = measure(image, box, names)
    assert tuple(attributes) == names
    assert set(attributes["headPose"]) == {"pitch", "roll", "yaw"}
    assert set(attributes["blur"]) == {"blurLevel", "value"}
    assert set(attributes["exposure"]) == {"exposureLevel", "value"}
    assert set(attributes["noise"]) == {"noiseLevel", "value"}
    for name in ("blur", "exposure", "noise"):
        assert 0.0 <= attributes[name]["value"] <= 1.0
    assert attributes["qualityForRecognition"] == "High"
    assert measure(image, box, ("blur",)) == {"blur": attributes["blur"]}


def test_frontal_face_has_small_angles() -> None:
    pose = measure(photo(FRONTAL[0]), FRONTAL[1], ("headPose",))["headPose"]
    assert abs(pose["yaw"]) < 5 and abs(pose["roll"]) < 5 and abs(pose["pitch"]) < 15


def test_mirroring_flips_yaw_and_roll() -> None:
    image, box = photo(TURNED[0]), TURNED[1]
    pose = measure(image, box, ("headPose",))["headPose"]
    flipped = measure(*mirrored(image, box), ("headPose",))["headPose"]
    assert abs(pose["yaw"]) > 10 and abs(pose["roll"]) > 3
    assert math.copysign(1, pose["yaw"]) != math.copysign(1, flipped["yaw"])
    assert math.copysign(1, pose["roll"]) != math.copysign(1, flipped["roll"])
    assert abs(pose["yaw"] + flipped["yaw"]) < 3 and abs(pose["roll"] + flipped["roll"]) < 2
    assert abs(pose["pitch"] - flipped["pitch"]) < 3


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


def test_blurred_copy_has_higher_blur() -> None:
    image, box = photo(FRONTAL[0]), FRONTAL[1]
    sharp = measure(image, box, ("blur",))["blur"]
    soft = measure(filtered(image, 4), box, ("blur",))["blur"]
    assert sharp["blurLevel"] == "Low"
    assert soft["value"] > sharp["value"] + 0.3
    assert soft["blurLevel"] in {"Medium", "High"}


def test_darkened_copy_is_under_exposed_and_brightened_over() -> None:
    image, box = photo(FRONTAL[0]), FRONTAL[1]
    assert measure(image, box, ("exposure",))["exposure"]["exposureLevel"] == "GoodExposure"
    dark = (image.astype(np.float64) * 0.3).astype(np.uint8)
    bright = (255 - (255 - image.astype(np.float64)) * 0.3).astype(np.uint8)
    assert measure(dark, box, ("exposure",))["exposure"]["exposureLevel"] == "UnderExposure"
    assert measure(bright, box, ("exposure",))["exposure"]["exposureLevel"] == "OverExposure"


def test_added_noise_raises_noise() -> None:
    image, box = photo(FRONTAL[0]), FRONTAL[1]
    clean = measure(image, box, ("noise",))["noise"]
    grain = np.random.default_rng(0).normal(0.0, 20.0, size=image.shape)
    noisy_image = np.clip(image + grain, 0, 255).astype(np.uint8)
    noisy = measure(noisy_image, box, ("noise",))["noise"]
    assert clean["noiseLevel"] == "Low"
    assert noisy["value"] > clean["value"] + 0.3
    assert noisy["noiseLevel"] in {"Medium", "High"}


def test_small_or_degraded_face_has_low_quality() -> None:
    image, box = photo(FRONTAL[0]), FRONTAL[1]
    small = np.asarray(Image.fromarray(image).resize((image.shape[1] // 5, image.shape[0] // 5)))
    small_box = Box(*(value // 5 for value in box))
    assert measure(small, small_box, ("qualityForRecognition",))["qualityForRecognition"] == "Low"
    assert measure(filtered(image, 8), box, ("qualityForRecognition",))["qualityForRecognition"] == "Low"
    dim = (image.astype(np.float64) * 0.4).astype(np.uint8)
    assert measure(dim, box, ("qualityForRecognition",))["qualityForRecognition"] == "Medium"


def test_unsupported_name_is_refused_when_computing() -> None:
    image, box = photo(FRONTAL[0]), FRONTAL[1]
    with pytest.raises(FaceError):
        compute_attributes(("age",), image, box, np.zeros((68, 2)))
