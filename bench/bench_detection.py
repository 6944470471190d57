"""Detection speed per image size for every detectionModel, against dlib's detectors.

One photo with six faces (facenet_pytorch/data/multiface.jpg) is resized to
250x250 (LFW's size), 640x480, 1280x720 and 1920x1080; every detectionModel
(detection_03 is YuNet), MTCNN from 24 pixels with refinement (detection_03
before YuNet) and YuNet alone (one pass, no halvings) run on each size after a
warm-up call and the median of ``REPEATS`` calls is reported, as wall time and
as this process's CPU time (which the other loads of a shared machine disturb
less). dlib's HOG detector (upsample 0) runs at every size, dlib's CNN detector
(upsample 0) at 640x480 only because it takes seconds. Everything is
single-threaded (FACE_INFERENCE_THREADS unset means 1).

    python bench/bench_detection.py
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import statistics
import time
from collections.abc import Callable
from functools import partial

import dlib
import numpy as np
from PIL import Image

from core.vision.catalog import DETECTION_MODELS
from core.vision.detection.detectors import YUNET_SCORE_THRESHOLD, MtcnnFaceDetector
from core.vision.detection.yunet import Yunet
from core.vision.model_files import dlib_model_path
from core.vision.registry import get_detection_model
from tests.support.paths import SHARED_DATA

PHOTO = SHARED_DATA / "facenet_pytorch" / "data" / "multiface.jpg"
SIZES = ((250, 250), (640, 480), (1280, 720), (1920, 1080))
REPEATS = 5
DLIB_CNN_SIZES = ((640, 480),)


def timed(run: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Median wall and CPU milliseconds of ``repeats`` calls after one warm-up, and the last result."""
    result = run()
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return 1000 * statistics.median(walls), 1000 * statistics.median(cpus), result


def main() -> None:
    source = Image.open(PHOTO).convert("RGB")
    hog = dlib.get_frontal_face_detector()
    cnn = dlib.cnn_face_detection_model_v1(str(dlib_model_path("mmod_human_face_detector.dat")))
    print(f"{PHOTO.name} resized; median of {REPEATS} runs; wall ms / CPU ms; faces found")
    for width, height in SIZES:
        image = np.asarray(source.resize((width, height), Image.BILINEAR))
        rows: list[tuple[str, float, float, int]] = []
        for name in DETECTION_MODELS:
            detector = get_detection_model(name)
            wall, cpu, faces = timed(partial(detector.detect, image), REPEATS)
            rows.append((name, wall, cpu, len(faces)))  # type: ignore[arg-type]  # rows mix a name with numbers
        previous_03 = MtcnnFaceDetector(min_face_size=24, refine=True)
        wall, cpu, faces = timed(partial(previous_03.detect, image), REPEATS)
        rows.append(("MTCNN 24 px refined (old 03)", wall, cpu, len(faces)))  # type: ignore[arg-type]  # rows mix a name with numbers
        yunet = Yunet(YUNET_SCORE_THRESHOLD)
        wall, cpu, faces = timed(partial(yunet.detect, image), REPEATS)
        rows.append(("YuNet, one pass", wall, cpu, len(faces)))  # type: ignore[arg-type]  # rows mix a name with numbers
        wall, cpu, faces = timed(partial(hog, image, 0), REPEATS)
        rows.append(("dlib HOG (upsample 0)", wall, cpu, len(faces)))  # type: ignore[arg-type]  # rows mix a name with numbers
        if (width, height) in DLIB_CNN_SIZES:
            wall, cpu, faces = timed(partial(cnn, image, 0), 1)
            rows.append(("dlib CNN (upsample 0, 1 run)", wall, cpu, len(faces)))  # type: ignore[arg-type]  # rows mix a name with numbers
        default_cpu = rows[0][2]
        previous_cpu = next(cpu for label, _, cpu, _ in rows if label.startswith("MTCNN 24"))
        hog_cpu = next(cpu for label, _, cpu, _ in rows if label.startswith("dlib HOG"))
        print(f"\n{width}x{height}")
        for label, wall, cpu, count in rows:
            print(
                f"  {label:30s} {wall:8.1f} / {cpu:8.1f} ms  faces {count:2d}"
                f"  x{cpu / default_cpu:6.2f} of detection_01  x{cpu / previous_cpu:6.2f} of old 03"
                f"  x{cpu / hog_cpu:6.2f} of dlib HOG"
            )


if __name__ == "__main__":
    main()
