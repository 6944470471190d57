"""The ``face-training`` queue: training jobs as JSON messages (base64 on the wire, as the host expects)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from core.storage.clients import queue
from core.storage.resources import TRAINING_QUEUE


@dataclass(frozen=True)
class TrainingJob:
    """Train collection ``collection_id`` of ``kind``; ``training_id`` names this request."""

    kind: str
    collection_id: str
    training_id: str

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "collectionId": self.collection_id, "trainingId": self.training_id})


def parse_job(body: bytes) -> TrainingJob:
    """The job in a message body (ValueError when it is not one)."""
    value = json.loads(body)
    if not isinstance(value, dict) or not all(
        isinstance(value.get(field), str) for field in ("kind", "collectionId", "trainingId")
    ):
        raise ValueError("not a training job")
    return TrainingJob(value["kind"], value["collectionId"], value["trainingId"])


def enqueue_job(job: TrainingJob) -> None:
    queue(TRAINING_QUEUE).send_message(job.to_json())
