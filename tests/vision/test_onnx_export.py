"""dlib networks parsed and converted to ONNX compute what dlib computes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.vision.conversion.dlib_dnn import (
    FACE_RECOGNITION_RESNET,
    MMOD_FACE_DETECTOR,
    Con,
    LossMetric,
    LossMmod,
    parse_network,
)
from core.vision.detection.mmod_network import get_mmod_network
from core.vision.model_files import dlib_model_path
from tests.support.reference import FIXTURE


def test_face_recognition_network_parses_completely() -> None:
    network = parse_network(
        dlib_model_path("dlib_face_recognition_resnet_model_v1.dat").read_bytes(), FACE_RECOGNITION_RESNET
    )
    kinds = [type(layer).__name__.lower() for layer in network.layers]
    assert network.input.size == (150, 150)
    assert network.input.mean_rgb == pytest.approx((122.782, 117.001, 104.298), abs=1e-4)
    assert network.loss == LossMetric(pytest.approx(0.04), pytest.approx(0.6))
    assert kinds.count("con") == 29 and kinds.count("addprev") == 14 and kinds[-1] == "fc"
    assert network.layers[-1].weights.shape == (256, 128) and network.layers[-1].biases is None
    assert all(np.isfinite(layer.filters).all() for layer in network.layers if isinstance(layer, Con))


def test_mmod_network_parses_completely() -> None:
    network = parse_network(dlib_model_path("mmod_human_face_detector.dat").read_bytes(), MMOD_FACE_DETECTOR)
    assert network.input.pyramid is not None and network.input.pyramid.downsampling == 6
    assert (network.input.pyramid.padding, network.input.pyramid.outer_padding) == (10, 11)
    loss = network.loss
    assert isinstance(loss, LossMmod)
    assert [(w.width, w.height) for w in loss.detector_windows] == [(80, 80)]
    assert 0.3 < loss.overlaps_nms.iou < 0.4 and loss.overlaps_nms.covered == 1.0
    assert [layer.filters.shape[0] for layer in network.layers if isinstance(layer, Con)] == [16, 32, 32, 45, 45, 45, 1]


def test_mmod_scores_match_dlibs_detections(shared_data: Path) -> None:
    """dlib's recorded CNN detections at pyramid level 0 score the same in our score map.

    An 80x80 box comes from level 0, which dlib tiles at (outer_padding, outer_padding)
    with zeros above and beside it; boxes whose receptive field (about 95 pixels from
    the centre) stays above the lower levels see exactly the image padded with zeros.
    """
    reference = json.loads(FIXTURE.read_text())
    network = get_mmod_network()
    pad = network.input.pyramid.outer_padding
    checked = 0
    for name, photo in reference["images"].items():
        boxes = [
            detection
            for detection in photo["cnn"]["0"]
            if detection["box"][2] - detection["box"][0] == 79
            and (detection["box"][1] + detection["box"][3]) / 2 + 110 < photo["height"]
        ]
        if not boxes:
            continue
        image = np.asarray(Image.open(shared_data / name).convert("RGB"))
        tensor = np.pad(network.normalise(image), ((0, 0), (pad, pad), (pad, pad)))[None]
        scores = network.scores(tensor)
        for detection in boxes:
            left, top, right, bottom = detection["box"]
            centre_y, centre_x = (top + bottom) / 2 + pad, (left + right) / 2 + pad
            row = int((centre_y - network.output_offset[0]) // network.output_stride[0])
            col = int((centre_x - network.output_offset[1]) // network.output_stride[1])
            y, x = network.output_to_input(row, col)
            assert abs(y - centre_y) < 1 and abs(x - centre_x) < 1
            assert scores[0, 0, row, col] == pytest.approx(detection["score"], abs=2e-4)
            checked += 1
    assert checked >= 8


def test_conversion_is_built_once_into_the_model_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import MODEL_CACHE_DIR, get_settings
    from core.vision.detection.mmod_network import MmodNetwork

    monkeypatch.setenv(MODEL_CACHE_DIR, str(tmp_path))
    get_settings.cache_clear()
    try:
        source = dlib_model_path("mmod_human_face_detector.dat")
        MmodNetwork(source)
        (artefact,) = tmp_path.glob("mmod_human_face_detector-*.onnx")
        built = artefact.stat().st_mtime_ns
        network = MmodNetwork(source)
        assert artefact.stat().st_mtime_ns == built
        # three 5x5 stride-2 convolutions without padding: 120 -> 58 -> 27 -> 12, 100 -> 48 -> 22 -> 9
        assert network.scores(np.zeros((1, 3, 120, 100), dtype=np.float32)).shape == (1, 1, 12, 9)
    finally:
        get_settings.cache_clear()
