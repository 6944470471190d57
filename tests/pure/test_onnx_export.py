"""Small dlib networks built in memory and converted to ONNX compute what dlib's layers compute."""

from __future__ import annotations

import numpy as np
import onnxruntime
import pytest

from core.vision.conversion.dlib_dnn import AddPrev, Con, Fc, LossMetric, Network, Pool, RgbInput, Tag
from core.vision.conversion.onnx_export import ONNX_IR_VERSION, network_to_onnx


def run(network: Network, tensor: np.ndarray) -> np.ndarray:
    model = network_to_onnx(network, "tensor")
    assert model.ir_version == ONNX_IR_VERSION
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"tensor": tensor})[0]


def small_network(*layers: object, size: tuple[int, int] = (7, 9)) -> Network:
    return Network(RgbInput((0.0, 0.0, 0.0), size, None), tuple(layers), LossMetric(0.04, 0.6))  # type: ignore[arg-type]  # test layers stand in for parsed ones


def dlib_pool(planes: np.ndarray, pool: Pool) -> np.ndarray:
    """dlib's cpu pooling loops: centred windows clipped to the image, max or mean."""
    (wh, ww), (sy, sx), (py, px) = pool.window, pool.stride, pool.padding
    n, k, nr, nc = planes.shape
    out = np.zeros((n, k, 1 + (nr + 2 * py - wh) // sy, 1 + (nc + 2 * px - ww) // sx), dtype=np.float32)
    for r in range(out.shape[2]):
        for c in range(out.shape[3]):
            top, left = r * sy + wh // 2 - py - wh // 2, c * sx + ww // 2 - px - ww // 2
            window = planes[:, :, max(top, 0) : top + wh, max(left, 0) : left + ww]
            out[:, :, r, c] = window.max(axis=(2, 3)) if pool.is_max else window.mean(axis=(2, 3))
    return out


@pytest.mark.parametrize("is_max", [True, False])
@pytest.mark.parametrize(
    "window,stride,padding",
    [((3, 3), (1, 1), (1, 1)), ((3, 3), (2, 2), (0, 0)), ((2, 2), (2, 2), (0, 0)), ((5, 3), (1, 1), (2, 1))],
)
def test_pooling_follows_dlibs_clipped_windows(is_max: bool, window: tuple, stride: tuple, padding: tuple) -> None:
    planes = np.random.default_rng(0).standard_normal((2, 3, 7, 9)).astype(np.float32)
    pool = Pool(is_max, window, stride, padding)
    np.testing.assert_allclose(run(small_network(pool), planes), dlib_pool(planes, pool), rtol=1e-6, atol=1e-6)


def test_add_prev_zero_extends_the_smaller_operand() -> None:
    rng = np.random.default_rng(1)
    planes = rng.standard_normal((1, 3, 7, 9)).astype(np.float32)
    filters = rng.standard_normal((5, 3, 3, 3)).astype(np.float32)
    con = Con(filters, None, (2, 2), (1, 1), False)
    out = run(small_network(Tag(1), con, AddPrev(1)), planes)
    expected = np.zeros((1, 5, 7, 9), dtype=np.float32)
    expected[:, :3] += planes
    convolved = run(small_network(con), planes)
    expected[:, :, :4, :5] += convolved
    assert convolved.shape == (1, 5, 4, 5)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_fc_flattens_in_dlib_order() -> None:
    rng = np.random.default_rng(2)
    planes = rng.standard_normal((2, 3, 7, 9)).astype(np.float32)
    weights, biases = rng.standard_normal((3 * 7 * 9, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    out = run(small_network(Fc(weights, biases)), planes)
    np.testing.assert_allclose(out, planes.reshape(2, -1) @ weights + biases, rtol=1e-5, atol=1e-5)
