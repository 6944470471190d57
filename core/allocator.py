"""Freed memory handed back to the operating system: glibc's ``malloc_trim``, at most every few seconds.

glibc returns freed memory to the system only from the top of a heap; memory
freed below a block still in use stays resident and is kept for reuse. A
request allocates and frees tens of megabytes (decoded images, pyramid levels,
tensors) around small objects that outlive it (cached faceIds, storage client
state), so the freed holes pile up and resident memory climbs under steady
traffic although the live data does not. ``malloc_trim(0)`` releases the free
pages of every arena, wherever they lie, in a few milliseconds. Requests call
``release_free_memory`` when they finish; only one call in
``TRIM_INTERVAL_SECONDS`` trims, and one that finds another thread trimming
returns at once. Where the C library has no ``malloc_trim`` (not glibc) it
does nothing.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable
from functools import cache

TRIM_INTERVAL_SECONDS = 10.0
"""Often enough that retained memory never outgrows one busy interval, rarely enough that trimming costs nothing."""

_lock = threading.Lock()
_last_trim = [float("-inf")]


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    return trim


def release_free_memory(now: float | None = None) -> bool:
    """Trim the C heaps if ``TRIM_INTERVAL_SECONDS`` have passed since the last trim; whether this call trimmed.

    ``now`` is a ``time.monotonic()`` reading (the current one by default).
    """
    trim = _malloc_trim()
    if trim is None or not _lock.acquire(blocking=False):
        return False
    try:
        moment = time.monotonic() if now is None else now
        if moment - _last_trim[0] < TRIM_INTERVAL_SECONDS:
            return False
        _last_trim[0] = moment
        trim(0)
        return True
    finally:
        _lock.release()
