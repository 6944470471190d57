"""The model registry: Azure's model names, their checks and what serves them."""

from __future__ import annotations

import pytest

from core.errors import FaceError
from core.vision.catalog import (
    DEFAULT_DETECTION_MODEL,
    DEFAULT_RECOGNITION_MODEL,
    DETECTION_MODELS,
    RECOGNITION_MODELS,
    check_detection_request,
)
from core.vision.detection.detectors import DlibCnnFaceDetector, MtcnnFaceDetector, YunetFaceDetector
from core.vision.registry import get_detection_model, get_recognition_model
from tests.support.helpers import raised_by


def test_azure_names_are_all_served() -> None:
    assert sorted(DETECTION_MODELS) == ["detection_01", "detection_02", "detection_03"]
    assert sorted(RECOGNITION_MODELS) == ["recognition_01", "recognition_02", "recognition_03", "recognition_04"]
    assert (DEFAULT_DETECTION_MODEL, DEFAULT_RECOGNITION_MODEL) == ("detection_01", "recognition_01")


def test_detectors_behind_the_names() -> None:
    default = get_detection_model("detection_01")
    assert isinstance(default, MtcnnFaceDetector) and default.min_face_size == 36
    assert isinstance(get_detection_model("detection_02"), DlibCnnFaceDetector)
    assert isinstance(get_detection_model("detection_03"), YunetFaceDetector)


def test_detectors_are_built_once_and_names_ignore_case() -> None:
    assert get_detection_model("Detection_01") is get_detection_model("detection_01")


def test_unknown_names_are_bad_arguments() -> None:
    assert raised_by(lambda: get_detection_model("detection_04")) == (
        400,
        "BadArgument",
        "'detectionModel' is invalid.",
    )
    assert raised_by(lambda: get_recognition_model("recognition_05")) == (
        400,
        "BadArgument",
        "'recognitionModel' is invalid.",
    )
    assert raised_by(lambda: check_detection_request("", "recognition_01", False, ())) == (
        400,
        "BadArgument",
        "'detectionModel' is invalid.",
    )
    assert raised_by(lambda: check_detection_request("detection_01", "recognition_9", False, ())) == (
        400,
        "BadArgument",
        "'recognitionModel' is invalid.",
    )


def test_what_each_detection_model_may_return() -> None:
    check_detection_request("detection_01", "recognition_04", True, ("headPose", "blur", "qualityForRecognition"))
    check_detection_request("detection_03", "recognition_04", True, ("mask", "qualityForRecognition"))
    check_detection_request("detection_02", "recognition_01", False, ())
    assert raised_by(lambda: check_detection_request("detection_02", "recognition_01", False, ("blur",))) == (
        400,
        "BadArgument",
        "'returnFaceAttributes' is not supported by detection_02.",
    )
    assert raised_by(lambda: check_detection_request("detection_02", "recognition_01", True, ())) == (
        400,
        "BadArgument",
        "'returnLandmarks' is not supported by detection_02.",
    )
    assert raised_by(lambda: check_detection_request("detection_03", "recognition_01", False, ("headPose",))) == (
        400,
        "BadArgument",
        "'returnFaceAttributes' is not supported by detection_03.",
    )
    assert raised_by(lambda: check_detection_request("detection_01", "recognition_01", False, ("mask",))) == (
        400,
        "BadArgument",
        "'returnFaceAttributes' is not supported by detection_01.",
    )


def test_quality_for_recognition_needs_recognition_03_or_04() -> None:
    check_detection_request("detection_01", "recognition_04", False, ["qualityForRecognition"])
    check_detection_request("detection_03", "Recognition_03", False, ["qualityforrecognition"])
    with pytest.raises(FaceError) as refused:
        check_detection_request("detection_01", "recognition_01", False, ["qualityForRecognition"])
    assert refused.value.status == 400 and "recognition_03 or recognition_04" in refused.value.message
