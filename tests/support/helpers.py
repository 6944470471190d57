"""Small helpers the tests share: request headers, unique ids and Azure errors as comparable tuples."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
import requests

from core.errors import FaceError

OCTET = {"Content-Type": "application/octet-stream"}
"""Headers of a request whose body is an image's bytes."""


class Refusal(NamedTuple):
    """An Azure error: equal to a plain ``(status, code, message)`` tuple, and readable by name."""

    status: int
    code: str
    message: str


def error_of(response: requests.Response) -> Refusal:
    """The Azure error an HTTP response carries."""
    body = response.json()
    return Refusal(response.status_code, body["error"]["code"], body["error"]["message"])


def admitted(send: Callable[[], requests.Response], attempts: int = 60) -> requests.Response:
    """``send()`` again after each 429 for the ``Retry-After`` it names, as a well-behaved client does."""
    for _ in range(attempts - 1):
        response = send()
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return send()


def raised_by(call: Callable[..., Any], *args: Any) -> Refusal:
    """The Azure error ``call(*args)`` raises (the test fails if it raises none)."""
    with pytest.raises(FaceError) as caught:
        call(*args)
    return Refusal(caught.value.status, caught.value.code, caught.value.message)


def new_id(prefix: str = "t") -> str:
    """A fresh collection id (lower case, digits and ``-``, as Azure's ids must be), so tests never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"
