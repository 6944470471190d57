"""Validation of the fields clients send about collections, persons and faces.

Ids, names, userData, recognition and detection model names, and the
``start``/``top`` paging parameters, with Azure's messages for each failure.
Every check reads its bound from ``core.limits``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from core import limits
from core.collections.kinds import CollectionKind
from core.errors import bad_argument, invalid_request_body
from core.vision.catalog import (
    DEFAULT_DETECTION_MODEL,
    DEFAULT_RECOGNITION_MODEL,
    check_detection_model,
    check_recognition_model,
)

_ID = re.compile(limits.COLLECTION_ID_PATTERN)


@dataclass(frozen=True)
class Paging:
    """Ids strictly after ``start``, at most ``top`` of them."""

    start: str | None
    top: int


def is_collection_id(text: str) -> bool:
    return 0 < len(text) <= limits.MAX_COLLECTION_ID_LENGTH and _ID.match(text) is not None


def check_new_collection_id(kind: CollectionKind, collection_id: str) -> None:
    """On create a malformed id is a 400."""
    if not is_collection_id(collection_id):
        raise kind.invalid_new_id()


def is_server_id(text: str) -> bool:
    """True for the lower-case UUIDs the service generates (personId, persistedFaceId)."""
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _text(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise invalid_request_body()
    return value


def _checked_name(name: str | None, required: bool) -> str | None:
    if name is None and not required:
        return None
    if not name:
        raise bad_argument("'name' is empty.")
    if len(name) > limits.MAX_NAME_LENGTH:
        raise bad_argument("'name' is too long.")
    return name


def checked_user_data(user_data: str | None, limit: int = limits.MAX_USER_DATA_LENGTH) -> str | None:
    if user_data is not None and len(user_data) > limit:
        raise bad_argument("'userData' is too long.")
    return user_data


def new_metadata(body: dict[str, Any]) -> tuple[str, str | None]:
    """``name`` (required) and ``userData`` of a create body (collection or person)."""
    name = _checked_name(_text(body, "name"), required=True)
    assert name is not None
    return name, checked_user_data(_text(body, "userData"))


def recognition_model(body: dict[str, Any]) -> str:
    value = body.get("recognitionModel")
    if value is None:
        return DEFAULT_RECOGNITION_MODEL
    if not isinstance(value, str):
        raise bad_argument("'recognitionModel' is invalid.")
    return check_recognition_model(value)


def metadata_changes(body: dict[str, Any]) -> dict[str, str]:
    """The ``name``/``userData`` changes of an update body; fields left out stay unchanged."""
    name = _text(body, "name")
    user_data = _text(body, "userData")
    if name is None and user_data is None:
        raise bad_argument("Both 'name' and 'userData' are empty.")
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _checked_name(name, required=True) or ""
    if user_data is not None:
        changes["userData"] = checked_user_data(user_data) or ""
    return changes


def face_user_data(user_data: str | None) -> str | None:
    return checked_user_data(user_data, limits.MAX_FACE_USER_DATA_LENGTH)


def face_changes(body: dict[str, Any]) -> dict[str, str]:
    """The ``userData`` change of a face update body (empty when it sets nothing)."""
    user_data = face_user_data(_text(body, "userData"))
    return {} if user_data is None else {"userData": user_data}


def detection_model(value: str | None) -> str:
    return DEFAULT_DETECTION_MODEL if value is None else check_detection_model(value)


def paging(start: str | None, top: str | None) -> Paging:
    """``start`` (exclusive id) and ``top`` (1..1000, default 1000) query parameters."""
    if start is not None and len(start) > limits.MAX_START_LENGTH:
        raise bad_argument("'start' is too long.")
    if top is None:
        return Paging(start, limits.MAX_TOP)
    try:
        count = int(top)
    except ValueError:
        raise bad_argument("'top' is invalid.") from None
    if not limits.MIN_TOP <= count <= limits.MAX_TOP:
        raise bad_argument("'top' is invalid.")
    return Paging(start, count)
