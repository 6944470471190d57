"""The collections a photo can be enrolled into or identified against, and what each kind offers.

Person groups and large person groups hold persons, each with faces; face lists
and large face lists hold faces directly (the person's name then lives in each
face's mark). Identify works on the person kinds; the list kinds are searched
with Find Similar. Large person groups, person groups and large face lists must
be trained after a change; a face list needs no training. The PersonDirectory
(``face_cli.directory``) holds persons too, with faces per recognition model and
no training; identified against whole (personIds ``["*"]``) or through one of
its dynamic person groups.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from face_cli.client import FaceApi, FaceApiError
from face_cli.photos import Mark, Photo, read_mark

TRAINING_DONE = frozenset({"succeeded", "failed"})
TRAINING_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class TargetKind:
    """One kind of collection: its path, its id field and what it offers."""

    label: str
    path: str
    id_field: str
    has_persons: bool
    trained: bool
    directory: bool = False


PERSON_GROUP = TargetKind("person group", "persongroups", "personGroupId", has_persons=True, trained=True)
LARGE_PERSON_GROUP = TargetKind(
    "large person group", "largepersongroups", "largePersonGroupId", has_persons=True, trained=True
)
FACE_LIST = TargetKind("face list", "facelists", "faceListId", has_persons=False, trained=False)
LARGE_FACE_LIST = TargetKind("large face list", "largefacelists", "largeFaceListId", has_persons=False, trained=True)
PERSON_DIRECTORY = TargetKind("person directory", "", "personIds", has_persons=True, trained=False, directory=True)
DYNAMIC_PERSON_GROUP = TargetKind(
    "dynamic person group",
    "dynamicpersongroups",
    "dynamicPersonGroupId",
    has_persons=True,
    trained=False,
    directory=True,
)
EVERY_DIRECTORY_PERSON = ["*"]  # Identify's personIds naming the whole PersonDirectory


@dataclass(frozen=True)
class Target:
    """One collection of one kind."""

    kind: TargetKind
    id: str

    @property
    def path(self) -> str:
        """The collection's path; the PersonDirectory's persons are at the root (``/persons``)."""
        return f"/{self.kind.path}/{self.id}" if self.kind.path else ""

    @property
    def scope(self) -> dict[str, Any]:
        """What an Identify or Find Similar body names to search this target."""
        return {self.kind.id_field: EVERY_DIRECTORY_PERSON if self.kind is PERSON_DIRECTORY else self.id}

    def __str__(self) -> str:
        return f"{self.kind.label} {self.id}".strip()


@dataclass(frozen=True)
class EnrolledFace:
    """A face already in the target and the mark it carries (None when this tool did not add it)."""

    persisted_face_id: str
    person_id: str | None
    mark: Mark | None


@dataclass(frozen=True)
class Enrolled:
    """What a target holds when a run starts: its faces with their marks, and the personId of each name (the
    first person of that name; none for a list), both read from one listing of its persons."""

    faces: list[EnrolledFace]
    person_ids: dict[str, str]


def recognition_model(api: FaceApi, target: Target) -> str:
    """The recognition model the target was created with (Detect must use the same one)."""
    found = api.call("GET", target.path, params={"returnRecognitionModel": "true"})
    return str(found.get("recognitionModel") or "recognition_01")


def ensure_target(api: FaceApi, target: Target, model: str) -> tuple[bool, str]:
    """Create the target with ``model`` when it does not exist; (created, its recognition model)."""
    try:
        return False, recognition_model(api, target)
    except FaceApiError as error:
        if error.status != 404:
            raise
    api.call("PUT", target.path, json={"name": target.id, "recognitionModel": model})
    return True, model


def persons(api: FaceApi, target: Target) -> list[dict[str, Any]]:
    """Every person of a person target (``personId``, ``name``, ``persistedFaceIds``...)."""
    return list(api.pages(f"{target.path}/persons", "personId"))


def first_person_ids(found: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The personId of every name among ``found`` (the first person of that name)."""
    known: dict[str, str] = {}
    for person in found:
        known.setdefault(str(person.get("name")), person["personId"])
    return known


def create_person(api: FaceApi, target: Target, name: str) -> str:
    """Create a person named ``name``; a retry after an ambiguous failure first looks the name up."""

    def existing() -> dict[str, str] | None:
        return next(({"personId": p["personId"]} for p in persons(api, target) if p.get("name") == name), None)

    return str(api.call("POST", f"{target.path}/persons", json={"name": name}, settled=existing)["personId"])


