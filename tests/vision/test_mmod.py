"""dlib's CNN face detection pipeline on onnxruntime against dlib's recorded detections."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.vision.detection.mmod import MmodDetector
from tests.support.reference import iou, recorded

MAX_PIXELS = {0: 700_000, 1: 200_000}


def cases() -> list[tuple[str, int]]:
    """Recorded photos small enough to keep this file fast, at upsample 0 and 1."""
    return [
        (name, upsample)
        for name, entry in sorted(recorded().items())
        for upsample in (0, 1)
        if str(upsample) in entry["cnn"] and entry["width"] * entry["height"] <= MAX_PIXELS[upsample]
    ]


@pytest.mark.parametrize("name, upsample", cases(), ids=[f"{n}@{u}" for n, u in cases()])
def test_detections_are_dlibs(shared_data: Path, name: str, upsample: int) -> None:
    image = np.asarray(Image.open(shared_data / name).convert("RGB"))
    expected = recorded()[name]["cnn"][str(upsample)]
    found = MmodDetector(upsample).detect(image)
    assert len(found) == len(expected)
    for face in expected:
        best = max(found, key=lambda detection: iou(detection.box, tuple(face["box"]), inclusive=True))
        assert iou(best.box, tuple(face["box"]), inclusive=True) >= 0.9
        assert best.score == pytest.approx(face["score"], abs=2e-3)


def test_enough_recorded_faces_are_compared() -> None:
    compared = sum(len(recorded()[name]["cnn"][str(upsample)]) for name, upsample in cases())
    assert len(cases()) >= 20 and compared >= 50
