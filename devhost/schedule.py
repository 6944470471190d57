"""NCRONTAB schedules (``{second} {minute} {hour} {day} {month} {day-of-week}``) as the Functions host reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_SEARCH_LIMIT = timedelta(days=366)


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            start, end = low, high
        elif "-" in span:
            start, end = (int(bound) for bound in span.split("-", 1))
        else:
            start = int(span)
            end = high if step_text else start
        if not (low <= start <= end <= high) or step < 1:
            raise ValueError(f"field {text!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Schedule:
    """The seconds, minutes, hours, days, months and weekdays a timer fires on."""

    fields: tuple[frozenset[int], ...]

    @classmethod
    def parse(cls, expression: str) -> Schedule:
        parts = expression.split()
        if len(parts) != 6:
            raise ValueError(f"NCRONTAB expression needs six fields: {expression!r}")
        return cls(tuple(_field(part, low, high) for part, (low, high) in zip(parts, _RANGES, strict=True)))

    def matches(self, moment: datetime) -> bool:
        seconds, minutes, hours, days, months, weekdays = self.fields
        return (
            moment.second in seconds
            and moment.minute in minutes
            and moment.hour in hours
            and moment.day in days
            and moment.month in months
            and (moment.weekday() + 1) % 7 in weekdays
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first firing time strictly after ``moment``."""
        candidate = moment.replace(microsecond=0) + timedelta(seconds=1)
        limit = candidate + _SEARCH_LIMIT
        while candidate < limit:
            if not (
                candidate.month in self.fields[4]
                and candidate.day in self.fields[3]
                and (candidate.weekday() + 1) % 7 in self.fields[5]
            ):
                candidate = candidate.replace(hour=0, minute=0, second=0) + timedelta(days=1)
            elif candidate.hour not in self.fields[2]:
                candidate = candidate.replace(minute=0, second=0) + timedelta(hours=1)
            elif candidate.minute not in self.fields[1]:
                candidate = candidate.replace(second=0) + timedelta(minutes=1)
            elif candidate.second not in self.fields[0]:
                candidate += timedelta(seconds=1)
            else:
                return candidate
        raise ValueError("schedule never fires")
