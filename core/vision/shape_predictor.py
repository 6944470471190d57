"""dlib's shape predictors (5 and 68 face landmarks) evaluated with numpy.

A dlib shape predictor (dlib/image_processing/shape_predictor.h) is a cascade
of forests of regression trees. The shape lives in a normalised frame where
the face box is the unit square. At each cascade level:

1. The similarity transform (scale and rotation, least squares) taking the
   mean shape ``initial_shape`` to the current shape is found.
2. Each of the level's feature pixels is an anchor landmark of the current
   shape plus that transform applied to a stored delta; it is mapped into the
   box, rounded to the nearest pixel and read as its intensity
   (``(r + g + b) // 3`` for RGB, 0 outside the image).
3. Every tree compares two feature pixels per node (``a - b > threshold``
   goes to the left child ``2i + 1``, otherwise the right child ``2i + 2``)
   and the leaf's vector is added to the shape.

The final shape is mapped from the unit square into the box. dlib rounds the
points to whole pixels; ``predict_shapes`` returns them unrounded.

A box is a ``core.geometry.Box`` (dlib's rectangle, right and bottom
inclusive); the unit square maps to the corners (left, top) and (right,
bottom), so the normalised width is ``right - left``.

The .dat file (dlib's serialisation: version 1, initial shape, forests, anchor
indices, deltas) is parsed once into a cached ``.npz`` artefact whose arrays are
used as they load. All trees of a level, and all faces of an image, are
evaluated together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from core.geometry import Box
from core.vision.conversion.dlib_serialization import DlibFormatError, DlibReader, floats_from_parts
from core.vision.model_files import cached_artifact, dlib_model_path

MODEL_FILES: dict[int, str] = {
    5: "shape_predictor_5_face_landmarks.dat",
    68: "shape_predictor_68_face_landmarks.dat",
}
ARTIFACT_SUFFIX = ".shape-predictor.npz"


@dataclass(frozen=True)
class ShapePredictor:
    """The arrays of a dlib shape predictor.

    ``C`` cascade levels of ``T`` trees with ``S`` splits and ``S + 1`` leaves
    each, ``F`` feature pixels per level and ``P`` landmarks.
    """

    initial_shape: np.ndarray  # (P, 2) float32, the mean shape in the unit box
    split_features: np.ndarray  # (C, T, S, 2) int32, feature pixel pairs per node
    thresholds: np.ndarray  # (C, T, S) float32
    leaf_values: np.ndarray  # (C, T, S + 1, P * 2) float32, shape increments
    anchor_indices: np.ndarray  # (C, F) int32, landmark each feature pixel follows
    deltas: np.ndarray  # (C, F, 2) float32, offsets from the anchors in the mean shape

    @property
    def depth(self) -> int:
        return int(self.thresholds.shape[2] + 1).bit_length() - 1

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def dlib_floats(mantissas: np.ndarray, exponents: np.ndarray) -> np.ndarray:
    """Finite float32 values from dlib's (mantissa, exponent) integer pairs."""
    values = floats_from_parts(mantissas, exponents)
    if not np.isfinite(values).all():
        raise DlibFormatError("a shape predictor holds a non-finite value")
    return values.astype(np.float32)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise DlibFormatError(f"unexpected shape predictor layout: {what}")


