"""Finding the directory person and recognition model a request names, with Azure's errors."""

from __future__ import annotations

from core.collections.fields import is_server_id
from core.collections.kinds import invalid_person_id, person_not_found
from core.errors import FaceError, bad_argument
from core.storage.directory_persons import DirectoryPersonRecord, read_person
from core.vision.catalog import check_recognition_model

UNSUPPORTED_MODELS = frozenset({"recognition_01"})
"""Recognition models the PersonDirectory does not take (Microsoft documents recognition_02 to _04)."""


def require_person(person_id: str) -> DirectoryPersonRecord:
    """The live person a path names: 404 ``PersonNotFound`` when malformed, unknown or being deleted."""
    if not is_server_id(person_id):
        raise invalid_person_id()
    person = read_person(person_id.lower())
    if person is None or person.deleting:
        raise person_not_found()
    return person


def unsupported_recognition_model() -> FaceError:
    return bad_argument("Recognition model is not supported for this feature.")


def directory_model(name: str) -> str:
    """The canonical name of a recognition model the directory supports; Azure's 400 otherwise."""
    model = check_recognition_model(name)
    if model in UNSUPPORTED_MODELS:
        raise unsupported_recognition_model()
    return model
