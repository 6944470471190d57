"""Helpers of the PersonDirectory tests: the preview version, 202 operations polled to their end, persons
created, photos of the knn examples enrolled as faces, and query faces detected."""

from __future__ import annotations

from typing import Any

from tests.support.helpers import OCTET
from tests.support.paths import KNN_EXAMPLES
from tests.support.polling import wait_until
from tests.support.servers import FaceClient

PREVIEW = "v1.1-preview.1"
MODEL = "recognition_04"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def operation_path(client: FaceClient, response: Any) -> str:
    location = response.headers["operation-Location"]
    assert location.startswith(client.base_url + "/operations/"), location
    return location[len(client.base_url) :]


def wait_for(client: FaceClient, response: Any, timeout: float = 60) -> dict[str, Any]:
    """Poll a 202's operation until it is terminal; its last body."""
    path = operation_path(client, response)

    def terminal() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(path).json()
        assert body["status"] in ("notStarted", "running", "succeeded", "failed"), body
        return body if body["status"] in ("succeeded", "failed") else None

    return wait_until(terminal, timeout, f"operation {path} to finish")


def create_person(client: FaceClient, name: str = "a person", **body: Any) -> str:
    response = client.post("/persons", json={"name": name, **body})
    assert response.status_code == 202, response.text
    assert wait_for(client, response)["status"] == "succeeded"
    return response.json()["personId"]


def delete_persons(client: FaceClient, person_ids: list[str]) -> None:
    """Delete these persons (those still there) and wait for each delete to succeed: tests share the session's
    directory, and one that identifies over all of it must not meet another's enrolled faces."""
    deletes = [client.delete(f"/persons/{person_id}") for person_id in person_ids]
    for response in deletes:
        assert response.status_code in (202, 404), response.text
        if response.status_code == 202:
            assert wait_for(client, response)["status"] == "succeeded"


def photo(person: str, index: int = 0) -> bytes:
    return sorted((KNN_EXAMPLES / "train" / person).iterdir())[index].read_bytes()


def largest_face(client: FaceClient, image: bytes) -> str:
    faces = client.post("/detect?returnFaceId=false", data=image, headers=OCTET).json()
    box = faces[0]["faceRectangle"]
    return ",".join(str(box[side]) for side in ("left", "top", "width", "height"))


def add_face(client: FaceClient, person_id: str, image: bytes, **params: str) -> Any:
    params.setdefault("targetFace", largest_face(client, image))
    url = f"/persons/{person_id}/recognitionModels/{MODEL}/persistedfaces"
    return client.post(url, params=params, data=image, headers=OCTET)


def query_faces(client: FaceClient, image: bytes) -> list[str]:
    faces = client.post(f"/detect?recognitionModel={MODEL}", data=image, headers=OCTET).json()
    return [face["faceId"] for face in faces]
