"""dlib's DNN model files (dlib/dnn/core.h, layers.h, input.h, loss.h) as numpy structures.

A dlib network file is its C++ type serialised: the loss layer, then each
layer from the top of the stack down to the input, where every layer writes
its version number before its sub-network and its parameters after it. The
file does not name tag and skip layers, so parsing follows the network's
definition, written here as a list of layer kinds from top to bottom,
mirroring the C++ templates of dlib's examples (dnn_face_recognition_ex.cpp,
dnn_mmod_face_detection_ex.cpp).

``parse_network(data, definition)`` returns a ``Network``: the input layer,
the layers in computation order (input side first) and the loss layer.
Batch-normalisation layers stored in a file read as ``Affine`` (dlib's
``affine_`` built from ``bn_``: gamma / sqrt(var + eps), beta - gamma * mean).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.vision.conversion.dlib_serialization import DlibFormatError, DlibReader

CONV_MODE = 0
FC_HAS_BIAS = 0


@dataclass(frozen=True)
class Con:
    """``con_``: a 2-D convolution (cross-correlation) with optional bias and relu."""

    filters: np.ndarray  # (num_filters, k, nr, nc) float32
    biases: np.ndarray | None  # (num_filters,) float32
    stride: tuple[int, int]  # (y, x)
    padding: tuple[int, int]  # (y, x), zeros on both sides
    use_relu: bool


@dataclass(frozen=True)
class Affine:
    """``affine_``: ``x * gamma + beta``, per channel (conv mode) or per element (fc mode)."""

    gamma: np.ndarray  # float32, (k,) in conv mode, (k, nr, nc) in fc mode
    beta: np.ndarray
    conv_mode: bool
    disabled: bool


@dataclass(frozen=True)
class Relu:
    disabled: bool


@dataclass(frozen=True)
class Pool:
    """``max_pool_`` / ``avg_pool_``: a window of 0 rows/columns spans the whole input."""

    is_max: bool
    window: tuple[int, int]  # (nr, nc)
    stride: tuple[int, int]
    padding: tuple[int, int]


@dataclass(frozen=True)
class Fc:
    """``fc_``: ``flatten(x) @ weights + biases``."""

    weights: np.ndarray  # (num_inputs, num_outputs) float32
    biases: np.ndarray | None  # (num_outputs,) float32


@dataclass(frozen=True)
class AddPrev:
    """``add_prev_<tagN>``: the sum with the output of the nearest ``tag`` N below."""

    tag: int


@dataclass(frozen=True)
class Tag:
    """``add_tag_layer<N>``: marks its input for ``AddPrev`` / ``Skip``; passes it on."""

    id: int


@dataclass(frozen=True)
class Skip:
    """``add_skip_layer<tagN>``: outputs what the nearest ``tag`` N below received."""

    tag: int


Layer = Con | Affine | Relu | Pool | Fc | AddPrev | Tag | Skip


@dataclass(frozen=True)
class PyramidSettings:
    """``input_rgb_image_pyramid<pyramid_down<N>>``'s tiling settings."""

    downsampling: int  # N: each level is (N-1)/N the size of the previous one
    padding: int  # pixels between tiled levels
    outer_padding: int  # pixels around the tiled image


@dataclass(frozen=True)
class RgbInput:
    """``input_rgb_image_sized`` / ``input_rgb_image_pyramid``: (pixel - mean) / 256 per channel."""

    mean_rgb: tuple[float, float, float]  # float32 values
    size: tuple[int, int] | None  # (nr, nc) for a fixed-size input
    pyramid: PyramidSettings | None

    @property
    def scale(self) -> float:
        return 1.0 / 256.0


@dataclass(frozen=True)
class LossMetric:
    """``loss_metric_``: embeddings; same person when the distance is below ``distance_threshold``."""

    margin: float
    distance_threshold: float


@dataclass(frozen=True)
class DetectorWindow:
    width: int
    height: int
    label: str


@dataclass(frozen=True)
class BoxOverlap:
    """``test_box_overlap``: boxes overlap if IoU > iou or either covers > covered of the other."""

    iou: float
    covered: float


