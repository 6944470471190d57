"""Face detector families behind Azure's ``detectionModel`` names.

Each family implements ``core.vision.detection.base.FaceDetector``: its
``detect(image_rgb_uint8)`` returns ``DetectedFace`` values. MTCNN's and YuNet's boxes are
calibrated to dlib's convention (``core.vision.detection.calibration``, rounded
to whole pixels as dlib's rectangles are) and then, with ``refine``, replaced by
dlib's CNN box of the face where dlib's detector finds it
(``core.vision.detection.refinement``); MTCNN's five landmarks come along
unchanged, being image points. YuNet's calibrated boxes are not refined: the
faces it serves are aligned on its own landmarks by SFace, and dlib's models
read the calibrated box. The Azure rectangle is the dlib box clipped to
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
from PIL import Image

from core.geometry import Box
from core.limits import MAX_FACES_PER_IMAGE
from core.vision.detection.base import DetectedFace, FaceDetector
from core.vision.detection.calibration import IDENTITY, MTCNN_TO_DLIB, YUNET_TO_DLIB, BoxCalibration
from core.vision.detection.mmod import MmodDetector
from core.vision.detection.mtcnn import Mtcnn
from core.vision.detection.refinement import refine_boxes
from core.vision.detection.yunet import NMS_THRESHOLD, TOP_K, Yunet, nms_boxes

AZURE_MIN_FACE_SIZE = 36
AZURE_REFERENCE_SIZE = (1920, 1080)
MTCNN_THRESHOLDS = (0.6, 0.7, 0.9)
"""P-Net, R-Net, O-Net score thresholds. O-Net's is raised from the usual 0.7:
on the shared photos every true face scored at least 0.92 and every false
one at most 0.87 (bench/eval_detection_recall.py keeps the recall)."""


YUNET_SCORE_THRESHOLD = 0.8
"""YuNet's face score threshold, below OpenCV's default of 0.9: chosen on dlib's annotated faces
(``bench/eval_detection_recall.py`` prints recall and precision per threshold; the README has them)."""


YUNET_LARGEST_FACE = 320
"""Faces up to about this wide score well in YuNet (its largest priors are at stride 32)."""


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


def _halvings(image: np.ndarray, largest_face: int) -> list[np.ndarray]:
    """The image, then copies each half the size of the previous one while the previous one's
    shorter side exceeds ``largest_face``."""
    levels = [image]
    while min(levels[-1].shape[:2]) > largest_face:
        height, width = levels[-1].shape[:2]
        size = (max(1, width // 2), max(1, height // 2))
        levels.append(np.asarray(Image.fromarray(levels[-1]).resize(size, Image.Resampling.BILINEAR)))
    return levels


class YunetFaceDetector(FaceDetector):
    """YuNet with its boxes calibrated to dlib's convention and its five landmarks.

    Images up to 1920x1080 are searched at their own size (YuNet's smallest
    prior is 8 pixels at stride 8); a larger image is first shrunk by the ratio
    that scales Azure's 36-pixel minimum face (``azure_min_face_size``), so its
    cost stays that of a 1920x1080 image. YuNet scores faces much wider than
    ``YUNET_LARGEST_FACE`` poorly, so the searched image is also searched at
    half its size, a quarter, ..., until its shorter side is at most that
    (a third more work at most); the faces of all sizes, mapped back to the
    image, go through YuNet's NMS together.
    """

    def __init__(
        self, score_threshold: float = YUNET_SCORE_THRESHOLD, calibration: BoxCalibration = YUNET_TO_DLIB
    ) -> None:
        self.score_threshold = score_threshold
        self.calibration = calibration

    def detect(self, image_rgb_uint8: np.ndarray) -> list[DetectedFace]:
        height, width = image_rgb_uint8.shape[:2]
        scale = azure_min_face_size(width, height) / AZURE_MIN_FACE_SIZE
        searched = image_rgb_uint8
        if scale > 1:
            size = (max(1, round(width / scale)), max(1, round(height / scale)))
            searched = np.asarray(Image.fromarray(image_rgb_uint8).resize(size, Image.Resampling.BILINEAR))
        yunet = Yunet(self.score_threshold)
        found: list[Found] = []
        for level in _halvings(searched, YUNET_LARGEST_FACE):
            ratio_x, ratio_y = width / level.shape[1], height / level.shape[0]
            found.extend(
                (
                    Box(
                        face.box.left * ratio_x,
                        face.box.top * ratio_y,
                        face.box.right * ratio_x,
                        face.box.bottom * ratio_y,
                    ),
                    face.score,
                    face.landmarks * (ratio_x, ratio_y),
                )
                for face in yunet.detect(level)
            )
        if len(found) > 1:
            rects = np.array([(box.left, box.top, box.right - box.left, box.bottom - box.top) for box, _, _ in found])
            scores = np.array([score for _, score, _ in found])
            found = [found[index] for index in nms_boxes(rects.astype(np.int64), scores, NMS_THRESHOLD, TOP_K)]
        return ranked_faces(found, self.calibration, image_rgb_uint8)
