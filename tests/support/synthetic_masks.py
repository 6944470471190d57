"""Synthetic face masks drawn over nose and mouth from a face's 68 landmarks, and the measurement of the
``mask`` attribute on the shared photos with and without them (used by tests/vision/test_mask.py and
bench/eval_mask.py).

A mask is a polygon from the nose bridge (point 28) along the jaw line
(points 1 to 15), pushed 8 % outwards from the nose tip so that it reaches
below the chin and past the cheeks, as a worn mask does. Its surface is a
flat colour or a pattern, shaded by the face's own lighting (the face's luma
blurred over half the eye distance, so lips and nostrils do not show
through), with mild fabric noise and a one-pixel soft edge.

The measurement runs the service's own path (detection_03, dlib's 68 points,
``compute_attributes``) on every photo of the shared data (files with the
same bytes once): every face found on the bare photo is a bare face; masks
are drawn on its frontal faces (|yaw| and |pitch| at most
``FRONTAL_DEGREES``), and the masked photo is analysed again from scratch. A
masked face the detector no longer finds (IoU under 0.5 with the bare face)
is counted as missed, apart from the rates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from core.geometry import Rectangle
from core.images.decode import decode_image
from core.vision.analysis import analyze_image, describe_faces, detect_faces
from core.vision.attributes import head_pose
from core.vision.shape_predictor import predict_shapes

JAW_OUTLINE = tuple(range(15, 0, -1))
NOSE_BRIDGE = 28
NOSE_TIP = 30
OUTWARD = 1.08
SHADING_RANGE = (0.6, 1.25)
NOISE_SIGMA = 2.5
FRONTAL_DEGREES = 30.0
MATCH_IOU = 0.5
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
COVERED_TYPES = ("faceMask", "otherMaskOrOcclusion")

Surface = Callable[[np.ndarray, np.ndarray, float], np.ndarray]
"""(rows, columns, eye distance) -> (h, w, 3) float colours of the mask's surface."""


def flat(colour: tuple[int, int, int]) -> Surface:
    """One colour all over."""

    def surface(rows: np.ndarray, columns: np.ndarray, eye_distance: float) -> np.ndarray:
        return np.broadcast_to(np.array(colour, dtype=np.float64), (*rows.shape, 3)).copy()

    return surface


def striped(first: tuple[int, int, int], second: tuple[int, int, int], periods_per_eye_distance: float) -> Surface:
    """Horizontal stripes, two per period."""

    def surface(rows: np.ndarray, columns: np.ndarray, eye_distance: float) -> np.ndarray:
        phase = np.floor(rows * 2 * periods_per_eye_distance / eye_distance) % 2
        return np.where(phase[..., None] == 0, np.array(first, float), np.array(second, float))

    return surface


def checked(first: tuple[int, int, int], second: tuple[int, int, int], squares_per_eye_distance: float) -> Surface:
    """A chessboard of the two colours."""

    def surface(rows: np.ndarray, columns: np.ndarray, eye_distance: float) -> np.ndarray:
        size = eye_distance / squares_per_eye_distance
        phase = (np.floor(rows / size) + np.floor(columns / size)) % 2
        return np.where(phase[..., None] == 0, np.array(first, float), np.array(second, float))

    return surface


SURFACES: dict[str, Surface] = {
    "white": flat((238, 238, 236)),
    "light blue": flat((150, 196, 226)),
    "grey": flat((128, 128, 130)),
    "black": flat((28, 28, 30)),
    "striped": striped((32, 52, 112), (235, 235, 235), 2.0),
    "checked": checked((178, 34, 40), (30, 30, 34), 3.0),
}


def mask_polygon(points68: np.ndarray) -> np.ndarray:
    """The mask's outline (x, y) in image pixels."""
    centre = points68[NOSE_TIP]
    jaw = centre + (points68[list(JAW_OUTLINE)] - centre) * OUTWARD
    return np.vstack([points68[NOSE_BRIDGE][None], jaw])


