"""The ``face`` command line over real HTTP against the dev host, run as a user runs it (the entry point).

Enrolment of face_recognition's knn examples, into a large person group and
into the PersonDirectory with a dynamic person group, is interrupted with
Ctrl-C and resumed: the second run adds only what is missing and no face or
person is enrolled twice. The test folder is then identified, every known
person by name. A sub-folder whose only photo shows no face creates no person.
A stub server answering 429 twice before passing requests on shows the retries
honouring ``Retry-After``.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

import pytest
import requests
from PIL import Image

from tests.support.directory import MODEL, delete_persons
from tests.support.helpers import new_id
from tests.support.paths import KNN_EXAMPLES, KNN_TEST_PEOPLE, SHARED_DATA
from tests.support.polling import wait_until

FACE = Path(sys.executable).parent / "face"
NO_FACE_PHOTO = SHARED_DATA / "dlib_faces" / "dogs.jpg"
SEVERAL_FACES_PHOTO = KNN_EXAMPLES / "test" / "obama_and_biden.jpg"
RETRY_AFTER_SECONDS = 1


def run_face(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(FACE), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture()
def cli_env(devhost) -> dict[str, str]:
    """The environment of a user who exported the endpoint and the key."""
    return {**os.environ, "AZURE_FACE_ENDPOINT": devhost.endpoint, "AZURE_FACE_KEY": devhost.key}


@pytest.fixture()
def enrolment_folder(tmp_path: Path) -> Path:
    """The knn training people (links to the shared photos), one more photo of Obama showing Biden too,
    and a person whose only photo shows dogs."""
    folder = tmp_path / "people"
    for person in sorted((KNN_EXAMPLES / "train").iterdir()):
        (folder / person.name).mkdir(parents=True)
        for photo in sorted(person.iterdir()):
            (folder / person.name / photo.name).symlink_to(photo)
    (folder / "obama" / "with_biden.jpg").symlink_to(SEVERAL_FACES_PHOTO)
    (folder / "nobody").mkdir()
    (folder / "nobody" / "dogs.jpg").symlink_to(NO_FACE_PHOTO)
    return folder


def person_names(api, path: str) -> list[str]:
    return [person["name"] for person in api.get(f"{path}/persons").json()]


def group_faces(api, group: str) -> list[tuple[str, str]]:
    """(person name, photo hash) of every face of a large person group, read back from the service."""
    faces = []
    for person in api.get(f"/largepersongroups/{group}/persons").json():
        for face_id in person["persistedFaceIds"]:
            face = api.get(f"/largepersongroups/{group}/persons/{person['personId']}/persistedfaces/{face_id}").json()
            faces.append((person["name"], json.loads(face["userData"])["sha256"]))
    return faces


def face_count(api, group: str) -> int:
    response = api.get(f"/largepersongroups/{group}/persons")
    return sum(len(p["persistedFaceIds"]) for p in response.json()) if response.status_code == 200 else 0


@pytest.mark.slow
def test_enrolment_resumes_after_an_interruption_and_identifies_every_known_person(
    api, cli_env, enrolment_folder, tmp_path
):
    group = new_id("cli")
    # detection_01: YuNet (the default detection_03) takes the dog of dogs.jpg for a face at 0.86 (README, Models)
    enrol = [
        str(FACE),
        "enrol",
        str(enrolment_folder),
        "--large-person-group",
        group,
        "--detection-model",
        "detection_01",
    ]
    photos = sum(1 for _ in enrolment_folder.rglob("*.jp*g"))
    enrollable = photos - 2  # the dogs, and Obama with Biden

    first = subprocess.Popen(
        [*enrol, "--concurrency", "1"], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wait_until(lambda: face_count(api, group) >= 2, 120, "two faces enrolled by the first run")
    first.send_signal(signal.SIGINT)
    _, first_err = first.communicate(timeout=120)
    assert first.returncode == 130, first_err
    assert "interrupted" in first_err
    interrupted_at = face_count(api, group)
    assert 2 <= interrupted_at < enrollable

    report = tmp_path / "rejected.csv"
    second = subprocess.run(
        [*enrol, "--rejected-csv", str(report)], env=cli_env, capture_output=True, text=True, timeout=300, check=False
    )
    assert second.returncode == 0, second.stderr
    assert f"already enrolled: {interrupted_at}" in second.stderr
    assert "training: succeeded" in second.stderr
    faces = group_faces(api, group)
    assert len(faces) == enrollable
    assert Counter(faces).most_common(1)[0][1] == 1  # no photo enrolled twice
    assert {name for name, _ in faces} == {p.name for p in (KNN_EXAMPLES / "train").iterdir()}

    with report.open() as file:
        rejected = {(row["person"], Path(row["file"]).name): row for row in csv.DictReader(file)}
    assert set(rejected) == {("nobody", "dogs.jpg"), ("obama", "with_biden.jpg")}
    assert rejected["nobody", "dogs.jpg"]["reason"] == "no face"
    assert rejected["obama", "with_biden.jpg"]["reason"] == "several faces"
    assert rejected["obama", "with_biden.jpg"]["code"] == "InvalidImage"  # Add Face's refusal
    assert rejected["nobody", "dogs.jpg"]["message"] == "Detect found no face in the photo."  # no person to add to
    assert "no face" in second.stdout.lower() and "dogs.jpg" in second.stdout  # the table
    assert sorted(person_names(api, f"/largepersongroups/{group}")) == sorted(
        p.name for p in (KNN_EXAMPLES / "train").iterdir()
    )

    again = run_face(enrol[1:], cli_env)
    assert again.returncode == 0, again.stderr
    assert f"already enrolled: {enrollable}" in again.stderr and "added: 0" in again.stderr
    assert len(group_faces(api, group)) == enrollable
    assert sorted(person_names(api, f"/largepersongroups/{group}")) == sorted(
        p.name for p in (KNN_EXAMPLES / "train").iterdir()
    )

    identified = run_face(
        ["identify", str(KNN_EXAMPLES / "test"), "--large-person-group", group, "--format", "json"], cli_env
    )
    assert identified.returncode == 0, identified.stderr
    named = {
        Path(photo["photo"]).name: {face["candidates"][0]["name"] for face in photo["faces"] if face["candidates"]}
        for photo in json.loads(identified.stdout)
    }
    assert named == KNN_TEST_PEOPLE


def named_persons(preview, prefix: str) -> dict[str, str]:
    """personId -> name of the directory persons whose names start with ``prefix`` (the ones a test made)."""
    return {p["personId"]: p["name"] for p in preview.get("/persons").json() if p["name"].startswith(prefix)}


def directory_faces(preview, prefix: str) -> list[tuple[str, str]]:
    """(person name, photo hash) of every recognition_04 face of the directory persons named ``prefix``*."""
    faces = []
    for person_id, name in named_persons(preview, prefix).items():
        path = f"/persons/{person_id}/recognitionModels/{MODEL}/persistedfaces"
        for face_id in preview.get(path).json()["persistedFaceIds"]:
            faces.append((name, json.loads(preview.get(f"{path}/{face_id}").json()["userData"])["sha256"]))
    return faces


def identified_names(result: subprocess.CompletedProcess[str], prefix: str) -> dict[str, set[str]]:
    """Photo name -> the best candidates' names (without ``prefix``) of an ``identify --format json`` run."""
    assert result.returncode == 0, result.stderr
    return {
        Path(photo["photo"]).name: {
            face["candidates"][0]["name"].removeprefix(prefix) for face in photo["faces"] if face["candidates"]
        }
        for photo in json.loads(result.stdout)
    }


