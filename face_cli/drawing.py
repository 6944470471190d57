"""A photo with its faces drawn on it: each box, its number and the 27 landmarks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageOps

BOX_COLOUR = (0, 200, 255)
LANDMARK_COLOUR = (255, 60, 120)


def drawn_faces(image_bytes: bytes, faces: list[dict[str, Any]]) -> Image.Image:
    """The photo, upright as the service sees it (EXIF orientation applied), with every face drawn on it."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(image_bytes))).convert("RGB")
    draw = ImageDraw.Draw(image)
    line = max(2, round(max(image.size) / 400))
    for number, face in enumerate(faces, start=1):
        box = face["faceRectangle"]
        left, top = box["left"], box["top"]
        draw.rectangle((left, top, left + box["width"], top + box["height"]), outline=BOX_COLOUR, width=line)
        draw.text((left + line, max(0, top - 12 - line)), str(number), fill=BOX_COLOUR)
        for point in (face.get("faceLandmarks") or {}).values():
            x, y = point["x"], point["y"]
            draw.ellipse((x - line, y - line, x + line, y + line), fill=LANDMARK_COLOUR)
    return image


def save_drawing(image_bytes: bytes, faces: list[dict[str, Any]], output: Path) -> None:
    """Write the drawn photo to ``output`` (format from its suffix, JPEG at quality 92 by default)."""
    drawn = drawn_faces(image_bytes, faces)
    if output.suffix.lower() in (".jpg", ".jpeg", ""):
        drawn.save(output, format="JPEG", quality=92)
    else:
        drawn.save(output)
