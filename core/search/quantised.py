"""An int8 copy of an index's features, scored against queries by onnxruntime's MatMulInteger, with error bounds.

Rows are quantised with one scale for the whole index, ``x ~ s * a`` with
``a`` in [-127, 127]. Each row also carries ``J`` extra int8 columns whose sum
``m`` encodes its squared norm, ``|x|^2 ~ n0 + w * m``. A query is quantised
as ``y ~ s_y * b`` with ``b`` in [-64, 64] and ``s_y = w / (2 s beta)`` for an
integer ``beta`` in [1, 64], and gets ``-beta`` in the extra columns. The
integer product of the two is then

    T = a.b - beta * m,    and    |y|^2 + n0 - (w / beta) * T  ~  |x - y|^2,

so one MatMulInteger gives a score per row that orders rows by approximate
distance (larger is nearer), norm included, with nothing left to add per row.
The score is exact integer arithmetic: query codes are sent as uint8 with
zero point 64 (raw values 0..128) and row codes never reach -128, so even
the int16 pair sums of non-VNNI x86 kernels (VPMADDUBSW) cannot saturate.

The approximation is bounded rigorously: with ``e_x = x - s a`` and
``e_y = y - s_y b``, ``x.y - (s a).(s_y b) = x.e_y + e_x.(s_y b)``, so

    | |x - y|^2 - approximation | <= N + 2 (X |e_y| + E |s_y b|)

where ``X`` is the largest row norm, ``E`` the largest ``|e_x|`` and ``N``
the largest error of the norm encoding, all measured when the copy is built.
The onnxruntime session reads the codes in place as an external constant
(a stored index's codes are a view of its stored bytes), prepacked once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

from core.vision.sessions import create_session

ROW_LEVELS = 127
"""Row codes lie in [-127, 127]."""

QUERY_LEVELS = 64
"""Query codes lie in [-64, 64], sent as uint8 with this zero point."""

MAX_NORM_COLUMNS = 16
"""At most this many extra columns encode a row's squared norm."""

_OPSET = 13
_IR_VERSION = 9
_ROWS_PER_BLOCK = 65_536
_QUERY_NORM_QUANTILE = 0.01
_ESTIMATE_SLACK = 1e-6
"""Relative and absolute slack on bounds computed in float64 from float32 data (far above float64 rounding)."""


@dataclass(frozen=True)
class QueryScores:
    """Integer scores of queries against every row, larger nearer, and what makes them squared distances.

    For query q and row r, the exact squared distance d satisfies
    ``|d - (offsets[q] - units[q] * scores[q, r])| <= errors[q]``.
    """

    scores: np.ndarray
    offsets: np.ndarray
    units: np.ndarray
    errors: np.ndarray


@dataclass(frozen=True)
class QuantisationBounds:
    """The scale and norm encoding of an int8 copy, and the quantisation errors measured when it was built."""

    scale: float
    norm_unit: float
    norm_offset: float
    norm_columns: int
    largest_norm: float
    largest_row_error: float
    largest_norm_error: float

    def bounds(self) -> QuantisationBounds:
        return QuantisationBounds(**{name: getattr(self, name) for name in QuantisationBounds.__dataclass_fields__})


@dataclass(frozen=True)
class QuantisedCodes(QuantisationBounds):
    """The int8 copy of an index's rows, ``(128 + norm_columns, rows)``, with its bounds.

    This is what a stored index keeps next to its float32 rows, so loading it is
    reading, not recomputing.
    """

    row_codes: np.ndarray


@dataclass(frozen=True)
class QuantisedFeatures(QuantisationBounds):
    """The int8 copy of an index's rows, its onnxruntime session and the measured quantisation errors.

    The session reads ``row_codes`` in place (an external initializer), so they are kept here as long as it lives.
    """

    session: onnxruntime.InferenceSession
    row_codes: np.ndarray

    def scores(self, queries: np.ndarray) -> QueryScores:
        """Scores of float32 ``queries`` (Q, 128) against every row, (Q, rows) int32, with their bounds."""
        values = np.asarray(queries, dtype=np.float64)
        largest = np.max(np.abs(values), axis=1)
        with np.errstate(divide="ignore"):
            wanted = np.floor(QUERY_LEVELS * self.norm_unit / (2 * self.scale * largest))
        betas = np.clip(np.nan_to_num(wanted, posinf=QUERY_LEVELS), 1, QUERY_LEVELS)
        query_scales = self.norm_unit / (2 * self.scale * betas)
        codes = np.clip(np.rint(values / query_scales[:, np.newaxis]), -QUERY_LEVELS, QUERY_LEVELS)
        approximations = codes * query_scales[:, np.newaxis]
        packed = np.empty((values.shape[0], values.shape[1] + self.norm_columns), dtype=np.uint8)
        packed[:, : values.shape[1]] = codes + QUERY_LEVELS
        packed[:, values.shape[1] :] = (QUERY_LEVELS - betas)[:, np.newaxis]
        (scores,) = self.session.run(None, {"query_codes": packed})
        bound = self.largest_norm_error + 2 * (
            self.largest_norm * np.linalg.norm(values - approximations, axis=1)
            + self.largest_row_error * np.linalg.norm(approximations, axis=1)
        )
        return QueryScores(
            scores=scores,
            offsets=self.norm_offset + np.einsum("ij,ij->i", values, values),
            units=self.norm_unit / betas,
            errors=bound * (1 + _ESTIMATE_SLACK) + _ESTIMATE_SLACK,
        )


