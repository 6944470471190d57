"""The detected-faceId store (table ``detectedfaces``): what Detect remembers.

Each faceId Detect returns is stored with its feature, its recognition model and
its expiry (``faceIdTimeToLive`` seconds after detection), so any instance can
use it in Verify, Identify, Find Similar and Group. A row past its expiry reads
as unknown; ``purge_expired_faces`` (run by a timer) deletes such rows in
batched transactions.

Rows are spread over 256 partitions named by the first two hex digits of the
faceId (``RowKey`` is the faceId), so a read is a point read and a purge can
delete up to 100 rows of one partition per transaction. Rows never change once
written, so each process also keeps the most recent ones in memory.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import groupby

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError

from core.storage.clients import table
from core.storage.resources import DETECTED_FACES_TABLE

MAX_TRANSACTION_OPERATIONS = 100
CACHED_FACES = 4_096
"""faceIds each process keeps in memory (about 850 bytes each): the ones a client uses soon after its Detect.

Clients detect and then verify, identify or group within seconds; a busy
instance detects about 15 faces a second, so this covers its last few
minutes. Older faceIds are read from the table, so the bound costs only a
point read, while a larger one would hold memory for faceIds seldom used again.
"""
READ_WORKERS = 8


@dataclass(frozen=True)
class DetectedFaceRecord:
    """One stored faceId: the feature Detect extracted (as stored bytes), its model and its expiry."""

    face_id: str
    recognition_model: str
    feature: bytes
    expires_on: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_on


def utc_now() -> datetime:
    return datetime.now(UTC)


def partition_of(face_id: str) -> str:
    return face_id[:2]


def canonical_face_id(text: str) -> str | None:
    """The faceId in its stored form (lower-case, hyphenated), or None if ``text`` is not a UUID."""
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        return None


class RecentFaces:
    """A bounded, thread-safe map of the most recently used records."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.records: OrderedDict[str, DetectedFaceRecord] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, face_id: str) -> DetectedFaceRecord | None:
        with self.lock:
            record = self.records.get(face_id)
            if record is not None:
                self.records.move_to_end(face_id)
            return record

    def put(self, record: DetectedFaceRecord) -> None:
        with self.lock:
            self.records[record.face_id] = record
            self.records.move_to_end(record.face_id)
            while len(self.records) > self.capacity:
                self.records.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.records.clear()


recent_faces = RecentFaces(CACHED_FACES)


@lru_cache(maxsize=1)
def _reader_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=READ_WORKERS, thread_name_prefix="detected-faces")


def _entity(record: DetectedFaceRecord) -> dict[str, object]:
    return {
        "PartitionKey": partition_of(record.face_id),
        "RowKey": record.face_id,
        "RecognitionModel": record.recognition_model,
        "Feature": record.feature,
        "ExpiresOn": record.expires_on,
    }


def _record(entity: dict[str, object]) -> DetectedFaceRecord:
    expires_on, feature = entity["ExpiresOn"], entity["Feature"]
    assert isinstance(expires_on, datetime) and isinstance(feature, bytes)
    return DetectedFaceRecord(
        face_id=str(entity["RowKey"]),
        recognition_model=str(entity["RecognitionModel"]),
        feature=feature,
        expires_on=expires_on if expires_on.tzinfo else expires_on.replace(tzinfo=UTC),
    )


def store_detected_faces(
    features: Sequence[bytes], recognition_model: str, time_to_live_seconds: int, now: datetime | None = None
) -> list[str]:
    """Store one new faceId per feature (as stored bytes) and return the faceIds, in the features' order."""
    expires_on = (now or utc_now()) + timedelta(seconds=time_to_live_seconds)
    records = [DetectedFaceRecord(str(uuid.uuid4()), recognition_model, feature, expires_on) for feature in features]
    client = table(DETECTED_FACES_TABLE)
    by_partition = sorted(records, key=lambda record: record.face_id)
    for _, group in groupby(by_partition, key=lambda record: partition_of(record.face_id)):
        members = list(group)
        if len(members) == 1:
            client.create_entity(_entity(members[0]))
        else:
            client.submit_transaction([("create", _entity(member)) for member in members])
    for record in records:
        recent_faces.put(record)
    return [record.face_id for record in records]


def _fetch(face_id: str) -> DetectedFaceRecord | None:
    try:
        entity = table(DETECTED_FACES_TABLE).get_entity(partition_of(face_id), face_id)
    except ResourceNotFoundError:
        return None
    record = _record(entity)
    recent_faces.put(record)
    return record


def load_detected_faces(face_ids: Iterable[str], now: datetime | None = None) -> dict[str, DetectedFaceRecord]:
    """The live records of ``face_ids`` (canonical form), keyed by faceId; unknown and expired ones are absent.

    Records this process has seen come from memory; the others are point reads, concurrent when several.
    """
    wanted = list(dict.fromkeys(face_ids))
    known = {face_id: recent_faces.get(face_id) for face_id in wanted}
    missing = [face_id for face_id, record in known.items() if record is None]
    fetched = (
        list(_reader_pool().map(_fetch, missing)) if len(missing) > 1 else [_fetch(face_id) for face_id in missing]
    )
    known.update(zip(missing, fetched, strict=True))
    moment = now or utc_now()
    return {face_id: record for face_id, record in known.items() if record is not None and not record.expired(moment)}


def purge_expired_faces(now: datetime | None = None) -> int:
    """Delete every row whose faceId has expired, 100 per transaction; return how many were deleted."""
    moment = now or utc_now()
    client = table(DETECTED_FACES_TABLE)
    expired = client.query_entities(
        "ExpiresOn le @moment", parameters={"moment": moment}, select=["PartitionKey", "RowKey"]
    )
    keys = sorted((str(entity["PartitionKey"]), str(entity["RowKey"])) for entity in expired)
    deleted = 0
    for partition, group in groupby(keys, key=lambda key: key[0]):
        rows = [row for _, row in group]
        for start in range(0, len(rows), MAX_TRANSACTION_OPERATIONS):
            batch = rows[start : start + MAX_TRANSACTION_OPERATIONS]
            _delete_rows(client, partition, batch)
            deleted += len(batch)
    return deleted


def _delete_rows(client: TableClient, partition: str, rows: list[str]) -> None:
    """Delete ``rows`` of one partition in one transaction, or one by one if another purge got some first."""
    try:
        client.submit_transaction([("delete", {"PartitionKey": partition, "RowKey": row}) for row in rows])
    except TableTransactionError:
        for row in rows:
            client.delete_entity(partition, row)
