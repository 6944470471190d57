"""YuNet (detection_03) held to OpenCV's own FaceDetectorYN, and the detector's conventions.

OpenCV (``opencv-python-headless``, test-only) runs the shipped file with its
own decoding; ours runs the prepared graph on onnxruntime and decodes the
outputs in ``core.vision.detection.yunet``. Both run at each photo's size with
the same thresholds.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.vision.detection.detectors import YunetFaceDetector
from core.vision.detection.yunet import NMS_THRESHOLD, TOP_K, Yunet, get_yunet_network, model_path
from core.vision.registry import get_detection_model
from tests.support.opencv_reference import REFERENCE_PHOTOS, load_bgr

MAX_PIXELS = 1.0
"""Boxes and landmarks agree with OpenCV's within a pixel."""


@pytest.mark.parametrize("threshold", [0.5, 0.8])
def test_boxes_landmarks_and_scores_equal_opencvs(shared_data: Path, threshold: float) -> None:
    ours_detector = Yunet(threshold)
    compared = 0
    for name in REFERENCE_PHOTOS:
        image_bgr = load_bgr(shared_data, name)
        height, width = image_bgr.shape[:2]
        reference = cv2.FaceDetectorYN.create(str(model_path()), "", (width, height), threshold, NMS_THRESHOLD, TOP_K)
        _, expected = reference.detect(image_bgr)
        expected = np.zeros((0, 15), dtype=np.float32) if expected is None else expected
        ours = ours_detector.raw(np.ascontiguousarray(image_bgr[..., ::-1]))
        assert ours.shape == expected.shape, name
        np.testing.assert_allclose(ours[:, :14], expected[:, :14], atol=MAX_PIXELS, rtol=0, err_msg=name)
        np.testing.assert_allclose(ours[:, 14], expected[:, 14], atol=1e-3, err_msg=name)
        compared += len(ours)
    assert compared >= 20


def test_detection_03_is_yunet_with_landmarks_in_the_interface_order(shared_data: Path) -> None:
    detector = get_detection_model("detection_03")
    assert isinstance(detector, YunetFaceDetector)
    image = np.ascontiguousarray(load_bgr(shared_data, "face_recognition/examples/obama-480p.jpg")[..., ::-1])
    (face,) = detector.detect(image)
    assert face.landmarks is not None and face.landmarks.shape == (5, 2)
    left_eye, right_eye, nose, left_mouth, right_mouth = face.landmarks
    assert left_eye[0] < nose[0] < right_eye[0] and left_mouth[0] < nose[0] < right_mouth[0]
    assert max(left_eye[1], right_eye[1]) < nose[1] < min(left_mouth[1], right_mouth[1])
    box = face.box
    assert all(box.left <= x <= box.right and box.top <= y <= box.bottom for x, y in face.landmarks)


def test_faces_are_largest_first_clipped_and_found_in_a_large_image(shared_data: Path) -> None:
    image = np.ascontiguousarray(load_bgr(shared_data, "facenet_pytorch/data/multiface.jpg")[..., ::-1])
    faces = get_detection_model("detection_03").detect(image)
    areas = [face.rectangle.width * face.rectangle.height for face in faces]
    assert len(faces) >= 4 and areas == sorted(areas, reverse=True)
    height, width = image.shape[:2]
    assert all(
        face.rectangle.left >= 0
        and face.rectangle.top >= 0
        and face.rectangle.left + face.rectangle.width <= width
        and face.rectangle.top + face.rectangle.height <= height
        for face in faces
    )
    # Twice the photo's size, past 1920x1080: searched shrunk to that size, faces mapped back.
    large = np.repeat(np.repeat(image, 2, axis=0), 2, axis=1)
    assert large.shape[1] > 1920 or large.shape[0] > 1080
    found = get_detection_model("detection_03").detect(large)
    assert len(found) == len(faces)
    for small, big in zip(
        sorted(faces, key=lambda f: f.box.left), sorted(found, key=lambda f: f.box.left), strict=True
    ):
        width = small.box.right - small.box.left
        assert np.allclose(np.array(big.box.centre) / 2, small.box.centre, atol=0.1 * width)
        assert abs((big.box.right - big.box.left) / 2 - width) <= 0.1 * width


def test_yunet_keeps_the_cpu_arena_its_whole_image_tensors_reuse() -> None:
    assert get_yunet_network().get_session_options().enable_cpu_mem_arena is True
