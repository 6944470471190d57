"""Pure tests need nothing outside the Python process, and this folder holds them to it.

While a test of this folder is set up, runs and is torn down, reaching the
network, starting a process, or opening a photo (under the shared data) or a
model file (``.dat``, ``.onnx``) is refused and fails the test, so a test
needing more cannot land here unnoticed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.paths import SHARED_DATA

NETWORK_AND_PROCESS_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
    }
)
MODEL_SUFFIXES = (".dat", ".onnx")
PHOTOS = os.path.normpath(SHARED_DATA) + os.sep


class Refused:
    """What the running pure test tried and was refused (``attempts`` is None while none runs)."""

    attempts: list[str] | None = None


def outside_the_process(event: str, args: tuple[Any, ...]) -> str | None:
    """What an audit event reaches outside the process, if it is something pure tests may not use."""
    if event in NETWORK_AND_PROCESS_EVENTS:
        return f"{event} {args[1:2] if event == 'socket.connect' else args[:1]}"
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        path = os.path.normpath(os.path.abspath(os.fsdecode(args[0])))
        if path.startswith(PHOTOS) or path.endswith(MODEL_SUFFIXES):
            return f"open {path}"
    return None


def refuse(event: str, args: tuple[Any, ...]) -> None:
    """The audit hook: refuse what a pure test may not use, while one runs."""
    if Refused.attempts is None:
        return
    reached = outside_the_process(event, args)
    if reached is not None:
        Refused.attempts.append(reached)
        raise PermissionError(f"a pure test may not use {reached}")


sys.addaudithook(refuse)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> object:
    """Refuse from the start of setup, so module-scoped fixtures are held to the rule too."""
    Refused.attempts = []
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> object:
    try:
        return (yield)
    finally:
        Refused.attempts = None


@pytest.fixture(autouse=True)
def nothing_outside_the_process() -> Iterator[None]:
    """Fail the test if its setup or call reached outside the process, even where the refusal was caught."""
    yield
    if Refused.attempts:
        pytest.fail("pure test reached outside the process: " + "; ".join(dict.fromkeys(Refused.attempts)))
