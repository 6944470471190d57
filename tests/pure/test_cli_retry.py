"""The command line's retry policy: which answers are retried and how long ``Retry-After`` makes it wait."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from face_cli.client import FaceApiError
from face_cli.rejections import rejection_reason
from face_cli.retry import RetryPolicy, retriable_status, retry_after_seconds


def test_429_and_5xx_are_retried_other_answers_are_final() -> None:
    assert [retriable_status(s) for s in (200, 400, 401, 404, 409, 429, 500, 503)] == [
        False,
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("3", now) == 3
    assert retry_after_seconds("0.5", now) == 0.5
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:07 GMT", now) == 7
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0
    assert retry_after_seconds(None, now) is None
    assert retry_after_seconds("soon", now) is None


def test_the_server_s_wait_wins_capped_and_backoff_doubles_otherwise() -> None:
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=10.0)
    assert policy.delay(1, "4") == 4
    assert policy.delay(1, "600") == 10
    for retry in range(1, 6):
        assert 0 <= policy.delay(retry) <= min(10.0, 2 ** (retry - 1))


@pytest.mark.parametrize(
    ("code", "message", "reason"),
    [
        ("InvalidImage", "No face detected in the image or in the specified targetFace area.", "no face"),
        (
            "InvalidImage",
            "There is more than 1 face in the image or in the specified targetFace area.",
            "several faces",
        ),
        ("InvalidImage", "Decoding error, image format unsupported.", "bad image"),
        ("InvalidImageSize", "Image size is too small.", "too small"),
        ("InvalidImageSize", "Image size is too big.", "too big"),
        ("BadArgument", "Invalid argument detectionModel.", "BadArgument"),
    ],
)
def test_azure_add_face_refusals_become_reasons(code: str, message: str, reason: str) -> None:
    assert rejection_reason(FaceApiError(400, code, message)) == reason
