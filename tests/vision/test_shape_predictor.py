"""dlib's shape predictors in numpy, checked against dlib itself on real photos."""

from __future__ import annotations

import time
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest

from core.vision.conversion.dlib_serialization import DlibFormatError
from core.vision.model_files import dlib_model_path
from core.vision.shape_predictor import (
    MODEL_FILES,
    load_shape_predictor,
    parse_shape_predictor,
    predict_shapes,
)
from tests.support.paths import FACE_EXAMPLES, SHARED_DATA
from tests.support.reference import photo

DLIB_FACES = SHARED_DATA / "dlib_faces"
HOG_PHOTOS = (
    FACE_EXAMPLES / "obama.jpg",
    FACE_EXAMPLES / "two_people.jpg",
    SHARED_DATA / "face_recognition" / "tests" / "test_images" / "32bit.png",
    SHARED_DATA / "facenet_pytorch" / "data" / "multiface.jpg",
)

Box = tuple[int, int, int, int]


def annotated_faces(file_name: str) -> list[tuple[Path, Box, np.ndarray | None]]:
    """Faces of dlib's annotation files: photo, dlib rectangle, recorded 68 points (if any)."""
    faces = []
    for image in ElementTree.parse(DLIB_FACES / file_name).getroot().iter("image"):
        for box in image.iter("box"):
            left, top = int(box.get("left")), int(box.get("top"))
            rectangle = (left, top, left + int(box.get("width")) - 1, top + int(box.get("height")) - 1)
            parts = sorted(box.iter("part"), key=lambda part: int(part.get("name")))
            points = np.array([(int(part.get("x")), int(part.get("y"))) for part in parts]) if parts else None
            faces.append((DLIB_FACES / image.get("file"), rectangle, points))
    return faces


@pytest.fixture(scope="module")
def dlib():
    return pytest.importorskip("dlib")


@pytest.fixture(scope="module")
def faces(dlib) -> list[tuple[Path, Box]]:
    """The annotated faces of dlib's test and training sets plus HOG detections on other photos."""
    found = [(path, box) for name in ("testing.xml", "training.xml") for path, box, _ in annotated_faces(name)]
    detector = dlib.get_frontal_face_detector()
    for path in HOG_PHOTOS:
        found += [(path, (d.left(), d.top(), d.right(), d.bottom())) for d in detector(photo(path), 0)]
    return found


def grouped(faces: list[tuple[Path, Box]]) -> dict[Path, list[Box]]:
    boxes: dict[Path, list[Box]] = {}
    for path, box in faces:
        boxes.setdefault(path, []).append(box)
    return boxes


def dlib_points(dlib, predictor, image: np.ndarray, box: Box) -> np.ndarray:
    shape = predictor(image, dlib.rectangle(*box))
    return np.array([(part.x, part.y) for part in shape.parts()], dtype=np.float64)


@pytest.mark.parametrize("points", [5, 68])
def test_matches_dlib_shape_predictor(dlib, faces, points: int) -> None:
    """Our points against dlib's (which dlib rounds to whole pixels); run with -s for the figures."""
    reference = dlib.shape_predictor(str(dlib_model_path(MODEL_FILES[points])))
    load_shape_predictor(points)
    ours_seconds = dlib_seconds = 0.0
    distances, rounded_distances = [], []
    for path, boxes in grouped(faces).items():
        image = photo(path)
        started = time.perf_counter()
        predicted = predict_shapes(image, boxes, points)
        ours_seconds += time.perf_counter() - started
        started = time.perf_counter()
        expected = [dlib_points(dlib, reference, image, box) for box in boxes]
        dlib_seconds += time.perf_counter() - started
        for ours, theirs in zip(predicted, expected, strict=True):
            assert ours.shape == (points, 2) and ours.dtype == np.float64
            distances.append(np.linalg.norm(ours - theirs, axis=1))
            rounded_distances.append(np.linalg.norm(np.floor(ours + 0.5) - theirs, axis=1))
    distance = np.concatenate(distances)
    rounded = np.concatenate(rounded_distances)
    print(
        f"\n{points}-point: {len(distances)} faces, mean distance {distance.mean():.3f} px "
        f"(rounded {rounded.mean():.4f} px, {np.mean(rounded == 0):.2%} identical), "
        f"{1e3 * ours_seconds / len(distances):.2f} ms/face vs dlib {1e3 * dlib_seconds / len(distances):.2f} ms/face"
    )
    assert len(distances) >= 50
    assert distance.mean() <= 0.6
    assert rounded.mean() <= 0.05


def test_recorded_dlib_landmarks_are_reproduced() -> None:
    distances = []
    for file_name in ("testing_with_face_landmarks.xml", "training_with_face_landmarks.xml"):
        for path, box, recorded in annotated_faces(file_name):
            (ours,) = predict_shapes(photo(path), [box], 68)
            distances.append(np.linalg.norm(np.floor(ours + 0.5) - recorded, axis=1).mean())
    assert len(distances) == 43
    assert np.mean(distances) <= 0.3
    assert np.median(distances) == 0.0


def test_faces_are_independent_of_each_other() -> None:
    path, box, _ = annotated_faces("testing.xml")[0]
    boxes = [b for p, b, _ in annotated_faces("testing.xml") if p == path]
    together = predict_shapes(photo(path), boxes, 68)
    alone = predict_shapes(photo(path), [box], 68)[0]
    assert np.array_equal(together[0], alone)
    assert predict_shapes(photo(path), [], 68) == []


def test_box_outside_the_image_reads_zero_intensity() -> None:
    image = photo(DLIB_FACES / "2008_002470.jpg")
    height, width = image.shape[:2]
    outside = (width + 100, height + 100, width + 199, height + 199)
    (points,) = predict_shapes(image, [outside], 68)
    (dark,) = predict_shapes(np.zeros((20, 20, 3), dtype=np.uint8), [outside], 68)
    assert np.array_equal(points, dark)
    assert np.all(points[:, 0] > width) and np.all(points[:, 1] > height)


def test_cached_predictor_loads_quickly() -> None:
    load_shape_predictor(68)
    load_shape_predictor.cache_clear()
    started = time.perf_counter()
    predictor = load_shape_predictor(68)
    assert time.perf_counter() - started < 1.0
    levels, trees, splits, _ = predictor.split_features.shape
    assert (levels, trees, splits, predictor.depth) == (15, 500, 15, 4)
    assert predictor.leaf_values.shape == (15, 500, 16, 136)
    assert predictor.initial_shape.shape == (68, 2)
    assert predictor.anchor_indices.max() < 68


def test_truncated_model_is_refused() -> None:
    data = dlib_model_path(MODEL_FILES[5]).read_bytes()
    with pytest.raises(DlibFormatError):
        parse_shape_predictor(data[: len(data) // 2])
    with pytest.raises(DlibFormatError):
        parse_shape_predictor(data + b"\x01\x00")
