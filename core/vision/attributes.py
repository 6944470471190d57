"""Azure Face's ``faceAttributes`` that can be measured from pixels and landmarks.

Supported: ``headPose``, ``blur``, ``exposure``, ``noise``,
``qualityForRecognition`` and ``mask``, in Azure v1.0's response shapes. The
attributes that need a trained classifier (age, gender, smile, facialHair,
glasses, emotion, hair, makeup, occlusion, accessories) are refused by name.
Which detection model may return which attribute is ``core.vision.catalog``'s
rule (``mask`` only with detection_03, as Azure).

How each is measured (the face region is the face box clipped to the image,
in Rec. 601 luma):

* ``headPose``: a 3-D mean face model (``MEAN_FACE_MODEL``, millimetres,
  14 stable landmarks) is fitted to the 68 points by Levenberg-Marquardt on
  the reprojection error of a pinhole camera with a nominal focal length equal
  to the image's longer side and the principal point at the image centre.
  Frame: x to the image's right, y down, z away from the camera; angles follow
  the right-hand rule with rotation = Rz(roll) Ry(yaw) Rx(pitch). So a
  positive ``roll`` tilts the face clockwise in the image (as Azure's samples
  rotate the face rectangle by roll), a positive ``yaw`` turns the face towards
  the image's left (the subject's right), a positive ``pitch`` turns it down.
* ``blur``: the no-reference blur effect of Crete-Roffet et al. (2007): how
  much of the face's neighbouring-pixel variation survives a 9-tap low-pass
  filter, taken along rows and columns, the larger; mapped linearly from
  [0.25, 0.85] onto [0, 1]. Bands: Low [0, 0.25), Medium [0.25, 0.75), High.
* ``exposure``: the face's mean luma in [0, 1]. Bands (Azure's):
  UnderExposure [0, 0.25), GoodExposure [0.25, 0.75), OverExposure.
* ``noise``: Immerkaer's (1996) estimate of the noise standard deviation
  sigma (grey levels), mapped to ``1 - exp(-sigma / 14)``. Bands (Azure's):
  Low [0, 0.3), Medium [0.3, 0.7), High.
* ``qualityForRecognition``: ``Low`` when the face's shorter side is under
  50 px, |yaw| > 45, |pitch| > 40, blur or noise is High, or the exposure
  value is under 0.1 or over 0.9; ``High`` when the shorter side is at least
  100 px, |yaw| and |pitch| are at most 20, blur and noise are Low and
  exposure is Good; ``Medium`` otherwise.
* ``mask``: the colours of the nose, mouth and chin compared with the skin of
  the glabella and forehead (``core.vision.mask``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.errors import bad_argument
from core.geometry import Box
from core.vision.mask import mask

SUPPORTED_ATTRIBUTES = ("headPose", "blur", "exposure", "noise", "qualityForRecognition", "mask")
UNSUPPORTED_ATTRIBUTES = (
    "age",
    "gender",
    "smile",
    "facialHair",
    "glasses",
    "emotion",
    "hair",
    "makeup",
    "occlusion",
    "accessories",
)
QUALITY_INPUTS = ("headPose", "blur", "exposure", "noise")
"""The measures ``qualityForRecognition`` is decided from."""
ATTRIBUTE_NAMES = {name.lower(): name for name in SUPPORTED_ATTRIBUTES + UNSUPPORTED_ATTRIBUTES}

# An average adult face in millimetres, from typical anthropometric proportions
# (eye corners 32 and 90 mm apart, mouth 50 mm wide, nose tip to chin 82 mm),
# keyed by 68-point index; origin at the nose tip, x right, y down, z away.
MEAN_FACE_MODEL: dict[int, tuple[float, float, float]] = {
    8: (0.0, 82.0, 32.0),
    27: (0.0, -40.0, 20.0),
    30: (0.0, 0.0, 0.0),
    31: (-15.0, 8.0, 20.0),
    33: (0.0, 12.0, 15.0),
    35: (15.0, 8.0, 20.0),
    36: (-45.0, -33.0, 42.0),
    39: (-16.0, -31.0, 30.0),
    42: (16.0, -31.0, 30.0),
    45: (45.0, -33.0, 42.0),
    48: (-25.0, 33.0, 30.0),
    51: (0.0, 25.0, 17.0),
    54: (25.0, 33.0, 30.0),
    57: (0.0, 45.0, 21.0),
}
MODEL_INDICES = np.array(list(MEAN_FACE_MODEL), dtype=np.int64)
MODEL_POINTS = np.array(list(MEAN_FACE_MODEL.values()), dtype=np.float64)
MODEL_EYE_DISTANCE = math.dist(
    np.mean([MEAN_FACE_MODEL[36], MEAN_FACE_MODEL[39]], axis=0),
    np.mean([MEAN_FACE_MODEL[42], MEAN_FACE_MODEL[45]], axis=0),
)

LUMA = np.array([0.299, 0.587, 0.114])
BLUR_FILTER_TAPS = 9
BLUR_EFFECT_RANGE = (0.25, 0.85)
NOISE_SIGMA_SCALE = 14.0
BLUR_BANDS = ((0.25, "Low"), (0.75, "Medium"), (math.inf, "High"))
EXPOSURE_BANDS = ((0.25, "UnderExposure"), (0.75, "GoodExposure"), (math.inf, "OverExposure"))
NOISE_BANDS = ((0.3, "Low"), (0.7, "Medium"), (math.inf, "High"))


def parse_attribute_names(text: str | None) -> tuple[str, ...]:
    """The attributes named in a ``returnFaceAttributes`` query value, in Azure's spelling.

    Names match case-insensitively; repeats are dropped. An unknown name is
    ``BadArgument`` "Invalid argument returnFaceAttributes."; a known attribute
    this service does not compute is ``BadArgument`` naming it.
    """
    if text is None or not text.strip():
        return ()
    names: list[str] = []
    for item in text.split(","):
        name = ATTRIBUTE_NAMES.get(item.strip().lower())
        if name is None:
            raise bad_argument("Invalid argument returnFaceAttributes.")
        if name in UNSUPPORTED_ATTRIBUTES:
            raise bad_argument(f"Face attribute '{name}' is not supported.")
        if name not in names:
            names.append(name)
    return tuple(names)


def level(value: float, bands: tuple[tuple[float, str], ...]) -> str:
    return next(name for upper, name in bands if value < upper)


def rotation_matrix(roll: float, yaw: float, pitch: float) -> np.ndarray:
    """Rz(roll) @ Ry(yaw) @ Rx(pitch), angles in radians."""
    cr, sr = math.cos(roll), math.sin(roll)
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)
    return np.array(
        [
            [cr * cy, cr * sy * sp - sr * cp, cr * sy * cp + sr * sp],
            [sr * cy, sr * sy * sp + cr * cp, sr * sy * cp - cr * sp],
            [-sy, cy * sp, cy * cp],
        ]
    )


def project(pose: np.ndarray, focal: float, centre: np.ndarray) -> np.ndarray:
    """Image points of the mean face model under ``pose`` (roll, yaw, pitch, tx, ty, tz)."""
    camera = MODEL_POINTS @ rotation_matrix(*pose[:3]).T + pose[3:]
    return focal * camera[:, :2] / camera[:, 2:3] + centre


def initial_pose(points68: np.ndarray, focal: float, centre: np.ndarray) -> np.ndarray:
    """A frontal pose with the eye line's roll, at the depth that gives the eyes' spacing."""
    eye_left = points68[[36, 39]].mean(axis=0)
    eye_right = points68[[42, 45]].mean(axis=0)
    eye_vector = eye_right - eye_left
    depth = focal * MODEL_EYE_DISTANCE / max(float(np.hypot(*eye_vector)), 1e-6)
    shift = (points68[30] - centre) * depth / focal
    return np.array([math.atan2(eye_vector[1], eye_vector[0]), 0.0, 0.0, shift[0], shift[1], depth])


def fit_pose(points68: np.ndarray, focal: float, centre: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Levenberg-Marquardt fit of (roll, yaw, pitch, tx, ty, tz) to the model's landmarks."""
    targets = points68[MODEL_INDICES]

    def residuals(candidate: np.ndarray) -> np.ndarray:
        return (project(candidate, focal, centre) - targets).ravel()

    pose = initial_pose(points68, focal, centre)
    steps = np.array([1e-6, 1e-6, 1e-6, 1e-4, 1e-4, 1e-4]) * np.maximum(1.0, np.abs(pose))
    current = residuals(pose)
    cost = float(current @ current)
    damping = 1e-3
    for _ in range(iterations):
        shifted = [residuals(pose + step * unit) for step, unit in zip(steps, np.eye(6), strict=True)]
        jacobian = np.stack([(row - current) / step for row, step in zip(shifted, steps, strict=True)], axis=1)
        normal = jacobian.T @ jacobian
        gradient = jacobian.T @ current
        while damping < 1e10:
            candidate = pose + np.linalg.solve(normal + damping * np.diag(np.diag(normal)), -gradient)
            trial = residuals(candidate)
            trial_cost = float(trial @ trial)
            if trial_cost < cost:
                break
            damping *= 4
        else:
            break
        improvement = cost - trial_cost
        pose, current, cost, damping = candidate, trial, trial_cost, max(damping / 3, 1e-9)
        if improvement < 1e-10 * (cost + 1.0):
            break
    return pose


