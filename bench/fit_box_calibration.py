"""Fit each detector's box calibration to dlib's CNN boxes, and measure it.

For every photo in ``tests/fixtures/dlib_reference.json`` the detector runs on
the photo and each of its raw boxes is matched to the dlib CNN box of the same
face (upsample 1 where recorded, else 0). The calibration's four numbers are
first the least-squares fit in the box's own frame (means of the normalised
offsets and size ratios), then refined by a coordinate search on what
matters: the mean L2 distance between the 128-D descriptor computed by dlib
(5-point shape predictor and ResNet) from the calibrated box and the recorded
descriptor from dlib's own box.

Every measurement is set against the floor: dlib's own CNN box moved by one
pixel. dlib's 5-point shape predictor reads single pixels and compares them
against thresholds, so a box that differs from dlib's by a pixel already moves
the descriptor about as far as a calibrated MTCNN box does.

    python bench/fit_box_calibration.py              # fit and print constants
    python bench/fit_box_calibration.py --check      # measure the committed constants
    python bench/fit_box_calibration.py --held-out   # fit on alternate photos, measure on the others
    python bench/fit_box_calibration.py --landmarks  # measure landmark-based box normalisation
    python bench/fit_box_calibration.py --refined    # measure MMOD box refinement
    python bench/fit_box_calibration.py --detector yunet [--check | --held-out]   # YuNet's boxes

``--refined`` measures ``core.vision.detection.refinement``: each calibrated MTCNN
box replaced by dlib's CNN box recomputed on crops of dlib's pyramid (the
calibrated box where that finds nothing), against dlib's boxes and
descriptors in the refinement's convention (upsample 0 where dlib's detector
finds the face at upsample 0, else upsample 1), with the share of boxes equal
to dlib's and the refinement's time per photo. Nothing is fitted.

``--landmarks`` measures the alternative of deriving the box from the face's
landmarks: predict the 5 points on the calibrated box, take the box in which
the predictor's mean shape best fits them (least squares), move it into dlib's
CNN box frame by the median offsets and size ratios (fitted in-sample, then on
alternate photos), and predict again.

Needs dlib (``dlib-bin``) for the reference shape predictor and ResNet.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import dlib
import numpy as np

from core.geometry import Box
from core.vision.detection.calibration import MTCNN_TO_DLIB, YUNET_TO_DLIB, BoxCalibration
from core.vision.detection.mtcnn import Mtcnn
from core.vision.detection.refinement import refine_boxes
from core.vision.detection.yunet import Yunet
from core.vision.model_files import dlib_model_path
from core.vision.shape_predictor import load_shape_predictor
from tests.support.paths import SHARED_DATA as DATA_DIR
from tests.support.reference import FIXTURE, iou
from tests.support.reference import load_rgb as cached_rgb

FIT_MIN_FACE_SIZE = 20.0
FIT_YUNET_THRESHOLD = 0.5
REFINE_ROUNDS = 3
ONE_PIXEL_RIGHT = np.array([1.0, 0.0, 1.0, 0.0])

Pair = tuple[str, dict, Box]


def reference_faces(entry: dict) -> list[dict]:
    return entry["cnn"]["1"] if "1" in entry["cnn"] else entry["cnn"]["0"]


def convention_faces(entry: dict) -> list[dict]:
    """dlib's faces at upsample 0, and at upsample 1 those it finds only there (the
    refinement's convention)."""
    at_zero = entry["cnn"]["0"]
    only_at_one = [
        face
        for face in entry["cnn"].get("1", [])
        if all(iou(face["box"], other["box"], inclusive=True) < 0.5 for other in at_zero)
    ]
    return at_zero + only_at_one


def load_rgb(name: str) -> np.ndarray:
    return cached_rgb(DATA_DIR, name)


def match(reference: list[int], boxes: list[Box]) -> Box | None:
    """The detector box holding the reference box's centre, nearest centre first,
    of a compatible size."""
    left, top, right, bottom = reference
    centre_x, centre_y, size = (left + right) / 2, (top + bottom) / 2, right - left
    best, best_distance = None, np.inf
    for box in boxes:
        x1, y1, x2, y2 = box
        if not (x1 <= centre_x <= x2 and y1 <= centre_y <= y2 and 0.5 < (x2 - x1) / max(size, 1) < 2.0):
            continue
        distance = np.hypot((x1 + x2) / 2 - centre_x, (y1 + y2) / 2 - centre_y)
        if distance < best_distance:
            best, best_distance = box, distance
    return best


def matched_pairs(
    detect: Callable[[np.ndarray], list[Box]], faces_of: Callable[[dict], list[dict]] = reference_faces
) -> list[Pair]:
    fixture = json.loads(FIXTURE.read_text())
    pairs = []
    for name, entry in sorted(fixture["images"].items()):
        boxes = detect(load_rgb(name))
        for face in faces_of(entry):
            box = match(face["box"], boxes)
            if box is not None:
                pairs.append((name, face, box))
    return pairs


