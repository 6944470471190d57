"""The queue function's work: completing the PersonDirectory's long-running operations.

Every message carries an operationId; the operation row holds the job. Each
job is safe to run any number of times, from any point a previous run
stopped at (see README, "PersonDirectory"):

- addFace: the face's segment (named by the operation) is written, then
  appended to the model's manifest under If-Match unless it is listed
  already; the face row is marked ``indexed``; the operation ``succeeded``.
- deleteFace: a tombstone segment for the face, committed the same way.
- deletePerson: a tombstone segment for the person in every model it has
  faces of, then its group memberships, references, face rows, guard and
  person row go.
- updateGroupMembers, deleteGroup: the persons' references to a dynamic
  group are brought in step with its members (``core.directory.references``).

A job that fails on its last delivery records its operation ``failed``,
with the reason, before the host moves the message to the poison queue.
When a manifest lists more than ``DIRECTORY_COMPACTION_SEGMENTS`` segments,
the job that grew it compacts it. A crash inside a compaction leaves blobs no
manifest lists (its base, or the segments it merged); a timer removes them.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np

from core import limits
from core.directory import operations, references
from core.directory.faces import ADD_FACE, DELETE_FACE
from core.directory.groups import DELETE_GROUP, UPDATE_MEMBERS
from core.directory.index import build_view, current_view
from core.directory.lookup import UNSUPPORTED_MODELS
from core.directory.persons import DELETE_PERSON
from core.directory.segments import Segment, face_segment, make_segment, segment_to_bytes, tombstone_segment
from core.search.index import feature_from_bytes
from core.storage import directory_faces, directory_persons, resources
from core.storage.conditional import retry_on_conflict
from core.storage.directory_index import (
    Manifest,
    SegmentEntry,
    delete_segment,
    read_manifest,
    replace_manifest,
    stored_segments,
    write_segment,
)
from core.storage.directory_operations import FAILED, SUCCEEDED, OperationRecord
from core.storage.directory_queue import parse_operation_message
from core.storage.exceptions import WriteConflict
from core.vision.catalog import RECOGNITION_MODELS

logger = logging.getLogger("face.directory")

BASE_PREFIX = "base-"
COMPACTION_RATIO = 10
"""The largest settled segment joins a compaction once the others hold a tenth of its rows."""

DIRECTORY_QUEUE = resources.DIRECTORY_QUEUE
"""The queue operations are sent to, which the directory's job function is triggered by."""


def run_directory_job(body: bytes, dequeue_count: int) -> None:
    """Run one queued operation (the queue function's whole work)."""
    operation_id = parse_operation_message(body)
    try:
        record = operations.start(operation_id)
        if record is None:
            return
        _run(record)
        operations.finish(operation_id, SUCCEEDED)
    except Exception as error:
        if dequeue_count >= limits.DIRECTORY_MAX_DEQUEUE_COUNT:
            operations.finish(
                operation_id, FAILED, f"The operation failed after {dequeue_count} attempts: {type(error).__name__}."
            )
        raise


def _run(record: OperationRecord) -> None:
    job = record.job
    kind = job.get("kind")
    if kind == ADD_FACE:
        _index_face(record.operation_id, job["personId"], job["recognitionModel"], job["persistedFaceId"])
    elif kind == DELETE_FACE:
        segment = tombstone_segment(record.operation_id, job["recognitionModel"], [job["persistedFaceId"]], [])
        commit_segment(job["recognitionModel"], segment)
    elif kind == DELETE_PERSON:
        _remove_person(record.operation_id, job["personId"])
    elif kind == UPDATE_MEMBERS:
        references.reconcile(job["dynamicPersonGroupId"], job["personIds"])
    elif kind == DELETE_GROUP:
        references.delete_group(job["dynamicPersonGroupId"])
    else:
        raise ValueError(f"unknown directory job {kind!r}")


def _index_face(operation_id: str, person_id: str, model: str, face_id: str) -> None:
    face = directory_faces.read_face(person_id, model, face_id)
    if face is None or face.indexed:
        return  # deleted before it was indexed, or indexed by an earlier delivery
    feature = directory_faces.read_feature(person_id, model, face_id)
    if feature is None:
        return
    commit_segment(model, face_segment(operation_id, model, person_id, face_id, feature_from_bytes(feature)))
    directory_faces.update_face(person_id, model, face_id, {"indexed": True})


def _remove_person(operation_id: str, person_id: str) -> None:
    for model in directory_faces.face_models(person_id):
        commit_segment(model, tombstone_segment(operation_id, model, [], [person_id]))
    references.forget_person(person_id)
    directory_faces.delete_partition(person_id)
    directory_persons.remove_person(person_id)