@dataclass(frozen=True)
class LossMmod:
    """``loss_mmod_``'s ``mmod_options``: one score channel per detector window."""

    detector_windows: tuple[DetectorWindow, ...]
    loss_per_false_alarm: float
    loss_per_missed_target: float
    truth_match_iou_threshold: float
    overlaps_nms: BoxOverlap
    overlaps_ignore: BoxOverlap
    assume_image_pyramid: bool
    use_bounding_box_regression: bool
    bbr_lambda: float


Loss = LossMetric | LossMmod


@dataclass(frozen=True)
class Network:
    input: RgbInput
    layers: tuple[Layer, ...]  # computation order, input side first
    loss: Loss


@dataclass(frozen=True)
class NetworkDefinition:
    """A network's C++ type: layer kinds from the top of the stack down.

    Kinds: ``con``, ``affine``, ``relu``, ``max_pool``, ``avg_pool``, ``fc``,
    ``add_prev<N>``, ``tag<N>``, ``skip<N>``.
    """

    layers: tuple[str, ...]
    pyramid_downsampling: int | None = None


def _face_recognition_definition() -> NetworkDefinition:
    block = ["affine", "con", "relu", "affine", "con"]
    ares = ["relu", "add_prev1", *block, "tag1"]
    ares_down = ["relu", "add_prev2", "avg_pool", "skip1", "tag2", *block, "tag1"]
    levels = [
        *ares_down,
        *ares,
        *ares,
        *ares_down,
        *ares,
        *ares,
        *ares_down,
        *ares,
        *ares,
        *ares,
        *ares_down,
        *ares,
        *ares,
        *ares,
    ]
    return NetworkDefinition(("fc", "avg_pool", *levels, "max_pool", "relu", "affine", "con"))


def _mmod_definition() -> NetworkDefinition:
    rcon5 = ["relu", "affine", "con"]
    downsampler = ["relu", "affine", "con"] * 3
    return NetworkDefinition(("con", *rcon5 * 3, *downsampler), pyramid_downsampling=6)


FACE_RECOGNITION_RESNET = _face_recognition_definition()
"""``anet_type`` of dnn_face_recognition_ex.cpp (dlib_face_recognition_resnet_model_v1)."""

MMOD_FACE_DETECTOR = _mmod_definition()
"""``net_type`` of dnn_mmod_face_detection_ex.cpp (mmod_human_face_detector)."""


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise DlibFormatError(what)


def _tag_id(kind: str, prefix: str) -> int | None:
    return int(kind[len(prefix) :]) if kind.startswith(prefix) and kind[len(prefix) :].isdigit() else None


def _skip_multipliers(reader: DlibReader, count: int) -> None:
    for _ in range(count):
        reader.read_float()


def _read_con(reader: DlibReader, version: str) -> Con:
    params = reader.read_tensor().ravel()
    num_filters = reader.read_int()
    nr, nc = reader.read_int(), reader.read_int()
    stride = (reader.read_int(), reader.read_int())
    padding = (reader.read_int(), reader.read_int())
    filter_shape = reader.read_alias_tensor()
    bias_shape = reader.read_alias_tensor()
    _skip_multipliers(reader, 4)
    use_bias = reader.read_bool() if version in ("con_5", "con_6") else True
    use_relu = reader.read_bool() if version == "con_6" else False
    filter_size = int(np.prod(filter_shape))
    _expect(filter_shape[0] == num_filters and filter_shape[2:] == (nr, nc), "con_ filter shape")
    filters = params[:filter_size].reshape(filter_shape)
    biases = params[filter_size : filter_size + num_filters] if use_bias else None
    _expect(biases is None or (biases.size == num_filters and int(np.prod(bias_shape)) == num_filters), "con_ biases")
    return Con(filters.copy(), None if biases is None else biases.copy(), stride, padding, use_relu)


def _affine_params(params: np.ndarray, gamma_shape: tuple[int, ...], conv_mode: bool) -> tuple[np.ndarray, np.ndarray]:
    size = int(np.prod(gamma_shape))
    shape = (gamma_shape[1],) if conv_mode else tuple(gamma_shape[1:])
    return params[:size].reshape(shape).copy(), params[size : 2 * size].reshape(shape).copy()


