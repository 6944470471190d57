"""dlib's MMOD CNN face detector network (mmod_human_face_detector.dat), run with onnxruntime.

This owns the network and its settings; the detection pipeline (image
pyramid, sliding windows, non-max suppression) is built on top of it.

``get_mmod_network()`` returns the process-wide ``MmodNetwork``:

``scores(tensor)``
    float32 (N, 3, H, W) input tensor, as dlib's ``input_rgb_image_pyramid``
    builds it (each pixel ``(value - mean) / 256`` per channel, see
    ``normalise``; pyramid levels tiled into one image with zeros between)
    -> float32 (N, windows, h, w) score map, one channel per detector window.
``output_to_input(rows, cols)``
    Tensor coordinates of score-map locations (dlib's
    ``output_tensor_to_input_tensor``): ``stride * p + offset`` per axis.
``input`` (``RgbInput``: ``mean_rgb``, ``scale``), ``pyramid`` (downsampling N of
    ``pyramid_down<N>``, ``padding``, ``outer_padding``), ``options``
    (``LossMmod``: ``detector_windows``, ``overlaps_nms``, ...) and
    ``DETECTION_THRESHOLD`` (dlib reports locations scoring above it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from core.vision.conversion.dlib_dnn import (
    MMOD_FACE_DETECTOR,
    Con,
    Layer,
    LossMmod,
    Pool,
    PyramidSettings,
    parse_network,
)
from core.vision.conversion.onnx_export import export_dlib_network
from core.vision.model_files import cached_artifact, dlib_model_path
from core.vision.sessions import create_session

MODEL_FILE = "mmod_human_face_detector.dat"
DETECTION_THRESHOLD = 0.0  # loss_mmod's to_label default adjust_threshold


def output_to_input_map(layers: tuple[Layer, ...]) -> tuple[tuple[int, int], tuple[float, float]]:
    """(stride, offset) per axis (y, x) of dlib's map_output_to_input through ``layers``.

    Each convolution or pooling layer maps ``p`` to ``p * stride - padding + size // 2``.
    """
    stride, offset = [1, 1], [0.0, 0.0]
    for layer in reversed(layers):
        if isinstance(layer, Con):
            window = layer.filters.shape[2:]
        elif isinstance(layer, Pool):
            window = layer.window
        else:
            continue
        for axis in range(2):
            shift = -layer.padding[axis] + window[axis] // 2
            offset[axis] = offset[axis] * layer.stride[axis] + shift
            stride[axis] *= layer.stride[axis]
    return (stride[0], stride[1]), (offset[0], offset[1])


def _export_mmod(source: Path, target: Path) -> None:
    export_dlib_network(source, target, MMOD_FACE_DETECTOR, "tensor")


class MmodNetwork:
    """The MMOD detector's network, its input settings and its loss options."""

    def __init__(self, source: Path) -> None:
        network = parse_network(source.read_bytes(), MMOD_FACE_DETECTOR)
        if not isinstance(network.loss, LossMmod) or network.input.pyramid is None:
            raise ValueError(f"{source.name} is not an MMOD network on an image pyramid")
        self.input = network.input
        self.pyramid: PyramidSettings = network.input.pyramid
        self.options: LossMmod = network.loss
        self.output_stride, self.output_offset = output_to_input_map(network.layers)
        self.session = create_session(cached_artifact(source, ".onnx", _export_mmod))

    def normalise(self, image_rgb_uint8: np.ndarray) -> np.ndarray:
        """float32 (3, H, W) planes of an RGB uint8 image, as the input layer fills level 0."""
        mean = np.array(self.input.mean_rgb, dtype=np.float32)
        planes = image_rgb_uint8.astype(np.float32).transpose(2, 0, 1) - mean[:, None, None]
        return planes * np.float32(self.input.scale)

    def scores(self, tensor: np.ndarray) -> np.ndarray:
        """(N, windows, h, w) float32 score map of a (N, 3, H, W) input tensor."""
        return self.session.run(["output"], {"tensor": np.ascontiguousarray(tensor, dtype=np.float32)})[0]

    def output_to_input(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Input-tensor (y, x) of score-map locations (rows, cols)."""
        (stride_y, stride_x), (offset_y, offset_x) = self.output_stride, self.output_offset
        return np.asarray(rows) * stride_y + offset_y, np.asarray(cols) * stride_x + offset_x


@lru_cache(maxsize=1)
def get_mmod_network() -> MmodNetwork:
    """The process-wide MMOD network, loaded (and converted if needed) on first use."""
    return MmodNetwork(dlib_model_path(MODEL_FILE))
