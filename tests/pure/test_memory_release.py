"""``core.allocator``: trims at most once per interval (what a trim releases is observed in a process of its own,
in ``tests/http/test_allocator.py``)."""

from __future__ import annotations

import sys

import pytest

from core import allocator


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_trims_at_most_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "_last_trim", [float("-inf")])
    start = 1_000.0
    assert allocator.release_free_memory(start) is True
    assert allocator.release_free_memory(start + allocator.TRIM_INTERVAL_SECONDS / 2) is False
    assert allocator.release_free_memory(start + allocator.TRIM_INTERVAL_SECONDS) is True
