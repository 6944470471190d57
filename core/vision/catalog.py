"""Azure's model names as data: which names exist, the defaults, and what each lets a request ask for.

This module imports no network, so validating a request (a collection's
``recognitionModel``, a detect call's options) costs nothing;
``core.vision.registry`` maps the same names to the models that serve them.
Names are matched case-insensitively and answered in lower case. Each
recognition model's same-person rule (its threshold and confidence curve) is
data here too, so the search code follows the model of the features it
compares without loading any model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import bad_argument, unsupported_feature
from core.search.confidence import DLIB_RESNET_CURVE, ConfidenceCurve

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


@dataclass(frozen=True)
class DetectRules:
    """What one generation of the API lets each detection model return.

    v1.0 lists every attribute it ever had. From v1.1-preview.1 on, emotion,
    gender and makeup are retired and age, smile, facialHair and hair need an
    approval no client of this service can have: those answer Azure's 403
    ``UnsupportedFeature`` with its deprecation message (ERRORS.md section 19
    leaves 400 or 403 open for the retired three; the documented message is
    followed). Where a model does not allow an attribute, v1.0 answers the
    message Azure's error page documents and the newer versions the one
    Azure's service returns, which lists what the model allows.
    """

    detection_models: dict[str, DetectionModelRules]
    retired: frozenset[str]  # lower-case names refused with 403
    lists_allowed: bool  # refusals name the allowed attributes ("Only face attributes ... are supported by")


V1_0_DETECT_RULES = DetectRules(
    detection_models={
        "detection_01": DetectionModelRules(returns_landmarks=True, attributes=DETECTION_01_ATTRIBUTES),
        "detection_02": DetectionModelRules(returns_landmarks=False, attributes=frozenset()),
        "detection_03": DetectionModelRules(returns_landmarks=True, attributes=DETECTION_03_ATTRIBUTES),
    },
    retired=frozenset(),
    lists_allowed=False,
)
# The union of Microsoft's SDKs' per-model sets (OPERATIONS.md, "v1.2 Detect: attributes per detection
# and recognition model"), so every SDK's constants are accepted; qualityForRecognition follows the
# recognition model, as in v1.0.
V1_2_DETECT_RULES = DetectRules(
    detection_models={
        "detection_01": DetectionModelRules(
            returns_landmarks=True,
            attributes=frozenset(
                {
                    "accessories",
                    "blur",
                    "exposure",
                    "glasses",
                    "headpose",
                    "noise",
                    "occlusion",
                    "qualityforrecognition",
                }
            ),
        ),
        "detection_02": DetectionModelRules(returns_landmarks=False, attributes=frozenset()),
        "detection_03": DetectionModelRules(
            returns_landmarks=True, attributes=frozenset({"blur", "headpose", "mask", "qualityforrecognition"})
        ),
    },
    retired=frozenset({"emotion", "gender", "makeup", "age", "smile", "facialhair", "hair"}),
    lists_allowed=True,
)
DETECTION_MODELS = V1_0_DETECT_RULES.detection_models
RECOGNITION_MODELS = ("recognition_01", "recognition_02", "recognition_03", "recognition_04")
DEFAULT_DETECTION_MODEL = "detection_01"
DEFAULT_RECOGNITION_MODEL = "recognition_01"

SFACE_SAME_PERSON_COSINE = 0.363
"""SFace's published same-person threshold on the cosine similarity (OpenCV Zoo, chosen on LFW)."""
SFACE_CURVE = ConfidenceCurve(
    same_person_distance=math.sqrt(2 - 2 * SFACE_SAME_PERSON_COSINE),
    distance_scale=(2 - math.sqrt(2 - 2 * SFACE_SAME_PERSON_COSINE)) / 3,
    zero_confidence_distance=2.0,
)
"""SFace's features are L2-normalised, so the Euclidean distance is ``sqrt(2 - 2 cosine)``: the
threshold is the distance of cosine 0.363 (1.1287), and the curve runs to 0 at distance 2 (opposite
features) with the same shape as dlib's (a third of the swing per scale). The README's Confidence
section has the distances and confidences it gives on the shared photos."""
CONFIDENCE_CURVES: dict[str, ConfidenceCurve] = {
    "recognition_01": DLIB_RESNET_CURVE,
    "recognition_02": DLIB_RESNET_CURVE,
    "recognition_03": SFACE_CURVE,
    "recognition_04": SFACE_CURVE,
}
"""Each recognition model's same-person threshold and confidence curve (``core.search.confidence``):
recognition_01/02 are dlib's ResNet, recognition_03/04 SFace (``core.vision.registry``)."""


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


def confidence_curve(recognition_model: str) -> ConfidenceCurve:
    """The confidence curve of a (canonical or not) ``recognitionModel`` name's features."""
    return CONFIDENCE_CURVES[check_recognition_model(recognition_model)]


def check_detection_request(
    detection: str,
    recognition: str,
    with_landmarks: bool,
    attributes: Sequence[str],
    rules: DetectRules = V1_0_DETECT_RULES,
) -> None:
    """Azure's checks of a detect request's models against what it asks for.

    Attribute names Azure does not know are left to the attribute parser.
    """
    detection = check_detection_model(detection)
    model = rules.detection_models[detection]
    check_recognition_model(recognition)
    asked = {name.lower() for name in attributes}
    if asked & rules.retired:
        raise unsupported_feature(
            "Return Attributes (emotion, gender, age, smile, facial hair, hair and makeup) have been deprecated "
            "and are no longer supported."
        )
    known = DETECTION_01_ATTRIBUTES | DETECTION_03_ATTRIBUTES
    if any(name in known and name not in model.attributes for name in asked):
        if rules.lists_allowed and model.attributes:
            allowed = ",".join(sorted(model.attributes))
            raise bad_argument(f"Only face attributes '{allowed}' are supported by {detection}.")
        raise bad_argument(f"'returnFaceAttributes' is not supported by {detection}.")
    if with_landmarks and not model.returns_landmarks:
        raise bad_argument(f"'returnLandmarks' is not supported by {detection.lower()}.")
    if (
        "qualityforrecognition" in {name.lower() for name in attributes}
        and recognition.lower() not in QUALITY_RECOGNITION_MODELS
    ):
        raise bad_argument("'qualityForRecognition' is only supported with recognition_03 or recognition_04.")
