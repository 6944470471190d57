"""Azure Face v1.0 response bodies for collections, persons, persisted faces and training status.

The collection services answer with these, as the face operations answer
with theirs, so the HTTP functions only serialise what a service returns.
``present`` also shapes the PersonDirectory's bodies (core/directory), whose
contract types ``name`` and ``userData`` the same way.
"""

from __future__ import annotations

from typing import Any

from core.collections.kinds import CollectionKind
from core.storage.face_collections import CollectionRecord
from core.storage.face_members import FaceRecord, PersonRecord
from core.storage.face_training import NOT_STARTED, TrainingRecord


def present(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without the optional values that were never set.

    The contract types such values (``name``, ``userData``, an operation's
    ``message`` and times) as strings, never null, so an absent value is left
    out rather than sent as ``null``.
    """
    return {key: value for key, value in body.items() if value is not None}


def collection_body(kind: CollectionKind, record: CollectionRecord, with_model: bool) -> dict[str, Any]:
    """``{<kind id field>, name, userData}``, plus ``recognitionModel`` when asked for."""
    body: dict[str, Any] = {kind.id_field: record.collection_id, "name": record.name, "userData": record.user_data}
    if with_model:
        body["recognitionModel"] = record.recognition_model
    return present(body)


def person_body(person: PersonRecord) -> dict[str, Any]:
    return present(
        {
            "personId": person.person_id,
            "name": person.name,
            "userData": person.user_data,
            "persistedFaceIds": list(person.persisted_face_ids),
        }
    )


def face_body(face: FaceRecord) -> dict[str, Any]:
    return present({"persistedFaceId": face.persisted_face_id, "userData": face.user_data})


def training_body(record: TrainingRecord, camel_case: bool) -> dict[str, Any]:
    """``TrainingStatus``; from v1.1-preview.1 on the not-started state is spelled ``notStarted``.

    ``message`` is there only when training failed, as the contract says."""
    return {
        "status": "notStarted" if camel_case and record.status == NOT_STARTED else record.status,
        "createdDateTime": record.created,
        "lastActionDateTime": record.last_action,
        "lastSuccessfulTrainingDateTime": record.last_successful_training,
    } | ({} if record.message is None else {"message": record.message})
