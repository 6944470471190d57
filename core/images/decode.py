"""Image intake: the bytes a client sends, checked and decoded to an RGB array.

Azure Face accepts JPEG, PNG, GIF (first frame) and BMP files of 1 KB to 6 MB.
The byte size is checked before anything is decoded; the pixel count declared
in the header is checked against ``MAX_IMAGE_PIXELS`` before the pixels are
decoded, with Pillow's own decompression-bomb guard kept as a second line.
Every decoding failure becomes ``InvalidImage``; the result is upright (EXIF
orientation applied), RGB, ``uint8``, shaped (height, width, 3).
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

from core.errors import FaceError, image_too_big, image_too_small, invalid_image
from core.images.fetch import fetch_image
from core.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MIN_IMAGE_BYTES

ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "BMP")
ALPHA_BACKGROUND = (255, 255, 255)
SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})


def check_image_size(data: bytes) -> None:
    """Raise Azure's ``InvalidImageSize`` when the file is under 1 KB or over 6 MB."""
    if len(data) < MIN_IMAGE_BYTES:
        raise image_too_small()
    if len(data) > MAX_IMAGE_BYTES:
        raise image_too_big()


def read_image(source: bytes | str) -> np.ndarray:
    """The decoded image of a request: its bytes, or the image at its URL."""
    return decode_image(fetch_image(source) if isinstance(source, str) else source)


def decode_image(data: bytes) -> np.ndarray:
    """Decode an uploaded image to an upright RGB ``uint8`` array (height, width, 3)."""
    check_image_size(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                width, height = image.size
                if width < 1 or height < 1 or width * height > MAX_IMAGE_PIXELS:
                    raise invalid_image()
                image.load()
                return rgb_array(ImageOps.exif_transpose(image))
    except FaceError:
        raise
    except Exception as error:
        raise invalid_image() from error


def rgb_array(image: Image.Image) -> np.ndarray:
    """Pixels of a decoded image as RGB ``uint8``.

    Transparency is flattened onto white; 16-bit (and 32-bit integer) greyscale
    keeps its top 8 bits; palette, bilevel, greyscale and CMYK go through
    Pillow's conversion to RGB.
    """
    if image.mode in SIXTEEN_BIT_MODES:
        samples = np.asarray(image).astype(np.int64)
        grey = (np.clip(samples, 0, 65535) >> 8).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*ALPHA_BACKGROUND, 255))
        return np.array(Image.alpha_composite(background, rgba).convert("RGB"), dtype=np.uint8)
    return np.array(image.convert("RGB"), dtype=np.uint8)
