"""Azure's 27 named landmarks from the 68-point shape."""

from __future__ import annotations

import pytest

from core.images.decode import decode_image
from core.vision.landmarks import azure_landmarks
from core.vision.shape_predictor import predict_shapes
from tests.support.paths import FACE_EXAMPLES

PHOTO = FACE_EXAMPLES / "obama.jpg"
PHOTO_BOX = (366, 136, 624, 394)

FACE_LANDMARKS_PROPERTIES = (
    "pupilLeft",
    "pupilRight",
    "noseTip",
    "mouthLeft",
    "mouthRight",
    "eyebrowLeftOuter",
    "eyebrowLeftInner",
    "eyeLeftOuter",
    "eyeLeftTop",
    "eyeLeftBottom",
    "eyeLeftInner",
    "eyebrowRightInner",
    "eyebrowRightOuter",
    "eyeRightInner",
    "eyeRightTop",
    "eyeRightBottom",
    "eyeRightOuter",
    "noseRootLeft",
    "noseRootRight",
    "noseLeftAlarTop",
    "noseRightAlarTop",
    "noseLeftAlarOutTip",
    "noseRightAlarOutTip",
    "upperLipTop",
    "upperLipBottom",
    "underLipTop",
    "underLipBottom",
)


@pytest.fixture(scope="module")
def landmarks() -> dict[str, dict[str, float]]:
    image = decode_image(PHOTO.read_bytes())
    (points,) = predict_shapes(image, [PHOTO_BOX], 68)
    return azure_landmarks(points)


def test_all_azure_landmarks_in_spec_order(landmarks: dict[str, dict[str, float]]) -> None:
    assert tuple(landmarks) == FACE_LANDMARKS_PROPERTIES
    for point in landmarks.values():
        assert set(point) == {"x", "y"}
        assert all(isinstance(value, float) and round(value, 1) == value for value in point.values())


def test_left_is_the_image_left(landmarks: dict[str, dict[str, float]]) -> None:
    x = {name: point["x"] for name, point in landmarks.items()}
    assert x["eyebrowLeftOuter"] < x["eyebrowLeftInner"] < x["eyebrowRightInner"] < x["eyebrowRightOuter"]
    assert x["eyeLeftOuter"] < x["pupilLeft"] < x["eyeLeftInner"] < x["noseRootLeft"]
    assert x["noseRootLeft"] < x["noseTip"] < x["noseRootRight"] < x["eyeRightInner"]
    assert x["eyeRightInner"] < x["pupilRight"] < x["eyeRightOuter"]
    assert x["noseLeftAlarOutTip"] < x["noseLeftAlarTop"] < x["noseRightAlarTop"] < x["noseRightAlarOutTip"]
    assert x["mouthLeft"] < x["upperLipTop"] < x["mouthRight"]


def test_vertical_order(landmarks: dict[str, dict[str, float]]) -> None:
    y = {name: point["y"] for name, point in landmarks.items()}
    assert y["eyebrowLeftInner"] < y["eyeLeftTop"] < y["pupilLeft"] < y["eyeLeftBottom"] < y["noseTip"]
    assert y["eyeRightTop"] < y["pupilRight"] < y["eyeRightBottom"]
    assert y["noseRootLeft"] < y["noseLeftAlarTop"] < y["noseLeftAlarOutTip"] < y["upperLipTop"]
    assert y["upperLipTop"] < y["upperLipBottom"] <= y["underLipTop"] < y["underLipBottom"]
