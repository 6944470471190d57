"""The HTTP operations every collection kind shares, registered once per kind from its description.

Each ``register_*`` call declares one Azure Function per operation, named after
Azure's operationId (``PersonGroup_Create``, ``LargeFaceList_AddFace``...).
Handlers only parse the request, call one core service and serialise the body it answers.
"""

from __future__ import annotations

import azure.functions as func

from core.collections import lifecycle, persisted_faces, persons, training
from core.collections.fields import Paging, paging
from core.collections.kinds import CollectionKind
from functions.http import (
    empty_response,
    face_operation,
    image_input,
    json_object,
    json_response,
    query_bool,
    query_text,
    request_version,
)

RETURN_MODEL = "returnRecognitionModel"


def _paging(req: func.HttpRequest) -> Paging:
    return paging(query_text(req, "start"), query_text(req, "top"))


def register_collection_operations(blueprint: func.Blueprint, kind: CollectionKind, route: str, operation: str) -> None:
    """Create, Get, Update, Delete and List of a collection kind under ``route`` (``persongroups``...)."""
    item = f"{route}/{{{kind.id_field}}}"

    def collection_id(req: func.HttpRequest) -> str:
        return req.route_params[kind.id_field]

    @face_operation(blueprint, f"{operation}_Create", item, ["PUT"])
    def create(req: func.HttpRequest) -> func.HttpResponse:
        lifecycle.create_collection(kind, collection_id(req), json_object(req))
        return empty_response()

    @face_operation(blueprint, f"{operation}_Get", item, ["GET"])
    def get(req: func.HttpRequest) -> func.HttpResponse:
        return json_response(lifecycle.get_collection(kind, collection_id(req), query_bool(req, RETURN_MODEL, False)))

    @face_operation(blueprint, f"{operation}_Update", item, ["PATCH"])
    def update(req: func.HttpRequest) -> func.HttpResponse:
        lifecycle.update_collection(kind, collection_id(req), json_object(req))
        return empty_response()

    @face_operation(blueprint, f"{operation}_Delete", item, ["DELETE"])
    def delete(req: func.HttpRequest) -> func.HttpResponse:
        lifecycle.delete_collection(kind, collection_id(req))
        return empty_response()

    @face_operation(blueprint, f"{operation}_List", route, ["GET"])
    def list_all(req: func.HttpRequest) -> func.HttpResponse:
        with_model = query_bool(req, RETURN_MODEL, False)
        return json_response(lifecycle.list_collections(kind, _paging(req) if kind.pages_listing else None, with_model))


def register_training_operations(blueprint: func.Blueprint, kind: CollectionKind, route: str, operation: str) -> None:
    """Train (202 + Operation-Location) and GetTrainingStatus."""
    item = f"{route}/{{{kind.id_field}}}"

    @face_operation(blueprint, f"{operation}_Train", f"{item}/train", ["POST"])
    def train(req: func.HttpRequest) -> func.HttpResponse:
        training.request_training(kind, req.route_params[kind.id_field])
        location = req.url.split("?", 1)[0].rstrip("/") + "ing"
        return empty_response(202, headers={"Operation-Location": location})

    @face_operation(blueprint, f"{operation}_GetTrainingStatus", f"{item}/training", ["GET"])
    def status(req: func.HttpRequest) -> func.HttpResponse:
        camel_case = request_version(req).camel_case_values
        return json_response(training.training_status(kind, req.route_params[kind.id_field], camel_case))


def _add_face(req: func.HttpRequest, kind: CollectionKind, person_id: str | None) -> func.HttpResponse:
    return json_response(
        persisted_faces.add_face(
            kind,
            req.route_params[kind.id_field],
            person_id,
            image_input(req),
            req.params.get("userData"),
            query_text(req, "targetFace"),
            query_text(req, "detectionModel"),
        )
    )