@pytest.mark.slow
def test_directory_enrolment_resumes_fills_a_dynamic_group_and_identifies_every_known_person(
    preview, cli_env, tmp_path
):
    """The directory is shared by every test: the persons' names carry this run's prefix, and are deleted."""
    prefix = new_id("cli") + "_"
    group = new_id("cli")
    folder = tmp_path / "people"
    for person in sorted((KNN_EXAMPLES / "train").iterdir()):
        (folder / f"{prefix}{person.name}").mkdir(parents=True)
        for photo in sorted(person.iterdir()):
            (folder / f"{prefix}{person.name}" / photo.name).symlink_to(photo)
    (folder / f"{prefix}nobody").mkdir()
    (folder / f"{prefix}nobody" / "dogs.jpg").symlink_to(NO_FACE_PHOTO)
    people = {f"{prefix}{person.name}" for person in (KNN_EXAMPLES / "train").iterdir()}
    enrollable = sum(1 for _ in (KNN_EXAMPLES / "train").rglob("*.jp*g"))
    enrol = [str(FACE), "enrol", str(folder), "--person-directory", "--dynamic-person-group", group]
    enrol += ["--detection-model", "detection_01"]  # detection_03 takes the dog for a face (README, Models)
    try:
        first = subprocess.Popen(
            [*enrol, "--concurrency", "1"], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        wait_until(lambda: len(directory_faces(preview, prefix)) >= 2, 120, "two faces enrolled by the first run")
        first.send_signal(signal.SIGINT)
        _, first_err = first.communicate(timeout=120)
        assert first.returncode == 130, first_err
        interrupted_at = len(directory_faces(preview, prefix))
        assert 2 <= interrupted_at < enrollable

        second = run_face(enrol[1:], cli_env)
        assert second.returncode == 0, second.stderr
        assert f"already enrolled: {interrupted_at}" in second.stderr
        assert "training" not in second.stderr  # the directory needs none
        faces = directory_faces(preview, prefix)
        assert len(faces) == enrollable
        assert Counter(faces).most_common(1)[0][1] == 1  # no photo enrolled twice
        persons = named_persons(preview, prefix)
        assert sorted(persons.values()) == sorted(people)  # one person each, none for the dogs
        assert "dogs.jpg" in second.stdout and "no face" in second.stdout.lower()
        members = set(preview.get(f"/dynamicpersongroups/{group}/persons").json()["personIds"])
        assert members == set(persons)

        again = run_face(enrol[1:], cli_env)
        assert again.returncode == 0, again.stderr
        assert f"already enrolled: {enrollable}" in again.stderr and "added: 0" in again.stderr
        assert "persons created: 0" in again.stderr and "persons added to the group: 0" in again.stderr
        assert named_persons(preview, prefix) == persons

        test = str(KNN_EXAMPLES / "test")
        everyone = run_face(["identify", test, "--person-directory", "--format", "json"], cli_env)
        assert identified_names(everyone, prefix) == KNN_TEST_PEOPLE
        grouped = run_face(["identify", test, "--dynamic-person-group", group, "--format", "json"], cli_env)
        assert identified_names(grouped, prefix) == KNN_TEST_PEOPLE
    finally:
        preview.delete(f"/dynamicpersongroups/{group}")
        delete_persons(preview, list(named_persons(preview, prefix)))


def test_a_sub_folder_whose_photos_all_fail_creates_no_person(api, cli_env, tmp_path):
    group = new_id("cli")
    (tmp_path / "obama").mkdir()
    (tmp_path / "obama" / "obama.jpg").symlink_to(KNN_EXAMPLES / "test" / "obama1.jpg")
    (tmp_path / "nobody").mkdir()
    (tmp_path / "nobody" / "dogs.jpg").symlink_to(NO_FACE_PHOTO)
    enrol = ["enrol", str(tmp_path), "--person-group", group, "--detection-model", "detection_01"]
    for _ in range(2):  # and a second run neither creates it nor repeats Obama
        result = run_face(enrol, cli_env)
        assert result.returncode == 0, result.stderr
        assert person_names(api, f"/persongroups/{group}") == ["obama"]
        assert "dogs.jpg" in result.stdout and "no face" in result.stdout.lower()
    assert "persons created: 0" in result.stderr and "added: 0" in result.stderr


def test_endpoint_and_key_flags_and_azure_errors(devhost, shared_data):
    photo = KNN_EXAMPLES / "test" / "obama1.jpg"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AZURE_FACE_")}
    flags = ["--endpoint", devhost.endpoint]
    refused = run_face(["detect", str(photo), *flags, "--key", "wrong-key"], env)
    assert refused.returncode == 1
    assert "401 Unspecified: Access denied due to invalid subscription key" in " ".join(refused.stderr.split())
    assert "wrong-key" not in refused.stderr + refused.stdout

    found = run_face(["detect", str(photo), *flags, "--key", devhost.key], env)
    assert found.returncode == 0, found.stderr
    assert found.stdout.count("face ") == 1


def test_detect_draws_boxes_and_landmarks(cli_env, tmp_path):
    photo = KNN_EXAMPLES / "test" / "kit_with_rose.jpg"
    drawn = tmp_path / "drawn.png"
    result = run_face(["detect", str(photo), "--draw", str(drawn)], cli_env)
    assert result.returncode == 0, result.stderr
    boxes = [line.split(": ")[1] for line in result.stdout.splitlines() if line.startswith("face ")]
    assert len(boxes) == 2
    original = Image.open(photo).convert("RGB")
    image = Image.open(drawn).convert("RGB")
    assert image.size == original.size
    for box in boxes:
        corner, size = box.split(" ")
        left, top = (int(v) for v in corner.split(","))
        width, _ = (int(v) for v in size.split("x"))
        edge = image.getpixel((left + width // 2, top))  # the middle of the box's top side
        assert edge == pytest.approx((0, 200, 255), abs=40) and edge != original.getpixel((left + width // 2, top))


class Throttling(BaseHTTPRequestHandler):
    """Answers the first two requests 429 with Retry-After, as Azure does past a key's rate, then passes
    requests on to the dev host."""

    upstream = ""
    seen: ClassVar[list[float]] = []
    refusals = 2

    def do_POST(self) -> None:
        self.seen.append(time.monotonic())
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if len(self.seen) <= self.refusals:
            payload = json.dumps({"error": {"code": "429", "message": "Rate limit is exceeded."}}).encode()
            self.send_response(429)
            self.send_header("Retry-After", str(RETRY_AFTER_SECONDS))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        forwarded = requests.post(
            self.upstream + self.path,
            data=body,
            headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")},
            timeout=120,
        )
        self.send_response(forwarded.status_code)
        self.send_header("Content-Type", forwarded.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(forwarded.content)))
        self.end_headers()
        self.wfile.write(forwarded.content)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads what it needs from ``seen``."""


@pytest.fixture()
def throttling_stub(devhost) -> Iterator[tuple[str, list[float]]]:
    seen: list[float] = []
    handler = type("StubHandler", (Throttling,), {"upstream": devhost.endpoint, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_429_is_retried_after_the_time_retry_after_asks(throttling_stub, cli_env):
    endpoint, seen = throttling_stub
    result = run_face(
        ["detect", str(KNN_EXAMPLES / "test" / "obama1.jpg")], {**cli_env, "AZURE_FACE_ENDPOINT": endpoint}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("face ") == 1
    assert len(seen) == 3
    waits = [later - earlier for earlier, later in pairwise(seen)]
    assert all(wait >= RETRY_AFTER_SECONDS * 0.95 for wait in waits), waits
