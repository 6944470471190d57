"""Training of PersonGroups, LargePersonGroups and LargeFaceLists.

``request_training`` records ``notstarted`` and queues a job; the queue
function calls ``run_training_job``, which marks the status ``running``, reads
the collection's features in one partition scan, builds the index, writes it
as a new blob and only then points the status at it (``succeeded``), removing
older blobs afterwards. Every status change is conditional on the row being
unchanged, and a job whose training id is no longer the current one does
nothing, so a superseded or repeated job cannot overwrite a newer result. A job
that fails on its last delivery records ``failed`` with the reason before the
host moves it to the poison queue.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from core import limits
from core.collections.bodies import training_body
from core.collections.failures import azure_errors
from core.collections.kinds import CollectionKind, kind_named
from core.collections.lookup import require_collection, training_in_progress
from core.search.index import build_index
from core.search.stored import index_to_bytes
from core.storage import resources
from core.storage.conditional import retry_on_conflict
from core.storage.exceptions import WriteConflict
from core.storage.face_collections import read_collection
from core.storage.face_members import training_faces
from core.storage.face_training import (
    FAILED,
    NOT_STARTED,
    RUNNING,
    SUCCEEDED,
    TrainingRecord,
    read_training,
    write_training,
)
from core.storage.index_blobs import delete_index_blob, delete_index_blobs, index_blob_name, save_index
from core.storage.training_queue import TrainingJob, enqueue_job, parse_job
from core.timestamps import utc_now

logger = logging.getLogger("face.training")

TRAINING_QUEUE = resources.TRAINING_QUEUE
"""The queue ``request_training`` sends jobs to, which the training function is triggered by."""


def request_training(kind: CollectionKind, collection_id: str) -> None:
    """Record a new training as ``notstarted`` and queue it; 409 while one is in progress."""
    collection = require_collection(kind, collection_id)

    def attempt() -> TrainingRecord:
        current = read_training(kind.name, collection_id)
        if training_in_progress(current):
            raise kind.training_not_finished()
        base = current or TrainingRecord(kind.name, collection_id, NOT_STARTED, "", collection.created)
        return write_training(
            base.with_changes(status=NOT_STARTED, training_id=str(uuid.uuid4()), last_action=utc_now(), message=None)
        )

    with azure_errors():
        record = retry_on_conflict(attempt)
    try:
        enqueue_job(TrainingJob(kind.name, collection_id, record.training_id))
    except Exception:
        _record_failure(TrainingJob(kind.name, collection_id, record.training_id), "The training could not be queued.")
        raise


def training_status(kind: CollectionKind, collection_id: str, camel_case: bool = False) -> dict[str, Any]:
    """The collection's ``TrainingStatus`` body; 404 ``*NotTrained`` when training was never requested.

    ``camel_case`` spells the statuses as v1.1-preview.1 and later do."""
    require_collection(kind, collection_id)
    record = read_training(kind.name, collection_id)
    if record is None:
        raise kind.not_trained()
    return training_body(record, camel_case)


def run_training_job(body: bytes, dequeue_count: int) -> None:
    """Run one queued training job (the queue function's whole work)."""
    job = parse_job(body)
    try:
        _train(kind_named(job.kind), job)
    except Exception as error:
        if dequeue_count >= limits.TRAINING_MAX_DEQUEUE_COUNT:
            _record_failure(job, f"Training failed after {dequeue_count} attempts: {type(error).__name__}: {error}")
        raise


def _train(kind: CollectionKind, job: TrainingJob) -> None:
    current = read_training(kind.name, job.collection_id)
    if current is None or current.training_id != job.training_id or current.status in (SUCCEEDED, FAILED):
        logger.info("training %s of %s %s is no longer current", job.training_id, kind.name, job.collection_id)
        return
    collection = read_collection(kind.name, job.collection_id)
    if collection is None or collection.deleting:
        return
    try:
        running = write_training(current.with_changes(status=RUNNING, last_action=utc_now(), message=None))
    except WriteConflict:
        return
    index = build_index(collection.recognition_model, job.training_id, training_faces(kind.name, job.collection_id))
    name = index_blob_name(kind.name, job.collection_id, job.training_id)
    save_index(name, index_to_bytes(index))
    finished = utc_now()
    try:
        write_training(
            running.with_changes(
                status=SUCCEEDED, last_action=finished, last_successful_training=finished, index_blob=name, message=None
            )
        )
    except WriteConflict:
        _forget_unused_blob(kind, job.collection_id, name)
        return
    delete_index_blobs(kind.name, job.collection_id, keep=name)
    logger.info("trained %s %s: %d faces", kind.name, job.collection_id, len(index))


def _forget_unused_blob(kind: CollectionKind, collection_id: str, name: str) -> None:
    """Remove the blob this job wrote when the status does not point at it."""
    current = read_training(kind.name, collection_id)
    if current is None or current.index_blob != name:
        delete_index_blob(name)


def _record_failure(job: TrainingJob, message: str) -> None:
    current = read_training(job.kind, job.collection_id)
    if current is None or current.training_id != job.training_id:
        return
    try:
        write_training(current.with_changes(status=FAILED, last_action=utc_now(), message=message))
    except WriteConflict:
        logger.warning("training %s changed while its failure was recorded", job.training_id)