def register_person_operations(blueprint: func.Blueprint, kind: CollectionKind, route: str, operation: str) -> None:
    """Persons of a group and their faces (PersonGroupPerson_*, LargePersonGroupPerson_*)."""
    persons_route = f"{route}/{{{kind.id_field}}}/persons"
    person_route = f"{persons_route}/{{personId}}"
    face_route = f"{person_route}/persistedfaces/{{persistedFaceId}}"

    def ids(req: func.HttpRequest) -> tuple[str, str]:
        return req.route_params[kind.id_field], req.route_params["personId"]

    @face_operation(blueprint, f"{operation}_Create", persons_route, ["POST"])
    def create(req: func.HttpRequest) -> func.HttpResponse:
        return json_response(persons.create_person(kind, req.route_params[kind.id_field], json_object(req)))

    @face_operation(blueprint, f"{operation}_List", persons_route, ["GET"])
    def list_all(req: func.HttpRequest) -> func.HttpResponse:
        return json_response(persons.list_persons(kind, req.route_params[kind.id_field], _paging(req)))

    @face_operation(blueprint, f"{operation}_Get", person_route, ["GET"])
    def get(req: func.HttpRequest) -> func.HttpResponse:
        return json_response(persons.get_person(kind, *ids(req)))

    @face_operation(blueprint, f"{operation}_Update", person_route, ["PATCH"])
    def update(req: func.HttpRequest) -> func.HttpResponse:
        persons.update_person(kind, *ids(req), json_object(req))
        return empty_response()

    @face_operation(blueprint, f"{operation}_Delete", person_route, ["DELETE"])
    def delete(req: func.HttpRequest) -> func.HttpResponse:
        persons.delete_person(kind, *ids(req))
        return empty_response()

    @face_operation(blueprint, f"{operation}_AddFace", f"{person_route}/persistedfaces", ["POST"])
    def add_face(req: func.HttpRequest) -> func.HttpResponse:
        return _add_face(req, kind, req.route_params["personId"])

    @face_operation(blueprint, f"{operation}_GetFace", face_route, ["GET"])
    def get_face(req: func.HttpRequest) -> func.HttpResponse:
        return json_response(persisted_faces.get_face(kind, *ids(req), req.route_params["persistedFaceId"]))

    @face_operation(blueprint, f"{operation}_UpdateFace", face_route, ["PATCH"])
    def update_face(req: func.HttpRequest) -> func.HttpResponse:
        persisted_faces.update_face(kind, *ids(req), req.route_params["persistedFaceId"], json_object(req))
        return empty_response()

    @face_operation(blueprint, f"{operation}_DeleteFace", face_route, ["DELETE"])
    def delete_face(req: func.HttpRequest) -> func.HttpResponse:
        persisted_faces.delete_face(kind, *ids(req), req.route_params["persistedFaceId"])
        return empty_response()


def register_list_face_operations(blueprint: func.Blueprint, kind: CollectionKind, route: str, operation: str) -> None:
    """Faces of a face list: AddFace and DeleteFace, plus ListFaces, GetFace and UpdateFace when the
    kind does not show its faces inline (LargeFaceList)."""
    faces_route = f"{route}/{{{kind.id_field}}}/persistedfaces"
    face_route = f"{faces_route}/{{persistedFaceId}}"

    @face_operation(blueprint, f"{operation}_AddFace", faces_route, ["POST"])
    def add_face(req: func.HttpRequest) -> func.HttpResponse:
        return _add_face(req, kind, None)

    @face_operation(blueprint, f"{operation}_DeleteFace", face_route, ["DELETE"])
    def delete_face(req: func.HttpRequest) -> func.HttpResponse:
        persisted_faces.delete_face(kind, req.route_params[kind.id_field], None, req.route_params["persistedFaceId"])
        return empty_response()

    if kind.inlines_faces:
        return

    @face_operation(blueprint, f"{operation}_ListFaces", faces_route, ["GET"])
    def list_faces(req: func.HttpRequest) -> func.HttpResponse:
        return json_response(persisted_faces.list_faces(kind, req.route_params[kind.id_field], _paging(req)))

    @face_operation(blueprint, f"{operation}_GetFace", face_route, ["GET"])
    def get_face(req: func.HttpRequest) -> func.HttpResponse:
        face_id = req.route_params["persistedFaceId"]
        return json_response(persisted_faces.get_face(kind, req.route_params[kind.id_field], None, face_id))

    @face_operation(blueprint, f"{operation}_UpdateFace", face_route, ["PATCH"])
    def update_face(req: func.HttpRequest) -> func.HttpResponse:
        persisted_faces.update_face(
            kind, req.route_params[kind.id_field], None, req.route_params["persistedFaceId"], json_object(req)
        )
        return empty_response()
