"""Cold start: from starting the app's process to its first successful Detect.

Runs the dev host against a fresh Azurite twice: with a model cache prepared
ahead of time (``python -m core.vision.prepare``, as the deployment package
ships it) and with an empty cache (conversion at first use). Each start is a
new process, so imports, model loading and storage-table creation are all
counted. Prints seconds for each and their ratio.

    python bench/cold_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.support.paths import FACE_EXAMPLES
from tests.support.servers import Azurite, DevHost

ROOT = Path(__file__).resolve().parent.parent
PHOTO = FACE_EXAMPLES / "obama2.jpg"


def first_detect_seconds(azurite: Azurite, cache: Path, log: Path) -> float:
    """Seconds from process start until POST /detect answers 200 with a face."""
    host = DevHost(azurite.connection_string, log, {"FACE_MODEL_CACHE_DIR": str(cache)})
    image = PHOTO.read_bytes()
    started = time.perf_counter()
    host.start()
    try:
        while True:
            try:
                response = requests.post(
                    f"{host.base_url}/detect",
                    data=image,
                    timeout=300,
                    headers={"Ocp-Apim-Subscription-Key": host.key, "Content-Type": "application/octet-stream"},
                )
                if response.status_code == 200 and response.json():
                    return time.perf_counter() - started
                raise RuntimeError(f"detect answered {response.status_code}: {response.text[:200]}")
            except requests.ConnectionError:
                time.sleep(0.05)
    finally:
        host.stop()


def prepare(cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "core.vision.prepare"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "FACE_MODEL_CACHE_DIR": str(cache)},
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        azurite = Azurite(folder / "azurite").start()
        try:
            prepared = folder / "prepared-cache"
            prepare_seconds = prepare(prepared)
            warm = [first_detect_seconds(azurite, prepared, folder / "warm.log") for _ in range(runs)]
            empty = [
                first_detect_seconds(azurite, folder / f"empty-cache-{run}", folder / "empty.log")
                for run in range(runs)
            ]
        finally:
            azurite.stop()
    warm_median, empty_median = statistics.median(warm), statistics.median(empty)
    print(f"prepare models into an empty cache: {prepare_seconds:.1f} s")
    print(f"cold start to first detect, prepared cache: median {warm_median:.2f} s  runs {[round(v, 2) for v in warm]}")
    print(
        f"cold start to first detect, empty cache:    median {empty_median:.2f} s  runs {[round(v, 2) for v in empty]}"
    )
    print(f"empty / prepared: {empty_median / warm_median:.2f}x")


if __name__ == "__main__":
    main()