def commit_segment(model: str, segment: Segment) -> Manifest:
    """Make ``segment`` part of the model's index (once, whatever was done before); compact when due."""
    manifest = read_manifest(model)
    assert manifest is not None
    if segment.name not in manifest.names():
        write_segment(model, segment.name, segment_to_bytes(segment))
        entry = SegmentEntry(segment.name, len(segment.index), len(segment.dead_faces) + len(segment.dead_persons))

        def attempt() -> Manifest:
            current = read_manifest(model)
            assert current is not None
            if entry.name in current.names():
                return current
            return replace_manifest(model, (*current.segments, entry), current.etag)

        manifest = retry_on_conflict(attempt)
    if len(manifest.segments) > limits.DIRECTORY_COMPACTION_SEGMENTS:
        compact(model)
    return manifest


def compact(model: str) -> bool:
    """Merge the settled segments of a model into one base segment; False when there is nothing to merge
    or another writer changed the manifest first. Small segments are merged among themselves until
    they amount to a tenth of the largest, so a large base is not rewritten for every few faces.

    A segment is settled when it is a base or its operation is terminal: no
    delivery of its job can look for it in the manifest again. The base keeps
    the live rows and every tombstone (a pending add may still commit a face
    that a tombstone deletes).
    """
    view = current_view(model)
    chosen = sorted(
        (
            segment
            for segment in view.segments
            if segment.name.startswith(BASE_PREFIX) or operations.is_settled(segment.name)
        ),
        key=lambda segment: len(segment.index),
    )
    if chosen and len(chosen[-1].index) > COMPACTION_RATIO * sum(len(segment.index) for segment in chosen[:-1]):
        chosen = chosen[:-1]  # the large base is rewritten only once the small segments amount to a share of it
    if len(chosen) < 2:
        return False
    merged = build_view(model, chosen)
    owners, faces, features = (
        [np.zeros((0, 16), np.uint8)],
        [np.zeros((0, 16), np.uint8)],
        [np.zeros((0, 128), np.float32)],
    )
    for part in merged.parts:
        index = part.segment.index
        live = np.setdiff1d(np.arange(len(index)), part.dead_rows)
        owners.append(part.segment.person_ids[np.searchsorted(part.segment.person_starts, live, side="right") - 1])
        faces.append(index.face_ids[live])
        features.append(index.features[live])
    base = make_segment(
        BASE_PREFIX + uuid.uuid4().hex,
        model,
        np.concatenate(owners),
        np.concatenate(faces),
        np.concatenate(features),
        np.concatenate([segment.dead_faces for segment in chosen]),
        np.concatenate([segment.dead_persons for segment in chosen]),
    )
    write_segment(model, base.name, segment_to_bytes(base))
    names = {segment.name for segment in chosen}
    entry = SegmentEntry(base.name, len(base.index), len(base.dead_faces) + len(base.dead_persons))
    current = read_manifest(model)
    assert current is not None
    try:
        if not names <= current.names():
            raise WriteConflict()
        replace_manifest(model, (entry, *(e for e in current.segments if e.name not in names)), current.etag)
    except WriteConflict:
        delete_segment(model, base.name)
        return False
    for name in names:
        delete_segment(model, name)
    logger.info("compacted %d segments of %s into %s (%d faces)", len(names), model, base.name, len(base.index))
    return True


def remove_every_abandoned_segment() -> int:
    """Delete every model's abandoned segment blobs (the timer's work); returns how many."""
    return sum(remove_abandoned_segments(model) for model in RECOGNITION_MODELS if model not in UNSUPPORTED_MODELS)


def remove_abandoned_segments(model: str) -> int:
    """Delete the model's segment blobs that no manifest lists or ever will again; returns how many.

    A segment named after an operation is abandoned once that operation is
    settled and the manifest, read after that, does not list it: no job will
    list it again, and compaction only ever removes names. The order matters:
    read the other way round, a job could list its segment between the two
    reads. A base is listed by the compaction that wrote it seconds after
    writing it, so an unlisted base older than ``DIRECTORY_ABANDONED_BASE_SECONDS``
    belongs to a compaction that crashed or lost its race. Readers holding an
    older manifest meet a deleted segment as they do after a compaction.
    """
    stored = stored_segments(model)
    cutoff = datetime.now(UTC) - timedelta(seconds=limits.DIRECTORY_ABANDONED_BASE_SECONDS)
    candidates = {
        name
        for name, written in stored.items()
        if (written < cutoff if name.startswith(BASE_PREFIX) else operations.is_settled(name))
    }
    manifest = read_manifest(model)
    assert manifest is not None
    abandoned = candidates - manifest.names()
    for name in abandoned:
        delete_segment(model, name)
    if abandoned:
        logger.info("removed %d abandoned segments of %s", len(abandoned), model)
    return len(abandoned)
