"""The dev host's admission control: host.json's HTTP concurrency settings, honoured as the Functions host does."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import azure.functions as func

from core.settings import PROJECT_ROOT
from devhost.http_host import HttpHost, HttpOptions, http_options


def blocking_app(release: threading.Event, running: list[int]) -> func.FunctionApp:
    """An app with one route that holds its thread until ``release`` is set, recording how many run at once."""
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    lock = threading.Lock()
    active = [0]

    @app.route(route="hold", methods=["GET"])
    def hold(req: func.HttpRequest) -> func.HttpResponse:
        with lock:
            active[0] += 1
            running.append(active[0])
        release.wait(10)
        with lock:
            active[0] -= 1
        return func.HttpResponse("done", status_code=200)

    return app


async def call(host: HttpHost, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI application: status, headers and body."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    await host(scope, receive, send)
    headers = {key.decode(): value.decode() for key, value in sent[0]["headers"]}
    return sent[0]["status"], headers, sent[1]["body"]


def test_requests_beyond_the_outstanding_limit_are_refused_with_429_and_the_rest_wait_their_turn() -> None:
    release = threading.Event()
    running: list[int] = []
    host = HttpHost(
        blocking_app(release, running).get_functions(),
        HttpOptions(route_prefix="face", max_concurrent_requests=2, max_outstanding_requests=4),
    )

    async def flood() -> list[tuple[int, dict[str, str], bytes]]:
        calls = [asyncio.create_task(call(host, "/face/hold")) for _ in range(6)]
        refused = calls[4:]
        await asyncio.wait(refused, timeout=5)
        assert all(task.done() for task in refused), "requests over the limit must be refused at once"
        assert not any(task.done() for task in calls[:4]), "admitted requests wait for the held ones"
        release.set()
        return list(await asyncio.gather(*calls))

    answers = asyncio.run(flood())
    assert [status for status, _, _ in answers] == [200, 200, 200, 200, 429, 429]
    for _, headers, body in answers[4:]:
        assert headers["retry-after"] == "1"
        assert headers["x-ms-error-code"] == "429"
        assert json.loads(body) == {
            "error": {"code": "429", "message": "Rate limit is exceeded. Try again in 1 seconds."}
        }
    assert max(running) == 2, "no more than maxConcurrentRequests functions run at once"
    host.executor.shutdown()


def test_unbounded_by_default_and_the_projects_limits_come_from_host_json() -> None:
    assert http_options({}) == HttpOptions("api", -1, -1)
    options = http_options(json.loads((PROJECT_ROOT / "host.json").read_text()))
    assert options.route_prefix == "face"
    assert 0 < options.max_concurrent_requests < options.max_outstanding_requests
