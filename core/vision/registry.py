"""The one table from Azure's model names to the local models that serve them.

``detectionModel`` names map to a face detector family with its settings and
to what Azure lets that model return (landmarks, attributes);
``recognitionModel`` names map to a feature extractor. Detectors were assigned
to names by measurement (``bench/eval_detection_recall.py``: recall at IoU 0.5
on the 43 annotated faces of dlib_faces/*.xml and the smallest pasted face
found in a 1920x1080 photo; ``bench/bench_detection.py``: CPU time per image):

* detection_01 (default): MTCNN from 36-pixel faces. Recall 0.977 (dlib's CNN:
  0.930 at upsample 1, 0.233 at upsample 0); faces down to 16 pixels. Each
  face's box is refined to dlib's own CNN box (``core.vision.detection.refinement``),
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

from collections.abc import Callable
from functools import cache

from core.vision.catalog import DETECTION_MODELS, RECOGNITION_MODELS, check_detection_model, check_recognition_model
from core.vision.detection.detectors import DlibCnnFaceDetector, FaceDetector, MtcnnFaceDetector
from core.vision.recognition.dlib_resnet import FaceRecognizer, get_face_recognizer

DETECTORS: dict[str, Callable[[], FaceDetector]] = {
    "detection_01": lambda: MtcnnFaceDetector(min_face_size=36, refine=True),
    "detection_02": lambda: DlibCnnFaceDetector(upsample=0),
    "detection_03": lambda: MtcnnFaceDetector(min_face_size=24, refine=True),
}
RECOGNIZERS: dict[str, Callable[[], FaceRecognizer]] = {
    "recognition_01": get_face_recognizer,
    "recognition_02": get_face_recognizer,
    "recognition_03": get_face_recognizer,
    "recognition_04": get_face_recognizer,
}
# Every name the catalogue accepts is served, and nothing else.
assert DETECTORS.keys() == DETECTION_MODELS.keys() and tuple(RECOGNIZERS) == RECOGNITION_MODELS


@cache
def _detector(name: str) -> FaceDetector:
    return DETECTORS[name]()


def get_detection_model(name: str) -> FaceDetector:
    """The detector serving a ``detectionModel`` name (built once per process)."""
    return _detector(check_detection_model(name))


def get_recognition_model(name: str) -> FaceRecognizer:
    """The feature extractor serving a ``recognitionModel`` name."""
    return RECOGNIZERS[check_recognition_model(name)]()
