"""Numeric fields of recognition request bodies, checked against their documented ranges.

A field that is absent or null takes its default; a value of the wrong type or
outside its range is ``BadArgument`` "The argument <field> is not valid.".
"""

from __future__ import annotations

from typing import Any

from core.errors import FaceError, bad_argument


def invalid_argument(field: str) -> FaceError:
    return bad_argument(f"The argument {field} is not valid.")


def bounded_int(body: dict[str, Any], field: str, minimum: int, maximum: int, default: int) -> int:
    value = body.get(field)
    if value is None:
        return default
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not minimum <= value <= maximum:
        raise invalid_argument(field)
    return int(value)


def bounded_number(body: dict[str, Any], field: str, minimum: float, maximum: float, default: float) -> float:
    value = body.get(field)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not minimum <= value <= maximum:
        raise invalid_argument(field)
    return float(value)
