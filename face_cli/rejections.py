"""Why a photo was not enrolled, in the words a person sorting photos needs.

Azure answers every image problem of Add Face with a 400 and a code shared by
several causes (``InvalidImage`` covers an undecodable file, no face and several
faces); the message tells them apart, so the reason is read from both. The
photos of a sub-folder none of whose photos shows exactly one face never reach
Add Face (no person is created for them): their refusal is Detect's face
count, with no Azure error code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from face_cli.client import FaceApiError
from face_cli.photos import Photo

NO_FACE, SEVERAL_FACES, TOO_SMALL, TOO_BIG, BAD_IMAGE = "no face", "several faces", "too small", "too big", "bad image"


@dataclass(frozen=True)
class Rejection:
    """A photo the service refused, with the reason and Azure's own words (code empty for Detect's count)."""

    photo: Photo
    reason: str
    code: str
    message: str


def is_rejection(error: FaceApiError) -> bool:
    """A 400 refuses this photo only; any other failure (key, quota, a missing person) stops the run."""
    return error.status == 400


def rejection_reason(error: FaceApiError) -> str:
    """The reason behind an Add Face refusal: no face, several faces, too small, too big, bad image or Azure's code."""
    message = error.message.lower()
    if error.code == "InvalidImageSize":
        return TOO_BIG if "big" in message or "large" in message else TOO_SMALL
    if error.code == "InvalidImage":
        if "no face" in message:
            return NO_FACE
        if "more than 1 face" in message or "more than one face" in message:
            return SEVERAL_FACES
        if "too small" in message or "size" in message:
            return TOO_SMALL
        return BAD_IMAGE
    return error.code


def rejection(photo: Photo, error: FaceApiError) -> Rejection:
    return Rejection(photo, rejection_reason(error), error.code, error.message)


def detect_rejection(photo: Photo, faces: int) -> Rejection:
    """The refusal of a photo in which Detect found ``faces`` faces (not one)."""
    found = "no face" if faces == 0 else f"{faces} faces"
    return Rejection(photo, NO_FACE if faces == 0 else SEVERAL_FACES, "", f"Detect found {found} in the photo.")


def write_csv(rejections: list[Rejection], path: Path) -> None:
    """The rejected photos as CSV: person, file, reason, Azure's code and message."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["person", "file", "reason", "code", "message"])
        for item in rejections:
            writer.writerow([item.photo.person, str(item.photo.path), item.reason, item.code, item.message])
