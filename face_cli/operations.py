"""Long-running operations: a 202's ``operation-Location`` polled with ``GET /operations/{id}`` to its end.

The PersonDirectory answers creating a person, adding a face and changing a
dynamic person group's members with 202 and an operation; the change is done
(a face searchable, a person usable) once that operation has succeeded.
"""

from __future__ import annotations

import time
from typing import Any

from face_cli.client import Answer, FaceApi, FaceApiError

FIRST_POLL_SECONDS = 0.1
LONGEST_POLL_SECONDS = 1.0
OPERATION_TIMEOUT_SECONDS = 600.0
ENDED = frozenset({"succeeded", "failed"})


def wait_for_operation(api: FaceApi, operation_id: str) -> dict[str, Any]:
    """Poll the operation until it succeeds (its last status); a failed or endless one raises ``FaceApiError``.

    The wait between polls doubles from ``FIRST_POLL_SECONDS`` to ``LONGEST_POLL_SECONDS``: most operations
    end within a poll or two, and a slow one is not polled in a tight loop by every worker.
    """
    started = time.monotonic()
    pause = FIRST_POLL_SECONDS
    while True:
        status: dict[str, Any] = api.call("GET", f"/operations/{operation_id}")
        state = str(status.get("status", "")).lower()
        if state == "succeeded":
            return status
        if state == "failed":
            message = status.get("message") or f"operation {operation_id} failed"
            raise FaceApiError(0, "OperationFailed", str(message))
        if time.monotonic() - started > OPERATION_TIMEOUT_SECONDS:
            raise FaceApiError(0, "OperationTimeout", f"operation {operation_id} did not end")
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_POLL_SECONDS)


def settle(api: FaceApi, answer: Answer) -> Any:
    """The body of an answer once the operation it names (if any) has succeeded.

    An answer without an operation is either final or a result ``settled`` found after an ambiguous failure,
    whose operation was lost with its answer: the service runs it all the same.
    """
    if answer.operation_id is not None:
        wait_for_operation(api, answer.operation_id)
    return answer.body
