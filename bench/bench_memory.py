"""Peak memory with every model loaded: our pipeline against dlib's, each in a fresh process.

Ours: every detection model (MTCNN at two sizes, the MMOD port), both shape
predictors, the ResNet, landmarks and attributes, run once on one photo.
dlib's: its CNN (MMOD) and HOG detectors, both shape predictors and the ResNet,
loaded and run once (the CNN on a small photo: it takes seconds per image here).
Prints each process's peak RSS and the ratio.

    python bench/bench_memory.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.paths import FACE_EXAMPLES, SHARED_DATA

ROOT = Path(__file__).resolve().parent.parent
PHOTO = SHARED_DATA / "facenet_pytorch" / "data" / "multiface.jpg"
SMALL_PHOTO = FACE_EXAMPLES / "obama-240p.jpg"

OURS = f"""
import resource
from core.vision.analysis import analyze_image
from core.images.decode import decode_image
from core.vision.prepare import prepare_models
prepare_models()
image = decode_image(open({str(PHOTO)!r}, "rb").read())
for model, landmarks, attributes in (
    ("detection_01", True, ("headPose", "blur", "exposure", "noise", "qualityForRecognition")),
    ("detection_02", False, ()),
    ("detection_03", True, ("qualityForRecognition",)),
):
    analyze_image(image, model, "recognition_04", with_landmarks=landmarks, attributes=attributes)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

DLIB = f"""
import resource
import dlib
from core.vision.model_files import dlib_model_path
cnn = dlib.cnn_face_detection_model_v1(str(dlib_model_path("mmod_human_face_detector.dat")))
hog = dlib.get_frontal_face_detector()
five = dlib.shape_predictor(str(dlib_model_path("shape_predictor_5_face_landmarks.dat")))
sixty_eight = dlib.shape_predictor(str(dlib_model_path("shape_predictor_68_face_landmarks.dat")))
resnet = dlib.face_recognition_model_v1(str(dlib_model_path("dlib_face_recognition_resnet_model_v1.dat")))
cnn(dlib.load_rgb_image({str(SMALL_PHOTO)!r}), 0)
image = dlib.load_rgb_image({str(PHOTO)!r})
for box in hog(image, 0):
    sixty_eight(image, box)
    resnet.compute_face_descriptor(image, five(image, box))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peak_rss_mb(program: str) -> float:
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True, capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    ours, theirs = peak_rss_mb(OURS), peak_rss_mb(DLIB)
    print(
        f"peak RSS, every model loaded and run: ours {ours:.0f} MB, dlib {theirs:.0f} MB, ours/dlib {ours / theirs:.2f}"
    )


if __name__ == "__main__":
    main()