def draw_masks(
    image_rgb_uint8: np.ndarray, faces_points68: Sequence[np.ndarray], surface: Surface, seed: int = 0
) -> np.ndarray:
    """A copy of the image with a mask of ``surface`` drawn on each face."""
    height, width = image_rgb_uint8.shape[:2]
    result = image_rgb_uint8.astype(np.float64)
    luma = Image.fromarray(image_rgb_uint8).convert("L")
    rng = np.random.default_rng(seed)
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float64)
    for points68 in faces_points68:
        eye_distance = float(np.linalg.norm(points68[42:48].mean(axis=0) - points68[36:42].mean(axis=0)))
        outline = Image.new("L", (width, height), 0)
        ImageDraw.Draw(outline).polygon([tuple(point) for point in mask_polygon(points68)], fill=255)
        alpha = np.asarray(outline.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float64) / 255.0
        inside = alpha > 0
        lighting = np.asarray(luma.filter(ImageFilter.GaussianBlur(eye_distance / 2)), dtype=np.float64)
        shading = np.clip(lighting / max(float(np.median(lighting[inside])), 1.0), *SHADING_RANGE)
        colour = surface(rows - points68[NOSE_BRIDGE][1], columns - points68[NOSE_BRIDGE][0], eye_distance)
        painted = colour * shading[..., None] + rng.normal(0.0, NOISE_SIGMA, (height, width, 1))
        result = result * (1 - alpha[..., None]) + np.clip(painted, 0, 255) * alpha[..., None]
    return np.round(result).astype(np.uint8)


@dataclass
class MaskCounts:
    """The ``mask`` answers (type, noseAndMouthCovered) of a set of faces, and the faces not found."""

    answers: list[tuple[str, bool]] = field(default_factory=list)
    missed: int = 0

    @property
    def judged(self) -> int:
        return len(self.answers)

    @property
    def covered(self) -> int:
        """Faces answered as covered in any way: a covering type or noseAndMouthCovered."""
        return sum(kind in COVERED_TYPES or flag for kind, flag in self.answers)

    def count(self, kind: str) -> int:
        return sum(answered == kind for answered, _ in self.answers)

    def rate(self, count: int) -> float:
        return count / max(self.judged, 1)


@dataclass
class MaskMeasurement:
    """The answers on the bare faces, and on each surface's masks."""

    bare: MaskCounts = field(default_factory=MaskCounts)
    masked: dict[str, MaskCounts] = field(default_factory=lambda: {name: MaskCounts() for name in SURFACES})


def unique_photos(shared_data: Path) -> list[Path]:
    """Every photo under the shared data, one per distinct content, in path order."""
    seen: set[str] = set()
    photos = []
    for path in sorted(shared_data.rglob("*")):
        if path.suffix.lower() in PHOTO_SUFFIXES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                photos.append(path)
    return photos


def overlap(first: Rectangle, second: Rectangle) -> float:
    """Intersection over union of two rectangles."""
    width = min(first.left + first.width, second.left + second.width) - max(first.left, second.left)
    height = min(first.top + first.height, second.top + second.height) - max(first.top, second.top)
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    return inter / (first.width * first.height + second.width * second.height - inter)


def answer(attributes: dict[str, dict[str, object]] | None) -> tuple[str, bool]:
    """(type, noseAndMouthCovered) of a face's ``mask`` attribute."""
    assert attributes is not None
    mask = attributes["mask"]
    return str(mask["type"]), bool(mask["noseAndMouthCovered"])


def measure_masks(shared_data: Path) -> MaskMeasurement:
    """The ``mask`` answers on the bare shared photos and on the synthetic masks drawn on them."""
    measured = MaskMeasurement()
    for path in unique_photos(shared_data):
        image = decode_image(path.read_bytes())
        faces = detect_faces(image, "detection_03")
        if not faces:
            continue
        for described in describe_faces(image, faces, with_features=False, attributes=("mask",)):
            measured.bare.answers.append(answer(described.attributes))
        shapes = predict_shapes(image, [face.box for face in faces], 68)
        frontal = [
            (face, points)
            for face, points in zip(faces, shapes, strict=True)
            if max(abs(head_pose(points, image.shape)[angle]) for angle in ("yaw", "pitch")) <= FRONTAL_DEGREES
        ]
        if not frontal:
            continue
        for name, surface in SURFACES.items():
            masked = draw_masks(image, [points for _, points in frontal], surface)
            found = analyze_image(masked, "detection_03", "recognition_04", with_features=False, attributes=("mask",))
            for bare, _ in frontal:
                best = max(found, key=lambda candidate: overlap(bare.rectangle, candidate.rectangle), default=None)
                if best is None or overlap(bare.rectangle, best.rectangle) < MATCH_IOU:
                    measured.masked[name].missed += 1
                    continue
                measured.masked[name].answers.append(answer(best.attributes))
    return measured
