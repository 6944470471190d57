"""Face alignment: the similarity transform between two point sets, and an affine warp of an image.

``similarity_transform`` is Umeyama's least-squares fit of scale, rotation and
translation (dlib's ``find_similarity_transform`` and OpenCV's
``FaceRecognizerSF`` alignment compute the same). ``warp_affine`` samples an
RGB uint8 image through an affine map as OpenCV's ``warpAffine`` with
``INTER_LINEAR`` and a black constant border does, in its fixed point: the
inverse map is evaluated in 1/1024 pixel steps (each row's start and each
column's step rounded), the source point rounded to 1/32 pixel, and the four
pixels around it mixed with integer weights summing to 2**15, rounded half up;
pixels outside the image count as black.
"""

from __future__ import annotations

import numpy as np

_AFFINE_BITS = 10
_INTER_BITS = 5
_INTER_STEPS = 1 << _INTER_BITS
_AFFINE_SCALE = float(1 << _AFFINE_BITS)
_COEFFICIENT_BITS = 15
_COEFFICIENT_SCALE = 1 << _COEFFICIENT_BITS


def similarity_transform(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (2, 2) matrix ``scale * rotation`` and (2,) translation mapping ``source`` points
    nearest to ``target`` points in least squares (Umeyama), without reflection."""
    mean_source, mean_target = source.mean(axis=0), target.mean(axis=0)
    centred_source, centred_target = source - mean_source, target - mean_target
    sigma_source = (centred_source**2).sum() / len(source)
    covariance = centred_target.T @ centred_source / len(source)
    u, d, vt = np.linalg.svd(covariance)
    s = np.eye(2)
    determinant = np.linalg.det(covariance)
    if determinant < 0 or (determinant == 0 and np.linalg.det(u) * np.linalg.det(vt) < 0):
        s[(1, 1) if d[1] < d[0] else (0, 0)] = -1
    rotation = u @ s @ vt
    scale = np.trace(np.diag(d) @ s) / sigma_source if sigma_source != 0 else 1.0
    return scale * rotation, mean_target - scale * rotation @ mean_source


def warp_affine(image_rgb_uint8: np.ndarray, matrix: np.ndarray, offset: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` x ``size`` RGB uint8 image whose pixel p is the source image at the point q
    with ``matrix @ q + offset = p`` (bilinear, black outside the source), in OpenCV's fixed point."""
    inverse = np.linalg.inv(matrix)
    shift = -inverse @ offset
    steps = np.arange(size, dtype=np.float64)
    # Rows start from rounded 1/1024 pixel positions, each column adds its own rounded step.
    row_x = np.rint((inverse[0, 1] * steps + shift[0]) * _AFFINE_SCALE).astype(np.int64)
    row_y = np.rint((inverse[1, 1] * steps + shift[1]) * _AFFINE_SCALE).astype(np.int64)
    column_x = np.rint(inverse[0, 0] * steps * _AFFINE_SCALE).astype(np.int64)
    column_y = np.rint(inverse[1, 0] * steps * _AFFINE_SCALE).astype(np.int64)
    shift_bits = _AFFINE_BITS - _INTER_BITS
    rounding = 1 << (shift_bits - 1)
    x = (row_x[:, None] + column_x[None, :] + rounding) >> shift_bits
    y = (row_y[:, None] + column_y[None, :] + rounding) >> shift_bits
    left, top = x >> _INTER_BITS, y >> _INTER_BITS
    fx, fy = (x & (_INTER_STEPS - 1))[..., None], (y & (_INTER_STEPS - 1))[..., None]
    height, width = image_rgb_uint8.shape[:2]

    def pixel(dx: int, dy: int) -> np.ndarray:
        xs, ys = left + dx, top + dy
        inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
        values = image_rgb_uint8[np.clip(ys, 0, height - 1), np.clip(xs, 0, width - 1)].astype(np.int64)
        values[~inside] = 0
        return values

    # Weights are products of 1/32 steps scaled by 2**15: whole numbers adding up to 2**15 exactly.
    weight = _COEFFICIENT_SCALE // (_INTER_STEPS * _INTER_STEPS)
    mixed = weight * (
        (_INTER_STEPS - fy) * ((_INTER_STEPS - fx) * pixel(0, 0) + fx * pixel(1, 0))
        + fy * ((_INTER_STEPS - fx) * pixel(0, 1) + fx * pixel(1, 1))
    )
    return ((mixed + _COEFFICIENT_SCALE // 2) >> _COEFFICIENT_BITS).astype(np.uint8)
