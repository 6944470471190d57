"""Latency of Detect, Identify and Find Similar through the service, and the memory of large indexes.

Starts its own Azurite and dev host (as the tests do), then measures over HTTP:

* Detect on a real photo resized to 640x480 and to 1920x1080;
* Identify with 10 faceIds against trained LargePersonGroups of 10,000,
  100,000 and 1,000,000 faces (10 faces per person);
* Find Similar against a trained LargeFaceList of 1,000,000 faces.

Next to each search, in this process and on the same index, it times two
brute-force references: the exhaustive float32 evaluation that defines the
answer (``core.search.exact.exhaustive_nearest``: every row evaluated with
``core.search.distance``), and the plain float32 matrix product over every
row with the per-person reduction and top-k (the fastest brute force, not
reproducible row by row). It checks that the service's answers equal the
exhaustive evaluation's, candidate for candidate and confidence for
confidence, and prints the ratios.

The large collections hold synthetic features: each is written straight to
storage as a collection row, a trained index blob and a succeeded training
status (what training would leave), so only the query side is measured. The
query faceIds are synthetic too, seeded in the detected-face store. Identify
and Find Similar times are the service's (index already cached, detection
excluded); the first call, which downloads the index, is reported separately
with the dev host's resident memory after it.

    python bench/bench_face_operations.py [--sizes 10000 100000 1000000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image

from core.collections.kinds import LARGE_FACE_LIST, LARGE_PERSON_GROUP, CollectionKind
from core.search.confidence import DLIB_RESNET_CURVE, SAME_PERSON_CONFIDENCE
from core.search.exact import exhaustive_nearest
from core.search.index import (
    FEATURE_DIMENSION,
    TrainedIndex,
    feature_from_bytes,
    feature_to_bytes,
    row_to_id,
)
from core.search.stored import index_to_bytes
from core.settings import get_settings
from core.storage.clients import reset_clients
from core.storage.detected_faces import load_detected_faces, store_detected_faces
from core.storage.face_collections import CollectionRecord, insert_collection
from core.storage.face_training import SUCCEEDED, TrainingRecord, write_training
from core.storage.index_blobs import index_blob_name, save_index
from core.timestamps import utc_now
from tests.support.paths import FACE_EXAMPLES
from tests.support.servers import Azurite, DevHost

PHOTO = FACE_EXAMPLES / "obama-1080p.jpg"
FACES_PER_PERSON = 10
MODEL = "recognition_01"
REFERENCE_REPEAT = 3


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   min {ordered[0]:7.1f} ms"


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
        if isinstance(result, requests.Response):
            result.raise_for_status()
    return samples


def matrix_product_search(index: TrainedIndex, queries: np.ndarray, count: int) -> np.ndarray:
    """Brute force with one float32 matrix product over every row, per-person minimum and top-k selection."""
    distances = queries @ index.features.T
    distances *= -2.0
    distances += np.einsum("ij,ij->i", index.features, index.features)[np.newaxis, :]
    distances += np.einsum("ij,ij->i", queries, queries)[:, np.newaxis]
    if index.person_starts is not None:
        distances = np.minimum.reduceat(distances, index.person_starts, axis=1)
    return np.argpartition(distances, count - 1, axis=1)[:, :count]


def expected_answer(index: TrainedIndex, queries: np.ndarray, count: int, threshold: float | None) -> list[Any]:
    """What the service must answer, from the exhaustive evaluation: (id, confidence) pairs per query."""
    starts = index.person_starts
    ids = index.face_ids if starts is None else index.person_ids
    assert ids is not None
    answers = []
    for positions, distances in exhaustive_nearest(index, queries, count, starts):
        confidences = DLIB_RESNET_CURVE.confidences(distances).tolist()
        answers.append(
            [
                (row_to_id(ids[position]), confidence)
                for position, confidence in zip(positions.tolist(), confidences, strict=True)
                if threshold is None or confidence >= threshold
            ]
        )
    return answers


def service_answer(result: Any, holds_persons: bool) -> list[Any]:
    if holds_persons:
        return [
            [(candidate["personId"], candidate["confidence"]) for candidate in item["candidates"]] for item in result
        ]
    return [[(match["persistedFaceId"], match["confidence"]) for match in result]]


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def jpeg_of_size(width: int, height: int) -> bytes:
    with Image.open(PHOTO) as photo:
        resized = photo.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def unit_rows(rng: np.random.Generator, count: int) -> np.ndarray:
    rows = rng.standard_normal((count, FEATURE_DIMENSION), dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def synthetic_index(rng: np.random.Generator, faces: int, with_persons: bool) -> TrainedIndex:
    """``faces`` features around ``faces / 10`` person centres (spread 0.15), with random ids.

    Random ids are distinct with overwhelming probability; the answer check
    compares ids, so a collision would show as a mismatch, not pass unseen.
    """
    centres = unit_rows(rng, max(1, faces // FACES_PER_PERSON))
    features = np.repeat(centres, FACES_PER_PERSON, axis=0)[:faces]
    features += 0.15 / np.sqrt(FEATURE_DIMENSION) * rng.standard_normal(features.shape, dtype=np.float32)
    person_ids = person_starts = None
    if with_persons:
        person_ids = rng.integers(0, 256, size=(centres.shape[0], 16), dtype=np.uint8)
        person_starts = np.arange(0, faces, FACES_PER_PERSON, dtype=np.int64)
    return TrainedIndex(
        recognition_model=MODEL,
        version=str(uuid.uuid4()),
        features=features,
        face_ids=rng.integers(0, 256, size=(faces, 16), dtype=np.uint8),
        person_ids=person_ids,
        person_starts=person_starts,
    )


def publish_trained_collection(kind: CollectionKind, index: TrainedIndex) -> str:
    """Store a collection whose last training succeeded with ``index``; returns its id."""
    collection_id = f"bench-{uuid.uuid4().hex[:12]}"
    now = utc_now()
    insert_collection(CollectionRecord(kind.name, collection_id, "bench", None, MODEL, now), kind.collection_limit)
    training_id = str(uuid.uuid4())
    blob = index_blob_name(kind.name, collection_id, training_id)
    save_index(blob, index_to_bytes(index))
    write_training(TrainingRecord(kind.name, collection_id, SUCCEEDED, training_id, now, now, now, None, blob))
    return collection_id


def query_face_ids(rng: np.random.Generator, index: TrainedIndex, count: int) -> list[str]:
    """faceIds of features near ``count`` faces of ``index`` (so each has a true match)."""
    rows = rng.choice(len(index), size=count, replace=False)
    features = index.features[rows] + 0.1 / np.sqrt(FEATURE_DIMENSION) * rng.standard_normal(
        (count, FEATURE_DIMENSION), dtype=np.float32
    )
    return store_detected_faces([feature_to_bytes(feature) for feature in features], MODEL, 86_400)


def bench_detect(session: requests.Session, base: str, repeat: int) -> None:
    headers = {"Content-Type": "application/octet-stream"}
    for width, height in ((640, 480), (1920, 1080)):
        image = jpeg_of_size(width, height)
        warm = session.post(f"{base}/detect", data=image, headers=headers)
        warm.raise_for_status()
        samples = timed(partial(session.post, f"{base}/detect", data=image, headers=headers), repeat)
        print(f"detect {width}x{height} ({len(warm.json())} face): {percentiles(samples)}", flush=True)


def bench_search(
    session: requests.Session,
    base: str,
    host: DevHost,
    rng: np.random.Generator,
    kind: CollectionKind,
    faces: int,
    repeat: int,
) -> None:
    build_started = time.perf_counter()
    index = synthetic_index(rng, faces, with_persons=kind.holds_persons)
    collection_id = publish_trained_collection(kind, index)
    queries = query_face_ids(rng, index, 10 if kind.holds_persons else 1)
    setup_seconds = time.perf_counter() - build_started
    count = 5 if kind.holds_persons else 20
    if kind.holds_persons:
        path, body = (
            "/identify",
            {"faceIds": queries, "largePersonGroupId": collection_id, "maxNumOfCandidatesReturned": count},
        )
        label = f"identify 10 faceIds vs LargePersonGroup of {faces:,} faces ({index.person_count:,} persons)"
        threshold: float | None = SAME_PERSON_CONFIDENCE
    else:
        path, body = (
            "/findsimilars",
            {
                "faceId": queries[0],
                "largeFaceListId": collection_id,
                "maxNumOfCandidatesReturned": count,
                "mode": "matchFace",
            },
        )
        label = f"find similar vs LargeFaceList of {faces:,} faces"
        threshold = None
    resident_before = resident_mb(host.process.pid)
    started = time.perf_counter()
    first = session.post(f"{base}{path}", json=body)
    first_ms = (time.perf_counter() - started) * 1000
    first.raise_for_status()
    result: Any = first.json()
    matched = all(item["candidates"] for item in result) if kind.holds_persons else bool(result)
    samples = timed(lambda: session.post(f"{base}{path}", json=body), repeat)
    resident_after = resident_mb(host.process.pid)
    index_mb = (
        index.features.nbytes
        + index.face_ids.nbytes
        + (0 if index.person_ids is None else index.person_ids.nbytes + index.person_starts.nbytes)
    ) / 2**20
    print(f"{label}: {percentiles(samples)}", flush=True)
    print(
        f"    setup {setup_seconds:.1f} s, first call (loads the index) {first_ms:.0f} ms, every query matched: "
        f"{matched}; index arrays {index_mb:.0f} MB; dev host RSS {resident_before:.0f} -> "
        f"{resident_after:.0f} MB",
        flush=True,
    )
    stored = load_detected_faces(queries)
    features = np.stack([feature_from_bytes(stored[face_id].feature) for face_id in queries]).astype(np.float32)
    exhaustive = timed(lambda: exhaustive_nearest(index, features, count, index.person_starts), REFERENCE_REPEAT)
    product = timed(lambda: matrix_product_search(index, features, count), repeat)
    equal = service_answer(result, kind.holds_persons) == expected_answer(index, features, count, threshold)
    service_ms = statistics.median(samples)
    print(
        f"    brute force, exhaustive float32 evaluation (in process): {percentiles(exhaustive)}; "
        f"reference / service {statistics.median(exhaustive) / service_ms:.2f}",
        flush=True,
    )
    print(
        f"    brute force, float32 matrix product + top-k (in process): {percentiles(product)}; "
        f"reference / service {statistics.median(product) / service_ms:.2f}",
        flush=True,
    )
    print(f"    service answers equal the exhaustive evaluation's: {equal}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--find-similar-size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-detect", action="store_true")
    arguments = parser.parse_args()

    rng = np.random.default_rng(2024)
    with tempfile.TemporaryDirectory(prefix="bench-face-") as scratch:
        azurite = Azurite(Path(scratch) / "azurite").start()
        host = DevHost(azurite.connection_string, Path(scratch) / "devhost.log").start()
        os.environ["AzureWebJobsStorage"] = azurite.connection_string
        get_settings.cache_clear()
        reset_clients()
        try:
            with requests.Session() as session:
                session.headers["Ocp-Apim-Subscription-Key"] = host.key
                base = host.base_url
                print(f"dev host pid {host.process.pid}, RSS at start {resident_mb(host.process.pid):.0f} MB")
                if not arguments.skip_detect:
                    bench_detect(session, base, arguments.repeat)
                for faces in arguments.sizes:
                    bench_search(session, base, host, rng, LARGE_PERSON_GROUP, faces, arguments.repeat)
                if arguments.find_similar_size:
                    bench_search(
                        session, base, host, rng, LARGE_FACE_LIST, arguments.find_similar_size, arguments.repeat
                    )
        finally:
            host.stop()
            azurite.stop()


if __name__ == "__main__":
    main()
