"""Face detector families behind Azure's ``detectionModel`` names.

Each family implements ``core.vision.detection.base.FaceDetector``: its
``detect(image_rgb_uint8)`` returns ``DetectedFace`` values. MTCNN's boxes are
calibrated to dlib's convention (``core.vision.detection.calibration``, rounded
to whole pixels as dlib's rectangles are) and then, with ``refine``, replaced by
dlib's CNN box of the face where dlib's detector finds it
(``core.vision.detection.refinement``); MTCNN's five landmarks come along
unchanged, being image points. The Azure rectangle is the dlib box clipped to
the image, so a ``targetFace`` rectangle a client sends back maps to the same
dlib box. Faces are ranked by rectangle size, largest first, and at most
``MAX_FACES_PER_IMAGE`` are returned, as Azure does.

Azure detects faces from 36x36 pixels in images up to 1920x1080; larger
images need proportionally larger faces, which also bounds the work.
Networks load lazily, once per process, inside the wrapped modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from core.geometry import Box
from core.limits import MAX_FACES_PER_IMAGE
from core.vision.detection.base import DetectedFace, FaceDetector
from core.vision.detection.calibration import IDENTITY, MTCNN_TO_DLIB, BoxCalibration
from core.vision.detection.mmod import MmodDetector
from core.vision.detection.mtcnn import Mtcnn
from core.vision.detection.refinement import refine_boxes

AZURE_MIN_FACE_SIZE = 36
AZURE_REFERENCE_SIZE = (1920, 1080)
MTCNN_THRESHOLDS = (0.6, 0.7, 0.9)
"""P-Net, R-Net, O-Net score thresholds. O-Net's is raised from the usual 0.7:
on the shared photos every true face scored at least 0.92 and every false
one at most 0.87 (bench/eval_detection_recall.py keeps the recall)."""


def azure_min_face_size(width: int, height: int) -> float:
    """36 pixels up to 1920x1080, proportionally more for larger images (either orientation)."""
    long_side, short_side = max(width, height), min(width, height)
    ratio = max(1.0, long_side / AZURE_REFERENCE_SIZE[0], short_side / AZURE_REFERENCE_SIZE[1])
    return AZURE_MIN_FACE_SIZE * ratio


def _largest_first(faces: list[DetectedFace]) -> list[DetectedFace]:
    return sorted(faces, key=lambda face: (-face.rectangle.width * face.rectangle.height, -face.score))


Found = tuple[Box, float, np.ndarray | None]
"""A detector's raw face: its box in the detector's own convention, score and landmarks."""


def ranked_faces(found: Sequence[Found], calibration: BoxCalibration, image: np.ndarray) -> list[DetectedFace]:
    """Calibrated faces, largest rectangle first, at most ``MAX_FACES_PER_IMAGE``."""
    height, width = image.shape[:2]
    faces = []
    for box, score, landmarks in found:
        dlib_box = calibration.apply(box).rounded().to_box()
        rectangle = dlib_box.to_rectangle(width, height)
        if rectangle is not None:
            faces.append(DetectedFace(rectangle, dlib_box, score, landmarks))
    return _largest_first(faces)[:MAX_FACES_PER_IMAGE]


def refined_faces(faces: list[DetectedFace], image: np.ndarray) -> list[DetectedFace]:
    """The faces with dlib's CNN box where dlib's detector finds them (see
    ``core.vision.detection.refinement``), largest first again; the others keep their box."""
    height, width = image.shape[:2]
    refined = []
    for face, found in zip(faces, refine_boxes(image, [face.box for face in faces]), strict=True):
        box = face.box if found is None else found.to_box()
        rectangle = box.to_rectangle(width, height)
        refined.append(face if rectangle is None else replace(face, rectangle=rectangle, box=box))
    return _largest_first(refined)


class MtcnnFaceDetector(FaceDetector):
    """MTCNN (P-Net, R-Net, O-Net) with its boxes calibrated to dlib's convention and,
    with ``refine``, replaced by dlib's CNN box where dlib's detector finds the face.

    ``min_face_size`` is the smallest face searched for in a 1920x1080 image,
    scaled up with larger images.
    """

    def __init__(
        self,
        min_face_size: float = AZURE_MIN_FACE_SIZE,
        calibration: BoxCalibration = MTCNN_TO_DLIB,
        refine: bool = False,
    ) -> None:
        self.min_face_size = min_face_size
        self.calibration = calibration
        self.refine = refine

    def detect(self, image_rgb_uint8: np.ndarray) -> list[DetectedFace]:
        height, width = image_rgb_uint8.shape[:2]
        scale = azure_min_face_size(width, height) / AZURE_MIN_FACE_SIZE
        found = Mtcnn(self.min_face_size * scale, MTCNN_THRESHOLDS).detect(image_rgb_uint8)
        faces = ranked_faces(
            [(face.box, face.score, face.landmarks) for face in found], self.calibration, image_rgb_uint8
        )
        return refined_faces(faces, image_rgb_uint8) if self.refine else faces


class DlibCnnFaceDetector(FaceDetector):
    """dlib's CNN (MMOD) face detector; ``upsample`` doubles the image first to find
    faces smaller than its 80-pixel window. It has no landmarks."""

    def __init__(self, upsample: int = 0, calibration: BoxCalibration = IDENTITY) -> None:
        self.upsample = upsample
        self.calibration = calibration

    def detect(self, image_rgb_uint8: np.ndarray) -> list[DetectedFace]:
        detections = MmodDetector(self.upsample).detect(image_rgb_uint8)
        found = [(detection.box.to_box(), detection.score, None) for detection in detections]
        return ranked_faces(found, self.calibration, image_rgb_uint8)
