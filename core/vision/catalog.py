"""Azure's model names as data: which names exist, the defaults, and what each lets a request ask for.

This module imports no network, so validating a request (a collection's
``recognitionModel``, a detect call's options) costs nothing;
``core.vision.registry`` maps the same names to the models that serve them.
Names are matched case-insensitively and answered in lower case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import bad_argument

DETECTION_01_ATTRIBUTES = frozenset(
    name.lower()
    for name in (
        "age",
        "gender",
        "headPose",
        "smile",
        "facialHair",
        "glasses",
        "emotion",
        "hair",
        "makeup",
        "occlusion",
        "accessories",
        "blur",
        "exposure",
        "noise",
        "qualityForRecognition",
    )
)
DETECTION_03_ATTRIBUTES = frozenset({"mask", "qualityforrecognition"})
QUALITY_RECOGNITION_MODELS = frozenset({"recognition_03", "recognition_04"})


@dataclass(frozen=True)
class DetectionModelRules:
    """What Azure lets a ``detectionModel`` return."""

    returns_landmarks: bool
    attributes: frozenset[str]  # lower-case Azure attribute names


DETECTION_MODELS: dict[str, DetectionModelRules] = {
    "detection_01": DetectionModelRules(returns_landmarks=True, attributes=DETECTION_01_ATTRIBUTES),
    "detection_02": DetectionModelRules(returns_landmarks=False, attributes=frozenset()),
    "detection_03": DetectionModelRules(returns_landmarks=True, attributes=DETECTION_03_ATTRIBUTES),
}
RECOGNITION_MODELS = ("recognition_01", "recognition_02", "recognition_03", "recognition_04")
DEFAULT_DETECTION_MODEL = "detection_01"
DEFAULT_RECOGNITION_MODEL = "recognition_01"


def check_detection_model(name: str) -> str:
    """The canonical ``detectionModel`` name, or Azure's BadArgument."""
    if name.lower() not in DETECTION_MODELS:
        raise bad_argument("'detectionModel' is invalid.")
    return name.lower()


def check_recognition_model(name: str) -> str:
    """The canonical ``recognitionModel`` name, or Azure's BadArgument."""
    if name.lower() not in RECOGNITION_MODELS:
        raise bad_argument("'recognitionModel' is invalid.")
    return name.lower()


def check_detection_request(detection: str, recognition: str, with_landmarks: bool, attributes: Sequence[str]) -> None:
    """Azure's checks of a detect request's models against what it asks for.

    Attribute names Azure does not know are left to the attribute parser.
    """
    rules = DETECTION_MODELS[check_detection_model(detection)]
    check_recognition_model(recognition)
    known = DETECTION_01_ATTRIBUTES | DETECTION_03_ATTRIBUTES
    if any(name.lower() in known and name.lower() not in rules.attributes for name in attributes):
        raise bad_argument(f"'returnFaceAttributes' is not supported by {detection.lower()}.")
    if with_landmarks and not rules.returns_landmarks:
        raise bad_argument(f"'returnLandmarks' is not supported by {detection.lower()}.")
    if (
        "qualityforrecognition" in {name.lower() for name in attributes}
        and recognition.lower() not in QUALITY_RECOGNITION_MODELS
    ):
        raise bad_argument("'qualityForRecognition' is only supported with recognition_03 or recognition_04.")
