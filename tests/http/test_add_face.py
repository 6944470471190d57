"""Add Face over real HTTP with real photos (bytes and URLs): detection, features, targetFace,
the one-face rules, the 248-face limit and 30 parallel adds to one person."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from core import limits
from core.collections.kinds import LARGE_PERSON_GROUP, PERSON_GROUP
from tests.support.faces import seed_faces
from tests.support.helpers import OCTET, admitted, error_of, new_id
from tests.support.images import serve_directory

EXAMPLES = "face_recognition/examples"
ROUTES = {"persongroups": True, "largepersongroups": True, "facelists": False, "largefacelists": False}


@pytest.fixture(scope="module")
def url_of(shared_data: Path) -> Iterator[Callable[[str], str]]:
    with serve_directory(shared_data) as url:
        yield url


@pytest.fixture(scope="module")
def photos(shared_data: Path) -> dict[str, bytes]:
    return {
        name: (shared_data / EXAMPLES / name).read_bytes()
        for name in ("obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg")
    }


def faces_url(api: Any, route: str, holds_persons: bool) -> tuple[str, str]:
    collection_id = new_id("f")
    assert api.put(f"/{route}/{collection_id}", json={"name": "faces"}).status_code == 200
    base = f"/{route}/{collection_id}"
    if holds_persons:
        base += "/persons/" + api.post(f"{base}/persons", json={"name": "p"}).json()["personId"]
    return collection_id, base + "/persistedfaces"


@pytest.mark.parametrize("route", list(ROUTES))
def test_add_face_from_bytes_and_url(
    api: Any, photos: dict[str, bytes], url_of: Callable[[str], str], route: str
) -> None:
    _, url = faces_url(api, route, ROUTES[route])
    first = api.post(url, data=photos["obama2.jpg"], headers=OCTET, params={"userData": "obama"})
    assert first.status_code == 200, first.text
    second = api.post(url, json={"url": url_of(f"{EXAMPLES}/biden.jpg")}, params={"detectionModel": "detection_01"})
    assert second.status_code == 200, second.text
    ids = [first.json()["persistedFaceId"], second.json()["persistedFaceId"]]
    if ROUTES[route]:
        assert api.get(url.rsplit("/", 1)[0]).json()["persistedFaceIds"] == ids
    if route != "facelists":
        assert api.get(f"{url}/{ids[0]}").json() == {"persistedFaceId": ids[0], "userData": "obama"}


def test_one_face_rules(api: Any, photos: dict[str, bytes], url_of: Callable[[str], str]) -> None:
    _, url = faces_url(api, "largefacelists", False)
    several = api.post(url, data=photos["two_people.jpg"], headers=OCTET)
    assert error_of(several) == (
        400,
        "InvalidImage",
        "There is more than 1 face in the image or in the specified targetFace area.",
    )
    left = api.post(url, json={"url": url_of(f"{EXAMPLES}/two_people.jpg")}, params={"targetFace": "0,0,563,661"})
    assert left.status_code == 200, left.text
    right = api.post(url, data=photos["two_people.jpg"], headers=OCTET, params={"targetFace": "563,0,563,661"})
    assert right.status_code == 200, right.text
    empty_corner = api.post(url, data=photos["two_people.jpg"], headers=OCTET, params={"targetFace": "0,600,60,60"})
    assert error_of(empty_corner) == (
        400,
        "InvalidImage",
        "No face detected in the image or in the specified targetFace area.",
    )
    outside = api.post(url, data=photos["obama2.jpg"], headers=OCTET, params={"targetFace": "5000,10,20,20"})
    assert error_of(outside)[2].startswith("Argument targetFace out of range")


def test_person_face_limit(api: Any, storage: str, photos: dict[str, bytes]) -> None:
    group, url = faces_url(api, "persongroups", True)
    person = url.split("/")[-2]
    seed_faces(PERSON_GROUP, group, person, limits.MAX_FACES_PER_PERSON)
    assert error_of(api.post(url, data=photos["obama2.jpg"], headers=OCTET)) == (
        403,
        "QuotaExceeded",
        "Persisted face number reached limit.",
    )


@pytest.mark.slow
def test_parallel_adds_to_one_person(api: Any, storage: str, photos: dict[str, bytes]) -> None:
    """30 concurrent adds crossing the 248 limit: each succeeds or fails cleanly, none is lost or extra."""
    group, url = faces_url(api, "largepersongroups", True)
    person = url.split("/")[-2]
    seeded = limits.MAX_FACES_PER_PERSON - 18
    seed_faces(LARGE_PERSON_GROUP, group, person, seeded)

    with ThreadPoolExecutor(max_workers=30) as pool:
        # More clients than the host holds at once: a 429 is retried after its Retry-After, as clients do.
        responses = list(
            pool.map(lambda _: admitted(lambda: api.post(url, data=photos["biden.jpg"], headers=OCTET)), range(30))
        )
    added = [response.json()["persistedFaceId"] for response in responses if response.status_code == 200]
    refused = [error_of(response)[:2] for response in responses if response.status_code != 200]
    assert set(refused) <= {(403, "QuotaExceeded"), (409, "ConcurrentOperationConflict")}
    assert 0 < len(added) <= 18
    stored = api.get(url.rsplit("/", 1)[0]).json()["persistedFaceIds"]
    assert len(stored) == seeded + len(added) <= limits.MAX_FACES_PER_PERSON
    assert stored[seeded:] == [face for face in stored[seeded:] if face in added] and set(stored[seeded:]) == set(added)
