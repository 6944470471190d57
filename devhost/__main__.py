"""``python -m devhost``: serve the FunctionApp on http://localhost:7071 without Core Tools.

Like ``func start``, it loads ``local.settings.json`` values (the environment
wins), serves every HTTP function under host.json's route prefix and runs the
queue and timer functions. ``MALLOC_ARENA_MAX`` from the settings is applied
before any thread starts (``devhost.allocator``). When no API key is configured it creates one, keeps
it in ``.cache/devhost-key`` so restarts reuse it, and prints it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import threading
from pathlib import Path

import uvicorn

from devhost.allocator import apply_arena_limit

ROOT = Path(__file__).resolve().parent.parent
KEY_FILE = ROOT / ".cache" / "devhost-key"


def load_local_settings(path: Path) -> None:
    if path.is_file():
        for name, value in json.loads(path.read_text()).get("Values", {}).items():
            if value != "":
                os.environ.setdefault(name, str(value))


def ensure_api_key() -> str:
    configured = os.environ.get("FACE_API_KEYS", "").split(",")[0].strip()
    if configured:
        return configured
    if not KEY_FILE.is_file():
        KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        KEY_FILE.write_text(secrets.token_hex(16))
    key = KEY_FILE.read_text().strip()
    os.environ["FACE_API_KEYS"] = key
    return key


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7071)
    parser.add_argument("--no-triggers", action="store_true", help="serve HTTP only")
    arguments = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)
    load_local_settings(ROOT / "local.settings.json")
    apply_arena_limit()
    key = ensure_api_key()

    from devhost.http_host import HttpHost, http_options
    from devhost.trigger_host import start_runners, trigger_runners
    from function_app import app

    host_json = json.loads((ROOT / "host.json").read_text())
    options = http_options(host_json)
    prefix = options.route_prefix
    functions = app.get_functions()
    stop = threading.Event()
    if not arguments.no_triggers:
        start_runners(trigger_runners(functions, host_json), stop)

    endpoint = f"http://{arguments.host}:{arguments.port}"
    print(
        f"Face API endpoint: {endpoint} (paths {endpoint}/{prefix}/{{apiVersion}}/..., e.g. /{prefix}/v1.2)", flush=True
    )
    print(f"Ocp-Apim-Subscription-Key: {key}", flush=True)
    try:
        uvicorn.run(
            HttpHost(functions, options),
            host=arguments.host,
            port=arguments.port,
            log_level="warning",
            timeout_graceful_shutdown=5,
        )
    finally:
        stop.set()


if __name__ == "__main__":
    main()
