"""Azure's 27 named landmarks mapped from given 68-point shapes."""

from __future__ import annotations

import numpy as np
import pytest

from core.vision.landmarks import azure_landmarks


def test_mapping_from_the_68_points() -> None:
    points = np.stack([np.arange(68.0), 1000.0 + 2.0 * np.arange(68.0)], axis=1)
    landmarks = azure_landmarks(points)
    assert landmarks["pupilLeft"] == {"x": 38.5, "y": 1077.0}
    assert landmarks["pupilRight"] == {"x": 44.5, "y": 1089.0}
    assert landmarks["noseTip"] == {"x": 30.0, "y": 1060.0}
    assert landmarks["eyeRightTop"] == {"x": 43.5, "y": 1087.0}
    assert landmarks["noseRootLeft"] == {"x": 31.0, "y": 1062.0}
    assert landmarks["noseRightAlarTop"] == {"x": 32.0, "y": 1064.0}
    assert landmarks["underLipTop"] == {"x": 66.0, "y": 1132.0}


def test_rejects_other_shapes() -> None:
    with pytest.raises(ValueError):
        azure_landmarks(np.zeros((5, 2)))
