"""Face chips refuse inputs of the wrong shape before any model is used."""

from __future__ import annotations

import numpy as np
import pytest

from core.vision.recognition.dlib_resnet import extract_face_chips


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        extract_face_chips(np.zeros((20, 20), dtype=np.uint8), [])
    with pytest.raises(ValueError):
        extract_face_chips(np.zeros((20, 20, 3), dtype=np.uint8), [np.zeros((68, 2))])
