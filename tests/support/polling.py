"""The one way tests wait: poll until something holds, and fail naming it when the deadline passes.

A wait that runs out must fail the test: code after a wait relies on what it
waited for, so carrying on would report a later, misleading error (or none).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tests.support.servers import FaceClient

T = TypeVar("T")

TRAINING_TIMEOUT = 120.0
"""Seconds a test waits for one training, far above what a small collection takes on a busy machine."""
TRAINING_UNDER_WAY = frozenset({"notstarted", "nonstarted", "running"})
TRAINING_FINISHED = frozenset({"succeeded", "failed"})


def wait_until(check: Callable[[], T | None], timeout: float, what: str, interval: float = 0.2) -> T:
    """Call ``check`` until it returns something truthy and return that; raise AssertionError
    naming ``what`` if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:g} s")
        time.sleep(interval)


def wait_for_training(
    read_status: Callable[[], T], state_of: Callable[[T], str], what: str, timeout: float = TRAINING_TIMEOUT
) -> T:
    """Read a training status until it has succeeded or failed, and return that last reading.

    A state that is neither finished nor under way fails at once; so does running out of time."""

    def finished() -> T | None:
        status = read_status()
        state = state_of(status).lower()
        assert state in TRAINING_FINISHED | TRAINING_UNDER_WAY, f"{what}: unknown training state {state!r}"
        return status if state in TRAINING_FINISHED else None

    return wait_until(finished, timeout, what)


def finished_training(api: FaceClient, path: str, timeout: float = TRAINING_TIMEOUT) -> dict[str, Any]:
    """The training status body at ``path`` (``.../training``) once that training has succeeded or failed."""
    return wait_for_training(
        lambda: api.get(path).json(), lambda status: status["status"], f"the training at {path} to finish", timeout
    )
