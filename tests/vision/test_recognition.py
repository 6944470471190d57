"""Face chips and features equal dlib's own on real photos (dlib-bin is the reference)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.geometry import Box
from core.vision.detection.base import DetectedFace
from core.vision.model_files import dlib_model_path
from core.vision.recognition.dlib_resnet import (
    DlibResnetRecognizer,
    extract_face_chips,
    face_chip_details,
    pyramid_down_2,
)
from core.vision.registry import get_recognition_model
from tests.support.reference import FEATURE_PHOTOS, load_rgb

dlib = pytest.importorskip("dlib")

MAX_FEATURE_DISTANCE = 0.01


@pytest.fixture(scope="module")
def dlib_models() -> tuple[object, object, object]:
    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(str(dlib_model_path("shape_predictor_5_face_landmarks.dat"))),
        dlib.face_recognition_model_v1(str(dlib_model_path("dlib_face_recognition_resnet_model_v1.dat"))),
    )


@pytest.fixture(scope="module")
def dlib_faces(shared_data: Path, dlib_models: tuple[object, object, object]) -> list[tuple[np.ndarray, list, list]]:
    """Per photo: the image, dlib's 5-point detections and dlib's descriptors."""
    detector, predictor, recognizer = dlib_models
    faces = []
    for name in FEATURE_PHOTOS:
        image = load_rgb(shared_data, name)
        detections = [predictor(image, box) for box in detector(image, 0)]
        descriptors = [np.array(recognizer.compute_face_descriptor(image, shape)) for shape in detections]
        faces.append((image, detections, descriptors))
    assert sum(len(detections) for _, detections, _ in faces) >= 30
    return faces


def as_array(shape: object) -> np.ndarray:
    return np.array([(part.x, part.y) for part in shape.parts()], dtype=np.float64)


def get_face_recognizer() -> DlibResnetRecognizer:
    """The registry's recognizer (loaded once per process), which is dlib's ResNet."""
    recognizer = get_recognition_model("recognition_01")
    assert isinstance(recognizer, DlibResnetRecognizer)
    return recognizer


@pytest.mark.slow
def test_features_match_dlib_on_every_face(dlib_faces: list) -> None:
    recognizer = get_face_recognizer()
    distances = []
    for image, detections, descriptors in dlib_faces:
        features = recognizer.shape_features(image, [as_array(shape) for shape in detections])
        assert features.shape == (len(detections), 128) and features.dtype == np.float32
        distances.extend(np.linalg.norm(features - np.array(descriptors), axis=1))
    print(f"max L2 distance to dlib over {len(distances)} faces: {max(distances):.3g}")
    assert max(distances) <= MAX_FEATURE_DISTANCE


@pytest.mark.slow
def test_detected_faces_are_aligned_on_dlibs_5_point_shapes_of_their_boxes(dlib_faces: list) -> None:
    """Through the recognizer interface the model predicts each face's 5-point shape from its
    box itself: the features are those of dlib's own shapes of the same boxes."""
    recognizer = get_face_recognizer()
    for image, detections, _ in dlib_faces:
        boxes = [
            Box(*(float(side()) for side in (s.rect.left, s.rect.top, s.rect.right, s.rect.bottom))) for s in detections
        ]
        faces = [DetectedFace(box.to_rectangle(image.shape[1], image.shape[0]), box, 1.0) for box in boxes]
        expected = recognizer.shape_features(image, [as_array(shape) for shape in detections])
        np.testing.assert_allclose(recognizer.compute_features(image, faces), expected, atol=1e-6)


@pytest.mark.slow
def test_chips_are_identical_to_dlib(dlib_faces: list) -> None:
    for image, detections, _ in dlib_faces:
        chips = extract_face_chips(image, [as_array(shape) for shape in detections])
        for chip, shape in zip(chips, detections, strict=True):
            np.testing.assert_array_equal(chip, dlib.get_face_chip(image, shape, 150, 0.25))


@pytest.mark.slow
def test_chip_geometry_matches_dlib(dlib_faces: list) -> None:
    for _, detections, _ in dlib_faces:
        for shape in detections:
            ours = face_chip_details(as_array(shape))
            theirs = dlib.get_face_chip_details(shape, 150, 0.25)
            rect = theirs.rect
            np.testing.assert_allclose(ours.rect, (rect.left(), rect.top(), rect.right(), rect.bottom()), atol=1e-9)
            assert ours.angle == pytest.approx(theirs.angle, abs=1e-12)
            assert (ours.rows, ours.cols) == (theirs.rows, theirs.cols)


@pytest.mark.slow
def test_unrounded_shapes_are_rounded_like_dlib(dlib_faces: list) -> None:
    image, detections, _ = dlib_faces[0]
    shape = as_array(detections[0])
    nudged = shape + np.array([0.49, -0.5])
    np.testing.assert_array_equal(extract_face_chips(image, [nudged]), extract_face_chips(image, [shape]))


def test_pyramid_down_matches_dlib(shared_data: Path) -> None:
    image = load_rgb(shared_data, "face_recognition/examples/obama-240p.jpg")
    pyramid = dlib.pyramid_down(2)
    for crop in (image, image[3:120, 5:161], image[:9, :10]):
        np.testing.assert_array_equal(pyramid_down_2(crop), pyramid(np.ascontiguousarray(crop)))


@pytest.mark.slow
def test_batched_features_equal_single_ones(dlib_faces: list) -> None:
    image, detections, _ = dlib_faces[-2]
    shapes = [as_array(shape) for shape in detections]
    recognizer = get_face_recognizer()
    batched = recognizer.shape_features(image, shapes)
    singles = np.concatenate([recognizer.shape_features(image, [shape]) for shape in shapes])
    np.testing.assert_allclose(batched, singles, atol=1e-5)


def test_no_faces_give_no_features() -> None:
    image = np.zeros((20, 20, 3), dtype=np.uint8)
    assert get_face_recognizer().shape_features(image, []).shape == (0, 128)
    assert get_face_recognizer().compute_features(image, []).shape == (0, 128)


def test_same_person_is_closer_than_the_threshold(shared_data: Path, dlib_models: tuple) -> None:
    detector, predictor, _ = dlib_models
    recognizer = get_face_recognizer()
    features = {}
    for name in ("obama.jpg", "obama2.jpg", "biden.jpg"):
        image = load_rgb(shared_data, f"face_recognition/examples/{name}")
        (box,) = detector(image, 0)
        features[name] = recognizer.shape_features(image, [as_array(predictor(image, box))])[0]
    assert recognizer.distance_threshold == pytest.approx(0.6)
    assert np.linalg.norm(features["obama.jpg"] - features["obama2.jpg"]) < recognizer.distance_threshold
    assert np.linalg.norm(features["obama.jpg"] - features["biden.jpg"]) > recognizer.distance_threshold
