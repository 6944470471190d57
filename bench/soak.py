"""Soak run: mixed traffic (detect, identify, add face, train) from 8 clients for 15 minutes.

Starts its own Azurite and dev host, enrols a PersonGroup of four people, then
runs the clients: each request is detect + identify (three times in four) or
an add face to the client's own LargePersonGroup person (a new person every
200 faces, under the 248 limit); one client also trains the LargePersonGroup
every ``--train-every`` seconds and waits for it, holding every add permit
meanwhile, so adds never meet a running training (Azure refuses them with
409). Samples the dev host's RSS every two seconds and prints every minute
the served rate, the share of 429s, unexpected answers and the RSS; at the end
the totals and the RSS growth after the warm-up (the first minute, or a tenth
of the run if shorter): from the sample ending the warm-up to the last one,
and, less sensitive to the swing of single requests, from the mean over the
minute after the warm-up to the mean over the last minute.

Run: ``.venv/bin/python bench/soak.py [--minutes 15] [--clients 8]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.helpers import OCTET
from tests.support.load import (
    PROBES,
    Tally,
    detect_then_identify,
    enrol_group,
    percentile,
    rss_mb,
    run_clients,
    timed,
)
from tests.support.paths import FACE_EXAMPLES
from tests.support.polling import finished_training
from tests.support.servers import Azurite, DevHost, FaceClient

GROUP, ADDS = "soak", "soak-adds"
FACES_PER_PERSON = 200
GROWTH_LIMIT = 0.05


class Adder:
    """One client's add-face target: its current person in the LargePersonGroup, replaced every 200 faces."""

    def __init__(self, api: FaceClient) -> None:
        self.api = api
        self.person: str | None = None
        self.faces = 0

    def add(self, tally: Tally, image: bytes) -> None:
        if self.person is None or self.faces >= FACES_PER_PERSON:
            created = timed(
                tally,
                "create person",
                lambda: self.api.post(f"/largepersongroups/{ADDS}/persons", json={"name": "soak"}),
            )
            if created.status_code != 200:
                return
            self.person, self.faces = created.json()["personId"], 0
        path = f"/largepersongroups/{ADDS}/persons/{self.person}/persistedfaces"
        if timed(tally, "add face", lambda: self.api.post(path, data=image, headers=OCTET)).status_code == 200:
            self.faces += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--train-every", type=float, default=60.0, help="seconds between trainings")
    arguments = parser.parse_args()
    images = [(FACE_EXAMPLES / name).read_bytes() for name in PROBES]
    seconds = arguments.minutes * 60
    warm_up = min(60.0, seconds / 10)
    report_every = min(60.0, seconds / 5)
    sample_every = report_every / 30

    with tempfile.TemporaryDirectory() as folder:
        azurite = Azurite(Path(folder) / "azurite").start()
        host = DevHost(azurite.connection_string, Path(folder) / "devhost.log").start()
        try:
            assert host.process is not None
            pid = host.process.pid
            with FaceClient(host.base_url, host.key) as api:
                enrol_group(api, FACE_EXAMPLES, GROUP)
                assert api.put(f"/largepersongroups/{ADDS}", json={"name": ADDS}).status_code == 200
            tally = Tally()
            sessions = [FaceClient(host.base_url, host.key) for _ in range(arguments.clients)]
            adders = [Adder(session) for session in sessions]
            counter = itertools.count()
            next_training = [time.monotonic() + arguments.train_every]
            add_permits = threading.Semaphore(arguments.clients)
            rss: list[tuple[float, float]] = []

            def work(number: int, stop: Any) -> None:
                step = next(counter)
                image = images[step % len(images)]
                api = sessions[number]
                if number == 0 and time.monotonic() >= next_training[0]:
                    for _ in range(arguments.clients):
                        add_permits.acquire()
                    trained = timed(tally, "train", lambda: api.post(f"/largepersongroups/{ADDS}/train"))
                    if trained.status_code == 202:
                        finished_training(api, f"/largepersongroups/{ADDS}/training")
                    add_permits.release(arguments.clients)
                    next_training[0] = time.monotonic() + arguments.train_every
                elif step % 4 == 3:
                    with add_permits:
                        adders[number].add(tally, image)
                else:
                    detect_then_identify(api, tally, GROUP, image)

            def report(stop: threading.Event) -> None:
                started = time.monotonic()
                served_before, printed = 0, 0.0
                while not stop.wait(sample_every):
                    now = time.monotonic() - started
                    rss.append((now, rss_mb(pid)))
                    if now - printed < report_every - sample_every / 2:
                        continue
                    printed = now
                    served = len(tally.latencies())
                    print(
                        f"{now / 60:5.1f} min  served {served - served_before:5d}  429 share {tally.refused_share:5.1%}"
                        f"  unexpected {len(tally.unexpected)}  RSS {rss[-1][1]:.0f} MB",
                        flush=True,
                    )
                    served_before = served

            stop_reports = threading.Event()
            rss.append((0.0, rss_mb(pid)))
            reporter = threading.Thread(target=report, args=(stop_reports,), daemon=True)
            reporter.start()
            elapsed = run_clients(arguments.clients, seconds, work)
            stop_reports.set()
            reporter.join()
            rss.append((elapsed, rss_mb(pid)))

            ordered = tally.latencies()
            after_warm_up = next(value for moment, value in rss if moment >= warm_up)
            growth = (rss[-1][1] - after_warm_up) / after_warm_up
            first_window = [value for moment, value in rss if warm_up <= moment < warm_up + report_every]
            last_window = [value for moment, value in rss if moment > elapsed - report_every]
            first_mean, last_mean = statistics.mean(first_window), statistics.mean(last_window)
            window_growth = (last_mean - first_mean) / first_mean
            settled = [value for moment, value in rss if moment >= warm_up]
            print(f"{elapsed / 60:.1f} min, {arguments.clients} clients: {tally.total} requests, {len(ordered)} served")
            for operation, latencies in sorted(tally.served.items()):
                values = sorted(latencies)
                print(
                    f"  {operation:13s} {len(values):6d} served  p50 {percentile(values, 0.5) * 1000:5.0f} ms  "
                    f"p99 {percentile(values, 0.99) * 1000:5.0f} ms"
                )
            print(f"  429 share {tally.refused_share:.1%}; statuses {dict(sorted(tally.statuses.items()))}")
            print(f"  errors other than 429: {len(tally.unexpected)}")
            for line in tally.unexpected[:10]:
                print("    ", line)
            verdict = "under" if growth < GROWTH_LIMIT else "OVER"
            print(
                f"  RSS growth after warm-up: {after_warm_up:.0f} MB after warm-up, {rss[-1][1]:.0f} MB at the end, "
                f"{growth:+.1%} ({verdict} {GROWTH_LIMIT:.0%})"
            )
            print(
                f"  RSS mean over the first {report_every:.0f} s after warm-up {first_mean:.0f} MB, "
                f"over the last {report_every:.0f} s {last_mean:.0f} MB, {window_growth:+.1%}; "
                f"{min(settled):.0f}-{max(settled):.0f} MB after warm-up ({len(settled)} samples)"
            )
            for session in sessions:
                session.close()
        finally:
            host.stop()
            azurite.stop()


if __name__ == "__main__":
    main()
