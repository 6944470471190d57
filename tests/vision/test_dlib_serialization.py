"""dlib's serialisation primitives on dlib's real model files."""

from __future__ import annotations

import time

import numpy as np
import pytest

from core.vision.conversion.dlib_serialization import DlibReader
from core.vision.model_files import dlib_model_path


def test_shape_predictor_mean_shape_parses() -> None:
    reader = DlibReader(dlib_model_path("shape_predictor_5_face_landmarks.dat").read_bytes())
    assert reader.read_int() == 1
    mean_shape = reader.read_matrix().reshape(-1, 2)
    assert mean_shape.shape == (5, 2)
    assert np.all((mean_shape > -0.1) & (mean_shape < 1.1))


@pytest.mark.slow
def test_whole_68_point_shape_predictor_is_one_integer_run() -> None:
    """All 33 million integers of the 68-point model decode many times faster than one by one."""
    data = dlib_model_path("shape_predictor_68_face_landmarks.dat").read_bytes()
    started = time.perf_counter()
    ints = DlibReader(data).read_ints()
    vectorised = time.perf_counter() - started
    reader = DlibReader(data)
    started = time.perf_counter()
    head = [reader.read_int() for _ in range(200_000)]
    scalar = (time.perf_counter() - started) / len(head) * ints.size
    assert ints[: len(head)].tolist() == head
    assert ints[0] == 1 and abs(ints[1]) == 136 and abs(ints[2]) == 1
    assert vectorised * 3 < scalar, f"vectorised {vectorised:.1f} s, one by one about {scalar:.0f} s"
