"""``python -m core.vision.prepare``: build every derived model artefact into the cache now.

dlib's networks are converted to ONNX, its shape predictors parsed into numpy,
MTCNN's graphs rewritten and SFace's and YuNet's weights folded to float32
(their source files' SHA-256 checked), once, into ``FACE_MODEL_CACHE_DIR``: every
recognition model of the registry is loaded, and so is each network the
detectors and the shape predictors load lazily on first use. Packaging runs
this so a deployed app's cold start converts nothing; running it again is cheap
(cache hits).
"""

from __future__ import annotations

import time

from core.settings import get_settings
from core.vision.catalog import RECOGNITION_MODELS
from core.vision.detection.mmod_network import get_mmod_network
from core.vision.detection.mtcnn import get_mtcnn_networks
from core.vision.detection.yunet import get_yunet_network
from core.vision.registry import get_recognition_model
from core.vision.shape_predictor import load_shape_predictor


def prepare_models() -> None:
    """Load each model once, which builds whatever the cache lacks."""
    for name in RECOGNITION_MODELS:
        get_recognition_model(name)
    get_mmod_network()
    get_mtcnn_networks()
    get_yunet_network()
    load_shape_predictor(5)
    load_shape_predictor(68)


if __name__ == "__main__":
    started = time.perf_counter()
    prepare_models()
    print(f"models ready in {get_settings().model_cache_dir} ({time.perf_counter() - started:.1f} s)")
