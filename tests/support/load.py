"""Load generation shared by the overload benchmark and the soak run: timed requests, tallies, memory.

A client that is answered 429 waits the ``Retry-After`` the host names before
its next request, as Azure's clients do, so a flood measures the host's
admission control rather than a retry storm.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.support.helpers import OCTET
from tests.support.polling import finished_training
from tests.support.servers import FaceClient

ENROLLED = ("obama.jpg", "biden.jpg", "alex-lacamoire.png", "lin-manuel-miranda.png")
"""One person per photo in the identify group."""
PROBES = ("obama2.jpg", "obama-480p.jpg", "biden.jpg", "lin-manuel-miranda.png")
"""Photos detect + identify are driven with."""


@dataclass
class Tally:
    """Every answer of a run: latency of served requests by operation, statuses, unexpected answers."""

    served: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, response: requests.Response, seconds: float, expected: frozenset[int]) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code < 300:
                self.served.setdefault(operation, []).append(seconds)
            elif response.status_code != 429 and response.status_code not in expected:
                self.unexpected.append(f"{operation}: {response.status_code} {response.text[:200]}")

    def latencies(self) -> list[float]:
        with self.lock:
            return sorted(value for values in self.served.values() for value in values)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def refused_share(self) -> float:
        return self.statuses[429] / self.total if self.total else 0.0


def percentile(ordered: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of sorted values (nearest rank); NaN for none."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def timed(
    tally: Tally,
    operation: str,
    send: Callable[[], requests.Response],
    expected: frozenset[int] = frozenset(),
) -> requests.Response:
    """Send one request, record it, and after a 429 wait what its ``Retry-After`` says."""
    started = time.perf_counter()
    response = send()
    tally.record(operation, response, time.perf_counter() - started, expected)
    if response.status_code == 429:
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response


def enrol_group(api: FaceClient, photos: Path, group: str) -> None:
    """A trained PersonGroup with one person per ``ENROLLED`` photo."""
    assert api.put(f"/persongroups/{group}", json={"name": group}).status_code == 200
    for name in ENROLLED:
        person = api.post(f"/persongroups/{group}/persons", json={"name": name}).json()["personId"]
        added = api.post(
            f"/persongroups/{group}/persons/{person}/persistedfaces", data=(photos / name).read_bytes(), headers=OCTET
        )
        assert added.status_code == 200, added.text
    assert api.post(f"/persongroups/{group}/train").status_code == 202
    assert finished_training(api, f"/persongroups/{group}/training")["status"] == "succeeded"


def detect_then_identify(api: FaceClient, tally: Tally, group: str, image: bytes) -> None:
    """Detect the faces of ``image``, then identify them in ``group`` (skipped when detect was refused)."""
    detected = timed(tally, "detect", lambda: api.post("/detect", data=image, headers=OCTET))
    if detected.status_code != 200 or not detected.json():
        return
    face_ids = [face["faceId"] for face in detected.json()][:10]
    timed(tally, "identify", lambda: api.post("/identify", json={"personGroupId": group, "faceIds": face_ids}))


def run_clients(clients: int, seconds: float, work: Callable[[int, Any], None]) -> float:
    """Run ``work(client_number, stop)`` on ``clients`` threads until ``seconds`` pass; the elapsed time.

    ``work`` is called again and again until the deadline, with ``stop`` (an Event) set then."""
    stop = threading.Event()

    def client(number: int) -> None:
        while not stop.is_set():
            work(number, stop)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client, number) for number in range(clients)]
        stop.wait(seconds)
        stop.set()
        for future in futures:
            future.result()
    return time.perf_counter() - started
