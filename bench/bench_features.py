"""Face features: our chips + onnxruntime against dlib's compute_face_descriptor.

Faces come from dlib's HOG detector and 5-point shape predictor on the shared
photos; both sides embed the same faces. Prints milliseconds per face (our
single-face calls, our one-call-per-photo batches, dlib's shape + descriptor
and descriptor alone), the speed ratios, the largest feature difference and
the peak resident memory after each phase.

    python bench/bench_features.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from PIL import Image

from core.settings import get_settings
from core.vision.model_files import dlib_model_path
from core.vision.recognition.dlib_resnet import DlibResnetRecognizer
from tests.support.paths import SHARED_DATA as DATA
from tests.support.reference import FEATURE_PHOTOS as PHOTOS


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(repeat: int, action) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timing runs; the best is reported")
    repeat = parser.parse_args().repeat

    import dlib

    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(dlib_model_path("shape_predictor_5_face_landmarks.dat")))
    photos = []
    for name in PHOTOS:
        image = np.asarray(Image.open(DATA / name).convert("RGB"))
        boxes = list(detector(image, 0))
        shapes = [predictor(image, box) for box in boxes]
        arrays = [np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64) for shape in shapes]
        photos.append((image, boxes, shapes, arrays))
    faces = sum(len(boxes) for _, boxes, _, _ in photos)
    print(f"{faces} faces in {len(photos)} photos; inference threads: {get_settings().inference_threads}")
    print(f"peak RSS after dlib detection and shapes: {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    recognizer = DlibResnetRecognizer()
    recognizer.shape_features(photos[0][0], photos[0][3][:1])
    print(f"recognizer load and first call: {(time.perf_counter() - started) * 1000:.0f} ms")

    def ours_single() -> None:
        for image, _, _, arrays in photos:
            for shape in arrays:
                recognizer.shape_features(image, [shape])

    def ours_batched() -> None:
        for image, _, _, arrays in photos:
            recognizer.shape_features(image, arrays)

    single = best_of(repeat, ours_single) / faces * 1000
    batched = best_of(repeat, ours_batched) / faces * 1000
    ours = np.concatenate([recognizer.shape_features(image, arrays) for image, _, _, arrays in photos])
    print(f"peak RSS after our features: {peak_rss_mb():.0f} MB")

    dlib_recognizer = dlib.face_recognition_model_v1(str(dlib_model_path("dlib_face_recognition_resnet_model_v1.dat")))

    def dlib_shape_and_descriptor() -> None:
        for image, boxes, _, _ in photos:
            for box in boxes:
                dlib_recognizer.compute_face_descriptor(image, predictor(image, box))

    def dlib_descriptor() -> None:
        for image, _, shapes, _ in photos:
            for shape in shapes:
                dlib_recognizer.compute_face_descriptor(image, shape)

    dlib_full = best_of(repeat, dlib_shape_and_descriptor) / faces * 1000
    dlib_only = best_of(repeat, dlib_descriptor) / faces * 1000
    theirs = np.array(
        [dlib_recognizer.compute_face_descriptor(image, shape) for image, _, shapes, _ in photos for shape in shapes]
    )
    print(f"peak RSS after dlib descriptors: {peak_rss_mb():.0f} MB")

    print(f"ours, one face per call:       {single:7.2f} ms/face")
    print(f"ours, one call per photo:      {batched:7.2f} ms/face")
    print(f"dlib, shape + descriptor:      {dlib_full:7.2f} ms/face")
    print(f"dlib, descriptor only:         {dlib_only:7.2f} ms/face")
    print(f"speed-up vs dlib shape + descriptor: single {dlib_full / single:.1f}x, batched {dlib_full / batched:.1f}x")
    print(f"speed-up vs dlib descriptor only:    single {dlib_only / single:.1f}x, batched {dlib_only / batched:.1f}x")
    print(f"max L2 distance ours vs dlib: {np.linalg.norm(ours - theirs, axis=1).max():.3g}")


if __name__ == "__main__":
    main()
