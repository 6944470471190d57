"""Face attributes measured from real photos and from controlled changes to them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageFilter

from core.errors import FaceError
from core.geometry import Box
from core.vision.attributes import SUPPORTED_ATTRIBUTES, compute_attributes
from core.vision.shape_predictor import predict_shapes
from tests.support.paths import FACE_EXAMPLES
from tests.support.reference import photo

FRONTAL = (FACE_EXAMPLES / "obama-720p.jpg", Box(572, 94, 751, 273))
TURNED = (FACE_EXAMPLES / "obama2.jpg", Box(164, 302, 474, 611))


def measure(image: np.ndarray, box: Box, names: tuple[str, ...] = SUPPORTED_ATTRIBUTES) -> dict:
    (points,) = predict_shapes(image, [box], 68)
    return compute_attributes(names, image, box, points)


def mirrored(image: np.ndarray, box: Box) -> tuple[np.ndarray, Box]:
    width = image.shape[1]
    left, top, right, bottom = box
    return np.ascontiguousarray(image[:, ::-1]), Box(width - 1 - right, top, width - 1 - left, bottom)


def filtered(image: np.ndarray, radius: float) -> np.ndarray:
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))


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