def _read_bn_as_affine(reader: DlibReader, version: str) -> Affine:
    params = reader.read_tensor().ravel()
    gamma_shape = reader.read_alias_tensor()
    reader.read_alias_tensor()
    for _ in range(2):
        reader.read_tensor()
    running_means = reader.read_tensor().ravel()
    running_variances = reader.read_tensor().ravel()
    reader.read_int()
    reader.read_int()
    _skip_multipliers(reader, 4)
    eps = np.float32(reader.read_float())
    conv_mode = version == "bn_con2"
    gamma, beta = _affine_params(params, gamma_shape, conv_mode)
    means = running_means.reshape(gamma.shape)
    variances = running_variances.reshape(gamma.shape)
    scale = (gamma / np.sqrt(variances + eps)).astype(np.float32)
    return Affine(scale, (beta - scale * means).astype(np.float32), conv_mode, False)


def _read_affine(reader: DlibReader, version: str) -> Affine:
    params = reader.read_tensor().ravel()
    gamma_shape = reader.read_alias_tensor()
    reader.read_alias_tensor()
    conv_mode = reader.read_int() == CONV_MODE
    disabled = reader.read_bool() if version == "affine_2" else False
    gamma, beta = _affine_params(params, gamma_shape, conv_mode) if not disabled else (np.ones(0), np.zeros(0))
    return Affine(gamma.astype(np.float32), beta.astype(np.float32), conv_mode, disabled)


def _read_pool(reader: DlibReader, is_max: bool) -> Pool:
    window = (reader.read_int(), reader.read_int())
    stride = (reader.read_int(), reader.read_int())
    padding = (reader.read_int(), reader.read_int())
    return Pool(is_max, window, stride, padding)


def _read_fc(reader: DlibReader, version: str) -> Fc:
    num_outputs, num_inputs = reader.read_int(), reader.read_int()
    params = reader.read_tensor().ravel()
    reader.read_alias_tensor()
    reader.read_alias_tensor()
    bias_mode = reader.read_int()
    _skip_multipliers(reader, 4)
    use_bias = reader.read_bool() if version == "fc_3" else True
    weights = params[: num_inputs * num_outputs].reshape(num_inputs, num_outputs).copy()
    has_bias = bias_mode == FC_HAS_BIAS and use_bias
    biases = params[num_inputs * num_outputs : (num_inputs + 1) * num_outputs].copy() if has_bias else None
    return Fc(weights, biases)


_ACCEPTED_VERSIONS: dict[str, tuple[str, ...]] = {
    "con": ("con_4", "con_5", "con_6"),
    "affine": ("affine_", "affine_2", "bn_con2", "bn_fc2"),
    "relu": ("relu_", "relu_2"),
    "max_pool": ("max_pool_2",),
    "avg_pool": ("avg_pool_2",),
    "fc": ("fc_2", "fc_3"),
    "add_prev": ("add_prev_",),
}


def _read_layer_details(reader: DlibReader, kind: str) -> Layer:
    add_prev_tag = _tag_id(kind, "add_prev")
    base = "add_prev" if add_prev_tag is not None else kind
    if base not in _ACCEPTED_VERSIONS:
        raise DlibFormatError(f"unknown layer kind {kind!r}")
    version = reader.read_version(*_ACCEPTED_VERSIONS[base])
    if base == "con":
        return _read_con(reader, version)
    if version.startswith("bn_"):
        return _read_bn_as_affine(reader, version)
    if base == "affine":
        return _read_affine(reader, version)
    if base == "relu":
        return Relu(reader.read_bool() if version == "relu_2" else False)
    if base in ("max_pool", "avg_pool"):
        return _read_pool(reader, base == "max_pool")
    if base == "fc":
        return _read_fc(reader, version)
    if add_prev_tag is None:  # the kind "add_prev" without its tag number
        raise DlibFormatError(f"unknown layer kind {kind!r}")
    return AddPrev(add_prev_tag)


