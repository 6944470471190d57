"""Fit each detector's box calibration to dlib's CNN boxes, and measure it.

For every photo in ``tests/fixtures/dlib_reference.json`` the detector runs on
the photo and each of its raw boxes is matched to the dlib CNN box of the same
face (upsample 1 where recorded, else 0). The calibration's four numbers are
first the least-squares fit in the box's own frame (means of the normalised
offsets and size ratios), then refined by a coordinate search on what
matters: the mean L2 distance between the 128-D descriptor computed by dlib
(5-point shape predictor and ResNet) from the calibrated box and the recorded
descriptor from dlib's own box.

    python bench/fit_box_calibration.py            # fit and print constants
    python bench/fit_box_calibration.py --check    # measure the committed constants

Needs dlib (``dlib-bin``) for the reference shape predictor and ResNet.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import dlib
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.vision.box_calibration import MTCNN_TO_DLIB, Box, BoxCalibration  # noqa: E402
from core.vision.model_files import dlib_model_path  # noqa: E402
from core.vision.mtcnn import Mtcnn  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "dlib_reference.json"
DATA_DIR = ROOT.parent / "shared" / "data"
FIT_MIN_FACE_SIZE = 20.0
REFINE_ROUNDS = 3


def reference_faces(entry: dict) -> list[dict]:
    return entry["cnn"]["1"] if "1" in entry["cnn"] else entry["cnn"]["0"]


def load_rgb(name: str) -> np.ndarray:
    with Image.open(DATA_DIR / name) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB")))


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


def matched_pairs(detect) -> list[tuple[str, dict, Box]]:
    fixture = json.loads(FIXTURE.read_text())
    pairs = []
    for name, entry in sorted(fixture["images"].items()):
        boxes = detect(load_rgb(name))
        for face in reference_faces(entry):
            box = match(face["box"], boxes)
            if box is not None:
                pairs.append((name, face, box))
    return pairs


def fit(pairs: list[tuple[str, dict, Box]]) -> BoxCalibration:
    shifts_x, shifts_y, scales_x, scales_y = [], [], [], []
    for _, face, (x1, y1, x2, y2) in pairs:
        left, top, right, bottom = face["box"]
        width, height = x2 - x1, y2 - y1
        shifts_x.append(((left + right) / 2 - (x1 + x2) / 2) / width)
        shifts_y.append(((top + bottom) / 2 - (y1 + y2) / 2) / height)
        scales_x.append((right - left) / width)
        scales_y.append((bottom - top) / height)
    return BoxCalibration(*(round(float(np.mean(values)), 4) for values in (shifts_x, shifts_y, scales_x, scales_y)))


class DlibFeatures:
    def __init__(self) -> None:
        self.shape_5 = dlib.shape_predictor(str(dlib_model_path("shape_predictor_5_face_landmarks.dat")))
        self.resnet = dlib.face_recognition_model_v1(str(dlib_model_path("dlib_face_recognition_resnet_model_v1.dat")))

    def descriptor(self, image: np.ndarray, box: Box) -> np.ndarray:
        rect = dlib.rectangle(*(int(round(value)) for value in box))
        return np.asarray(self.resnet.compute_face_descriptor(image, self.shape_5(image, rect)))


def descriptor_distances(pairs: list[tuple[str, dict, Box]], calibration: BoxCalibration) -> np.ndarray:
    features = DlibFeatures()
    distances = []
    images: dict[str, np.ndarray] = {}
    for name, face, box in pairs:
        image = images.setdefault(name, load_rgb(name))
        descriptor = features.descriptor(image, calibration.apply(box))
        distances.append(float(np.linalg.norm(descriptor - np.asarray(face["descriptor"]))))
    return np.asarray(distances)


def refine(pairs: list[tuple[str, dict, Box]], start: BoxCalibration) -> BoxCalibration:
    """Coordinate search (halving steps) on the mean descriptor distance."""
    best = start
    best_cost = float(descriptor_distances(pairs, best).mean())
    steps = {"shift_x": 0.02, "shift_y": 0.02, "scale_x": 0.04, "scale_y": 0.04}
    for _ in range(REFINE_ROUNDS):
        for field, step in steps.items():
            for direction in (1, -1):
                trial = replace(best, **{field: round(getattr(best, field) + direction * step, 4)})
                cost = float(descriptor_distances(pairs, trial).mean())
                if cost < best_cost:
                    best, best_cost = trial, cost
                    break
        steps = {field: step / 2 for field, step in steps.items()}
    return best


def report(label: str, distances: np.ndarray) -> None:
    print(
        f"{label}: faces {distances.size}, L2 to dlib's descriptor: mean {distances.mean():.4f} "
        f"median {np.median(distances):.4f} p95 {np.percentile(distances, 95):.4f} max {distances.max():.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="measure the committed constants only")
    arguments = parser.parse_args()
    mtcnn = Mtcnn(FIT_MIN_FACE_SIZE)
    pairs = matched_pairs(lambda image: [face.box for face in mtcnn.detect(image)])
    if arguments.check:
        calibration = MTCNN_TO_DLIB
    else:
        report("MTCNN uncalibrated", descriptor_distances(pairs, BoxCalibration()))
        geometric = fit(pairs)
        report(f"MTCNN least squares {geometric!r}", descriptor_distances(pairs, geometric))
        calibration = refine(pairs, geometric)
        print(f"MTCNN_TO_DLIB = {calibration!r}")
    report("MTCNN calibrated", descriptor_distances(pairs, calibration))


if __name__ == "__main__":
    main()
