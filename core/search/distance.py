"""The float32 evaluation of squared feature distances that Identify and Find Similar results are defined by.

A squared distance is ``sum((row - query) ** 2)`` in float32, with the 128
squares added in one fixed binary tree (element i + element i + 64, then
i + 32, ... down to one). Every step is a single IEEE operation on two known
operands, so the value of a (query, row) pair does not depend on which other
pairs are evaluated with it, on the array layout or on the BLAS build: any
subset of rows gives bit-for-bit the values of the whole index. That is what
lets a search evaluate only the rows that can still matter and still return
exactly what evaluating every row would.

Error: each square passes through one subtraction, one multiplication and
seven additions of non-negative terms, ten roundings in all, so the result
lies within ``RELATIVE_ERROR`` of the exact real squared distance (plus
``ABSOLUTE_ERROR`` for underflow).
"""

from __future__ import annotations

import numpy as np

_UNIT_ROUNDOFF = 2.0**-24
_ROUNDINGS = 10

RELATIVE_ERROR = _ROUNDINGS * _UNIT_ROUNDOFF / (1 - _ROUNDINGS * _UNIT_ROUNDOFF)
"""Bound on |computed - exact| / exact for every squared distance."""

ABSOLUTE_ERROR = 1e-30
"""Bound on what underflow of tiny squares can add to the relative error."""

_ROWS_PER_BLOCK = 256


def _summed_squares(differences: np.ndarray) -> np.ndarray:
    """Squares ``differences`` (..., 2**n) in place and adds them along the last axis in the fixed tree."""
    np.multiply(differences, differences, out=differences)
    width = differences.shape[-1]
    if width & (width - 1):
        raise ValueError(f"the summation tree needs a power-of-two width, not {width}")
    while width > 1:
        width //= 2
        np.add(differences[..., :width], differences[..., width : 2 * width], out=differences[..., :width])
    return differences[..., 0].copy()


def paired_squared_distances(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The squared distance of each row of ``left`` to the same row of ``right``, (P,) float32."""
    return _summed_squares(np.subtract(left, right, dtype=np.float32))


def squared_distances(queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The squared distance of every query to every row, (Q, M) float32, evaluated block by block."""
    queries = np.asarray(queries, dtype=np.float32).reshape(-1, rows.shape[1])
    result = np.empty((queries.shape[0], rows.shape[0]), dtype=np.float32)
    for start in range(0, rows.shape[0], _ROWS_PER_BLOCK):
        block = rows[start : start + _ROWS_PER_BLOCK]
        differences = np.subtract(block[np.newaxis, :, :], queries[:, np.newaxis, :], dtype=np.float32)
        result[:, start : start + block.shape[0]] = _summed_squares(differences)
    return result
