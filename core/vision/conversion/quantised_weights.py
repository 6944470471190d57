"""Block-quantised ONNX weights folded back to float32, so onnxruntime runs the graph as a float network.

OpenCV Zoo's ``*_int8bq.onnx`` files store each weight as int8 codes with
per-block scales and zero points, dequantised at run time by an opset-21
``DequantizeLinear`` (``block_size`` along ``axis``) and ``Reshape``\\ d into
the convolution's kernel shape. onnxruntime cannot run them as shipped:
SFace's file also lists the original float weights as graph inputs with no
initializer behind them (nothing reads them, yet a session demands them), and
YuNet's quantises some biases per tensor while still giving a ``block_size``,
which onnxruntime refuses. ``fold_quantised_weights`` evaluates every such
constant chain once, by the operators' definitions:

    DequantizeLinear: y = (x - zero_point) * scale, scale and zero point
    repeated ``block_size`` times along ``axis`` (a scalar applies to all);
    Reshape: numpy's reshape, a 0 in the shape copying the input's dimension.

``x - zero_point`` is a small integer, exact in float32, so each weight is
the float32 value the operator computes at run time: the folded graph computes
what the shipped one defines, without the per-call dequantisation.
``free_dimensions`` then names the input and output dimensions a caller varies
(the batch, an image's height and width), which the files fix to one size.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import onnx
from onnx import numpy_helper

FOLDED_OPERATORS = ("DequantizeLinear", "Reshape")


def _attribute(node: onnx.NodeProto, name: str, default: int) -> int:
    for attribute in node.attribute:
        if attribute.name == name:
            return int(attribute.i)
    return default


def _expanded(parameter: np.ndarray, shape: tuple[int, ...], axis: int, block_size: int) -> np.ndarray:
    """A scale or zero point broadcast to the quantised tensor's ``shape`` (per tensor, axis or block)."""
    if parameter.ndim == 0:
        return parameter
    if parameter.ndim == 1 and len(shape) > 1 and block_size == 0:
        view = [1] * len(shape)
        view[axis] = parameter.shape[0]
        return parameter.reshape(view)
    repeated = np.repeat(parameter, block_size, axis=axis) if block_size else parameter
    return np.take(repeated, np.arange(shape[axis]), axis=axis)


def dequantize(node: onnx.NodeProto, inputs: list[np.ndarray]) -> np.ndarray:
    """``DequantizeLinear`` on constant inputs, in float32 as the operator defines it."""
    codes, scale = inputs[0], inputs[1].astype(np.float32)
    zero_point = inputs[2] if len(inputs) > 2 else np.zeros((), dtype=codes.dtype)
    axis = _attribute(node, "axis", 1) % max(codes.ndim, 1)
    block_size = _attribute(node, "block_size", 0)
    shifted = codes.astype(np.int32) - _expanded(zero_point.astype(np.int32), codes.shape, axis, block_size)
    result: np.ndarray = shifted.astype(np.float32) * _expanded(scale, codes.shape, axis, block_size)
    return result


def reshape(node: onnx.NodeProto, inputs: list[np.ndarray]) -> np.ndarray:
    """``Reshape`` on constant inputs (a 0 copies the input's dimension unless ``allowzero``)."""
    data, shape = inputs[0], [int(value) for value in inputs[1]]
    if not _attribute(node, "allowzero", 0):
        shape = [data.shape[index] if value == 0 else value for index, value in enumerate(shape)]
    return data.reshape(shape)


def fold_quantised_weights(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``model`` with every ``DequantizeLinear``/``Reshape`` of constants replaced by its
    float32 result, and only the graph inputs a node reads and no initializer provides kept."""
    folded = onnx.ModelProto()
    folded.CopyFrom(model)
    graph = folded.graph
    constants = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    kept_nodes = []
    for node in graph.node:
        if node.op_type in FOLDED_OPERATORS and all(name in constants for name in node.input if name):
            inputs = [constants[name] for name in node.input if name]
            constants[node.output[0]] = (dequantize if node.op_type == "DequantizeLinear" else reshape)(node, inputs)
        else:
            kept_nodes.append(node)
    read = {name for node in kept_nodes for name in node.input} | {output.name for output in graph.output}
    del graph.node[:]
    graph.node.extend(kept_nodes)
    del graph.initializer[:]
    graph.initializer.extend(numpy_helper.from_array(value, name) for name, value in constants.items() if name in read)
    del graph.value_info[:]
    return without_unread_inputs(folded)


def without_unread_inputs(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` (changed in place) with only the graph inputs that a node reads and no initializer
    provides: the shipped graph as onnxruntime can run it, weights still dequantised per call."""
    graph = model.graph
    initializers = {tensor.name for tensor in graph.initializer}
    read = {name for node in graph.node for name in node.input} | {output.name for output in graph.output}
    inputs = [value for value in graph.input if value.name in read and value.name not in initializers]
    del graph.input[:]
    graph.input.extend(inputs)
    return model


def free_dimensions(model: onnx.ModelProto, names: Mapping[tuple[str, int], str]) -> onnx.ModelProto:
    """``model`` (changed in place) with the dimensions ``(value name, axis)`` of its inputs and
    outputs made symbolic under the given names."""
    for value in list(model.graph.input) + list(model.graph.output):
        for axis, dimension in enumerate(value.type.tensor_type.shape.dim):
            name = names.get((value.name, axis))
            if name is not None:
                dimension.Clear()
                dimension.dim_param = name
    return model
