"""Overload benchmark: detect + identify with 1, 2, 4, 8 and 32 concurrent clients against the dev host.

Starts its own Azurite and dev host (host.json's ``maxConcurrentRequests`` and
``maxOutstandingRequests`` apply), enrols a PersonGroup of four people, then
for each client count runs clients that each detect a photo and identify its
faces, again and again, for ``--seconds``. Prints per level: served requests
per second, p50/p95/p99 latency of served requests, the share answered 429,
unexpected answers, and the dev host's resident memory, sampled every second:
its mean over each half of the level and its range (a single sample swings
with the requests in flight and the memory freed since the last trim).

Run: ``.venv/bin/python bench/bench_overload.py [--seconds 30] [--clients 1 2 4 8 32]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
from pathlib import Path
from typing import Any

from tests.support.load import PROBES, Tally, detect_then_identify, enrol_group, percentile, rss_mb, run_clients
from tests.support.paths import FACE_EXAMPLES
from tests.support.servers import Azurite, DevHost, FaceClient

GROUP = "overload"
P99_BOUND_SECONDS = 2.0
"""What p99 of served requests must stay under with 32 clients (README, "Reliability"): host.json holds at most
8 requests, 2 running, so a served request waits behind at most 6 others, 3 rounds of two detections."""
FLAT_MEMORY = 0.05
"""Memory is flat when the mean RSS over the second half of the last (largest) level exceeds the mean over its
first half by less than this fraction."""
SAMPLE_SECONDS = 1.0


def level(host: DevHost, clients: int, seconds: float, images: list[bytes]) -> tuple[Tally, float, list[float]]:
    """Run ``clients`` detect + identify clients for ``seconds``; the tally, elapsed seconds and the host's RSS
    sampled every second."""
    assert host.process is not None
    pid = host.process.pid
    samples: list[float] = []
    stop_sampling = threading.Event()

    def sample() -> None:
        while not stop_sampling.wait(SAMPLE_SECONDS):
            samples.append(rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tally = Tally()
    sessions = [FaceClient(host.base_url, host.key) for _ in range(clients)]
    rotation = itertools.cycle(images)
    lock = threading.Lock()

    def work(number: int, stop: Any) -> None:
        with lock:
            image = next(rotation)
        detect_then_identify(sessions[number], tally, GROUP, image)

    elapsed = run_clients(clients, seconds, work)
    stop_sampling.set()
    sampler.join()
    for session in sessions:
        session.close()
    return tally, elapsed, samples


def halves(samples: list[float]) -> tuple[float, float]:
    """Mean RSS over the first and the second half of a level's samples."""
    middle = len(samples) // 2
    return statistics.mean(samples[:middle]), statistics.mean(samples[middle:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each level")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4, 8, 32])
    arguments = parser.parse_args()
    images = [(FACE_EXAMPLES / name).read_bytes() for name in PROBES]

    with tempfile.TemporaryDirectory() as folder:
        azurite = Azurite(Path(folder) / "azurite").start()
        host = DevHost(azurite.connection_string, Path(folder) / "devhost.log").start()
        try:
            assert host.process is not None
            with FaceClient(host.base_url, host.key) as api:
                enrol_group(api, FACE_EXAMPLES, GROUP)
            level(host, 2, 5.0, images)  # warm-up: models loaded, index cached
            start_rss = rss_mb(host.process.pid)
            print(f"dev host RSS after warm-up: {start_rss:.0f} MB")
            print("clients  served/s  p50 ms  p95 ms  p99 ms  429 share  unexpected  RSS MB (halves' means, range)")
            worst_p99, last_halves = 0.0, (start_rss, start_rss)
            for clients in arguments.clients:
                tally, elapsed, samples = level(host, clients, arguments.seconds, images)
                last_halves = halves(samples)
                ordered = tally.latencies()
                p99 = percentile(ordered, 0.99)
                if clients == max(arguments.clients):
                    worst_p99 = p99
                print(
                    f"{clients:7d}  {len(ordered) / elapsed:8.1f}  {percentile(ordered, 0.5) * 1000:6.0f}  "
                    f"{percentile(ordered, 0.95) * 1000:6.0f}  {p99 * 1000:6.0f}  {tally.refused_share:9.1%}  "
                    f"{len(tally.unexpected):10d}  {last_halves[0]:.0f}, {last_halves[1]:.0f}, "
                    f"{min(samples):.0f}-{max(samples):.0f}",
                    flush=True,
                )
                for line in tally.unexpected[:5]:
                    print("   unexpected:", line)
            growth = (last_halves[1] - last_halves[0]) / last_halves[0]
            print(
                f"RSS {start_rss:.0f} MB after warm-up, {rss_mb(host.process.pid):.0f} MB at the end; last level's "
                f"second half against its first {growth:+.1%} ({'flat' if growth < FLAT_MEMORY else 'NOT flat'})"
            )
            verdict = "within" if worst_p99 <= P99_BOUND_SECONDS else "OVER"
            most = max(arguments.clients)
            print(f"p99 with {most} clients: {worst_p99:.2f} s, {verdict} the {P99_BOUND_SECONDS} s bound")
        finally:
            host.stop()
            azurite.stop()


if __name__ == "__main__":
    main()
