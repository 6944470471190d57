"""PersonDirectory persons and their faces (PersonDirectoryOperations_*), in the versions that have them.

Long-running operations answer 202 with ``operation-Location`` naming
``/operations/{operationId}``; creates also name the new resource in ``Location``.
"""

import azure.functions as func

from core.api_versions import ApiVersion
from core.directory import faces, persons
from functions.http import (
    empty_response,
    face_operation,
    image_input,
    json_object,
    json_response,
    query_text,
    version_root,
)

blueprint = func.Blueprint()

PERSONS = "persons"
PERSON = "persons/{personId}"
FACES = "persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces"
FACE = FACES + "/{persistedFaceId}"


def directory_versions(version: ApiVersion) -> bool:
    """The API versions that have the PersonDirectory and DynamicPersonGroups."""
    return version.person_directory


def operation_location(req: func.HttpRequest, operation_id: str) -> str:
    """The URL of ``GET /operations/{operationId}`` in the request's API version."""
    return f"{version_root(req)}/operations/{operation_id}"


@face_operation(blueprint, "PersonDirectoryOperations_CreatePerson", PERSONS, ["POST"], versions=directory_versions)
def create_person(req: func.HttpRequest) -> func.HttpResponse:
    person_id, operation_id = persons.create_person(json_object(req))
    headers = {
        "Location": f"{version_root(req)}/persons/{person_id}",
        "operation-Location": operation_location(req, operation_id),
    }
    return json_response({"personId": person_id}, 202, headers)


@face_operation(blueprint, "PersonDirectoryOperations_GetPersons", PERSONS, ["GET"], versions=directory_versions)
def list_persons(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(persons.list_persons(query_text(req, "start"), query_text(req, "top")))


@face_operation(blueprint, "PersonDirectoryOperations_GetPerson", PERSON, ["GET"], versions=directory_versions)
def get_person(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(persons.get_person(req.route_params["personId"]))


@face_operation(blueprint, "PersonDirectoryOperations_UpdatePerson", PERSON, ["PATCH"], versions=directory_versions)
def update_person(req: func.HttpRequest) -> func.HttpResponse:
    persons.update_person(req.route_params["personId"], json_object(req))
    return empty_response()


@face_operation(blueprint, "PersonDirectoryOperations_DeletePerson", PERSON, ["DELETE"], versions=directory_versions)
def delete_person(req: func.HttpRequest) -> func.HttpResponse:
    operation_id = persons.delete_person(req.route_params["personId"])
    return empty_response(202, {"operation-Location": operation_location(req, operation_id)})


@face_operation(
    blueprint,
    "PersonDirectoryOperations_GetDynamicPersonGroupReferences",
    f"{PERSON}/dynamicPersonGroupReferences",
    ["GET"],
    versions=directory_versions,
)
def group_references(req: func.HttpRequest) -> func.HttpResponse:
    references = persons.group_references(
        req.route_params["personId"], query_text(req, "start"), query_text(req, "top")
    )
    return json_response(references)


@face_operation(blueprint, "PersonDirectoryOperations_AddPersonFace", FACES, ["POST"], versions=directory_versions)
def add_face(req: func.HttpRequest) -> func.HttpResponse:
    face_id, operation_id = faces.add_face(
        req.route_params["personId"],
        req.route_params["recognitionModel"],
        image_input(req),
        req.params.get("userData"),
        query_text(req, "targetFace"),
        query_text(req, "detectionModel"),
    )
    path = req.url.split("?", 1)[0].rstrip("/")
    headers = {"Location": f"{path}/{face_id}", "operation-Location": operation_location(req, operation_id)}
    return json_response({"persistedFaceId": face_id}, 202, headers)


@face_operation(blueprint, "PersonDirectoryOperations_GetPersonFaces", FACES, ["GET"], versions=directory_versions)
def list_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(faces.list_faces(req.route_params["personId"], req.route_params["recognitionModel"]))


def _face_path(req: func.HttpRequest) -> tuple[str, str, str]:
    return req.route_params["personId"], req.route_params["recognitionModel"], req.route_params["persistedFaceId"]


@face_operation(blueprint, "PersonDirectoryOperations_GetPersonFace", FACE, ["GET"], versions=directory_versions)
def get_face(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(faces.get_face(*_face_path(req)))


@face_operation(blueprint, "PersonDirectoryOperations_UpdatePersonFace", FACE, ["PATCH"], versions=directory_versions)
def update_face(req: func.HttpRequest) -> func.HttpResponse:
    faces.update_face(*_face_path(req), json_object(req))
    return empty_response()


@face_operation(blueprint, "PersonDirectoryOperations_DeletePersonFace", FACE, ["DELETE"], versions=directory_versions)
def delete_face(req: func.HttpRequest) -> func.HttpResponse:
    operation_id = faces.delete_face(*_face_path(req))
    return empty_response(202, {"operation-Location": operation_location(req, operation_id)})
