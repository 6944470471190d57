"""The C allocator's arena limit: ``MALLOC_ARENA_MAX`` from the settings, applied to the running dev host.

glibc gives each thread that allocates while the others hold their arena a
new arena, up to eight per core, and memory freed inside an arena mostly
stays mapped: the host's function, storage-reader and lease threads each
leave their own arena holding the peak of the images, tensors and response
bodies they once handled, so resident memory keeps climbing under varied
traffic. With the limit, every thread shares the same few arenas and freed
memory is reused. The app settings (infra templates and
``local.settings.json``) set it; the Functions host passes app settings to the
worker as its environment, which glibc reads at start. The dev host loads
``local.settings.json`` after it has started, so it applies the value itself
with ``mallopt``, before any of its threads exist.
"""

from __future__ import annotations

import ctypes
import logging
import os

logger = logging.getLogger("devhost.allocator")

ARENA_MAX_SETTING = "MALLOC_ARENA_MAX"
_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number of the arena limit (malloc.h)."""


def apply_arena_limit(environ: dict[str, str] | None = None) -> int | None:
    """Apply ``MALLOC_ARENA_MAX`` from ``environ`` to this process; the limit applied, None when unset.

    Raises ValueError for a value that is not a positive integer. Where the C
    library has no ``mallopt`` (not glibc), the setting is logged and left out.
    """
    value = (os.environ if environ is None else environ).get(ARENA_MAX_SETTING, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{ARENA_MAX_SETTING} must be a positive integer, not {value!r}")
    library = ctypes.CDLL(None)
    mallopt = getattr(library, "mallopt", None)
    if mallopt is None or mallopt(_M_ARENA_MAX, int(value)) != 1:
        logger.warning("the C library did not take %s=%s; its default arenas apply", ARENA_MAX_SETTING, value)
        return None
    logger.info("C allocator arenas capped at %s (%s)", value, ARENA_MAX_SETTING)
    return int(value)
