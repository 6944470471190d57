"""SFace (recognition_03/04) held to OpenCV's own FaceRecognizerSF: same crops, same features.

OpenCV (``opencv-python-headless``, test-only) aligns with ``alignCrop`` and
embeds with ``feature`` from the same shipped file; ours aligns with
``core.vision.alignment`` and runs the prepared graph on onnxruntime. Both get
the same five points (YuNet's, from OpenCV's detector) on the shared photos.
Our warp equals ``cv2.warpAffine`` to the bit given the same matrix; OpenCV
fits the matrix partly in float32, which moves some crop pixels by a grey
level or a few, so the features are compared by cosine.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime
import pytest

from core.vision.alignment import similarity_transform, warp_affine
from core.vision.conversion.quantised_weights import fold_quantised_weights, without_unread_inputs
from core.vision.detection.base import DetectedFace
from core.vision.detection.yunet import model_path as yunet_path
from core.vision.model_files import cached_artifact
from core.vision.recognition.sface import FEATURE_LENGTH, TEMPLATE, SfaceRecognizer, aligned_crop, model_path
from core.vision.registry import get_detection_model, get_recognition_model
from tests.support.opencv_reference import REFERENCE_PHOTOS, load_bgr

MIN_COSINE = 0.9999


@pytest.fixture(scope="module")
def sface() -> SfaceRecognizer:
    recognizer = get_recognition_model("recognition_04")
    assert isinstance(recognizer, SfaceRecognizer)
    return recognizer


def opencv_faces(image_bgr: np.ndarray) -> np.ndarray:
    height, width = image_bgr.shape[:2]
    detector = cv2.FaceDetectorYN.create(str(yunet_path()), "", (width, height), 0.8, 0.3, 5000)
    _, faces = detector.detect(image_bgr)
    return np.zeros((0, 15), dtype=np.float32) if faces is None else faces


def test_features_equal_opencvs_given_the_same_five_points(shared_data: Path, sface: SfaceRecognizer) -> None:
    reference = cv2.FaceRecognizerSF.create(str(model_path()), "")
    compared = 0
    for name in REFERENCE_PHOTOS:
        image_bgr = load_bgr(shared_data, name)
        image_rgb = np.ascontiguousarray(image_bgr[..., ::-1])
        faces = opencv_faces(image_bgr)
        points = [face[4:14].astype(np.float64).reshape(5, 2) for face in faces]
        ours = sface.point_features(image_rgb, points)
        for face, feature, face_points in zip(faces, ours, points, strict=True):
            crop = reference.alignCrop(image_bgr, face)
            expected = reference.feature(crop)[0]
            cosine = float(feature @ expected) / float(np.linalg.norm(expected))
            assert cosine >= MIN_COSINE, (name, cosine)
            matrix, offset = similarity_transform(face_points, TEMPLATE)
            warped = cv2.warpAffine(image_bgr, np.hstack([matrix, offset[:, None]]), (112, 112), flags=cv2.INTER_LINEAR)
            assert np.array_equal(warp_affine(image_rgb, matrix, offset, 112)[..., ::-1], warped), name
            compared += 1
    assert compared >= 20


def test_features_are_unit_length_batched_as_single_and_empty_for_no_faces(
    shared_data: Path, sface: SfaceRecognizer
) -> None:
    image_bgr = load_bgr(shared_data, "facenet_pytorch/data/multiface.jpg")
    image = np.ascontiguousarray(image_bgr[..., ::-1])
    faces = get_detection_model("detection_03").detect(image)
    assert len(faces) >= 4
    batched = sface.compute_features(image, faces)
    assert batched.shape == (len(faces), FEATURE_LENGTH) and batched.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-6)
    single = np.vstack([sface.compute_features(image, [face]) for face in faces])
    np.testing.assert_allclose(batched, single, atol=1e-5)
    assert sface.compute_features(image, []).shape == (0, FEATURE_LENGTH)


def test_a_face_without_landmarks_is_aligned_on_dlibs_68_points(shared_data: Path, sface: SfaceRecognizer) -> None:
    """detection_02 has no landmarks: the five points come from dlib's 68-point shape, and the
    feature stays that of the same face aligned on YuNet's points (same person by far)."""
    image = np.ascontiguousarray(load_bgr(shared_data, "face_recognition/examples/obama.jpg")[..., ::-1])
    (with_points,) = get_detection_model("detection_03").detect(image)
    without = DetectedFace(with_points.rectangle, with_points.box, with_points.score, None)
    from_yunet, from_dlib = sface.compute_features(image, [with_points, without])
    assert float(from_yunet @ from_dlib) > 0.9


def test_folding_the_weights_keeps_the_shipped_graphs_outputs(shared_data: Path) -> None:
    """The shipped graph, runnable once its unused inputs are dropped, against the folded one."""
    shipped = without_unread_inputs(onnx.load(str(model_path())))
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    as_shipped = onnxruntime.InferenceSession(shipped.SerializeToString(), options, providers=["CPUExecutionProvider"])
    folded = onnxruntime.InferenceSession(
        fold_quantised_weights(onnx.load(str(model_path()))).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    image = np.ascontiguousarray(load_bgr(shared_data, "face_recognition/examples/biden.jpg")[..., ::-1])
    (face,) = get_detection_model("detection_03").detect(image)
    assert face.landmarks is not None
    crop = aligned_crop(image, face.landmarks).transpose(2, 0, 1)[np.newaxis].astype(np.float32)
    expected = as_shipped.run(None, {"data": crop})[0]
    found = folded.run(None, {"data": crop})[0]
    np.testing.assert_allclose(found, expected, rtol=1e-4, atol=1e-4 * float(np.abs(expected).max()))
    assert {op.op_type for op in onnx.load(str(model_path())).graph.node} >= {"DequantizeLinear"}
    assert "DequantizeLinear" not in {node.op_type for node in fold_quantised_weights(shipped).graph.node}


def test_a_source_file_with_another_digest_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "model.onnx"
    source.write_bytes(b"not the shipped model")
    with pytest.raises(ValueError, match="SHA-256"):
        cached_artifact(source, ".never", lambda _source, _target: None, "0" * 64)
