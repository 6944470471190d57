"""The photos on disk: which files count, how an enrolment folder is laid out, and each photo's mark.

An enrolment folder holds one sub-folder per person; the sub-folder's name is
the person's name and every image in it (at any depth) is one of their photos.
Each enrolled face carries a mark in its ``userData``: the person's name and the
SHA-256 of the photo's bytes. The mark is what makes enrolment resumable and
duplicate-free: it lives in the service with the face, so a face added by a run
that was killed before it heard the answer is still recognised by the next run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp"})


@dataclass(frozen=True)
class Photo:
    """One photo of one person, with the hash of its bytes."""

    person: str
    path: Path
    sha256: str

    @property
    def mark(self) -> str:
        """The face ``userData`` naming this photo (well under Azure's 1 KB limit: a name is at most 128 characters)."""
        return json.dumps({"name": self.person, "sha256": self.sha256}, separators=(",", ":"))


@dataclass(frozen=True)
class Mark:
    """What a face's ``userData`` says about the photo it came from."""

    person: str
    sha256: str


def read_mark(user_data: str | None) -> Mark | None:
    """The mark in a face's ``userData``, or None for a face this tool did not add."""
    if not user_data:
        return None
    try:
        value = json.loads(user_data)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("sha256"), str):
        return None
    return Mark(str(value.get("name", "")), value["sha256"])


def is_image(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")


def image_files(location: Path) -> list[Path]:
    """``location`` itself when it is an image, else every image under it, in a stable order."""
    if location.is_file():
        return [location]
    return sorted(path for path in location.rglob("*") if is_image(path))


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def enrolment_photos(folder: Path) -> list[Photo]:
    """Every photo of every person sub-folder of ``folder``, each (person, content) once."""
    photos: list[Photo] = []
    seen: set[tuple[str, str]] = set()
    for person_folder in sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith(".")):
        for path in image_files(person_folder):
            photo = Photo(person_folder.name, path, file_hash(path))
            if (photo.person, photo.sha256) not in seen:
                seen.add((photo.person, photo.sha256))
                photos.append(photo)
    return photos
