"""Subscription-key authentication, as Azure's API gateway does it."""

from __future__ import annotations

import hmac

from core.errors import access_denied

KEY_HEADER = "Ocp-Apim-Subscription-Key"
KEY_QUERY_PARAMETER = "subscription-key"


def key_is_valid(presented: str | None, keys: tuple[str, ...]) -> bool:
    """Compare ``presented`` with every configured key in constant time.

    Every key is compared, whatever the outcome of the others, so the time taken
    does not tell which key (or how much of one) matched.
    """
    if not presented or not keys:
        return False
    given = presented.encode("utf-8")
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key.encode("utf-8"))
    return matched


def authenticate(presented: str | None, keys: tuple[str, ...]) -> None:
    """Raise Azure's 401 unless ``presented`` is one of ``keys``."""
    if not key_is_valid(presented, keys):
        raise access_denied()
