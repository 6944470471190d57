"""A verification-accuracy proxy on the shared photos: same-person and different-person pairs per recognition model.

The shared photos name their people (face_recognition's examples, its knn
example and test images, facenet_pytorch's test images); each photo gives its
largest face, photos with identical bytes count once and resized copies of one
photo (obama-240p ... obama-1080p, obama_small) are left out. Every pair of two
photos is a same-person pair when they name one person, a different-person
pair otherwise. This is a small set (the counts are printed), far from LFW's
6,000 pairs: it shows that each model's threshold separates these faces, not
how accurate the model is.

For each model: the distance distributions, the pairs its threshold gets wrong
(``core.vision.catalog.confidence_curve``) and the reported confidences of each
kind of pair. SFace runs with YuNet's landmarks (detection_03), dlib's ResNet
with detection_01 (dlib's own pipeline).

    python bench/bench_verification.py
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np
from PIL import Image

from core.vision.analysis import detect_faces, face_features
from core.vision.catalog import confidence_curve
from tests.support.paths import SHARED_DATA as DATA_DIR

EXAMPLES = Path("face_recognition/examples")
KNN = EXAMPLES / "knn_examples"
TESTS = Path("face_recognition/tests/test_images")
FACENET = Path("facenet_pytorch/data/test_images")
PEOPLE: dict[str, tuple[Path, ...]] = {
    "obama": (
        EXAMPLES / "obama.jpg",
        EXAMPLES / "obama2.jpg",
        KNN / "train/obama/obama.jpg",
        KNN / "train/obama/obama2.jpg",
        KNN / "test/obama1.jpg",
        TESTS / "obama.jpg",
        TESTS / "obama2.jpg",
        TESTS / "obama3.jpg",
        TESTS / "obama_partial_face.jpg",
        TESTS / "obama_partial_face2.jpg",
    ),
    "biden": (
        EXAMPLES / "biden.jpg",
        KNN / "train/biden/biden.jpg",
        KNN / "train/biden/biden2.jpg",
        TESTS / "biden.jpg",
    ),
    "alex_lacamoire": (
        EXAMPLES / "alex-lacamoire.png",
        KNN / "train/alex_lacamoire/img1.jpg",
        KNN / "test/alex_lacamoire1.jpg",
    ),
    "rose_leslie": (KNN / "train/rose_leslie/img1.jpg", KNN / "train/rose_leslie/img2.jpg"),
    "kit_harington": (
        KNN / "train/kit_harington/john1.jpeg",
        KNN / "train/kit_harington/john2.jpeg",
        KNN / "test/johnsnow_test1.jpg",
    ),
    "lin_manuel_miranda": (EXAMPLES / "lin-manuel-miranda.png",),
    "kate_siegel": (FACENET / "kate_siegel/1.jpg",),
    "shea_whigham": (FACENET / "shea_whigham/1.jpg",),
    "paul_rudd": (FACENET / "paul_rudd/1.jpg",),
    "angelina_jolie": (FACENET / "angelina_jolie/1.jpg",),
}
MODELS = (("recognition_01", "detection_01", "dlib ResNet"), ("recognition_04", "detection_03", "SFace"))


def labelled_photos() -> list[tuple[str, np.ndarray]]:
    """(person, RGB image) for each distinct photo."""
    seen, photos = set(), []
    for person, paths in PEOPLE.items():
        for path in paths:
            data = (DATA_DIR / path).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            with Image.open(DATA_DIR / path) as image:
                photos.append((person, np.asarray(image.convert("RGB"))))
    return photos


def largest_face_features(photos: list[tuple[str, np.ndarray]], recognition: str, detection: str) -> np.ndarray:
    rows = []
    for _, image in photos:
        faces = detect_faces(image, detection)
        rows.append(face_features(image, faces[:1], recognition)[0])
    return np.stack(rows)


def main() -> None:
    photos = labelled_photos()
    pairs = list(itertools.combinations(range(len(photos)), 2))
    same = np.array([photos[a][0] == photos[b][0] for a, b in pairs])
    print(
        f"{len(photos)} distinct photos of {len(PEOPLE)} people: {int(same.sum())} same-person pairs, "
        f"{int((~same).sum())} different-person pairs"
    )
    for recognition, detection, label in MODELS:
        curve = confidence_curve(recognition)
        features = largest_face_features(photos, recognition, detection)
        distances = np.array([np.linalg.norm(features[a] - features[b]) for a, b in pairs])
        confidences = curve.confidences(distances**2)
        accepted = confidences >= 0.5
        errors = int((accepted != same).sum())
        print(f"\n{label} ({recognition} with {detection}), same-person distance {curve.same_person_distance:.4f}")
        for kind, mask in (("same-person", same), ("different-person", ~same)):
            values, trusted = distances[mask], confidences[mask]
            print(
                f"  {kind:17s} distance min {values.min():.3f} median {np.median(values):.3f} max {values.max():.3f}"
                f"   confidence median {np.median(trusted):.3f} (range {trusted.min():.3f}-{trusted.max():.3f})"
            )
        print(
            f"  at the threshold: {errors} of {len(pairs)} pairs wrong "
            f"({int((~accepted & same).sum())} same-person rejected, {int((accepted & ~same).sum())} "
            f"different-person accepted); margin: largest same {distances[same].max():.3f}, "
            f"smallest different {distances[~same].min():.3f}"
        )


if __name__ == "__main__":
    main()
