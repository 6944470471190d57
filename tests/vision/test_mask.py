"""The ``mask`` attribute: Azure's shape, the catalogue's rule, and its rates on bare faces and synthetic masks."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.images.decode import decode_image
from core.vision.analysis import analyze_image, detect_faces
from core.vision.attributes import compute_attributes, parse_attribute_names
from core.vision.shape_predictor import predict_shapes
from tests.support.synthetic_masks import SURFACES, MaskCounts, draw_masks, measure_masks

FRONTAL_PHOTO = Path("face_recognition") / "examples" / "obama-720p.jpg"
# Rates measured by bench/eval_mask.py on the shared photos (covered answers over the masked
# faces detection_03 still finds), each less a margin of 0.05.
MIN_COVERED_RATES = {
    "white": 0.93,
    "light blue": 0.92,
    "grey": 0.93,
    "black": 0.87,
    "striped": 0.88,
    "checked": 0.36,
}
MIN_COVERED_RATE = 0.83  # all surfaces together: 0.887 measured


def test_every_synthetic_surface_has_a_floor() -> None:
    assert MIN_COVERED_RATES.keys() == SURFACES.keys()


def test_mask_is_parsed_and_answered_in_azure_shape(shared_data: Path) -> None:
    assert parse_attribute_names("qualityForRecognition,MASK,mask") == ("qualityForRecognition", "mask")
    image = decode_image((shared_data / FRONTAL_PHOTO).read_bytes())
    (face,) = detect_faces(image, "detection_03")
    (points,) = predict_shapes(image, [face.box], 68)
    attributes = compute_attributes(("mask",), image, face.box, points)
    assert attributes == {"mask": {"type": "noMask", "noseAndMouthCovered": False}}
    assert list(attributes["mask"]) == ["type", "noseAndMouthCovered"]


def test_a_drawn_mask_is_a_face_mask_through_the_pipeline(shared_data: Path) -> None:
    image = decode_image((shared_data / FRONTAL_PHOTO).read_bytes())
    (face,) = detect_faces(image, "detection_03")
    (points,) = predict_shapes(image, [face.box], 68)
    masked = draw_masks(image, [points], SURFACES["light blue"])
    (analyzed,) = analyze_image(
        masked, "detection_03", "recognition_04", with_landmarks=True, attributes=("qualityForRecognition", "mask")
    )
    assert analyzed.attributes is not None
    assert analyzed.attributes["mask"] == {"type": "faceMask", "noseAndMouthCovered": True}


@pytest.mark.slow
def test_no_bare_face_is_covered_and_synthetic_masks_are(shared_data: Path) -> None:
    measured = measure_masks(shared_data)
    assert measured.bare.judged >= 100, "the shared photos hold over 100 faces"
    assert measured.bare.covered == 0, [answer for answer in measured.bare.answers if answer[0] != "noMask"]
    total = MaskCounts()
    for name, counts in measured.masked.items():
        assert counts.judged >= 50, name
        assert counts.rate(counts.covered) >= MIN_COVERED_RATES[name], (name, counts.rate(counts.covered))
        total.answers += counts.answers
    assert total.rate(total.covered) >= MIN_COVERED_RATE
