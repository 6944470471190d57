"""The ``face-directory`` queue: one message per long-running PersonDirectory operation (its operationId)."""

from __future__ import annotations

from core.storage.clients import queue
from core.storage.resources import DIRECTORY_QUEUE


def enqueue_operation(operation_id: str) -> None:
    queue(DIRECTORY_QUEUE).send_message(operation_id)


def parse_operation_message(body: bytes) -> str:
    """The operationId in a message body (ValueError when it is not one)."""
    text = body.decode("utf-8").strip()
    if not text or len(text) > 64:
        raise ValueError("not a directory operation message")
    return text
