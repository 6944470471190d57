"""The PersonDirectory: persons at ``/persons``, their faces per recognition model, and dynamic person groups.

Creating a person, adding a face and changing a group's members answer 202
with an operation, waited for here (``face_cli.operations``). A directory
person's faces live under ``/persons/{personId}/recognitionModels/{model}``:
enrolling with one recognition model neither sees nor repeats the faces of
another. Faces carry the same mark as in the other targets (person name and
photo hash in ``userData``), which keeps enrolment resumable. The directory
needs no training; a dynamic person group is a named set of its persons.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from face_cli.client import PAGE_SIZE, FaceApi, FaceApiError
from face_cli.operations import settle
from face_cli.photos import Photo, read_mark
from face_cli.targets import DYNAMIC_PERSON_GROUP, Enrolled, EnrolledFace, Store, first_person_ids

MEMBERS_PER_UPDATE = 1000  # persons added to a dynamic person group by one request


def directory_persons(api: FaceApi) -> list[dict[str, Any]]:
    """Every person of the directory (``personId``, ``name``, ``userData``)."""
    return list(api.pages("/persons", "personId"))


def faces_path(person_id: str, recognition_model: str) -> str:
    return f"/persons/{person_id}/recognitionModels/{recognition_model}/persistedfaces"


def group_path(group_id: str) -> str:
    return f"/dynamicpersongroups/{group_id}"


def ensure_group(api: FaceApi, group_id: str) -> bool:
    """Create the dynamic person group (empty, named after its id) when missing; whether it was created."""
    try:
        api.call("GET", group_path(group_id))
        return False
    except FaceApiError as error:
        if error.status != 404:
            raise
    settle(api, api.send("PUT", group_path(group_id), json={"name": group_id}))
    return True


def group_members(api: FaceApi, group_id: str) -> Iterator[str]:
    """Every personId of a dynamic person group, paged by ``start``/``top``."""
    start: str | None = None
    while True:
        params: dict[str, Any] = {"top": PAGE_SIZE, **({"start": start} if start else {})}
        page = (api.call("GET", f"{group_path(group_id)}/persons", params=params) or {}).get("personIds") or []
        yield from page
        if len(page) < PAGE_SIZE:
            return
        start = page[-1]


def add_members(api: FaceApi, group_id: str, person_ids: set[str]) -> int:
    """Put the persons that are not members yet into the group, waiting for each update; how many were added.

    A retry after an answer that may hide a success first reads the members: a batch all in is done. A run
    that dies before an update finished adds the persons still missing next time.
    """

    def members() -> set[str]:
        return {member.lower() for member in group_members(api, group_id)}

    missing = sorted({person_id.lower() for person_id in person_ids} - members())
    for first in range(0, len(missing), MEMBERS_PER_UPDATE):
        batch = missing[first : first + MEMBERS_PER_UPDATE]

        def added(batch: list[str] = batch) -> dict[str, Any] | None:
            return {} if set(batch) <= members() else None

        settle(api, api.send("PATCH", group_path(group_id), json={"addPersonIds": batch}, settled=added))
    return len(missing)


class DirectoryStore(Store):
    """Enrolment's view of the PersonDirectory, and of one dynamic person group (``enrolment.FaceStore``)."""

    def open(self) -> tuple[bool, str]:
        """Create the dynamic person group when one is named and missing (the directory always exists);
        (created, the recognition model faces are added with)."""
        created = self.target.kind is DYNAMIC_PERSON_GROUP and ensure_group(self.api, self.target.id)
        return created, self.recognition_model

    def enrolled(self, names: set[str], executor: ThreadPoolExecutor) -> Enrolled:
        """The faces, with their marks, of the persons named ``names``, for this recognition model, and the
        directory's persons.

        Only those persons' faces are read: the directory is shared by the whole resource, and a mark names its
        person.
        """
        listed = directory_persons(self.api)
        named = [person["personId"] for person in listed if person.get("name") in names]
        faces = [face for found in executor.map(self.person_faces, named) for face in found]
        return Enrolled(faces, first_person_ids(listed))

    def person_faces(self, person_id: str) -> list[EnrolledFace]:
        """The faces of one person for this recognition model, with their marks (one Get Face each)."""
        path = faces_path(person_id, self.recognition_model)
        face_ids = self.api.call("GET", path).get("persistedFaceIds") or []
        return [
            EnrolledFace(face_id, person_id, read_mark(self.api.call("GET", f"{path}/{face_id}").get("userData")))
            for face_id in face_ids
        ]

    def create_person(self, name: str) -> str:
        """Create a person named ``name`` and wait for it; a retry after an ambiguous failure first looks it up."""

        def existing() -> dict[str, str] | None:
            return next(
                ({"personId": p["personId"]} for p in directory_persons(self.api) if p.get("name") == name), None
            )

        return str(
            settle(self.api, self.api.send("POST", "/persons", json={"name": name}, settled=existing))["personId"]
        )

    def add_face(self, person_id: str | None, photo: Photo) -> str:
        """Add the one face of ``photo`` to the person and wait until it is searchable; its persistedFaceId.

        A retry after an answer that may hide a success first looks for a face with the photo's hash.
        """

        def existing() -> dict[str, str] | None:
            faces = self.person_faces(str(person_id))
            return next(
                ({"persistedFaceId": f.persisted_face_id} for f in faces if f.mark and f.mark.sha256 == photo.sha256),
                None,
            )

        answer = self.api.send(
            "POST",
            faces_path(str(person_id), self.recognition_model),
            params={"userData": photo.mark, "detectionModel": self.detection_model},
            content=photo.path.read_bytes(),
            settled=existing,
        )
        return str(settle(self.api, answer)["persistedFaceId"])
