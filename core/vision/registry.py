"""The one table from Azure's model names to the local models that serve them.

``detectionModel`` names map to a face detector family with its settings and
to what Azure lets that model return (landmarks, attributes);
``recognitionModel`` names map to a feature extractor. Detectors were assigned
to names by measurement (``bench/eval_detection_recall.py``: recall at IoU 0.5
on the 43 annotated faces of dlib_faces/*.xml and the smallest pasted face
found in a 1920x1080 photo; ``bench/bench_detection.py``: CPU time per image):

* detection_01 (default): MTCNN from 36-pixel faces. Recall 0.977 (dlib's CNN:
  0.930 at upsample 1, 0.233 at upsample 0); faces down to 16 pixels. Each
  face's box is refined to dlib's own CNN box (``core.vision.box_refinement``),
  so its features are those of dlib's pipeline (all 112 faces of the shared
  photos dlib finds get dlib's box to the pixel); about 95, 115 and 190 ms at
  640x480, 1280x720 and 1920x1080 with six faces (30, 65 and 110 without the
  refinement).
* detection_02: dlib's CNN (MMOD) detector, exactly as
  ``dlib.cnn_face_detection_model_v1`` at upsample 0, so its boxes and features
  are dlib's own; faces from about 64 pixels (recall 0.233 on the small
  annotated faces), 3 to 5 times slower than detection_01. Like Azure's
  detection_02 it returns neither landmarks nor attributes.
* detection_03: MTCNN from 24-pixel faces, refined as detection_01: faces down
  to 12 pixels, about 1.4 times the cost of detection_01 at 1920x1080 (Azure's
  detection_03 is its small-face model).

All four recognition models are dlib's face recognition ResNet today; this
table is where a stronger model would plug in. Names are matched
case-insensitively. Detectors and models are built on first use, once per
process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

from core.errors import bad_argument
from core.vision.detectors import DlibCnnFaceDetector, FaceDetector, MtcnnFaceDetector
from core.vision.recognition import FaceRecognizer, get_face_recognizer

DETECTION_01_ATTRIBUTES = frozenset(
    name.lower()
    for name in (
        "age", "gender", "headPose", "smile", "facialHair", "glasses", "emotion", "hair",
        "makeup", "occlusion", "accessories", "blur", "exposure", "noise", "qualityForRecognition",
    )
)
DETECTION_03_ATTRIBUTES = frozenset({"mask", "qualityforrecognition"})
QUALITY_RECOGNITION_MODELS = frozenset({"recognition_03", "recognition_04"})


@dataclass(frozen=True)
class DetectionModel:
    """A ``detectionModel``: its detector and what Azure lets it return."""

    detector: Callable[[], FaceDetector]
    returns_landmarks: bool
    attributes: frozenset[str]  # lower-case Azure attribute names


DETECTION_MODELS: dict[str, DetectionModel] = {
    "detection_01": DetectionModel(lambda: MtcnnFaceDetector(min_face_size=36, refine=True), True, DETECTION_01_ATTRIBUTES),
    "detection_02": DetectionModel(lambda: DlibCnnFaceDetector(upsample=0), False, frozenset()),
    "detection_03": DetectionModel(lambda: MtcnnFaceDetector(min_face_size=24, refine=True), True, DETECTION_03_ATTRIBUTES),
}
DEFAULT_DETECTION_MODEL = "detection_01"

RECOGNITION_MODELS: dict[str, Callable[[], FaceRecognizer]] = {
    "recognition_01": get_face_recognizer,
    "recognition_02": get_face_recognizer,
    "recognition_03": get_face_recognizer,
    "recognition_04": get_face_recognizer,
}
DEFAULT_RECOGNITION_MODEL = "recognition_01"


def detection_model(name: str) -> DetectionModel:
    """The table entry of a ``detectionModel`` name, or Azure's BadArgument."""
    model = DETECTION_MODELS.get(name.lower())
    if model is None:
        raise bad_argument("'detectionModel' is invalid.")
    return model


def check_detection_model(name: str) -> str:
    """The canonical ``detectionModel`` name, or Azure's BadArgument."""
    detection_model(name)
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
    model = detection_model(detection)
    check_recognition_model(recognition)
    known = DETECTION_01_ATTRIBUTES | DETECTION_03_ATTRIBUTES
    if any(name.lower() in known and name.lower() not in model.attributes for name in attributes):
        raise bad_argument(f"'returnFaceAttributes' is not supported by {detection.lower()}.")
    if with_landmarks and not model.returns_landmarks:
        raise bad_argument(f"'returnLandmarks' is not supported by {detection.lower()}.")
    if "qualityforrecognition" in {name.lower() for name in attributes} \
            and recognition.lower() not in QUALITY_RECOGNITION_MODELS:
        raise bad_argument("'qualityForRecognition' is only supported with recognition_03 or recognition_04.")


@lru_cache(maxsize=None)
def _detector(name: str) -> FaceDetector:
    return DETECTION_MODELS[name].detector()


def get_detection_model(name: str) -> FaceDetector:
    """The detector serving a ``detectionModel`` name (built once per process)."""
    return _detector(check_detection_model(name))


def get_recognition_model(name: str) -> FaceRecognizer:
    """The feature extractor serving a ``recognitionModel`` name."""
    return RECOGNITION_MODELS[check_recognition_model(name)]()
