"""The registry serves Azure's recognition names with their models, each loaded once per process."""

from __future__ import annotations

from core.vision.catalog import DEFAULT_RECOGNITION_MODEL, RECOGNITION_MODELS
from core.vision.recognition.dlib_resnet import DlibResnetRecognizer
from core.vision.recognition.sface import SfaceRecognizer
from core.vision.registry import get_recognition_model


def test_recognition_01_02_are_dlibs_resnet_and_03_04_sface_each_loaded_once() -> None:
    recognizer = get_recognition_model(DEFAULT_RECOGNITION_MODEL)
    assert isinstance(recognizer, DlibResnetRecognizer)
    assert (recognizer.name, recognizer.feature_length) == ("dlib_face_recognition_resnet_model_v1", 128)
    assert get_recognition_model("Recognition_02") is recognizer
    sface = get_recognition_model("recognition_03")
    assert isinstance(sface, SfaceRecognizer)
    assert (sface.name, sface.feature_length) == ("face_recognition_sface_2021dec_int8bq", 128)
    assert get_recognition_model("RECOGNITION_04") is sface
    assert {id(get_recognition_model(name)) for name in RECOGNITION_MODELS} == {id(recognizer), id(sface)}
