"""Face features: our dlib ResNet port against dlib's compute_face_descriptor, our SFace against OpenCV's.

dlib's ResNet: faces come from dlib's HOG detector and 5-point shape predictor
on the shared photos; both sides embed the same faces. Prints milliseconds per
face (our single-face calls, our one-call-per-photo batches, dlib's shape +
descriptor and descriptor alone), the speed ratios, the largest feature
difference and the peak resident memory after each phase.

SFace (recognition_03/04): faces and their five points come from OpenCV's
YuNet on the same photos; ours (alignment + onnxruntime on the folded graph)
against OpenCV's ``FaceRecognizerSF`` (``alignCrop`` + ``feature``, one face a
call, OpenCV's DNN on one thread), with the smallest cosine between the two.

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
    sface_against_opencv(repeat, dlib_full, batched)


def recognizer_crops(image: np.ndarray, points: list[np.ndarray]) -> np.ndarray:
    """SFace's network input for each face: (N, 3, 112, 112) float32 RGB planes of its aligned crop."""
    from core.vision.recognition.sface import aligned_crop

    if not points:
        return np.zeros((0, 3, 112, 112), dtype=np.float32)
    return np.stack([aligned_crop(image, face) for face in points]).transpose(0, 3, 1, 2).astype(np.float32)


def sface_against_opencv(repeat: int, dlib_full: float, dlib_port_batched: float) -> None:
    """SFace per face: ours single and batched, OpenCV's alignCrop + feature, and their agreement."""
    import cv2

    from core.vision.detection.yunet import model_path as yunet_path
    from core.vision.recognition.sface import SfaceRecognizer
    from core.vision.recognition.sface import model_path as sface_path

    cv2.setNumThreads(1)
    photos = []
    for name in PHOTOS:
        image_bgr = cv2.imread(str(DATA / name), cv2.IMREAD_COLOR)
        height, width = image_bgr.shape[:2]
        detector = cv2.FaceDetectorYN.create(str(yunet_path()), "", (width, height), 0.8, 0.3, 5000)
        rows = detector.detect(image_bgr)[1]
        rows = np.zeros((0, 15), dtype=np.float32) if rows is None else rows
        points = [row[4:14].astype(np.float64).reshape(5, 2) for row in rows]
        photos.append((image_bgr, np.ascontiguousarray(image_bgr[..., ::-1]), rows, points))
    faces = sum(len(rows) for _, _, rows, _ in photos)
    recognizer, reference = SfaceRecognizer(), cv2.FaceRecognizerSF.create(str(sface_path()), "")

    def ours_single() -> None:
        for _, image, _, points in photos:
            for face_points in points:
                recognizer.point_features(image, [face_points])

    def ours_batched() -> None:
        for _, image, _, points in photos:
            recognizer.point_features(image, points)

    import onnx

    from core.vision.conversion.quantised_weights import without_unread_inputs
    from core.vision.sessions import create_session

    as_shipped = create_session(without_unread_inputs(onnx.load(str(sface_path()))).SerializeToString())
    crops = [recognizer_crops(image, points) for _, image, _, points in photos]

    def shipped_single() -> None:
        for photo_crops in crops:
            for crop in photo_crops:
                as_shipped.run(None, {"data": crop[np.newaxis]})

    def folded_single() -> None:
        for photo_crops in crops:
            for crop in photo_crops:
                recognizer.session.run(None, {"data": crop[np.newaxis]})

    def opencv() -> None:
        for image_bgr, _, rows, _ in photos:
            for row in rows:
                reference.feature(reference.alignCrop(image_bgr, row))

    single = best_of(repeat, ours_single) / faces * 1000
    batched = best_of(repeat, ours_batched) / faces * 1000
    theirs = best_of(repeat, opencv) / faces * 1000
    shipped = best_of(repeat, shipped_single) / faces * 1000
    folded = best_of(repeat, folded_single) / faces * 1000
    cosines = []
    for image_bgr, image, rows, points in photos:
        for row, feature in zip(rows, recognizer.point_features(image, points), strict=True):
            expected = reference.feature(reference.alignCrop(image_bgr, row))[0]
            cosines.append(float(feature @ expected) / float(np.linalg.norm(expected)))
    print(f"\nSFace, {faces} faces from OpenCV's YuNet in the same photos")
    print(f"ours, one face per call:       {single:7.2f} ms/face")
    print(f"ours, one call per photo:      {batched:7.2f} ms/face")
    print(f"OpenCV alignCrop + feature:    {theirs:7.2f} ms/face")
    print(f"network alone, shipped graph (weights dequantised per call): {shipped:7.2f} ms/face")
    print(
        f"network alone, weights folded to float32 (the cache's):      {folded:7.2f} ms/face (x{shipped / folded:.2f})"
    )
    print(
        f"SFace batched: x{batched / dlib_port_batched:.2f} the time of our dlib ResNet port (batched), "
        f"x{batched / dlib_full:.2f} that of dlib's shape + descriptor"
    )
    print(f"smallest cosine ours vs OpenCV: {min(cosines):.7f}")


if __name__ == "__main__":
    main()
