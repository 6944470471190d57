"""DynamicPersonGroups (PersonDirectoryOperations_*DynamicPersonGroup*), in the versions that have the directory.

Create and update are two operations each on one route, told apart by the
body: with ``addPersonIds`` (create) or ``addPersonIds``/``removePersonIds``
(update) they answer 202 with ``operation-Location``, without them 200.
"""

import azure.functions as func

from core.directory import groups
from functions.http import empty_response, face_operation, json_object, json_response, query_text
from functions.person_directory import directory_versions, operation_location

blueprint = func.Blueprint()

GROUPS = "dynamicpersongroups"
GROUP = "dynamicpersongroups/{dynamicPersonGroupId}"


def _accepted(req: func.HttpRequest, operation_id: str | None) -> func.HttpResponse:
    if operation_id is None:
        return empty_response()
    return empty_response(202, {"operation-Location": operation_location(req, operation_id)})


@face_operation(
    blueprint, "PersonDirectoryOperations_CreateDynamicPersonGroup", GROUP, ["PUT"], versions=directory_versions
)
def create_group(req: func.HttpRequest) -> func.HttpResponse:
    return _accepted(req, groups.create_group(req.route_params["dynamicPersonGroupId"], json_object(req)))


@face_operation(
    blueprint, "PersonDirectoryOperations_GetDynamicPersonGroup", GROUP, ["GET"], versions=directory_versions
)
def get_group(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(groups.get_group(req.route_params["dynamicPersonGroupId"]))


@face_operation(
    blueprint, "PersonDirectoryOperations_UpdateDynamicPersonGroup", GROUP, ["PATCH"], versions=directory_versions
)
def update_group(req: func.HttpRequest) -> func.HttpResponse:
    return _accepted(req, groups.update_group(req.route_params["dynamicPersonGroupId"], json_object(req)))


@face_operation(
    blueprint, "PersonDirectoryOperations_DeleteDynamicPersonGroup", GROUP, ["DELETE"], versions=directory_versions
)
def delete_group(req: func.HttpRequest) -> func.HttpResponse:
    location = operation_location(req, groups.delete_group(req.route_params["dynamicPersonGroupId"]))
    return empty_response(202, {"operation-Location": location, "Location": location})


@face_operation(
    blueprint, "PersonDirectoryOperations_GetDynamicPersonGroups", GROUPS, ["GET"], versions=directory_versions
)
def list_groups(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(groups.list_groups(query_text(req, "start"), query_text(req, "top")))


@face_operation(
    blueprint,
    "PersonDirectoryOperations_GetDynamicPersonGroupPersons",
    f"{GROUP}/persons",
    ["GET"],
    versions=directory_versions,
)
def list_members(req: func.HttpRequest) -> func.HttpResponse:
    members = groups.list_members(
        req.route_params["dynamicPersonGroupId"], query_text(req, "start"), query_text(req, "top")
    )
    return json_response(members)
