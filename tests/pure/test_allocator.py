"""The C allocator's large-block policy: freed large blocks leave the process."""

from pathlib import Path

import numpy as np

from core.allocator import LARGE_BLOCK_BYTES, return_large_blocks


def _anonymous_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def test_freed_large_blocks_are_returned_to_the_system_between_live_small_ones():
    assert return_large_blocks()
    np.ones(30 * 1024 * 1024, dtype=np.uint8)  # freed at once: it would raise glibc's dynamic threshold
    before = _anonymous_bytes()
    large, small = [], []
    for _ in range(8):  # each small block lies after a large one in the heap, so a freed large one is a hole
        large.append(np.ones(4 * LARGE_BLOCK_BYTES, dtype=np.uint8))
        small.append(np.ones(100_000, dtype=np.uint8))
    assert _anonymous_bytes() - before >= 8 * 4 * LARGE_BLOCK_BYTES * 0.9
    del large
    assert _anonymous_bytes() - before < 2 * LARGE_BLOCK_BYTES
    assert len(small) == 8
