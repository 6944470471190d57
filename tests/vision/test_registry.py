"""The registry serves Azure's recognition names with dlib's ResNet, loaded once per process."""

from __future__ import annotations

from core.vision.catalog import DEFAULT_RECOGNITION_MODEL, RECOGNITION_MODELS
from core.vision.recognition.dlib_resnet import DlibResnetRecognizer
from core.vision.registry import get_recognition_model


def test_every_recognition_model_is_dlibs_resnet_today_loaded_once() -> None:
    recognizer = get_recognition_model(DEFAULT_RECOGNITION_MODEL)
    assert isinstance(recognizer, DlibResnetRecognizer)
    assert (recognizer.name, recognizer.feature_length) == ("dlib_face_recognition_resnet_model_v1", 128)
    assert {id(get_recognition_model(name)) for name in RECOGNITION_MODELS} == {id(recognizer)}
    assert get_recognition_model("RECOGNITION_04") is recognizer