def split_by_photo(pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    """The pairs of alternate photos (in name order), so no photo is on both sides."""
    names = sorted({name for name, _, _ in pairs})
    first = set(names[::2])
    return [pair for pair in pairs if pair[0] in first], [pair for pair in pairs if pair[0] not in first]


def box_frame(source: Box, target: Box) -> tuple[float, float, float, float]:
    """``target`` in ``source``'s frame: centre offsets over width/height, then size ratios."""
    x1, y1, x2, y2 = source
    left, top, right, bottom = target
    width, height = x2 - x1, y2 - y1
    return (
        ((left + right) - (x1 + x2)) / 2 / width,
        ((top + bottom) - (y1 + y2)) / 2 / height,
        (right - left) / width,
        (bottom - top) / height,
    )


def fit(pairs: list[Pair]) -> BoxCalibration:
    frames = np.array([box_frame(box, face["box"]) for _, face, box in pairs])
    return BoxCalibration(*(round(float(value), 4) for value in frames.mean(axis=0)))


@cache
def dlib_models() -> tuple[dlib.shape_predictor, dlib.face_recognition_model_v1]:
    return (
        dlib.shape_predictor(str(dlib_model_path("shape_predictor_5_face_landmarks.dat"))),
        dlib.face_recognition_model_v1(str(dlib_model_path("dlib_face_recognition_resnet_model_v1.dat"))),
    )


def dlib_shape(image: np.ndarray, box: Box) -> dlib.full_object_detection:
    return dlib_models()[0](image, dlib.rectangle(*(round(value) for value in box)))


def distance_to_reference(image: np.ndarray, face: dict, shape: dlib.full_object_detection) -> float:
    descriptor = np.asarray(dlib_models()[1].compute_face_descriptor(image, shape))
    return float(np.linalg.norm(descriptor - np.asarray(face["descriptor"])))


def descriptor_distances(pairs: list[Pair], to_box: Callable[[Box], Box]) -> np.ndarray:
    """Distances to dlib's descriptors of the descriptors from ``to_box`` of each detector box."""
    return np.asarray(
        [
            distance_to_reference(load_rgb(name), face, dlib_shape(load_rgb(name), to_box(box)))
            for name, face, box in pairs
        ]
    )


def refine(pairs: list[Pair], start: BoxCalibration) -> BoxCalibration:
    """Coordinate search (halving steps) on the mean descriptor distance."""
    best = start
    best_cost = float(descriptor_distances(pairs, best.apply).mean())
    steps = {"shift_x": 0.02, "shift_y": 0.02, "scale_x": 0.04, "scale_y": 0.04}
    for _ in range(REFINE_ROUNDS):
        for field, step in steps.items():
            for direction in (1, -1):
                trial = replace(best, **{field: round(getattr(best, field) + direction * step, 4)})
                cost = float(descriptor_distances(pairs, trial.apply).mean())
                if cost < best_cost:
                    best, best_cost = trial, cost
                    break
        steps = {field: step / 2 for field, step in steps.items()}
    return best


def fit_calibration(pairs: list[Pair]) -> BoxCalibration:
    return refine(pairs, fit(pairs))


def shape_box(points: np.ndarray) -> Box:
    """The box whose unit square carries the 5-point predictor's mean shape closest
    (least squares, per axis) onto ``points`` (5, 2)."""
    mean_shape = load_shape_predictor(5).initial_shape.astype(np.float64)
    corners = []
    for axis in (0, 1):
        design = np.stack([np.ones(len(mean_shape)), mean_shape[:, axis]], axis=1)
        origin, size = np.linalg.lstsq(design, points[:, axis], rcond=None)[0]
        corners.append((float(origin), float(origin + size)))
    (left, right), (top, bottom) = corners
    return Box(left, top, right, bottom)


def landmark_box(image: np.ndarray, box: Box) -> Box:
    shape = dlib_shape(image, MTCNN_TO_DLIB.apply(box))
    return shape_box(np.array([(point.x, point.y) for point in shape.parts()], dtype=np.float64))


def fit_landmark_frame(pairs: list[Pair]) -> BoxCalibration:
    """Median offsets and size ratios from the landmark box to dlib's CNN box."""
    frames = [box_frame(landmark_box(load_rgb(name), box), face["box"]) for name, face, box in pairs]
    return BoxCalibration(*(float(value) for value in np.median(np.array(frames), axis=0)))


def landmark_distances(pairs: list[Pair], frame: BoxCalibration) -> np.ndarray:
    return np.asarray(
        [
            distance_to_reference(
                load_rgb(name), face, dlib_shape(load_rgb(name), frame.apply(landmark_box(load_rgb(name), box)))
            )
            for name, face, box in pairs
        ]
    )


def one_pixel_floor(pairs: list[Pair]) -> np.ndarray:
    """Distances to dlib's descriptors from dlib's own CNN boxes moved one pixel right."""
    return np.asarray(
        [
            distance_to_reference(
                load_rgb(name), face, dlib_shape(load_rgb(name), np.asarray(face["box"]) + ONE_PIXEL_RIGHT)
            )
            for name, face, _ in pairs
        ]
    )


def report(label: str, distances: np.ndarray) -> None:
    print(
        f"{label}: faces {distances.size}, L2 to dlib's descriptor: mean {distances.mean():.4f} "
        f"median {np.median(distances):.4f} p95 {np.percentile(distances, 95):.4f} max {distances.max():.4f}, "
        f"within 0.05: {np.mean(distances <= 0.05):.0%}"
    )


def held_out(
    pairs: list[Pair],
    fit_on: Callable[[list[Pair]], BoxCalibration],
    measure: Callable[[list[Pair], BoxCalibration], np.ndarray],
) -> np.ndarray:
    """Distances of each half of the photos under the fit on the other half."""
    first, second = split_by_photo(pairs)
    return np.concatenate([measure(second, fit_on(first)), measure(first, fit_on(second))])


def calibrated_distances(pairs: list[Pair], calibration: BoxCalibration) -> np.ndarray:
    return descriptor_distances(pairs, calibration.apply)


def measure_refinement(mtcnn: Mtcnn) -> None:
    """Refined boxes against dlib's, in the refinement's convention (see the module docstring)."""
    pairs = matched_pairs(lambda image: [face.box for face in mtcnn.detect(image)], convention_faces)
    report("MTCNN calibrated", calibrated_distances(pairs, MTCNN_TO_DLIB))
    refined, seconds = [], []
    for name in sorted({name for name, _, _ in pairs}):
        image = load_rgb(name)
        faces = [(face, box) for pair_name, face, box in pairs if pair_name == name]
        calibrated = [MTCNN_TO_DLIB.apply(box) for _, box in faces]
        start = time.perf_counter()
        rects = refine_boxes(image, calibrated)
        seconds.append(time.perf_counter() - start)
        for (face, _), rect, fallback in zip(faces, rects, calibrated, strict=True):
            refined.append((image, face, rect, fallback))
    distances = np.asarray(
        [
            distance_to_reference(image, face, dlib_shape(image, fallback if rect is None else rect))
            for image, face, rect, fallback in refined
        ]
    )
    report("MTCNN refined", distances)
    exact = np.mean([rect is not None and list(rect) == face["box"] for _, face, rect, _ in refined])
    missing = sum(rect is None for _, _, rect, _ in refined)
    print(
        f"refined boxes equal to dlib's: {exact:.1%}; not found by the refinement: {missing}; "
        f"refinement time per photo: median {1000 * np.median(seconds):.0f} ms, max {1000 * max(seconds):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", choices=("mtcnn", "yunet"), default="mtcnn", help="whose boxes to calibrate")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="measure the committed constants only")
    mode.add_argument("--held-out", action="store_true", help="fit on alternate photos, measure on the others")
    mode.add_argument("--landmarks", action="store_true", help="measure landmark-based box normalisation (MTCNN)")
    mode.add_argument("--refined", action="store_true", help="measure MMOD box refinement (MTCNN)")
    arguments = parser.parse_args()
    mtcnn = Mtcnn(FIT_MIN_FACE_SIZE)
    if arguments.refined:
        measure_refinement(mtcnn)
        return
    if arguments.detector == "yunet":
        yunet = Yunet(FIT_YUNET_THRESHOLD)
        label, committed, detect = "YuNet", YUNET_TO_DLIB, lambda image: [face.box for face in yunet.detect(image)]
    else:
        label, committed, detect = "MTCNN", MTCNN_TO_DLIB, lambda image: [face.box for face in mtcnn.detect(image)]
    pairs = matched_pairs(detect)
    print(f"{len(pairs)} {label} boxes matched to dlib's CNN boxes")
    report("dlib's CNN box moved one pixel (floor)", one_pixel_floor(pairs))
    if arguments.held_out:
        report(f"{label} calibrated, held out", held_out(pairs, fit_calibration, calibrated_distances))
        return
    if arguments.landmarks:
        report("MTCNN landmark box, in-sample", landmark_distances(pairs, fit_landmark_frame(pairs)))
        report("MTCNN landmark box, held out", held_out(pairs, fit_landmark_frame, landmark_distances))
        calibration = committed
    elif arguments.check:
        calibration = committed
    else:
        report(f"{label} uncalibrated", calibrated_distances(pairs, BoxCalibration()))
        geometric = fit(pairs)
        report(f"{label} least squares {geometric!r}", calibrated_distances(pairs, geometric))
        calibration = refine(pairs, geometric)
        print(f"{label.upper()}_TO_DLIB = {calibration!r}")
    report(f"{label} calibrated", calibrated_distances(pairs, calibration))


if __name__ == "__main__":
    main()
