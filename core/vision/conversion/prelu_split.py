"""An exact ONNX rewrite that lets onnxruntime fuse convolutions followed by PRelu.

onnxruntime fuses Conv with Relu into its blocked (NCHWc) convolution kernels,
but not with PRelu, which then runs as a separate broadcasting pass with
layout reorders around it; in MTCNN's small networks that costs more than the
convolutions. With per-channel slopes ``a``,

    PRelu(y) = Relu(y) - a * Relu(-y)

so ``PRelu(Conv(x; W, b))`` becomes ``Conv(x; [W; -W], [b; -b])``, ``Relu``, and a
1x1 ``Conv`` whose weights are ``[I, -diag(a)]``: the same values, with every
step fusable. Only PRelu nodes whose input is a biased Conv used by nothing
else are rewritten.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper


def split_prelu(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``model`` with every Conv -> PRelu pair rewritten as described above."""
    rewritten = onnx.ModelProto()
    rewritten.CopyFrom(model)
    graph = rewritten.graph
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    producers = {output: node for node in graph.node for output in node.output}
    uses: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    nodes = []
    for node in graph.node:
        conv = producers.get(node.input[0]) if node.op_type == "PRelu" else None
        if conv is None or conv.op_type != "Conv" or len(conv.input) != 3 or uses[node.input[0]] != 1:
            nodes.append(node)
            continue
        slopes = numpy_helper.to_array(initializers[node.input[1]]).reshape(-1)
        weights = numpy_helper.to_array(initializers[conv.input[1]])
        biases = numpy_helper.to_array(initializers[conv.input[2]])
        initializers[conv.input[1]].CopyFrom(
            numpy_helper.from_array(np.concatenate([weights, -weights]), conv.input[1])
        )
        initializers[conv.input[2]].CopyFrom(numpy_helper.from_array(np.concatenate([biases, -biases]), conv.input[2]))
        channels = weights.shape[0]
        combine = np.zeros((channels, 2 * channels, 1, 1), dtype=weights.dtype)
        combine[np.arange(channels), np.arange(channels), 0, 0] = 1
        combine[np.arange(channels), channels + np.arange(channels), 0, 0] = -slopes
        combine_name = f"{node.output[0]}_combine"
        graph.initializer.append(numpy_helper.from_array(combine, combine_name))
        rectified = f"{node.output[0]}_split"
        nodes.append(helper.make_node("Relu", [node.input[0]], [rectified], name=rectified))
        nodes.append(
            helper.make_node(
                "Conv", [rectified, combine_name], [node.output[0]], name=combine_name, kernel_shape=[1, 1]
            )
        )
    del graph.node[:]
    graph.node.extend(nodes)
    unused = {name for name in initializers if not any(name in node.input for node in nodes)}
    kept = [tensor for tensor in graph.initializer if tensor.name not in unused]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return rewritten


def write_split_prelu(source: Path, target: Path) -> None:
    """``cached_artifact`` build step: the rewritten form of the ONNX file ``source``."""
    onnx.save_model(split_prelu(onnx.load(str(source))), str(target))
