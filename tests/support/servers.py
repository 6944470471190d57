"""Real servers for the tests: an Azurite process and a dev-host process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from core.settings import PROJECT_ROOT, get_settings
from core.storage.clients import azurite_connection_string, reset_clients
from tests.support.polling import wait_until

AZURITE = PROJECT_ROOT / "node_modules" / ".bin" / "azurite"


@contextmanager
def storage_at(connection_string: str) -> Iterator[None]:
    """Point this process's storage clients at another account for a while."""
    previous = os.environ.get("AzureWebJobsStorage")
    os.environ["AzureWebJobsStorage"] = connection_string
    get_settings.cache_clear()
    reset_clients()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("AzureWebJobsStorage", None)
        else:
            os.environ["AzureWebJobsStorage"] = previous
        get_settings.cache_clear()
        reset_clients()


def free_port() -> int:
    """A local TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen) -> None:
    """Wait until ``process`` listens on ``port``; it exiting first is an error at once."""

    def listening() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, timeout, f"a process listening on port {port}", interval=0.1)


class Azurite:
    """An Azurite process on free ports, keeping its data in ``location``."""

    def __init__(self, location: Path) -> None:
        if not AZURITE.exists():
            raise RuntimeError("Azurite is not installed: run `bash devhost/setup.sh --test` first")
        self.location = location
        self.ports = (free_port(), free_port(), free_port())
        self.process: subprocess.Popen | None = None

    @property
    def connection_string(self) -> str:
        blob, queue, table = self.ports
        return azurite_connection_string("127.0.0.1", blob, queue, table)

    def start(self) -> Azurite:
        blob, queue, table = self.ports
        self.location.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                str(AZURITE),
                "--silent",
                "--loose",
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--location",
                str(self.location),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                str(blob),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                str(queue),
                "--tableHost",
                "127.0.0.1",
                "--tablePort",
                str(table),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in self.ports:
            wait_for_port(port, 60, self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


class DevHost:
    """``python -m devhost`` on a free port, against the given storage."""

    def __init__(self, connection_string: str, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.key = "test-key-" + os.urandom(6).hex()
        self.log_path = log_path
        self.env = {
            **os.environ,
            "AzureWebJobsStorage": connection_string,
            "FACE_API_KEYS": f"{self.key},second-key-for-rotation",
            "FACE_ALLOW_PRIVATE_URLS": "true",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.endpoint}/face/v1.0"

    def versioned_url(self, version: str) -> str:
        """The base URL of one API version."""
        return f"{self.endpoint}/face/{version}"

    def start(self) -> DevHost:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devhost", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, 120, self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def kill(self) -> None:
        """SIGKILL the host, as a crash or the platform would: nothing is shut down cleanly."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class FaceClient(requests.Session):
    """A requests session bound to a dev host, sending its subscription key."""

    def __init__(self, base_url: str, key: str | None) -> None:
        super().__init__()
        self.base_url = base_url
        if key:
            self.headers["Ocp-Apim-Subscription-Key"] = key

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]  # prefixes the base URL, same call shape
        kwargs.setdefault("timeout", 120)
        return super().request(method, self.base_url + url, *args, **kwargs)
