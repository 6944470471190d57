"""The one session policy: sequential, without onnxruntime's memory pattern or CPU arena, right for any input shape."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper

from core.vision.sessions import create_session


def _doubling_model() -> bytes:
    """``y = x + x`` over an input whose every dimension is free, like the detectors' images."""
    shape = ["batch", "height", "width"]
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "x"], ["y"])],
        "doubling",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def test_sessions_run_sequentially_without_a_memory_pattern_or_arena() -> None:
    options = create_session(_doubling_model()).get_session_options()
    assert options.enable_mem_pattern is False
    assert options.enable_cpu_mem_arena is False
    assert create_session(_doubling_model(), arena=True).get_session_options().enable_cpu_mem_arena is True
    assert options.inter_op_num_threads == 1


def test_a_session_answers_inputs_of_changing_shapes() -> None:
    session = create_session(_doubling_model())
    for shape in [(1, 480, 640), (1, 37, 53), (2, 480, 640), (1, 1200, 900)]:
        image = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
        (doubled,) = session.run(None, {"x": image})
        np.testing.assert_array_equal(doubled, image * 2)
