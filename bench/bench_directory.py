"""PersonDirectory benchmark: identify over a directory of 1,000,000 persons, add-to-succeeded latency,
indexing throughput and the first identify of a fresh process.

Starts its own Azurite and dev host (data in a temporary folder). The directory
of ``--persons`` persons with one face each is synthetic: features are written
through the storage layer as one compacted segment (the index part of the
directory; Identify reads nothing else), then the dev host is restarted so its
first identify loads the index from Blob Storage. Prints:

- the first identify (10 faceIds, whole directory) of a fresh process, which
  reads the index, and the dev host's resident memory before and after it
  (the difference is the index's own share);
- identify (10 faceIds, whole directory) at the service, median and p95 over
  ``--queries`` requests, and the dev host's resident memory after them;
- identify against a list of 30 persons, and against a dynamic group of
  ``--group-members`` of the directory's persons;
- time from an add-face 202 to its operation ``succeeded`` (p50, p95), idle,
  real photos through HTTP;
- indexing throughput: ``--adds`` synthetic faces stored at once, until every
  operation has succeeded;
- as references for the first identify: the same segment blob downloaded by
  the bench process alone, and the first identify of a dev host restarted on
  the same machine (its local segment file is mapped, not downloaded).

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_directory.py [--persons 1000000] [--queries 30]
[--adds 200] [--group-members 1000]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from tests.support.helpers import OCTET
from tests.support.paths import SHARED_DATA
from tests.support.servers import Azurite, DevHost, FaceClient

PHOTOS = SHARED_DATA / "face_recognition" / "examples" / "knn_examples" / "train"
MODEL = "recognition_04"
VERSION = "v1.1-preview.1"


def use_storage(connection_string: str) -> None:
    from core.settings import get_settings
    from core.storage.clients import reset_clients

    os.environ["AzureWebJobsStorage"] = connection_string
    get_settings.cache_clear()
    reset_clients()


def write_directory(persons: int, group_members: int) -> tuple[float, str, list[str]]:
    """Write a base segment of ``persons`` persons with one synthetic face each; seconds taken, its name,
    and the personIds of ``group_members`` of them stored as persons (for a dynamic group)."""
    from core.directory.indexer import BASE_PREFIX
    from core.directory.segments import make_segment, segment_to_bytes
    from core.search.index import row_to_id
    from core.storage.directory_index import SegmentEntry, read_manifest, replace_manifest, write_segment
    from core.storage.directory_persons import DirectoryPersonRecord, insert_person

    started = time.perf_counter()
    rng = np.random.default_rng(7)
    features = (rng.standard_normal((persons, 128), dtype=np.float32) * 0.09).astype(np.float32)
    owners = np.frombuffer(rng.bytes(16 * persons), dtype=np.uint8).reshape(persons, 16)
    faces = np.frombuffer(rng.bytes(16 * persons), dtype=np.uint8).reshape(persons, 16)
    segment = make_segment(BASE_PREFIX + uuid.uuid4().hex, MODEL, owners, faces, features)
    write_segment(MODEL, segment.name, segment_to_bytes(segment))
    manifest = read_manifest(MODEL)
    assert manifest is not None
    replace_manifest(MODEL, (*manifest.segments, SegmentEntry(segment.name, persons, 0)), manifest.etag)
    members = [row_to_id(owners[row]) for row in rng.choice(persons, size=group_members, replace=False)]
    for person_id in members:
        insert_person(DirectoryPersonRecord(person_id, "member", None, "2024-01-01T00:00:00.000Z"), persons)
    return time.perf_counter() - started, segment.name, members


def resident_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory in MB: all of it, or ``RssAnon`` / ``RssFile`` (mapped files)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed_post(client: FaceClient, path: str, body: dict) -> float:
    started = time.perf_counter()
    response = client.post(path, json=body)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed


def wait_succeeded(client: FaceClient, location: str, poll: float = 0.01) -> float:
    """Seconds until the operation at ``location`` has succeeded."""
    started = time.perf_counter()
    path = location[len(client.base_url) :]
    while True:
        status = client.get(path).json()["status"]
        if status == "succeeded":
            return time.perf_counter() - started
        assert status in ("notStarted", "running"), status
        time.sleep(poll)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--latency-adds", type=int, default=20)
    parser.add_argument("--group-members", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        azurite = Azurite(Path(folder) / "azurite").start()
        try:
            use_storage(azurite.connection_string)
            seconds, base, members = write_directory(args.persons, args.group_members)
            print(f"wrote {args.persons:,} persons' faces as one segment in {seconds:.1f} s")
            local = Path(folder) / "tmp"  # the dev host's local segment copies, removed with the folder
            local.mkdir()
            host = DevHost(azurite.connection_string, Path(folder) / "devhost.log", {"TMPDIR": str(local)}).start()
            try:
                first, body = run(host, args, members)
            finally:
                host.stop()
            download = reference_download(base, Path(folder) / "reference.seg")
            print(
                f"the segment blob downloaded alone by the bench process: {download * 1000:.0f} ms "
                f"(the first identify took {first / download:.2f}x that)"
            )
            again = DevHost(azurite.connection_string, Path(folder) / "devhost2.log", {"TMPDIR": str(local)}).start()
            try:
                with FaceClient(again.versioned_url(VERSION), again.key) as client:
                    before = resident_mb(again.process.pid)
                    restarted = timed_post(client, "/identify", body)
                    print(
                        f"first identify of a process restarted on the same machine (maps the local segment file): "
                        f"{restarted * 1000:.0f} ms; dev host RSS {before:.0f} MB before it, "
                        f"{resident_mb(again.process.pid):.0f} MB after"
                    )
            finally:
                again.stop()
        finally:
            azurite.stop()


def reference_download(name: str, target: Path) -> float:
    """Seconds the bench process takes to download the segment ``name`` to a file, as the dev host does."""
    from core.storage.directory_index import download_segment

    started = time.perf_counter()
    with target.open("wb") as file:
        download_segment(MODEL, name, file)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def run(host: DevHost, args: argparse.Namespace, members: list[str]) -> tuple[float, dict]:
    """Every measurement against the running dev host; the first identify's seconds and its body."""
    with FaceClient(host.versioned_url(VERSION), host.key) as client:
        images = sorted(path for folder in PHOTOS.iterdir() for path in folder.iterdir())
        face_ids: list[str] = []
        for image in images:
            found = client.post(f"/detect?recognitionModel={MODEL}", data=image.read_bytes(), headers=OCTET).json()
            face_ids += [face["faceId"] for face in found]
        body = {"faceIds": face_ids[:10], "personIds": ["*"]}
        before = resident_mb(host.process.pid)
        first = timed_post(client, "/identify", body)
        after = resident_mb(host.process.pid)
        print(
            f"first identify of a fresh process (loads {args.persons:,} faces): {first * 1000:.0f} ms; "
            f"dev host RSS {before:.0f} MB before it, {after:.0f} MB after (the index: {after - before:.0f} MB; "
            f"anonymous {resident_mb(host.process.pid, 'RssAnon'):.0f} MB, "
            f"mapped files {resident_mb(host.process.pid, 'RssFile'):.0f} MB)"
        )
        timings = [timed_post(client, "/identify", body) for _ in range(args.queries)]
        print(
            f"identify, 10 faceIds, whole directory: median {statistics.median(timings) * 1000:.1f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.1f} ms; dev host RSS {resident_mb(host.process.pid):.0f} MB"
        )
        persons = [client.post("/persons", json={"name": f"p{n}"}).json()["personId"] for n in range(30)]
        listed = [timed_post(client, "/identify", {**body, "personIds": persons}) for _ in range(args.queries)]
        print(f"identify, 10 faceIds, 30 listed persons: median {statistics.median(listed) * 1000:.1f} ms")
        created = client.put("/dynamicpersongroups/bench", json={"name": "bench", "addPersonIds": members})
        assert created.status_code == 202, created.text
        wait_succeeded(client, created.headers["operation-Location"], poll=0.2)
        group_body = {"faceIds": face_ids[:10], "dynamicPersonGroupId": "bench"}
        grouped = [timed_post(client, "/identify", group_body) for _ in range(args.queries)]
        print(
            f"identify, 10 faceIds, dynamic group of {len(members):,} persons: "
            f"median {statistics.median(grouped) * 1000:.1f} ms, p95 {percentile(grouped, 0.95) * 1000:.1f} ms"
        )

        latencies = []
        for number in range(args.latency_adds):
            image = images[number % len(images)].read_bytes()
            box = client.post("/detect?returnFaceId=false", data=image, headers=OCTET).json()[0]["faceRectangle"]
            target = ",".join(str(box[side]) for side in ("left", "top", "width", "height"))
            added = client.post(
                f"/persons/{persons[number % 30]}/recognitionModels/{MODEL}/persistedfaces?targetFace={target}",
                data=image,
                headers=OCTET,
            )
            assert added.status_code == 202, added.text
            latencies.append(wait_succeeded(client, added.headers["operation-Location"]))
        print(
            f"add face 202 -> succeeded, idle: p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        )
        print(f"indexing throughput: {indexing_throughput(persons, args.adds):.1f} faces/s")
        timings = [timed_post(client, "/identify", body) for _ in range(args.queries)]
        print(
            f"identify after the adds (base + small segments): median {statistics.median(timings) * 1000:.1f} ms; "
            f"dev host RSS {resident_mb(host.process.pid):.0f} MB"
        )
        return first, body


def indexing_throughput(persons: list[str], adds: int) -> float:
    """Faces per second from storing ``adds`` faces at once to every operation succeeded."""
    from core.directory.faces import store_face
    from core.search.index import feature_to_bytes
    from core.storage.directory_operations import read_operation

    rng = np.random.default_rng(3)
    started = time.perf_counter()
    operations = [
        store_face(
            persons[number % len(persons)],
            MODEL,
            None,
            (0, 0, 40, 40),
            feature_to_bytes(rng.standard_normal(128).astype(np.float32) * 0.09),
        )[1]
        for number in range(adds)
    ]
    pending = set(operations)
    while pending:
        pending = {operation for operation in pending if read_operation(operation).status != "succeeded"}  # type: ignore[union-attr]
        time.sleep(0.1)
    return adds / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
