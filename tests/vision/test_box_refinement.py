"""Box refinement: MTCNN's faces get dlib's own CNN boxes, so dlib's features.

The reference is dlib's pipeline recorded in the fixture, in the refinement's
convention: dlib's CNN boxes at upsample 0, and at upsample 1 for the faces
dlib finds only there. ``python bench/fit_box_calibration.py --refined``
measures the same on dlib's own shape predictor and ResNet: every one of the
112 faces gets exactly dlib's box (calibrated boxes alone: median L2 0.046,
p95 0.145, max 0.332).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from bench.fit_box_calibration import convention_faces
from core.geometry import Box, PixelBox, Rectangle
from core.vision.detection.base import DetectedFace
from core.vision.detection.detectors import refined_faces
from core.vision.detection.mmod import pyramid_up, tiled_pyramid_tensor
from core.vision.detection.mmod_network import get_mmod_network
from core.vision.detection.refinement import pyramid, pyramid_regions, refine_boxes
from core.vision.registry import get_detection_model, get_recognition_model
from tests.support.reference import load_rgb, recorded

MIN_EQUAL_SHARE = 1.0
"""Share of matched faces whose refined box is dlib's box to the pixel (achieved: all)."""
MAX_DISTANCE = 0.01
"""L2 between our feature and dlib's descriptor (our pipeline on dlib's own boxes: below 0.01)."""


def centre_inside(box: tuple[float, ...], reference: list[int]) -> bool:
    centre_x, centre_y = (reference[0] + reference[2]) / 2, (reference[1] + reference[3]) / 2
    return box[0] <= centre_x <= box[2] and box[1] <= centre_y <= box[3]


@cache
def refined_against_dlib(shared_data: Path, detection_model: str) -> tuple[list[bool], np.ndarray, int]:
    """For each recorded face the detector finds: whether its box is dlib's, and the L2
    distance of our feature from it to dlib's descriptor; and how many faces were recorded."""
    detector = get_detection_model(detection_model)
    equal, distances, total = [], [], 0
    for name, entry in sorted(recorded().items()):
        image = load_rgb(shared_data, name)
        faces = detector.detect(image)
        expected = convention_faces(entry)
        total += len(expected)
        pairs = []
        for face in expected:
            found = [candidate for candidate in faces if centre_inside(candidate.box, face["box"])]
            if found:
                best = min(found, key=lambda candidate: np.abs(np.subtract(candidate.box, face["box"])).sum())
                pairs.append((best, face))
                equal.append(list(best.box) == face["box"])
        if pairs:
            features = get_recognition_model("recognition_01").compute_features(image, [best for best, _ in pairs])
            references = np.stack([face["descriptor"] for _, face in pairs])
            distances.extend(np.linalg.norm(features - references, axis=1))
    return equal, np.asarray(distances), total


@pytest.mark.slow
@pytest.mark.parametrize("detection_model", ["detection_01"])
def test_mtcnn_faces_get_dlibs_cnn_boxes_and_features(shared_data: Path, detection_model: str) -> None:
    equal, distances, total = refined_against_dlib(shared_data, detection_model)
    assert len(equal) >= 0.95 * total
    assert np.mean(equal) >= MIN_EQUAL_SHARE
    assert distances.max() <= MAX_DISTANCE


def test_a_box_without_a_face_is_not_refined_and_keeps_its_box(shared_data: Path) -> None:
    image = load_rgb(shared_data, "face_recognition/examples/obama-480p.jpg")
    background = Box(20.0, 300.0, 120.0, 400.0)
    face = Box(385.0, 45.0, 500.0, 160.0)
    assert refine_boxes(image, [background, face]) == [None, PixelBox(386, 46, 500, 160)]
    kept = DetectedFace(Rectangle(20, 300, 101, 101), background, 0.95)
    assert refined_faces([kept], image) == [kept]


def test_pyramid_regions_are_dlibs_pyramid_levels(shared_data: Path) -> None:
    network = get_mmod_network()
    settings = network.input.pyramid
    image = load_rgb(shared_data, "face_recognition/examples/obama_small.jpg")[:90, :120]
    tensor, rects = tiled_pyramid_tensor(pyramid_up(image), network)
    geometry = pyramid(90, 120, 1, settings.downsampling, settings.padding, settings.outer_padding)
    assert list(geometry.rects) == rects and geometry.tiled_size == tensor.shape[2:]
    wanted = {3: ((10, 40), (5, 90)), 5: ((0, 12), (30, 60))}
    regions = pyramid_regions(image, geometry, network, wanted)
    for level, (rows, columns) in wanted.items():
        left, top = rects[level][:2]
        region = regions[level]
        expected = tensor[
            0,
            :,
            top + region.first[0] : top + region.first[0] + region.planes.shape[1],
            left + region.first[1] : left + region.first[1] + region.planes.shape[2],
        ]
        assert region.first <= (rows[0], columns[0])
        assert np.array_equal(region.planes, expected)
