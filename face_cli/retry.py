"""When to retry a request and how long to wait first.

Azure Face answers 429 when a key's rate is exceeded, with ``Retry-After`` in
seconds; 5xx answers and broken connections are transient too. The server's
``Retry-After`` wins when present (seconds or an HTTP date); otherwise the wait
doubles from ``base_delay`` with full jitter, so many workers hitting the same
limit do not retry in lockstep.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

TOO_MANY_REQUESTS = 429


def retriable_status(status: int) -> bool:
    """429 and every 5xx are worth another try; other answers are final."""
    return status == TOO_MANY_REQUESTS or status >= 500


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), or None if absent or unreadable."""
    if not header:
        return None
    text = header.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How many times a request is tried and how long to wait between tries."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 60.0

    def delay(self, retry: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        asked = retry_after_seconds(retry_after)
        if asked is not None:
            return min(asked, self.max_delay)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))
