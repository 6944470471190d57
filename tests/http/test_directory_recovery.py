"""A crash between writing a directory operation's state and queuing it: the sweep queues it again, and the
operation reaches ``succeeded`` by itself (dev host timer + queue function, Azurite)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from core import limits
from core.directory.faces import ADD_FACE
from core.directory.persons import DELETE_PERSON
from core.search.index import feature_to_bytes
from core.storage import directory_faces, directory_persons
from core.storage.directory_faces import NewDirectoryFace
from core.storage.directory_operations import NOT_STARTED, OperationRecord, insert_operation
from core.timestamps import format_timestamp
from functions.directory_jobs import SWEEP_PERIOD_SECONDS
from tests.support.directory import MODEL, create_person
from tests.support.helpers import error_of
from tests.support.polling import wait_until
from tests.support.servers import FaceClient

RECOVERY_SECONDS = SWEEP_PERIOD_SECONDS + 30
"""An operation left unqueued succeeds within one sweep period plus the time its job takes on a busy machine."""


def unqueued_operation(job: dict[str, Any]) -> str:
    """Record a ``notstarted`` operation as a request does, as if the crash came longer ago than the sweep waits."""
    then = format_timestamp(datetime.now(UTC) - timedelta(seconds=limits.DIRECTORY_STALE_SECONDS + 1))
    record = insert_operation(OperationRecord(str(uuid.uuid4()), NOT_STARTED, then, job, last_action=then))
    return record.operation_id


def test_operations_a_crash_left_unqueued_succeed_by_themselves(preview: FaceClient, storage: str) -> None:
    keeper, leaver = create_person(preview, "keeper"), create_person(preview, "leaver")
    face_id = str(uuid.uuid4())
    feature = np.random.default_rng(7).standard_normal(128).astype(np.float32)
    job = {"kind": ADD_FACE, "personId": keeper, "recognitionModel": MODEL, "persistedFaceId": face_id}
    add = unqueued_operation(job)
    face = NewDirectoryFace(MODEL, None, (0, 0, 40, 40), feature_to_bytes(feature / np.linalg.norm(feature)), add)
    directory_faces.add_face(keeper, face_id, face, limits.MAX_FACES_PER_DIRECTORY_PERSON)
    delete = unqueued_operation({"kind": DELETE_PERSON, "personId": leaver})
    directory_persons.mark_deleting(leaver)
    directory_faces.mark_guard_deleting(leaver)

    def status(operation_id: str) -> str:
        body: dict[str, Any] = preview.get(f"/operations/{operation_id}").json()
        return str(body["status"])

    assert status(add) == status(delete) == "notStarted"
    wait_until(
        lambda: status(add) == status(delete) == "succeeded",
        RECOVERY_SECONDS,
        "the unqueued operations to succeed",
        interval=1,
    )
    stored = directory_faces.read_face(keeper, MODEL, face_id)
    assert stored is not None and stored.indexed
    assert error_of(preview.get(f"/persons/{leaver}"))[:2] == (404, "PersonNotFound")
    assert directory_persons.read_person(leaver) is None
