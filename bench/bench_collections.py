"""Collections benchmark: add-face throughput over HTTP, and LargePersonGroup training at scale.

Starts its own Azurite and dev host (data in a temporary folder), then prints:
- add-face throughput through HTTP (detection + 128-D feature + storage), one
  client and two concurrent clients, with real photos;
- for LargePersonGroups of 10,000 and 100,000 faces (synthetic features written
  through the same storage code as Add Face): write time, training time from
  POST .../train to ``succeeded``, and the trained index blob's size.

Run: ``.venv/bin/python bench/bench_collections.py [--faces 10000 100000] [--adds 40]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from tests.support.paths import FACE_EXAMPLES as PHOTOS
from tests.support.servers import Azurite, DevHost, FaceClient

FACES_PER_PERSON = 100
FACES_PER_WRITE = 50


def use_storage(connection_string: str) -> None:
    from core.settings import get_settings
    from core.storage.clients import reset_clients

    os.environ["AzureWebJobsStorage"] = connection_string
    get_settings.cache_clear()
    reset_clients()


def add_face_throughput(api: FaceClient, adds: int, clients: int) -> float:
    """Faces per second added through HTTP by ``clients`` concurrent clients."""
    photos = [(PHOTOS / name).read_bytes() for name in ("obama2.jpg", "biden.jpg", "obama-720p.jpg")]
    group = f"bench-add-{clients}-{int(time.time())}"
    assert api.put(f"/largepersongroups/{group}", json={"name": "bench"}).status_code == 200
    persons = [
        api.post(f"/largepersongroups/{group}/persons", json={"name": str(n)}).json()["personId"]
        for n in range(clients)
    ]
    api.post(
        f"/largepersongroups/{group}/persons/{persons[0]}/persistedfaces",
        data=photos[0],
        headers={"Content-Type": "application/octet-stream"},
    )

    def add(number: int) -> int:
        response = api.post(
            f"/largepersongroups/{group}/persons/{persons[number % clients]}/persistedfaces",
            data=photos[number % len(photos)],
            headers={"Content-Type": "application/octet-stream"},
        )
        return response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = list(pool.map(add, range(adds)))
    elapsed = time.perf_counter() - started
    assert statuses == [200] * adds, statuses
    return adds / elapsed


def write_synthetic_group(group: str, faces: int) -> float:
    """Create a LargePersonGroup holding ``faces`` synthetic faces; returns the seconds it took."""
    from core.collections.kinds import LARGE_PERSON_GROUP
    from core.collections.lifecycle import create_collection
    from core.collections.persisted_faces import store_faces
    from core.collections.persons import create_person
    from core.search.index import feature_to_bytes
    from core.storage.face_members import NewFace

    started = time.perf_counter()
    create_collection(LARGE_PERSON_GROUP, group, {"name": group})
    rng = np.random.default_rng(faces)

    def fill(count: int) -> None:
        person = create_person(LARGE_PERSON_GROUP, group, {"name": "synthetic"})["personId"]
        for first in range(0, count, FACES_PER_WRITE):
            vectors = rng.standard_normal((min(FACES_PER_WRITE, count - first), 128)).astype(np.float32)
            store_faces(
                LARGE_PERSON_GROUP,
                group,
                person,
                [NewFace(None, (0, 0, 100, 100), feature_to_bytes(vector), "recognition_01") for vector in vectors],
            )

    sizes = [min(FACES_PER_PERSON, faces - first) for first in range(0, faces, FACES_PER_PERSON)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fill, sizes))
    return time.perf_counter() - started


def train(api: FaceClient, group: str) -> tuple[float, int]:
    """Seconds from POST .../train to ``succeeded``, and the index blob's size in bytes."""
    from core.storage.clients import container
    from core.storage.face_training import read_training
    from core.storage.resources import INDEX_CONTAINER

    started = time.perf_counter()
    assert api.post(f"/largepersongroups/{group}/train").status_code == 202
    while True:
        status = api.get(f"/largepersongroups/{group}/training").json()
        if status["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    assert status["status"] == "succeeded", status
    record = read_training("largepersongroup", group)
    size = container(INDEX_CONTAINER).get_blob_client(record.index_blob).get_blob_properties().size
    return elapsed, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--adds", type=int, default=40, help="add-face calls per throughput run (0 skips it)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-collections-") as folder:
        azurite = Azurite(Path(folder) / "azurite").start()
        host = DevHost(azurite.connection_string, Path(folder) / "devhost.log").start()
        use_storage(azurite.connection_string)
        try:
            with FaceClient(host.base_url, host.key) as api:
                for clients in (1, 2) if arguments.adds else ():
                    rate = add_face_throughput(api, arguments.adds, clients)
                    print(f"add face over HTTP, {clients} client(s): {rate:.2f} faces/s", flush=True)
                for faces in arguments.faces:
                    group = f"bench-{faces}"
                    written = write_synthetic_group(group, faces)
                    seconds, size = train(api, group)
                    print(
                        f"LargePersonGroup of {faces:,} faces: written in {written:.1f} s, trained in "
                        f"{seconds:.1f} s, index blob {size / 1e6:.1f} MB",
                        flush=True,
                    )
        finally:
            host.stop()
            azurite.stop()


if __name__ == "__main__":
    main()
