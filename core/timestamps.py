"""UTC timestamps as Azure Face writes them (ISO 8601 with milliseconds and ``Z``)."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> str:
    return format_timestamp(datetime.now(timezone.utc))


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
