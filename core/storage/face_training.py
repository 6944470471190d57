"""The ``facetraining`` table: the training status of every trainable collection.

PartitionKey is the kind, RowKey the collection id. A row holds the status
(``notstarted``, ``running``, ``succeeded``, ``failed``), the timestamps Azure
reports, the failure message, the id of the training the status belongs to and
the name of the index blob of the last successful training. Every change is
conditional on the row's ETag, so a superseded training cannot overwrite a
newer one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from core.storage.clients import table
from core.storage.conditional import etag_of
from core.storage.exceptions import WriteConflict
from core.storage.resources import TRAINING_TABLE

NOT_STARTED, RUNNING, SUCCEEDED, FAILED = "notstarted", "running", "succeeded", "failed"


@dataclass(frozen=True)
class TrainingRecord:
    """A training status row, with the ETag it was read with (None before it is stored)."""

    kind: str
    collection_id: str
    status: str
    training_id: str
    created: str
    last_action: str | None = None
    last_successful_training: str | None = None
    message: str | None = None
    index_blob: str | None = None
    etag: str | None = None

    def with_changes(self, **changes: Any) -> TrainingRecord:
        return replace(self, **changes)


def _table() -> TableClient:
    return table(TRAINING_TABLE)


def _record(entity: Any) -> TrainingRecord:
    return TrainingRecord(
        kind=entity["PartitionKey"],
        collection_id=entity["RowKey"],
        status=entity["status"],
        training_id=entity["trainingId"],
        created=entity["createdDateTime"],
        last_action=entity.get("lastActionDateTime"),
        last_successful_training=entity.get("lastSuccessfulTrainingDateTime"),
        message=entity.get("message"),
        index_blob=entity.get("indexBlob"),
        etag=etag_of(entity),
    )


def _entity(record: TrainingRecord) -> dict[str, Any]:
    optional = {
        "lastActionDateTime": record.last_action,
        "lastSuccessfulTrainingDateTime": record.last_successful_training,
        "message": record.message,
        "indexBlob": record.index_blob,
    }
    return {
        "PartitionKey": record.kind,
        "RowKey": record.collection_id,
        "status": record.status,
        "trainingId": record.training_id,
        "createdDateTime": record.created,
        **{name: value for name, value in optional.items() if value is not None},
    }


def read_training(kind: str, collection_id: str) -> TrainingRecord | None:
    try:
        return _record(_table().get_entity(kind, collection_id))
    except ResourceNotFoundError:
        return None


def write_training(record: TrainingRecord) -> TrainingRecord:
    """Store ``record`` if the row is unchanged since ``record.etag`` was read (absent when None).

    Raises ``WriteConflict`` otherwise; returns the record with its new ETag.
    """
    try:
        if record.etag is None:
            metadata = _table().create_entity(_entity(record))
        else:
            metadata = _table().update_entity(
                _entity(record),
                mode=UpdateMode.REPLACE,
                etag=record.etag,
                match_condition=MatchConditions.IfNotModified,
            )
    except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError) as error:
        raise WriteConflict() from error
    return record.with_changes(etag=metadata["etag"])


def delete_training(kind: str, collection_id: str) -> None:
    _table().delete_entity(kind, collection_id)
