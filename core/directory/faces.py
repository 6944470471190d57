"""Faces of directory persons, per recognition model: add (long-running), list, get, update, delete (long-running).

Adding a face checks everything and describes the image within the request
(image errors answer synchronously, before anything is stored), then records
the operation, stores the face (one transaction with the person's guard row,
which counts 248 faces per model exactly under concurrent writers) and
queues the operation, which makes the face searchable. Deleting removes the
face row at once (it is gone from reads and Verify) and queues the operation
that removes it from the search index.
"""

from __future__ import annotations

import uuid
from typing import Any

from core import limits
from core.collections.bodies import present
from core.collections.failures import azure_errors
from core.collections.fields import detection_model, face_changes, face_user_data, is_server_id
from core.collections.kinds import (
    invalid_persisted_face_id,
    persisted_face_not_found,
    person_face_quota_exceeded,
    person_not_found,
)
from core.collections.persisted_faces import describe_single_face
from core.collections.target_face import parse_target_face
from core.directory.lookup import directory_model, require_person
from core.directory.operations import new_operation, queue_operation
from core.geometry import Rectangle
from core.storage import directory_faces
from core.storage.directory_faces import NewDirectoryFace

ADD_FACE, DELETE_FACE = "addFace", "deleteFace"


def _face_id(persisted_face_id: str) -> str:
    if not is_server_id(persisted_face_id):
        raise invalid_persisted_face_id()
    return persisted_face_id.lower()


def add_face(
    person_id: str,
    recognition_model: str,
    image: bytes | str,
    user_data: str | None,
    target_face: str | None,
    detection: str | None,
) -> tuple[str, str]:
    """Describe the one face of ``image`` and store it on the person; returns (persistedFaceId, operationId)."""
    user_data = face_user_data(user_data)
    target = parse_target_face(target_face)
    detector = detection_model(detection)
    model = directory_model(recognition_model)
    person = require_person(person_id)
    rectangle, feature = describe_single_face(image, target, detector, model)
    return store_face(person.person_id, model, user_data, rectangle, feature)


def store_face(
    person_id: str, model: str, user_data: str | None, rectangle: Rectangle, feature: bytes
) -> tuple[str, str]:
    """Store a described face on a live person and queue its indexing; returns (persistedFaceId, operationId).

    The operation is recorded first and queued last: a crash in between leaves
    an operation nobody was told of, or a stored face whose add never returned.
    """
    face_id = str(uuid.uuid4())
    job = {"kind": ADD_FACE, "personId": person_id, "recognitionModel": model, "persistedFaceId": face_id}
    operation = new_operation(job)
    face = NewDirectoryFace(model, user_data, rectangle, feature, operation.operation_id)
    with azure_errors(quota=person_face_quota_exceeded(), missing=person_not_found()):
        directory_faces.add_face(person_id, face_id, face, limits.MAX_FACES_PER_DIRECTORY_PERSON)
    queue_operation(operation)
    return face_id, operation.operation_id


def list_faces(person_id: str, recognition_model: str) -> dict[str, Any]:
    model = directory_model(recognition_model)
    person = require_person(person_id)
    faces = directory_faces.list_faces(person.person_id, model)
    return {"personId": person.person_id, "persistedFaceIds": [face.persisted_face_id for face in faces]}


def get_face(person_id: str, recognition_model: str, persisted_face_id: str) -> dict[str, Any]:
    """``PersonDirectoryFace``; a ``userData`` never set is left out (see ``present``)."""
    model = directory_model(recognition_model)
    person = require_person(person_id)
    face = directory_faces.read_face(person.person_id, model, _face_id(persisted_face_id))
    if face is None:
        raise persisted_face_not_found()
    return present({"persistedFaceId": face.persisted_face_id, "userData": face.user_data})


def update_face(person_id: str, recognition_model: str, persisted_face_id: str, body: dict[str, Any]) -> None:
    model = directory_model(recognition_model)
    person = require_person(person_id)
    face_id = _face_id(persisted_face_id)
    changes = face_changes(body)
    found = directory_faces.read_face(person.person_id, model, face_id) is not None
    if not found or (changes and not directory_faces.update_face(person.person_id, model, face_id, changes)):
        raise persisted_face_not_found()


def delete_face(person_id: str, recognition_model: str, persisted_face_id: str) -> str:
    """Delete a face; returns the id of the operation that removes it from the search index."""
    model = directory_model(recognition_model)
    person = require_person(person_id)
    face_id = _face_id(persisted_face_id)
    if directory_faces.read_face(person.person_id, model, face_id) is None:
        raise persisted_face_not_found()
    job = {"kind": DELETE_FACE, "personId": person.person_id, "recognitionModel": model, "persistedFaceId": face_id}
    operation = new_operation(job)
    with azure_errors(missing=person_not_found()):
        deleted = directory_faces.delete_face(person.person_id, model, face_id)
    if deleted is None:
        raise persisted_face_not_found()
    queue_operation(operation)
    return operation.operation_id
