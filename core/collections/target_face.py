"""``targetFace`` (``left,top,width,height``) and choosing the one face an add-face call persists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from core.errors import bad_argument, invalid_image
from core.geometry import Rectangle

F = TypeVar("F")

NO_FACE = "No face detected in the image or in the specified targetFace area."
SEVERAL_FACES = "There is more than 1 face in the image or in the specified targetFace area."
INVALID_TARGET = "Invalid argument targetFace. Caused by invalid string format or invalid left/top/height/width value."


def parse_target_face(text: str | None) -> Rectangle | None:
    """The rectangle in a ``targetFace`` query parameter; None when absent."""
    if text is None:
        return None
    parts = text.split(",")
    try:
        left, top, width, height = (int(part.strip()) for part in parts)
    except ValueError:
        raise bad_argument(INVALID_TARGET) from None
    if left < 0 or top < 0 or width <= 0 or height <= 0:
        raise bad_argument(INVALID_TARGET)
    return Rectangle(left, top, width, height)


def check_target_in_image(target: Rectangle, width: int, height: int) -> None:
    """Azure's BadArgument when ``target`` starts outside the ``width`` x ``height`` image."""
    if target.left >= width or target.top >= height:
        raise bad_argument(
            "Argument targetFace out of range, targetFace is valid but it's intersection with the entire image "
            "is empty."
        )


def single_face(faces: Sequence[F], rectangles: Sequence[Rectangle], target: Rectangle | None) -> F:
    """The one face of the image, or the one whose centre lies in ``target``; InvalidImage otherwise."""
    chosen = [
        face
        for face, rectangle in zip(faces, rectangles, strict=True)
        if target is None or target.contains(*rectangle.centre)
    ]
    if not chosen:
        raise invalid_image(NO_FACE)
    if len(chosen) > 1:
        raise invalid_image(SEVERAL_FACES)
    return chosen[0]
