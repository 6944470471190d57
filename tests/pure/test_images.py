"""Image intake on generated images: accepted formats, conversions to RGB, and every refusal path."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from core.images.decode import decode_image
from core.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MIN_IMAGE_BYTES
from tests.support.helpers import raised_by


def encode(image: Image.Image, format_name: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, **options)
    return buffer.getvalue()


def noise(width: int, height: int, mode: str = "RGB", seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "L": 1}[mode]
    pixels = rng.integers(0, 256, size=(height, width, channels), dtype=np.uint8)
    return Image.fromarray(pixels.squeeze(axis=2) if channels == 1 else pixels, mode)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels but carries almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"tEXt", b"Comment\x00" + b"x" * 2048)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def test_rgba_png_is_flattened_onto_white() -> None:
    translucent = np.zeros((48, 48, 4), dtype=np.uint8)
    translucent[..., 0] = 200
    translucent[..., 3] = np.arange(48, dtype=np.uint8)[None, :] * 5
    translucent[:, :, 1] = np.random.default_rng(1).integers(0, 256, size=(48, 48), dtype=np.uint8)
    decoded = decode_image(encode(Image.fromarray(translucent, "RGBA"), "PNG"))
    assert np.array_equal(decoded[:, 0], np.full((48, 3), 255))
    assert decoded[0, -1, 0] < 255 and decoded[0, -1, 2] < 255


def test_sixteen_bit_greyscale_png_keeps_its_range() -> None:
    samples = np.random.default_rng(8).integers(0, 65536, size=(64, 64), dtype=np.uint16)
    data = encode(Image.fromarray(samples), "PNG")
    pixels = decode_image(data)
    assert np.array_equal(pixels[..., 0], (samples >> 8).astype(np.uint8))
    assert np.array_equal(pixels[..., 0], pixels[..., 2])


def test_palette_greyscale_gif_and_bmp_are_accepted() -> None:
    palette = noise(64, 64, seed=2).convert("P", palette=Image.Palette.ADAPTIVE)
    assert decode_image(encode(palette, "PNG")).shape == (64, 64, 3)
    grey = noise(64, 64, "L", seed=3)
    decoded = decode_image(encode(grey, "PNG"))
    assert np.array_equal(decoded[..., 1], np.asarray(grey))
    bmp = noise(32, 32, seed=4)
    assert np.array_equal(decode_image(encode(bmp, "BMP")), np.asarray(bmp))


def test_gif_gives_its_first_frame() -> None:
    first = Image.new("RGB", (64, 64), (255, 0, 0))
    frames = [noise(64, 64, seed=seed).quantize(16) for seed in range(3)]
    first_frame = first.quantize(16)
    data = encode(first_frame, "GIF", save_all=True, append_images=frames)
    assert len(data) > MIN_IMAGE_BYTES
    pixels = decode_image(data)
    assert pixels.shape == (64, 64, 3)
    assert np.all(pixels == np.array([255, 0, 0], dtype=np.uint8))


def test_exif_orientation_is_applied() -> None:
    pixels = np.random.default_rng(5).integers(0, 60, size=(100, 200, 3), dtype=np.uint8)
    pixels[:, :100, 0] += 180
    pixels[:, 100:, 2] += 180
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[0x0112] = 6
    decoded = decode_image(encode(image, "JPEG", exif=exif.tobytes(), quality=95))
    assert decoded.shape == (200, 100, 3)
    top, bottom = decoded[:100].mean(axis=(0, 1)), decoded[100:].mean(axis=(0, 1))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_tiny_input_is_too_small() -> None:
    error = raised_by(decode_image, b"\xff\xd8" + b"\x00" * (MIN_IMAGE_BYTES - 3))
    assert error == (400, "InvalidImageSize", "Image size is too small.")


def test_oversize_input_is_too_big_before_decoding() -> None:
    error = raised_by(decode_image, b"\x00" * (MAX_IMAGE_BYTES + 1))
    assert error == (400, "InvalidImageSize", "Image size is too big.")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(np.random.default_rng(6).bytes(8192), id="random-bytes"),
        pytest.param(encode(noise(64, 64, seed=7), "TIFF"), id="unsupported-tiff"),
        pytest.param(png_header_only(7000, 7000), id="over-our-pixel-limit"),
        pytest.param(png_header_only(60000, 60000), id="pillow-bomb-error"),
    ],
)
def test_undecodable_input_is_invalid_image(data: bytes) -> None:
    assert len(data) >= MIN_IMAGE_BYTES
    assert raised_by(decode_image, data) == (400, "InvalidImage", "Decoding error, image format unsupported.")


def test_large_photo_within_the_pixel_limit_decodes() -> None:
    width, height = 6000, 6000
    assert width * height <= MAX_IMAGE_PIXELS
    gradient = np.broadcast_to(np.arange(width, dtype=np.uint32)[None, :] % 256, (height, width))
    data = encode(Image.fromarray(gradient.astype(np.uint8)), "JPEG")
    assert MIN_IMAGE_BYTES <= len(data) <= MAX_IMAGE_BYTES
    assert decode_image(data).shape == (height, width, 3)
