"""The one table from Azure's model names to the local models that serve them.

``DETECTORS`` maps each ``detectionModel`` name to a factory of a
``FaceDetector`` (``core.vision.detection.base``) with its settings, and
``RECOGNIZERS`` each ``recognitionModel`` name to a factory of a
``FaceRecognizer`` (``core.vision.recognition.base``); what Azure lets each
name return is data in ``core.vision.catalog``. Adding a model is adding its
class and a row here (the README's "Adding a model").

Detectors were assigned to names by measurement
(``bench/eval_detection_recall.py`` for recall on dlib's annotated faces and on
small faces pasted into a large photo, ``bench/bench_detection.py`` for time;
the figures are in the README's Models section):

* detection_01 (default): MTCNN from 36-pixel faces, each box refined to dlib's
  own CNN box (``core.vision.detection.refinement``), so its features are those
  of dlib's pipeline wherever dlib's detector finds the face; MTCNN finds
  smaller faces than dlib's CNN and more of the annotated ones.
* detection_02: dlib's CNN (MMOD) detector, exactly as
  ``dlib.cnn_face_detection_model_v1`` at upsample 0, so its boxes and features
  are dlib's own; it misses faces smaller than its 80-pixel window and costs
  several times detection_01. Like Azure's detection_02 it returns neither
  landmarks nor attributes.
* detection_03: YuNet (``core.vision.detection.yunet``), its boxes calibrated
  to dlib's convention and not refined, with its five landmarks: it finds small
  faces (Azure's detection_03 is its small-face model) with the best recall on
  the annotated faces, several times faster than MTCNN from 24-pixel faces with
  refinement, which served the name before.

recognition_01/02 are dlib's face recognition ResNet (features equal dlib's),
recognition_03/04 OpenCV Zoo's SFace (``core.vision.recognition.sface``), the
pair Microsoft recommends being detection_03 with recognition_04; each model's
same-person rule is in ``core.vision.catalog``. Names are matched
case-insensitively. Each factory is called on first use, once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from core.vision.catalog import DETECTION_MODELS, RECOGNITION_MODELS, check_detection_model, check_recognition_model
from core.vision.detection.base import FaceDetector
from core.vision.detection.detectors import DlibCnnFaceDetector, MtcnnFaceDetector, YunetFaceDetector
from core.vision.recognition.base import FaceRecognizer
from core.vision.recognition.dlib_resnet import DlibResnetRecognizer
from core.vision.recognition.sface import SfaceRecognizer

DETECTORS: dict[str, Callable[[], FaceDetector]] = {
    "detection_01": lambda: MtcnnFaceDetector(min_face_size=36, refine=True),
    "detection_02": lambda: DlibCnnFaceDetector(upsample=0),
    "detection_03": YunetFaceDetector,
}
RECOGNIZERS: dict[str, Callable[[], FaceRecognizer]] = {
    "recognition_01": DlibResnetRecognizer,
    "recognition_02": DlibResnetRecognizer,
    "recognition_03": SfaceRecognizer,
    "recognition_04": SfaceRecognizer,
}
# Every name the catalogue accepts is served, and nothing else.
assert DETECTORS.keys() == DETECTION_MODELS.keys() and tuple(RECOGNIZERS) == RECOGNITION_MODELS


@cache
def _detector(name: str) -> FaceDetector:
    return DETECTORS[name]()


@cache
def _recognizer(factory: Callable[[], FaceRecognizer]) -> FaceRecognizer:
    """Keyed by factory, not by name: names served by one model share its one loaded instance."""
    return factory()


def get_detection_model(name: str) -> FaceDetector:
    """The detector serving a ``detectionModel`` name (built once per process)."""
    return _detector(check_detection_model(name))


def get_recognition_model(name: str) -> FaceRecognizer:
    """The recognizer serving a ``recognitionModel`` name (loaded once per process)."""
    return _recognizer(RECOGNIZERS[check_recognition_model(name)])
