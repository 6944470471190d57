"""The C allocator's policy for large blocks: returned to the system when freed.

glibc serves a block above its mmap threshold with its own mapping, which
``free`` unmaps. The threshold is dynamic by default: each freed mapped block
raises it (up to 32 MB), after which blocks of that size come from the heap
arenas and, once freed, mostly stay in the process. A service whose requests
allocate large temporaries (image buffers, downloaded blob ranges, score
matrices) on many threads then keeps hundreds of MB it no longer uses.
Fixing the threshold (which also turns the dynamic adjustment off) keeps
every large block a mapping of its own, so resident memory follows what is in
use. On a C library without ``mallopt`` (not glibc) nothing changes.
"""

from __future__ import annotations

import ctypes

LARGE_BLOCK_BYTES = 4 * 1024 * 1024
"""Blocks of at least this size are mapped on their own (small blocks stay in the faster heap arenas)."""

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)


def return_large_blocks() -> bool:
    """Fix the C allocator's mmap threshold at ``LARGE_BLOCK_BYTES``; False where that is not possible."""
    try:
        process = ctypes.CDLL(None)  # the symbols already loaded: the C library's among them
    except (OSError, TypeError):  # a platform that cannot open the process itself (Windows)
        return False
    mallopt = getattr(process, "mallopt", None)
    return mallopt is not None and bool(mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES))
