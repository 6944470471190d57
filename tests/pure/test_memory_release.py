"""``core.allocator``: freed C heap memory goes back to the system, at most once per interval."""

from __future__ import annotations

import ctypes
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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_a_trim_hands_freed_heap_pages_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks freed between blocks still in use stay resident until a trim releases their pages."""
    library = ctypes.CDLL(None)
    library.malloc.restype = ctypes.c_void_p
    library.free.argtypes = [ctypes.c_void_p]
    size, count = 100 * 1024, 640  # below glibc's smallest mmap threshold: heap blocks, 64 MB in all
    blocks, pins = [], []
    for _ in range(count):
        blocks.append(library.malloc(size))
        ctypes.memset(blocks[-1], 1, size)
        pins.append(library.malloc(1024))  # in use after each block, so freeing blocks leaves holes
    for block in blocks:
        library.free(block)
    before = _resident_kb()
    monkeypatch.setattr(allocator, "_last_trim", [float("-inf")])
    assert allocator.release_free_memory() is True
    released = before - _resident_kb()
    for pin in pins:
        library.free(pin)
    assert released > count * size // 1024 // 2


def _resident_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