def head_pose(points68: np.ndarray, image_shape: tuple[int, ...]) -> dict[str, float]:
    """Azure's ``headPose`` {pitch, roll, yaw} in degrees (see the module's conventions)."""
    height, width = image_shape[:2]
    centre = np.array([width / 2.0, height / 2.0])
    pose = fit_pose(np.asarray(points68, dtype=np.float64), float(max(width, height)), centre)
    rotation = rotation_matrix(*pose[:3])
    yaw = math.asin(max(-1.0, min(1.0, -rotation[2, 0])))
    pitch = math.atan2(rotation[2, 1], rotation[2, 2])
    roll = math.atan2(rotation[1, 0], rotation[0, 0])
    angles = {"pitch": pitch, "roll": roll, "yaw": yaw}
    return {name: round(math.degrees(angle), 1) for name, angle in angles.items()}


def face_luma(image_rgb_uint8: np.ndarray, box: Box) -> np.ndarray:
    """Rec. 601 luma (0-255, float64) of the face box clipped to the image."""
    height, width = image_rgb_uint8.shape[:2]
    left, top, right, bottom = (round(value) for value in box)
    region = image_rgb_uint8[max(top, 0) : min(bottom + 1, height), max(left, 0) : min(right + 1, width)]
    return region.astype(np.float64) @ LUMA


