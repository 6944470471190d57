"""The C allocator settings, each observed in a process of its own: the dev host's arena limit
(``devhost.allocator``) and the trim after requests (``core.allocator``).

The child applies the limit as the dev host does, then keeps eight threads
alive that each allocate through the C library, and has glibc list its arenas
(``malloc_stats`` writes one "Arena n:" block per arena to stderr). Without
the limit each of those threads gets an arena of its own, which is what the
limit is there to prevent.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from core.settings import PROJECT_ROOT
from devhost.allocator import ARENA_MAX_SETTING, apply_arena_limit

CHILD = """
import ctypes, sys, threading
from devhost.allocator import apply_arena_limit
environ = {"MALLOC_ARENA_MAX": sys.argv[1]} if len(sys.argv) > 1 else {}
print(apply_arena_limit(environ), flush=True)
library = ctypes.CDLL(None)
library.malloc.restype = ctypes.c_void_p
threads = 8
allocated, release = threading.Barrier(threads + 1), threading.Event()
def allocate():
    library.malloc(4096)
    allocated.wait()
    release.wait()
workers = [threading.Thread(target=allocate) for _ in range(threads)]
for worker in workers:
    worker.start()
allocated.wait()
library.malloc_stats()
release.set()
for worker in workers:
    worker.join()
"""


def _run_child(code: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (glibc's allocator is Linux-only); its output."""
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's allocator is Linux-only")
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def _arenas(*arguments: str) -> tuple[str, int]:
    """What the child printed (the applied limit) and how many arenas glibc reported."""
    done = _run_child(CHILD, *arguments)
    return done.stdout.strip(), len(re.findall(r"^Arena \d+:", done.stderr, flags=re.MULTILINE))


def test_the_limit_caps_the_arenas_of_many_threads() -> None:
    applied, arenas = _arenas("2")
    assert applied == "2"
    assert 1 <= arenas <= 2


def test_without_the_limit_each_thread_gets_an_arena() -> None:
    applied, arenas = _arenas()
    assert applied == "None"
    assert arenas > 2


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_value_that_is_not_a_positive_integer_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=ARENA_MAX_SETTING):
        apply_arena_limit({ARENA_MAX_SETTING: value})


TRIM_CHILD = """
import ctypes
from core import allocator
library = ctypes.CDLL(None)
library.malloc.restype = ctypes.c_void_p
library.free.argtypes = [ctypes.c_void_p]
def resident_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
size, count = 100 * 1024, 640  # below glibc's smallest mmap threshold: heap blocks, 64 MB in all
blocks, pins = [], []
for _ in range(count):
    blocks.append(library.malloc(size))
    ctypes.memset(blocks[-1], 1, size)
    pins.append(library.malloc(1024))  # in use after each block, so freeing the blocks leaves holes
for block in blocks:
    library.free(block)
before = resident_kb()
trimmed = allocator.release_free_memory()
print(trimmed, before - resident_kb(), size * count // 1024)
"""


def test_a_trim_hands_freed_heap_pages_back() -> None:
    """Blocks freed between blocks still in use stay resident until a trim releases their pages."""
    trimmed, released_kb, freed_kb = _run_child(TRIM_CHILD).stdout.split()
    assert trimmed == "True"
    assert int(released_kb) > int(freed_kb) // 2
