"""Serves the FunctionApp's HTTP-triggered functions as an ASGI application.

Routes, methods and the route prefix come from the app and from host.json, so
nothing here has to be kept in sync by hand. Bodies are capped while they are
read; functions run in a thread pool, as the Python worker runs sync functions.

Concurrency follows host.json's ``extensions.http`` as the Functions host does:
at most ``maxConcurrentRequests`` function executions run at once and further
requests wait their turn; a request arriving while ``maxOutstandingRequests``
are held (waiting plus running) is answered at once with 429, so callers back
off instead of piling up. -1 (the host's default) means unbounded.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import azure.functions as func
from azure.functions.decorators.function_app import Function
from azure.functions.decorators.http import HttpTrigger

from core.errors import FaceError, internal_error, method_not_allowed, resource_not_found, too_many_requests
from core.limits import MAX_REQUEST_BYTES
from functions.http import oversized_body_error
from functions.routes import RouteTemplate, compile_route, sort_key

logger = logging.getLogger("devhost.http")

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

UNBOUNDED = -1
DEFAULT_WORKERS = 8
"""Function threads when ``maxConcurrentRequests`` is unbounded."""
RETRY_AFTER_SECONDS = 1
"""What a 429 asks callers to wait: one request's service time is well under a second, so a slot frees soon."""


@dataclass(frozen=True)
class HttpOptions:
    """The host.json ``extensions.http`` settings the host honours."""

    route_prefix: str = "api"
    max_concurrent_requests: int = UNBOUNDED
    max_outstanding_requests: int = UNBOUNDED


def http_options(host_json: dict[str, Any]) -> HttpOptions:
    """``extensions.http`` of a parsed host.json, with the Functions host's defaults."""
    http = host_json.get("extensions", {}).get("http", {})
    return HttpOptions(
        route_prefix=http.get("routePrefix", HttpOptions.route_prefix),
        max_concurrent_requests=int(http.get("maxConcurrentRequests", UNBOUNDED)),
        max_outstanding_requests=int(http.get("maxOutstandingRequests", UNBOUNDED)),
    )


@dataclass(frozen=True)
class HttpFunction:
    """One HTTP-triggered function with its route and methods."""

    name: str
    route: RouteTemplate
    methods: frozenset[str]
    parameter: str
    call: Callable[..., Any]


def http_functions(functions: list[Function]) -> list[HttpFunction]:
    """The HTTP functions among ``functions``, most specific route first."""
    found = []
    for function in functions:
        trigger = function.get_trigger()
        if not isinstance(trigger, HttpTrigger):
            continue
        name = function.get_function_name() or function.get_user_function().__name__
        methods = frozenset(str(getattr(m, "value", m)).upper() for m in (trigger.methods or [])) or frozenset(
            {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
        )
        found.append(
            HttpFunction(
                name,
                compile_route(trigger.route or name),
                methods,
                trigger.name,
                function.get_user_function(),
            )
        )
    return sorted(found, key=lambda item: sort_key(item.route))


class BodyTooLarge(Exception):
    """The request body passed the size limit while it was being read."""


class HttpHost:
    """An ASGI application that dispatches to the app's HTTP functions."""

    def __init__(self, functions: list[Function], options: HttpOptions) -> None:
        self.functions = http_functions(functions)
        prefix = options.route_prefix.strip("/")
        self.prefix = "/" + prefix if prefix else ""
        self.options = options
        concurrent = options.max_concurrent_requests
        workers = concurrent if concurrent > 0 else DEFAULT_WORKERS
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="function")
        # Both are touched only on the event loop's thread, so they need no lock.
        self.running = asyncio.Semaphore(concurrent) if concurrent > 0 else None
        self.outstanding = 0

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        response = await self._handle(scope, receive)
        await send({"type": "http.response.start", "status": response[0], "headers": response[1]})
        await send({"type": "http.response.body", "body": response[2]})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.executor.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def resolve(self, method: str, path: str) -> tuple[HttpFunction, dict[str, str]]:
        """The function serving ``method`` on ``path``, with its route parameters."""
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            raise resource_not_found()
        relative = path[len(self.prefix) :]
        path_matched = False
        for function in self.functions:
            parameters = function.route.match(relative)
            if parameters is None:
                continue
            path_matched = True
            if method in function.methods:
                return function, parameters
        raise method_not_allowed() if path_matched else resource_not_found()

    async def _handle(self, scope: dict[str, Any], receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        method = scope["method"].upper()
        try:
            function, route_parameters = self.resolve(method, scope["path"])
        except FaceError as error:
            return _error(error)
        limit = self.options.max_outstanding_requests
        if 0 < limit <= self.outstanding:
            return _error(too_many_requests(RETRY_AFTER_SECONDS))
        self.outstanding += 1
        try:
            return await self._admitted(function, route_parameters, scope, headers, receive)
        finally:
            self.outstanding -= 1

    async def _admitted(
        self,
        function: HttpFunction,
        route_parameters: dict[str, str],
        scope: dict[str, Any],
        headers: dict[str, str],
        receive: Receive,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Read the body, then run the function once one of ``maxConcurrentRequests`` slots is free."""
        try:
            body = await self._read_body(headers, receive)
        except BodyTooLarge:
            return _error(oversized_body_error(_header(headers, "content-type")))
        if self.running is None:
            return await self._run(function, route_parameters, scope, headers, body)
        async with self.running:
            return await self._run(function, route_parameters, scope, headers, body)

    async def _run(
        self,
        function: HttpFunction,
        route_parameters: dict[str, str],
        scope: dict[str, Any],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        method = scope["method"].upper()
        query = scope.get("query_string", b"").decode("latin-1")
        url = f"{scope.get('scheme', 'http')}://{_header(headers, 'host') or 'localhost'}{scope['path']}"
        request = func.HttpRequest(
            method,
            url + (f"?{query}" if query else ""),
            headers=headers,
            params=dict(parse_qsl(query, keep_blank_values=True)),
            route_params=route_parameters,
            body=body,
        )
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self.executor, lambda: function.call(**{function.parameter: request}))
        except Exception:
            request_id = str(uuid.uuid4())
            logger.exception("function %s raised; request id %s", function.name, request_id)
            return _error(internal_error(request_id))
        return _encode(result)

    @staticmethod
    async def _read_body(headers: dict[str, str], receive: Receive) -> bytes:
        declared = _header(headers, "content-length")
        if declared and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
            raise BodyTooLarge()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_REQUEST_BYTES:
                raise BodyTooLarge()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _header(headers: dict[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _error(error: FaceError) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [(b"content-type", b"application/json"), (b"x-ms-error-code", error.code.encode())]
    if error.retry_after is not None:
        headers.append((b"retry-after", str(error.retry_after).encode()))
    return error.status, headers, json.dumps(error.to_body()).encode()


def _encode(response: func.HttpResponse) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [(key.lower().encode("latin-1"), str(value).encode("latin-1")) for key, value in response.headers.items()]
    if response.mimetype and not any(key == b"content-type" for key, _ in headers):
        content_type = response.mimetype + (f"; charset={response.charset}" if response.charset else "")
        headers.append((b"content-type", content_type.encode("latin-1")))
    return response.status_code, headers, response.get_body() or b""