def _scoring_model(columns: int, rows: int) -> bytes:
    """MatMulInteger of uint8 query codes (zero point 64) with the constant (columns, rows) int8 ``row_codes``,
    an external initializer the session is given from memory."""
    row_codes = TensorProto(name="row_codes", data_type=TensorProto.INT8, dims=[columns, rows])
    row_codes.data_location = TensorProto.EXTERNAL
    location = row_codes.external_data.add()
    location.key, location.value = "location", "row_codes"  # never read: the session is given the array itself
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["query_codes", "row_codes", "query_zero_point"], ["scores"])],
        "quantised_scores",
        [helper.make_tensor_value_info("query_codes", TensorProto.UINT8, ["queries", columns])],
        [helper.make_tensor_value_info("scores", TensorProto.INT32, ["queries", rows])],
        [row_codes, numpy_helper.from_array(np.array(QUERY_LEVELS, dtype=np.uint8), "query_zero_point")],
    )
    model = helper.make_model(graph, ir_version=_IR_VERSION, opset_imports=[helper.make_opsetid("", _OPSET)])
    return model.SerializeToString()


def _norm_encoding(squared_norms: np.ndarray, scale: float, row_maxima: np.ndarray) -> tuple[float, float, int]:
    """``(n0, w, J)``: offset, unit and column count encoding squared norms as ``n0 + w * m``, |m| <= 127 J.

    ``w`` is as small as lets a typical query use its whole code range
    (``beta`` = 64 for a query whose largest component is that of the 1st
    percentile of rows), unless the spread of norms needs more than
    ``MAX_NORM_COLUMNS`` columns at that unit.
    """
    offset = float(squared_norms.min() + squared_norms.max()) / 2
    spread = float(squared_norms.max() - squared_norms.min()) / 2
    unit = max(
        2 * scale * float(np.quantile(row_maxima, _QUERY_NORM_QUANTILE)), spread / (ROW_LEVELS * MAX_NORM_COLUMNS)
    )
    if unit <= 0:
        return offset, 1.0, 1
    return offset, unit, min(MAX_NORM_COLUMNS, max(1, math.ceil(spread / (ROW_LEVELS * unit))))


def quantise_codes(features: np.ndarray) -> QuantisedCodes:
    """The int8 copy of non-empty float32 ``features`` (N, 128), with its measured errors."""
    count, dimension = features.shape
    largest = float(np.max(np.abs(features)))
    scale = largest / ROW_LEVELS if largest > 0 else 1.0
    squared_norms = np.empty(count, dtype=np.float64)
    row_maxima = np.empty(count, dtype=np.float64)
    for start in range(0, count, _ROWS_PER_BLOCK):
        block = features[start : start + _ROWS_PER_BLOCK].astype(np.float64)
        squared_norms[start : start + block.shape[0]] = np.einsum("ij,ij->i", block, block)
        row_maxima[start : start + block.shape[0]] = np.max(np.abs(block), axis=1)
    offset, unit, columns = _norm_encoding(squared_norms, scale, row_maxima)
    norm_codes = np.clip(np.rint((squared_norms - offset) / unit), -ROW_LEVELS * columns, ROW_LEVELS * columns)
    row_codes = np.empty((dimension + columns, count), dtype=np.int8)
    quotients, remainders = np.divmod(norm_codes.astype(np.int64), columns)
    for column in range(columns):
        row_codes[dimension + column] = quotients + (column < remainders)
    largest_row_error = 0.0
    for start in range(0, count, _ROWS_PER_BLOCK):
        block = features[start : start + _ROWS_PER_BLOCK].astype(np.float64)
        codes = np.clip(np.rint(block / scale), -ROW_LEVELS, ROW_LEVELS)
        row_codes[:dimension, start : start + block.shape[0]] = codes.T
        largest_row_error = max(largest_row_error, float(np.max(np.linalg.norm(block - scale * codes, axis=1))))
    return QuantisedCodes(
        row_codes=row_codes,
        scale=scale,
        norm_unit=unit,
        norm_offset=offset,
        norm_columns=columns,
        largest_norm=math.sqrt(float(squared_norms.max())),
        largest_row_error=largest_row_error,
        largest_norm_error=float(np.max(np.abs(squared_norms - offset - unit * norm_codes))),
    )


def quantised_from_codes(codes: QuantisedCodes) -> QuantisedFeatures:
    """The searchable copy of stored codes: their onnxruntime session, reading them in place, prepacked once."""
    row_codes = np.ascontiguousarray(codes.row_codes, dtype=np.int8)
    session = create_session(_scoring_model(*row_codes.shape), {"row_codes": row_codes})
    return QuantisedFeatures(**vars(codes.bounds()), session=session, row_codes=row_codes)


def quantise_features(features: np.ndarray) -> QuantisedFeatures:
    """The int8 copy of non-empty float32 ``features`` (N, 128), with its session and measured errors."""
    return quantised_from_codes(quantise_codes(features))
