"""Finding the collection and person a request names, with Azure's 404s and training 409s."""

from __future__ import annotations

from datetime import UTC, datetime

from core import limits
from core.collections.fields import is_collection_id, is_server_id
from core.collections.kinds import CollectionKind, invalid_person_id, person_not_found
from core.storage.face_collections import CollectionRecord, read_collection
from core.storage.face_members import PersonRecord, read_person
from core.storage.face_training import NOT_STARTED, RUNNING, TrainingRecord, read_training
from core.timestamps import parse_timestamp


def require_collection(kind: CollectionKind, collection_id: str) -> CollectionRecord:
    """The live collection named in a path: 404 when the id is malformed, unknown or being deleted."""
    if not is_collection_id(collection_id):
        raise kind.invalid_path_id()
    record = read_collection(kind.name, collection_id)
    if record is None or record.deleting:
        raise kind.not_found()
    return record


def require_person(kind: CollectionKind, collection_id: str, person_id: str) -> PersonRecord:
    if not is_server_id(person_id):
        raise invalid_person_id()
    person = read_person(kind.name, collection_id, person_id.lower())
    if person is None:
        raise person_not_found()
    return person


def training_in_progress(training: TrainingRecord | None, now: datetime | None = None) -> bool:
    """True while a requested training has not finished and has not gone stale (its worker died)."""
    if training is None or training.status not in (NOT_STARTED, RUNNING):
        return False
    moment = now or datetime.now(UTC)
    touched = parse_timestamp(training.last_action or training.created)
    return (moment - touched).total_seconds() < limits.TRAINING_STALE_SECONDS


def ensure_not_training(kind: CollectionKind, collection_id: str) -> None:
    """409 ``*TrainingNotFinished`` for writes that would change what a running training reads."""
    if kind.trainable and training_in_progress(read_training(kind.name, collection_id)):
        raise kind.training_not_finished()
