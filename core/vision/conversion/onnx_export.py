"""ONNX graphs computing exactly what a parsed dlib network computes.

``network_to_onnx(network, input_kind)`` builds the graph of a ``Network``
from ``core.vision.conversion.dlib_dnn``; ``export_dlib_network(source, target, definition,
input_kind)`` parses a dlib file and writes the ONNX file (used as the build step
of ``cached_artifact``; converted files live only in the model cache).

Inputs, by ``input_kind``:

``"rgb_chips"``
    ``chips``: uint8 (N, nr, nc, 3) RGB images of the network's fixed size; the
    graph applies dlib's input normalisation ((pixel - mean) / 256 per channel).
``"tensor"``
    ``tensor``: float32 (N, 3, H, W), already normalised as dlib's input layer
    would produce it (e.g. the tiled image pyramid of ``input_rgb_image_pyramid``).

The output is ``output``: (N, outputs) after an ``fc`` layer, else (N, k, nr, nc).

Layer semantics follow dlib's CPU code (dlib/cuda/cpu_dlib.cpp, layers.h):
convolutions pad with zeros on both sides; max pooling ignores the padding and
average pooling averages only the pixels inside the input (windows clipped to
the image); a window of 0 rows/columns spans the whole input; ``add_prev``
zero-extends the smaller operand to the larger shape in every dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from core.vision.conversion.dlib_dnn import (
    AddPrev,
    Affine,
    Con,
    Fc,
    Layer,
    Network,
    NetworkDefinition,
    Pool,
    Relu,
    Skip,
    Tag,
    parse_network,
)

ONNX_IR_VERSION = 9
ONNX_OPSET = 17
InputKind = Literal["rgb_chips", "tensor"]

Shape = tuple[int, int | None, int | None]  # (k, nr, nc); spatial sizes unknown for variable inputs
FixedShape = tuple[int, int, int]


@dataclass
class _Graph:
    """Nodes and initialisers being collected, with fresh names."""

    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    count: int = 0

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def constant(self, hint: str, value: np.ndarray) -> str:
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], hint: str, **attributes: Any) -> str:
        output = self.name(hint)
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output


def _spatial(size: int | None, window: int, stride: int, padding: int) -> int | None:
    return None if size is None else 1 + (size + 2 * padding - window) // stride


def _con(graph: _Graph, x: str, shape: Shape, layer: Con) -> tuple[str, Shape]:
    filters = layer.filters
    inputs = [x, graph.constant("filters", filters)]
    if layer.biases is not None:
        inputs.append(graph.constant("biases", layer.biases))
    (py, px), (sy, sx) = layer.padding, layer.stride
    y = graph.node("Conv", inputs, "con", kernel_shape=list(filters.shape[2:]), strides=[sy, sx], pads=[py, px, py, px])
    if layer.use_relu:
        y = graph.node("Relu", [y], "relu")
    nr, nc = filters.shape[2:]
    return y, (filters.shape[0], _spatial(shape[1], nr, sy, py), _spatial(shape[2], nc, sx, px))


def _affine(graph: _Graph, x: str, layer: Affine) -> str:
    if layer.disabled:
        return x
    if layer.conv_mode:
        gamma, beta = layer.gamma.reshape(1, -1, 1, 1), layer.beta.reshape(1, -1, 1, 1)
    else:
        gamma, beta = layer.gamma[None], layer.beta[None]
    scaled = graph.node("Mul", [x, graph.constant("gamma", gamma)], "affine_scale")
    return graph.node("Add", [scaled, graph.constant("beta", beta)], "affine")


def _pool(graph: _Graph, x: str, shape: Shape, layer: Pool) -> tuple[str, Shape]:
    if layer.window == (0, 0):
        return graph.node("GlobalMaxPool" if layer.is_max else "GlobalAveragePool", [x], "pool"), (shape[0], 1, 1)
    (nr, nc), (sy, sx), (py, px) = layer.window, layer.stride, layer.padding
    attributes: dict[str, object] = {"kernel_shape": [nr, nc], "strides": [sy, sx], "pads": [py, px, py, px]}
    if layer.is_max:
        y = graph.node("MaxPool", [x], "max_pool", **attributes)
    else:
        y = graph.node("AveragePool", [x], "avg_pool", count_include_pad=0, **attributes)
    return y, (shape[0], _spatial(shape[1], nr, sy, py), _spatial(shape[2], nc, sx, px))


def _fc(graph: _Graph, x: str, layer: Fc) -> str:
    flat = graph.node("Flatten", [x], "flatten", axis=1)
    y = graph.node("MatMul", [flat, graph.constant("weights", layer.weights)], "fc")
    if layer.biases is None:
        return y
    return graph.node("Add", [y, graph.constant("fc_biases", layer.biases)], "fc_bias")


def _fixed(shape: Shape) -> FixedShape:
    """The shape with its spatial sizes known; ValueError for a variable-size input."""
    channels, rows, columns = shape
    if rows is None or columns is None:
        raise ValueError("add_prev of differing shapes needs a fixed input size")
    return channels, rows, columns


def _zero_extend(graph: _Graph, x: str, shape: FixedShape, target: FixedShape) -> str:
    """Pad ``x`` with zeros after its last channel, row and column up to ``target``."""
    if shape == target:
        return x
    extra = [0, 0, 0, 0, 0, *(int(t) - int(s) for t, s in zip(target, shape, strict=True))]
    return graph.node("Pad", [x, graph.constant("pads", np.array(extra, dtype=np.int64))], "zero_extend")


def _add_prev(graph: _Graph, x: str, shape: Shape, tagged: tuple[str, Shape]) -> tuple[str, Shape]:
    other, other_shape = tagged
    if shape == other_shape:
        return graph.node("Add", [x, other], "add_prev"), shape
    fixed, other_fixed = _fixed(shape), _fixed(other_shape)
    channels, rows, columns = (max(a, b) for a, b in zip(fixed, other_fixed, strict=True))
    target = (channels, rows, columns)
    extended = _zero_extend(graph, x, fixed, target), _zero_extend(graph, other, other_fixed, target)
    return graph.node("Add", list(extended), "add_prev"), target


def _normalised_chips(graph: _Graph, network: Network) -> str:
    as_float = graph.node("Cast", ["chips"], "chips_float", to=TensorProto.FLOAT)
    planar = graph.node("Transpose", [as_float], "chips_planar", perm=[0, 3, 1, 2])
    mean = np.array(network.input.mean_rgb, dtype=np.float32).reshape(1, 3, 1, 1)
    centred = graph.node("Sub", [planar, graph.constant("mean_rgb", mean)], "centred")
    scale = np.array(network.input.scale, dtype=np.float32)
    return graph.node("Mul", [centred, graph.constant("input_scale", scale)], "normalised")


def _layers(graph: _Graph, x: str, shape: Shape, layers: tuple[Layer, ...]) -> tuple[str, bool]:
    tags: dict[int, tuple[str, Shape]] = {}
    flat = False
    for layer in layers:
        if flat:
            raise ValueError("layers after an fc layer are not supported")
        if isinstance(layer, Con):
            x, shape = _con(graph, x, shape, layer)
        elif isinstance(layer, Affine):
            x = _affine(graph, x, layer)
        elif isinstance(layer, Relu):
            x = x if layer.disabled else graph.node("Relu", [x], "relu")
        elif isinstance(layer, Pool):
            x, shape = _pool(graph, x, shape, layer)
        elif isinstance(layer, Fc):
            x, shape, flat = _fc(graph, x, layer), (layer.weights.shape[1], 1, 1), True
        elif isinstance(layer, Tag):
            tags[layer.id] = (x, shape)
        elif isinstance(layer, Skip):
            x, shape = tags[layer.tag]
        elif isinstance(layer, AddPrev):
            x, shape = _add_prev(graph, x, shape, tags[layer.tag])
        else:
            raise TypeError(f"no ONNX form for {layer!r}")
    return x, flat


def network_to_onnx(network: Network, input_kind: InputKind) -> onnx.ModelProto:
    """The ONNX model of ``network`` (see the module docstring for inputs and outputs)."""
    graph = _Graph()
    if input_kind == "rgb_chips":
        if network.input.size is None:
            raise ValueError("rgb_chips input needs a network with a fixed input size")
        nr, nc = network.input.size
        graph_input = helper.make_tensor_value_info("chips", TensorProto.UINT8, ["N", nr, nc, 3])
        x, shape = _normalised_chips(graph, network), (3, nr, nc)
    else:
        size = network.input.size
        dims: list[int | str] = ["N", 3, *(size if size else ("H", "W"))]
        graph_input = helper.make_tensor_value_info("tensor", TensorProto.FLOAT, dims)
        x, shape = "tensor", (3, *(size if size else (None, None)))
    y, flat = _layers(graph, x, shape, network.layers)
    graph.nodes.append(helper.make_node("Identity", [y], ["output"], name="output"))
    output_dims: list[int | str | None] = ["N", None] if flat else ["N", None, None, None]
    graph_output = helper.make_tensor_value_info("output", TensorProto.FLOAT, output_dims)
    model = helper.make_model(
        helper.make_graph(graph.nodes, "dlib_network", [graph_input], [graph_output], graph.initializers),
        opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
        ir_version=ONNX_IR_VERSION,
        producer_name="core.vision.conversion.onnx_export",
    )
    onnx.checker.check_model(model)
    return model


def export_dlib_network(source: Path, target: Path, definition: NetworkDefinition, input_kind: InputKind) -> None:
    """Parse the dlib network file ``source`` and write its ONNX form to ``target``."""
    network = parse_network(source.read_bytes(), definition)
    onnx.save_model(network_to_onnx(network, input_kind), str(target))
