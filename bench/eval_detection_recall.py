"""Recall and precision of each face detector, and the smallest face it finds.

1. Annotated boxes: every box of ../shared/data/dlib_faces/training.xml and
   testing.xml (PASCAL VOC photos annotated in dlib's box convention, many
   faces 37 pixels wide). A detection matches a free truth box when their IoU
   is at least 0.5 (greedy, best score first); boxes are compared in dlib's
   convention (the detectors' calibrated ``box``). dlib's own detectors
   are read from the recorded fixture (tests/fixtures/dlib_reference.json);
   ours run live, single-threaded as configured.
2. All shared photos: the faces dlib's CNN found (recorded, upsample 1 where
   recorded) as truth; how many each detectionModel finds, and what else.
3. Smallest face: a real face resized to a given width (of dlib's box) and
   pasted into a 1920x1080 photo without people; the widths each
   detectionModel finds.

    python bench/eval_detection_recall.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
from PIL import Image

from core.vision.catalog import DETECTION_MODELS
from core.vision.detection.detectors import DlibCnnFaceDetector, MtcnnFaceDetector, YunetFaceDetector
from core.vision.registry import get_detection_model
from tests.support.paths import SHARED_DATA as DATA_DIR
from tests.support.reference import FIXTURE, iou

ANNOTATIONS = ("dlib_faces/training.xml", "dlib_faces/testing.xml")
MATCH_IOU = 0.5
FACE_PHOTO = "face_recognition/examples/obama.jpg"
BACKGROUND_PHOTO = "dlib_faces/dogs.jpg"
YUNET_THRESHOLDS = (0.8, 0.85, 0.87, 0.9)
FACE_WIDTHS = (8, 10, 12, 14, 16, 20, 24, 28, 32, 36, 40, 48, 64, 80, 96)

Box = tuple[float, float, float, float]


def annotated_faces() -> dict[str, list[Box]]:
    """Truth boxes per photo (path under the data directory), dlib rectangles."""
    faces: dict[str, list[Box]] = {}
    for annotation in ANNOTATIONS:
        folder = Path(annotation).parent
        for image in ElementTree.parse(DATA_DIR / annotation).getroot().iter("image"):
            boxes = faces.setdefault((folder / image.get("file", "")).as_posix(), [])
            for box in image.iter("box"):
                left, top = int(box.get("left", 0)), int(box.get("top", 0))
                boxes.append((left, top, left + int(box.get("width", 0)) - 1, top + int(box.get("height", 0)) - 1))
    return faces


def matches(truths: list[Box], detections: list[tuple[Box, float]]) -> int:
    free = list(truths)
    found = 0
    for box, _ in sorted(detections, key=lambda item: -item[1]):
        overlaps = [iou(box, truth, inclusive=True) for truth in free]
        if overlaps and max(overlaps) >= MATCH_IOU:
            free.pop(int(np.argmax(overlaps)))
            found += 1
    return found


def recorded(kind: str, upsample: int):
    """A recorded dlib detector: boxes from the fixture, looked up by photo name."""
    fixture = json.loads(FIXTURE.read_text())["images"]

    def detect(image: np.ndarray, name: str) -> list[tuple[Box, float]]:
        return [(tuple(face["box"]), face["score"]) for face in fixture[name][kind][str(upsample)]]

    return detect


def live(detector):
    """One of our detectors, run on the photo."""

    def detect(image: np.ndarray, name: str) -> list[tuple[Box, float]]:
        return [(face.box, face.score) for face in detector.detect(image)]

    return detect


def evaluate(label: str, detect, truths: dict[str, list[Box]], images: dict[str, np.ndarray]) -> dict[str, float]:
    found = detections = total = 0
    seconds = 0.0
    for name, boxes in truths.items():
        started = time.perf_counter()
        detected = detect(images[name], name)
        seconds += time.perf_counter() - started
        found += matches(boxes, detected)
        detections += len(detected)
        total += len(boxes)
    recall, precision = found / total, found / max(detections, 1)
    print(
        f"{label:44s} recall {recall:.3f} ({found}/{total})  precision {precision:.3f} ({found}/{detections})"
        f"  {1000 * seconds / len(truths):7.1f} ms/image"
    )
    return {"recall": recall, "precision": precision}


def pasted_face(face_width: int, at: tuple[int, int]) -> tuple[np.ndarray, Box]:
    """A real face (dlib's recorded box in FACE_PHOTO) resized so that box is
    ``face_width`` wide, pasted with its head and shoulders into a 1920x1080 photo
    without people; the image and the face's expected dlib box."""
    left, top, right, bottom = json.loads(FIXTURE.read_text())["images"][FACE_PHOTO]["cnn"]["0"][0]["box"]
    size = right - left
    scale = face_width / size
    with Image.open(DATA_DIR / FACE_PHOTO) as photo:
        head = photo.convert("RGB").crop((left - size, top - size, right + size, bottom + size))
        head = head.resize((round(head.width * scale), round(head.height * scale)), Image.LANCZOS)
    with Image.open(DATA_DIR / BACKGROUND_PHOTO) as background:
        canvas = background.convert("RGB").resize((1920, 1080), Image.BILINEAR)
    canvas.paste(head, at)
    x, y = at[0] + size * scale, at[1] + size * scale
    return np.asarray(canvas), (x, y, x + face_width, y + face_width)


def agreement_with_dlib_cnn(name: str) -> None:
    fixture = json.loads(FIXTURE.read_text())["images"]
    detector = get_detection_model(name)
    found = total = extra = 0
    for photo, entry in sorted(fixture.items()):
        truths = [tuple(face["box"]) for face in entry["cnn"].get("1", entry["cnn"]["0"])]
        detected = live(detector)(np.asarray(Image.open(DATA_DIR / photo).convert("RGB")), photo)
        matched = matches(truths, detected)
        found, total, extra = found + matched, total + len(truths), extra + len(detected) - matched
    print(
        f"registry {name:35s} finds {found}/{total} of dlib CNN's faces in {len(fixture)} photos, {extra} other boxes"
    )


def smallest_faces(name: str) -> None:
    detector = get_detection_model(name)
    found = []
    for width in FACE_WIDTHS:
        image, expected = pasted_face(width, (1300, 500))
        if any(iou(face.box, expected, inclusive=True) >= MATCH_IOU for face in detector.detect(image)):
            found.append(width)
    print(f"registry {name:35s} finds pasted faces of widths {found} (tried {list(FACE_WIDTHS)})")


def main() -> None:
    truths = annotated_faces()
    images = {name: np.asarray(Image.open(DATA_DIR / name).convert("RGB")) for name in truths}
    for image in images.values():
        MtcnnFaceDetector().detect(image)
    print(f"{sum(map(len, truths.values()))} annotated faces in {len(truths)} photos, IoU >= {MATCH_IOU}")
    evaluate("dlib CNN, upsample 0 (recorded)", recorded("cnn", 0), truths, images)
    evaluate("dlib CNN, upsample 1 (recorded)", recorded("cnn", 1), truths, images)
    evaluate("dlib HOG, upsample 0 (recorded)", recorded("hog", 0), truths, images)
    evaluate("dlib HOG, upsample 1 (recorded)", recorded("hog", 1), truths, images)
    for min_face_size in (36, 24, 20):
        evaluate(f"MTCNN, min face {min_face_size}", live(MtcnnFaceDetector(min_face_size)), truths, images)
    for threshold in YUNET_THRESHOLDS:
        evaluate(f"YuNet, score >= {threshold}", live(YunetFaceDetector(threshold)), truths, images)
    evaluate("MMOD (ours), upsample 0", live(DlibCnnFaceDetector(0)), truths, images)
    evaluate("MMOD (ours), upsample 1", live(DlibCnnFaceDetector(1)), truths, images)
    for name in DETECTION_MODELS:
        evaluate(f"registry {name}", live(get_detection_model(name)), truths, images)
    print()
    for name in DETECTION_MODELS:
        agreement_with_dlib_cnn(name)
    print()
    for name in DETECTION_MODELS:
        smallest_faces(name)


if __name__ == "__main__":
    main()