def person_faces(
    api: FaceApi, target: Target, person: dict[str, Any], executor: ThreadPoolExecutor
) -> list[EnrolledFace]:
    """The faces of one person with their marks (one Get Face per face: a person lists only ids)."""
    person_id = person["personId"]

    def face(face_id: str) -> EnrolledFace:
        found = api.call("GET", f"{target.path}/persons/{person_id}/persistedfaces/{face_id}")
        return EnrolledFace(face_id, person_id, read_mark(found.get("userData")))

    return list(executor.map(face, person.get("persistedFaceIds") or []))


def list_faces(api: FaceApi, target: Target) -> list[EnrolledFace]:
    """The faces of a list target with their marks (a face list answers them inline, a large one by pages)."""
    if target.kind is FACE_LIST:
        found = api.call("GET", target.path).get("persistedFaces") or []
    else:
        found = list(api.pages(f"{target.path}/persistedfaces", "persistedFaceId"))
    return [EnrolledFace(face["persistedFaceId"], None, read_mark(face.get("userData"))) for face in found]


def faces_path(target: Target, person_id: str | None) -> str:
    """Where a face is added: under its person, or straight into a list."""
    return f"{target.path}/persons/{person_id}/persistedfaces" if person_id else f"{target.path}/persistedfaces"


def add_face(
    api: FaceApi,
    target: Target,
    person_id: str | None,
    image: bytes,
    mark: str,
    sha256: str,
    detection_model: str,
) -> str:
    """Add the one face of ``image`` with ``mark`` as its userData; its persistedFaceId.

    A retry after an answer that may hide a success first looks for a face with the same hash.
    """

    def existing() -> dict[str, str] | None:
        if person_id is None:
            faces = list_faces(api, target)
        else:
            person = api.call("GET", f"{target.path}/persons/{person_id}")
            with ThreadPoolExecutor(max_workers=2) as executor:
                faces = person_faces(api, target, person, executor)
        return next(
            ({"persistedFaceId": f.persisted_face_id} for f in faces if f.mark and f.mark.sha256 == sha256), None
        )

    found = api.call(
        "POST",
        faces_path(target, person_id),
        params={"userData": mark, "detectionModel": detection_model},
        content=image,
        settled=existing,
    )
    return str(found["persistedFaceId"])


class Store:
    """Enrolment's view of a target: the API, the target, the recognition model a new collection gets (or the
    PersonDirectory's faces use) and the detection model of every add."""

    def __init__(self, api: FaceApi, target: Target, recognition_model: str, detection_model: str) -> None:
        self.api = api
        self.target = target
        self.recognition_model = recognition_model
        self.detection_model = detection_model


class CollectionStore(Store):
    """Enrolment's view of a person group, a large person group or a face list (``enrolment.FaceStore``)."""

    def open(self) -> tuple[bool, str]:
        """Create the collection when missing; (created, its recognition model)."""
        return ensure_target(self.api, self.target, self.recognition_model)

    def enrolled(self, names: set[str], executor: ThreadPoolExecutor) -> Enrolled:
        """Every face of the collection with its mark (``names`` are not needed to find them), and its persons."""
        if not self.target.kind.has_persons:
            return Enrolled(list_faces(self.api, self.target), {})
        listed = persons(self.api, self.target)
        faces = [face for person in listed for face in person_faces(self.api, self.target, person, executor)]
        return Enrolled(faces, first_person_ids(listed))

    def create_person(self, name: str) -> str:
        return create_person(self.api, self.target, name)

    def add_face(self, person_id: str | None, photo: Photo) -> str:
        image = photo.path.read_bytes()
        return add_face(self.api, self.target, person_id, image, photo.mark, photo.sha256, self.detection_model)


def train(api: FaceApi, target: Target, on_status: Callable[[str, float], None]) -> dict[str, Any]:
    """Start training and wait for it to end, telling ``on_status`` the status and the seconds elapsed."""
    started = time.monotonic()
    api.call("POST", f"{target.path}/train")
    while True:
        status = api.call("GET", f"{target.path}/training")
        state = str(status.get("status", "")).lower()
        on_status(state, time.monotonic() - started)
        if state in TRAINING_DONE:
            return status
        time.sleep(TRAINING_POLL_SECONDS)