def parse_shape_predictor(data: bytes) -> ShapePredictor:
    """Parse a serialised ``dlib::shape_predictor``.

    After the version and the initial shape, the rest of the file (forests,
    anchor indices, deltas) holds only integers and floats, so it is decoded as
    one run of integers. The trees of a trained predictor all have the same
    depth and every level the same number of trees, so the run is cut into
    numpy arrays by its first counts and every other count is checked.
    """
    reader = DlibReader(data)
    expect(reader.read_int() == 1, "version")
    initial_shape = reader.read_matrix().astype(np.float32).reshape(-1)
    values = initial_shape.size
    run = reader.read_ints()
    expect(run.size > 3, "forests")
    levels, trees, splits = (int(count) for count in run[:3])
    leaves = splits + 1
    expect(splits > 0 and (leaves & splits) == 0, "trees are not complete binary trees")
    tree_size = 2 + 4 * splits + leaves * (2 + 2 * values)
    forests_size = 1 + levels * (1 + trees * tree_size)
    expect(run.size > forests_size + 2, "anchor indices")
    features = int(run[forests_size + 1])
    expect(run.size == forests_size + 2 + levels * (1 + features) + levels * (1 + 4 * features), "total size")

    per_level = run[1:forests_size].reshape(levels, 1 + trees * tree_size)
    expect(bool((per_level[:, 0] == trees).all()), "trees per level")
    tree_fields = per_level[:, 1:].reshape(levels, trees, tree_size)
    expect(bool((tree_fields[:, :, 0] == splits).all()), "splits per tree")
    split_fields = tree_fields[:, :, 1 : 1 + 4 * splits].reshape(levels, trees, splits, 4)
    expect(bool((tree_fields[:, :, 1 + 4 * splits] == leaves).all()), "leaves per tree")
    leaf_fields = tree_fields[:, :, 2 + 4 * splits :].reshape(levels, trees, leaves, 2 + 2 * values)
    expect(bool((np.abs(leaf_fields[..., 0]) == values).all()), "leaf vector rows")
    expect(bool((np.abs(leaf_fields[..., 1]) == 1).all()), "leaf vector columns")

    encoding = run[forests_size:]
    anchors_size = 1 + levels * (1 + features)
    expect(encoding[0] == levels and encoding[anchors_size] == levels, "encoding levels")
    anchor_fields = encoding[1:anchors_size].reshape(levels, 1 + features)
    delta_fields = encoding[anchors_size + 1 :].reshape(levels, 1 + 4 * features)
    expect(bool((anchor_fields[:, 0] == features).all()), "anchors per level")
    expect(bool((delta_fields[:, 0] == features).all()), "deltas per level")
    delta_pairs = delta_fields[:, 1:].reshape(levels, features, 2, 2)

    split_features = split_fields[..., :2]
    expect(bool(((split_features >= 0) & (split_features < features)).all()), "split feature index")
    anchor_indices = anchor_fields[:, 1:]
    expect(bool(((anchor_indices >= 0) & (anchor_indices < values // 2)).all()), "anchor index")
    return ShapePredictor(
        initial_shape=initial_shape.reshape(-1, 2),
        split_features=split_features.astype(np.int32),
        thresholds=dlib_floats(split_fields[..., 2], split_fields[..., 3]),
        leaf_values=dlib_floats(leaf_fields[..., 2::2], leaf_fields[..., 3::2]),
        anchor_indices=anchor_indices.astype(np.int32),
        deltas=dlib_floats(delta_pairs[..., 0], delta_pairs[..., 1]),
    )


def write_artifact(source: Path, target: Path) -> None:
    predictor = parse_shape_predictor(source.read_bytes())
    with target.open("wb") as stream:
        np.savez(stream, allow_pickle=False, **predictor.arrays())


@cache
def load_shape_predictor(points: int) -> ShapePredictor:
    """The 5- or 68-point predictor, parsed once into the cache and loaded once per process."""
    if points not in MODEL_FILES:
        raise ValueError(f"no shape predictor with {points} points; choose one of {sorted(MODEL_FILES)}")
    artifact = cached_artifact(dlib_model_path(MODEL_FILES[points]), ARTIFACT_SUFFIX, write_artifact)
    with np.load(artifact) as arrays:
        return ShapePredictor(**{name: arrays[name] for name in ShapePredictor.__dataclass_fields__})


def similarity_matrices(reference: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """Least-squares scale-and-rotation (N, 2, 2) taking ``reference`` (P, 2) onto each of ``shapes`` (N, P, 2).

    This is the linear part of dlib's ``find_similarity_transform`` (Umeyama's
    method), which in two dimensions reduces to ``[[a, -b], [b, a]]``.
    """
    source = reference.astype(np.float64) - reference.mean(axis=0, dtype=np.float64)
    target = shapes.astype(np.float64) - shapes.mean(axis=1, dtype=np.float64, keepdims=True)
    spread = float((source**2).sum())
    a = (source[None] * target).sum(axis=(1, 2)) / spread
    b = (source[None, :, 0] * target[:, :, 1] - source[None, :, 1] * target[:, :, 0]).sum(axis=1) / spread
    return np.stack([np.stack([a, -b], axis=1), np.stack([b, a], axis=1)], axis=1).astype(np.float32)


def feature_intensities(
    image: np.ndarray, origins: np.ndarray, sizes: np.ndarray, unit_points: np.ndarray
) -> np.ndarray:
    """dlib's intensity (N, F) of the pixel nearest each unit-box point of ``unit_points`` (N, F, 2).

    Points map into their face's box, round half up as dlib's ``point``
    conversion does, and read 0 outside the image.
    """
    pixels = np.floor(origins[:, None, :] + unit_points.astype(np.float64) * sizes[:, None, :] + 0.5).astype(np.int64)
    height, width = image.shape[:2]
    inside = (pixels[..., 0] >= 0) & (pixels[..., 0] < width) & (pixels[..., 1] >= 0) & (pixels[..., 1] < height)
    xs = np.where(inside, pixels[..., 0], 0)
    ys = np.where(inside, pixels[..., 1], 0)
    intensity = image[ys, xs].astype(np.uint16).sum(axis=-1) // 3
    return np.where(inside, intensity, 0).astype(np.float32)


def forest_leaves(predictor: ShapePredictor, level: int, intensities: np.ndarray) -> np.ndarray:
    """The leaf (N, T) each face reaches in each tree of ``level``, walking all trees at once."""
    features = predictor.split_features[level]
    thresholds = predictor.thresholds[level]
    trees = np.arange(thresholds.shape[0])
    faces, feature_count = intensities.shape
    flat_intensities = intensities.reshape(-1)
    face_offsets = np.arange(faces)[:, None, None] * feature_count
    nodes = np.zeros((faces, trees.size), dtype=np.int64)
    for _ in range(predictor.depth):
        pair = flat_intensities[features[trees, nodes] + face_offsets]
        nodes = 2 * nodes + np.where(pair[..., 0] - pair[..., 1] > thresholds[trees, nodes], 1, 2)
    return nodes - thresholds.shape[1]


def cascade_step(
    predictor: ShapePredictor, level: int, image: np.ndarray, origins: np.ndarray, sizes: np.ndarray, shapes: np.ndarray
) -> np.ndarray:
    """One cascade level applied to the current shapes (N, P, 2) of all faces."""
    faces = shapes.shape[0]
    transforms = similarity_matrices(predictor.initial_shape, shapes)
    deltas = predictor.deltas[level]
    offsets = (
        transforms[:, None, :, 0] * deltas[None, :, 0, None] + transforms[:, None, :, 1] * deltas[None, :, 1, None]
    )
    unit_points = shapes[:, predictor.anchor_indices[level], :] + offsets
    leaves = forest_leaves(predictor, level, feature_intensities(image, origins, sizes, unit_points))
    trees = np.arange(leaves.shape[1])
    increments = predictor.leaf_values[level][trees[:, None], leaves.T]
    # Reducing over the leading axis adds the rows one after another in tree
    # order, the same float32 additions dlib makes, so results match bit for bit.
    running = np.concatenate([shapes.reshape(1, faces, -1), increments], axis=0)
    return np.add.reduce(running, axis=0).reshape(faces, -1, 2)


def predict_shapes(image_rgb_uint8: np.ndarray, boxes: Sequence[Box], points: int) -> list[np.ndarray]:
    """Landmarks of each face box as a (``points``, 2) float64 array of (x, y) pixels.

    ``boxes`` are in dlib's detector convention; ``points`` is 5 or 68. dlib's own output is these points
    rounded half up to whole pixels.
    """
    predictor = load_shape_predictor(points)
    image = np.asarray(image_rgb_uint8)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 image, got shape {image.shape} and dtype {image.dtype}")
    if len(boxes) == 0:
        return []
    corners = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    origins = corners[:, :2]
    sizes = corners[:, 2:] - corners[:, :2]
    shapes = np.repeat(predictor.initial_shape[None], corners.shape[0], axis=0)
    for level in range(predictor.thresholds.shape[0]):
        shapes = cascade_step(predictor, level, image, origins, sizes, shapes)
    return list(origins[:, None, :] + shapes.astype(np.float64) * sizes[:, None, :])
