"""UTC timestamps as Azure Face writes them (ISO 8601 with milliseconds and ``Z``)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return format_timestamp(datetime.now(UTC))


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
