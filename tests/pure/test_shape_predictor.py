"""The shape predictor refuses a point count it has no model for, before loading any."""

from __future__ import annotations

import numpy as np
import pytest

from core.vision.shape_predictor import predict_shapes


def test_unknown_point_count_is_refused() -> None:
    with pytest.raises(ValueError):
        predict_shapes(np.zeros((10, 10, 3), dtype=np.uint8), [(0, 0, 5, 5)], 17)
