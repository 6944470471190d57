"""The model registry's recognition models, which load dlib's ResNet."""

from __future__ import annotations

from core.vision.catalog import RECOGNITION_MODELS
from core.vision.recognition.dlib_resnet import get_face_recognizer
from core.vision.registry import get_recognition_model


def test_every_recognition_model_is_dlibs_resnet_today() -> None:
    assert {id(get_recognition_model(name)) for name in RECOGNITION_MODELS} == {id(get_face_recognizer())}
    assert get_recognition_model("RECOGNITION_04") is get_face_recognizer()
