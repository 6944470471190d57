"""Serves the FunctionApp's HTTP-triggered functions as an ASGI application.

Routes, methods and the route prefix come from the app and from host.json, so
nothing here has to be kept in sync by hand. Bodies are capped while they are
read; functions run in a thread pool, as the Python worker runs sync functions.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import azure.functions as func
from azure.functions.decorators.function_app import Function
from azure.functions.decorators.http import HttpTrigger

from core.errors import FaceError, method_not_allowed, resource_not_found
from core.limits import MAX_REQUEST_BYTES
from functions.http import oversized_body_error
from functions.routes import RouteTemplate, compile_route, sort_key

logger = logging.getLogger("devhost.http")

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


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

    def __init__(self, functions: list[Function], route_prefix: str, workers: int = 8) -> None:
        self.functions = http_functions(functions)
        self.prefix = "/" + route_prefix.strip("/") if route_prefix.strip("/") else ""
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="function")

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
            body = await self._read_body(headers, receive)
        except FaceError as error:
            return _error(error)
        except BodyTooLarge:
            return _error(oversized_body_error(_header(headers, "content-type")))
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
            logger.exception("function %s raised", function.name)
            return 500, [(b"content-type", b"text/plain")], b"Internal Server Error"
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
    return error.status, [(b"content-type", b"application/json")], json.dumps(error.to_body()).encode()


def _encode(response: func.HttpResponse) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [(key.lower().encode("latin-1"), str(value).encode("latin-1")) for key, value in response.headers.items()]
    if response.mimetype and not any(key == b"content-type" for key, _ in headers):
        content_type = response.mimetype + (f"; charset={response.charset}" if response.charset else "")
        headers.append((b"content-type", content_type.encode("latin-1")))
    return response.status_code, headers, response.get_body() or b""
