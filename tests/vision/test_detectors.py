"""Detector families: Azure rectangles, ranking, limits, and small faces in large images."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from bench.eval_detection_recall import pasted_face
from core.vision.catalog import DEFAULT_DETECTION_MODEL
from core.vision.detection.detectors import DlibCnnFaceDetector
from core.vision.registry import get_detection_model
from tests.support.reference import FIXTURE, iou


def test_a_40_pixel_face_in_a_1080p_photo_is_found_by_the_default_model() -> None:
    """A real face resized to 40 pixels and pasted into a 1920x1080 photo without people."""
    image, expected = pasted_face(40, (1300, 500))
    faces = get_detection_model(DEFAULT_DETECTION_MODEL).detect(image)
    assert len(faces) == 1
    assert iou(faces[0].box, expected) > 0.6
    rectangle = faces[0].rectangle
    assert 30 <= rectangle.width <= 50 and 30 <= rectangle.height <= 50


def test_dlib_cnn_family_reports_dlibs_boxes(shared_data: Path) -> None:
    name = "dlib_faces/2008_001322.jpg"
    expected = json.loads(FIXTURE.read_text())["images"][name]["cnn"]["0"]
    image = np.asarray(Image.open(shared_data / name).convert("RGB"))
    faces = DlibCnnFaceDetector().detect(image)
    assert sorted(face.box for face in faces) == sorted(tuple(map(float, face["box"])) for face in expected)


def test_mtcnn_faces_carry_their_five_landmarks_and_dlibs_cnn_faces_none(shared_data: Path) -> None:
    image = np.asarray(Image.open(shared_data / "face_recognition/examples/obama-480p.jpg").convert("RGB"))
    (face,) = get_detection_model("detection_01").detect(image)
    assert face.landmarks is not None and face.landmarks.shape == (5, 2)
    left_eye, right_eye, nose, left_mouth, right_mouth = face.landmarks
    assert left_eye[0] < nose[0] < right_eye[0] and left_mouth[0] < nose[0] < right_mouth[0]
    assert max(left_eye[1], right_eye[1]) < nose[1] < min(left_mouth[1], right_mouth[1])
    box = face.box
    assert all(box.left <= x <= box.right and box.top <= y <= box.bottom for x, y in face.landmarks)
    (plain,) = get_detection_model("detection_02").detect(image)
    assert plain.landmarks is None


def test_tiny_images_have_no_faces() -> None:
    for size in ((1, 1), (5, 7), (7, 7), (20, 30)):
        image = np.full((*size, 3), 128, dtype=np.uint8)
        for name in ("detection_01", "detection_02", "detection_03"):
            assert get_detection_model(name).detect(image) == []
