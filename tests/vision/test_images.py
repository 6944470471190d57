"""Image intake on real photos: a JPEG and an RGBA PNG decode to RGB, a truncated JPEG is refused."""

from __future__ import annotations

import numpy as np
from PIL import Image

from core.images.decode import decode_image
from core.limits import MIN_IMAGE_BYTES
from tests.support.helpers import raised_by
from tests.support.paths import FACE_EXAMPLES, SHARED_DATA

OBAMA_JPEG = FACE_EXAMPLES / "obama.jpg"
RGBA_PNG = SHARED_DATA / "face_recognition" / "tests" / "test_images" / "32bit.png"


def test_real_jpeg_decodes_to_rgb_uint8() -> None:
    pixels = decode_image(OBAMA_JPEG.read_bytes())
    with Image.open(OBAMA_JPEG) as reference:
        assert pixels.shape == (reference.height, reference.width, 3)
        assert np.array_equal(pixels, np.asarray(reference.convert("RGB")))
    assert pixels.dtype == np.uint8 and pixels.flags.c_contiguous


def test_rgba_png_photo_decodes_to_rgb() -> None:
    pixels = decode_image(RGBA_PNG.read_bytes())
    assert pixels.shape == (1200, 626, 3) and pixels.dtype == np.uint8


def test_truncated_jpeg_is_invalid_image() -> None:
    data = OBAMA_JPEG.read_bytes()[:4096]
    assert len(data) >= MIN_IMAGE_BYTES
    assert raised_by(decode_image, data) == (400, "InvalidImage", "Decoding error, image format unsupported.")