def _read_input(reader: DlibReader, definition: NetworkDefinition) -> RgbInput:
    version = reader.read_version("input_rgb_image_sized", "input_rgb_image_pyramid", "input_rgb_image_pyramid2")
    red, green, blue = (float(np.float32(reader.read_float())) for _ in range(3))
    mean = (red, green, blue)
    if version == "input_rgb_image_sized":
        return RgbInput(mean, (reader.read_int(), reader.read_int()), None)
    downsampling = definition.pyramid_downsampling
    if downsampling is None:
        raise DlibFormatError("a pyramid input needs the pyramid type")
    padding, outer = (reader.read_int(), reader.read_int()) if version.endswith("2") else (10, 11)
    return RgbInput(mean, None, PyramidSettings(downsampling, padding, outer))


def _read_box_overlap(reader: DlibReader) -> BoxOverlap:
    return BoxOverlap(reader.read_float(), reader.read_float())


def _read_detector_window(reader: DlibReader) -> DetectorWindow:
    version = reader.read_int()
    _expect(version in (1, 2), "detector window version")
    width, height = reader.read_int(), reader.read_int()
    return DetectorWindow(width, height, reader.read_string() if version == 2 else "")


def _read_mmod_options(reader: DlibReader) -> LossMmod:
    version = reader.read_int()
    _expect(1 <= version <= 4, "mmod_options version")
    if version == 1:
        windows = [DetectorWindow(reader.read_int(), reader.read_int(), "")]
    else:
        windows = reader.read_vector(_read_detector_window)
    false_alarm, missed, truth_iou = reader.read_float(), reader.read_float(), reader.read_float()
    nms, ignore = _read_box_overlap(reader), _read_box_overlap(reader)
    pyramid = reader.read_byte() != 0 if version >= 3 else True
    regression, bbr_lambda = (reader.read_bool(), reader.read_float()) if version >= 4 else (False, 100.0)
    return LossMmod(tuple(windows), false_alarm, missed, truth_iou, nms, ignore, pyramid, regression, bbr_lambda)


def _read_loss(reader: DlibReader) -> Loss:
    version = reader.read_version("loss_metric_", "loss_metric_2", "loss_mmod_")
    if version == "loss_mmod_":
        return _read_mmod_options(reader)
    if version == "loss_metric_":
        return LossMetric(0.1, 0.75)
    return LossMetric(reader.read_float(), reader.read_float())


def _read_layer_trailer(reader: DlibReader, version: int, bottom: bool) -> None:
    """The training state an ``add_layer`` writes after its parameters."""
    for _ in range(3):
        reader.read_bool()
    for _ in range(3 if bottom or version == 2 else 2):
        reader.read_tensor()
    if bottom and version >= 3:
        reader.read_int()


def read_loss(data: bytes) -> Loss:
    """Only the loss layer of a dlib network file (it comes first)."""
    reader = DlibReader(data[:4096])
    _expect(reader.read_int() == 1, "add_loss_layer version")
    return _read_loss(reader)


def parse_network(data: bytes, definition: NetworkDefinition) -> Network:
    """Parse a dlib network file whose C++ type is ``definition``."""
    reader = DlibReader(data)
    _expect(reader.read_int() == 1, "add_loss_layer version")
    loss = _read_loss(reader)
    kinds = definition.layers
    _expect(
        bool(kinds) and _tag_id(kinds[-1], "tag") is None and _tag_id(kinds[-1], "skip") is None,
        "the layer above the input must be a computational layer",
    )
    versions: list[int] = []
    for depth, kind in enumerate(kinds):
        version = reader.read_int()
        versions.append(version)
        wrapper = _tag_id(kind, "tag") is not None or _tag_id(kind, "skip") is not None
        accepted = (1,) if wrapper else (2, 3) if depth == len(kinds) - 1 else (1, 2)
        _expect(version in accepted, f"version {version} of layer {depth} ({kind})")
    network_input = _read_input(reader, definition)
    layers: list[Layer] = []
    for depth in range(len(kinds) - 1, -1, -1):
        kind = kinds[depth]
        tag, skip = _tag_id(kind, "tag"), _tag_id(kind, "skip")
        if tag is not None:
            layers.append(Tag(tag))
        elif skip is not None:
            layers.append(Skip(skip))
        else:
            layers.append(_read_layer_details(reader, kind))
            _read_layer_trailer(reader, versions[depth], bottom=depth == len(kinds) - 1)
    _expect(reader.at_end, f"{reader.size - reader.offset} unread bytes at the end of the network")
    return Network(network_input, tuple(layers), loss)
