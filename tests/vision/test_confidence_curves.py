"""Each recognition model's same-person rule: its threshold, its confidence curve, and who uses it."""

from __future__ import annotations

import math

import numpy as np

from core.search.confidence import DLIB_RESNET_CURVE, SAME_PERSON_CONFIDENCE
from core.search.index import build_index, feature_to_bytes
from core.search.matching import group_by_similarity, nearest_confidence, similar_faces
from core.vision.catalog import CONFIDENCE_CURVES, RECOGNITION_MODELS, SFACE_CURVE, confidence_curve


def test_every_recognition_model_has_a_curve_with_0_5_at_its_threshold() -> None:
    assert set(CONFIDENCE_CURVES) == set(RECOGNITION_MODELS)
    assert confidence_curve("Recognition_01") is DLIB_RESNET_CURVE is confidence_curve("recognition_02")
    assert confidence_curve("recognition_03") is SFACE_CURVE is confidence_curve("RECOGNITION_04")
    for curve in (DLIB_RESNET_CURVE, SFACE_CURVE):
        assert curve.confidences(curve.same_person_distance**2) == SAME_PERSON_CONFIDENCE
        distances = np.linspace(0, curve.zero_confidence_distance + 0.2, 500)
        confidences = curve.confidences(distances**2)
        assert confidences[0] == 1.0 and confidences[-1] == 0.0 and np.all(np.diff(confidences) <= 0)


def test_sface_threshold_is_cosine_0_363_on_unit_features() -> None:
    """For unit features d**2 = 2 - 2 cosine: cosine 0.363 is the same-person boundary."""
    assert math.isclose(SFACE_CURVE.same_person_distance**2, 2 - 2 * 0.363)
    for cosine, same in ((0.37, True), (0.356, False), (0.7, True), (0.0, False)):
        confidence = float(SFACE_CURVE.confidences(2 - 2 * cosine))
        assert (confidence >= SAME_PERSON_CONFIDENCE) is same, cosine
    assert float(SFACE_CURVE.confidences(4.0)) == 0.0


def _pair_at(distance: float) -> np.ndarray:
    """Two unit features at Euclidean ``distance``."""
    angle = 2 * math.asin(distance / 2)
    return np.array([[1.0] + [0.0] * 127, [math.cos(angle), math.sin(angle)] + [0.0] * 126], dtype=np.float32)


def test_verify_find_similar_and_group_follow_the_features_model() -> None:
    """A pair at distance 0.9: different people for dlib's ResNet, the same person for SFace."""
    pair = _pair_at(0.9)
    squared = np.array([float(np.sum((pair[0] - pair[1]) ** 2))])
    assert nearest_confidence(squared, "recognition_01") < SAME_PERSON_CONFIDENCE
    assert nearest_confidence(squared, "recognition_04") > SAME_PERSON_CONFIDENCE
    ids = ["00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"]
    for model, same in (("recognition_01", False), ("recognition_04", True)):
        index = build_index(
            model, "", [(None, face_id, feature_to_bytes(row)) for face_id, row in zip(ids, pair, strict=True)]
        )
        matches = similar_faces(index, pair[0], max_candidates=2, threshold=SAME_PERSON_CONFIDENCE)
        assert [match.candidate_id for match in matches] == (ids if same else ids[:1])
        groups, messy = group_by_similarity(index, np.arange(2))
        assert (groups, messy) == (([[0, 1]], []) if same else ([], [0, 1]))
