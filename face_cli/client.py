"""A small client of the Face REST API: one base URL, the key header, retries, Azure's errors.

Every command goes through ``FaceApi.call``. Requests answered 429 or 5xx, and
requests whose connection broke, are tried again after the wait ``RetryPolicy``
gives (honouring ``Retry-After``). A request that adds something is not
idempotent: a 5xx or a broken connection may hide a success, so such a call
passes ``settled``, which looks for the result before the request is sent again
(a 429 is a refusal, after which nothing can have been added).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from face_cli.retry import TOO_MANY_REQUESTS, RetryPolicy, retriable_status

KEY_HEADER = "Ocp-Apim-Subscription-Key"
DEFAULT_API_VERSION = "v1.2"
DIRECTORY_API_VERSION = "v1.2-preview.1"  # the latest version with the PersonDirectory's persons and faces
DEFAULT_CONCURRENCY = 4
PAGE_SIZE = 1000  # the largest ``top`` Azure's list operations accept


class FaceApiError(Exception):
    """An answer that is not a success, with Azure's error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def api_error(response: httpx.Response) -> FaceApiError:
    """The ``FaceApiError`` a failed response carries (Azure's envelope, or the status and text)."""
    try:
        error = response.json()["error"]
        return FaceApiError(response.status_code, str(error["code"]), str(error["message"]))
    except (ValueError, KeyError, TypeError):
        return FaceApiError(
            response.status_code, str(response.status_code), response.text[:300] or response.reason_phrase
        )


@dataclass(frozen=True)
class Answer:
    """A success's decoded body and, for a 202, the id of the operation its ``operation-Location`` names."""

    body: Any
    operation_id: str | None = None


def operation_id(response: httpx.Response) -> str | None:
    """The operationId at the end of ``operation-Location`` (an absolute URL of ``/operations/{operationId}``)."""
    location = response.headers.get("operation-Location")
    return location.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] if location else None


def service_url(endpoint: str, api_version: str) -> str:
    """The base URL of one API version: ``{endpoint}/face/{version}``, as for Azure's resources."""
    return f"{endpoint.rstrip('/')}/face/{api_version}"


class FaceApi:
    """The Face API at one endpoint and API version, safe to share between threads."""

    def __init__(
        self,
        endpoint: str,
        key: str,
        api_version: str = DEFAULT_API_VERSION,
        concurrency: int = DEFAULT_CONCURRENCY,
        retry: RetryPolicy | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.base_url = service_url(endpoint, api_version)
        self.retry = retry or RetryPolicy()
        self.http = httpx.Client(
            headers={KEY_HEADER: key},
            timeout=timeout,
            limits=httpx.Limits(max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2),
        )
        self._lock = threading.Lock()
        self.retries = 0

    def __enter__(self) -> FaceApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, **request: Any) -> Any:
        """The decoded JSON answer of ``method path`` (None for an empty body), retried as the policy says;
        ``request`` holds ``send``'s ``params``, ``json``, ``content`` and ``settled``."""
        return self.send(method, path, **request).body

    def send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        settled: Callable[[], Any] | None = None,
    ) -> Answer:
        """The answer of ``method path``, retried as the policy says, with the operation a 202 names.

        ``settled`` (for requests that add something) is asked, after an answer that may hide a
        success, for the result already there; when it finds one, that is returned instead of retrying
        (without an operation: its answer was lost).
        """
        headers = {"Content-Type": "application/octet-stream"} if content is not None else None
        url = self.base_url + path
        for attempt in range(1, self.retry.attempts + 1):
            retry_after = None
            try:
                response = self.http.request(method, url, params=params, json=json, content=content, headers=headers)
            except httpx.TransportError as error:
                if attempt == self.retry.attempts:
                    raise FaceApiError(0, "ConnectionError", f"{type(error).__name__}: {error}") from error
                may_have_succeeded = True
            else:
                if response.status_code < 400:
                    body = response.json() if response.content.strip() else None
                    return Answer(body, operation_id(response))
                if not retriable_status(response.status_code) or attempt == self.retry.attempts:
                    raise api_error(response)
                may_have_succeeded = response.status_code != TOO_MANY_REQUESTS
                retry_after = response.headers.get("Retry-After")
            with self._lock:
                self.retries += 1
            time.sleep(self.retry.delay(attempt, retry_after))
            if may_have_succeeded and settled is not None:
                found = settled()
                if found is not None:
                    return Answer(found)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def pages(self, path: str, id_field: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a list operation paged by ``start``/``top`` (the id of the last item seen)."""
        start: str | None = None
        while True:
            query = {**(params or {}), "top": PAGE_SIZE, **({"start": start} if start else {})}
            page = self.call("GET", path, params=query) or []
            yield from page
            if len(page) < PAGE_SIZE:
                return
            start = page[-1][id_field]