def box_filter(values: np.ndarray, taps: int, axis: int) -> np.ndarray:
    """Moving average of ``taps`` samples along ``axis``, edges repeated."""
    padding = [(0, 0), (0, 0)]
    padding[axis] = (taps // 2, taps // 2)
    sums = np.cumsum(np.pad(values, padding, mode="edge"), axis=axis)
    sums = np.insert(sums, 0, 0.0, axis=axis)
    upper = np.take(sums, np.arange(taps, sums.shape[axis]), axis=axis)
    lower = np.take(sums, np.arange(0, sums.shape[axis] - taps), axis=axis)
    return (upper - lower) / taps


def blur_effect(luma: np.ndarray) -> float:
    """Crete-Roffet's blur effect in [0, 1]: 0 sharp, 1 no detail left to lose."""
    effects = []
    for axis in (0, 1):
        if luma.shape[axis] < 2:
            return 1.0
        variation = np.abs(np.diff(luma, axis=axis))
        blurred_variation = np.abs(np.diff(box_filter(luma, BLUR_FILTER_TAPS, axis), axis=axis))
        total = float(variation.sum())
        if total == 0.0:
            return 1.0
        lost = float(np.maximum(0.0, variation - blurred_variation).sum())
        effects.append((total - lost) / total)
    return max(effects)


def noise_sigma(luma: np.ndarray) -> float:
    """Immerkaer's estimate of the standard deviation of additive noise, in grey levels."""
    height, width = luma.shape
    if height < 3 or width < 3:
        return 0.0
    kernel = np.array([[1.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 1.0]])
    response = sum(
        kernel[row, column] * luma[row : height - 2 + row, column : width - 2 + column]
        for row in range(3)
        for column in range(3)
    )
    return math.sqrt(math.pi / 2.0) * float(np.abs(response).mean()) / 6.0


def blur(luma: np.ndarray) -> dict[str, Any]:
    low, high = BLUR_EFFECT_RANGE
    value = round(min(1.0, max(0.0, (blur_effect(luma) - low) / (high - low))), 2)
    return {"blurLevel": level(value, BLUR_BANDS), "value": value}


def exposure(luma: np.ndarray) -> dict[str, Any]:
    value = round(float(luma.mean()) / 255.0, 2) if luma.size else 0.0
    return {"exposureLevel": level(value, EXPOSURE_BANDS), "value": value}


def noise(luma: np.ndarray) -> dict[str, Any]:
    value = round(1.0 - math.exp(-noise_sigma(luma) / NOISE_SIGMA_SCALE), 2)
    return {"noiseLevel": level(value, NOISE_BANDS), "value": value}


def quality_for_recognition(
    box: Box, pose: dict[str, float], blurred: dict[str, Any], exposed: dict[str, Any], noisy: dict[str, Any]
) -> str:
    """The rule in the module's docstring."""
    side = min(box.width, box.height)
    if (
        side < 50
        or abs(pose["yaw"]) > 45
        or abs(pose["pitch"]) > 40
        or blurred["blurLevel"] == "High"
        or noisy["noiseLevel"] == "High"
        or not 0.1 <= float(exposed["value"]) <= 0.9
    ):
        return "Low"
    if (
        side >= 100
        and abs(pose["yaw"]) <= 20
        and abs(pose["pitch"]) <= 20
        and blurred["blurLevel"] == "Low"
        and noisy["noiseLevel"] == "Low"
        and exposed["exposureLevel"] == "GoodExposure"
    ):
        return "High"
    return "Medium"


def compute_attributes(
    names: Sequence[str], image_rgb_uint8: np.ndarray, box: Box, points68: np.ndarray
) -> dict[str, Any]:
    """Azure's ``faceAttributes`` object holding the requested ``names``.

    ``box`` is the face's box (dlib's convention) and ``points68`` its (68, 2)
    landmarks, both in the image's pixels.
    """
    luma = face_luma(image_rgb_uint8, box)
    measures: dict[str, Callable[[], dict[str, Any]]] = {
        "headPose": lambda: head_pose(points68, image_rgb_uint8.shape),
        "blur": lambda: blur(luma),
        "exposure": lambda: exposure(luma),
        "noise": lambda: noise(luma),
        "mask": lambda: mask(image_rgb_uint8, points68),
    }
    unknown = [name for name in names if name not in measures and name != "qualityForRecognition"]
    if unknown:
        raise bad_argument(f"Face attribute '{unknown[0]}' is not supported.")
    needed = set(names) | (set(QUALITY_INPUTS) if "qualityForRecognition" in names else set())
    measured: dict[str, Any] = {name: measure() for name, measure in measures.items() if name in needed}
    if "qualityForRecognition" in names:
        measured["qualityForRecognition"] = quality_for_recognition(
            box, measured["headPose"], measured["blur"], measured["exposure"], measured["noise"]
        )
    return {name: measured[name] for name in names}
