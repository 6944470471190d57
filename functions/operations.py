"""GET /operations/{operationId}: the status of a PersonDirectory long-running operation (preview versions)."""

import azure.functions as func

from core.directory.operations import operation_body
from functions.http import face_operation, json_response, request_version

blueprint = func.Blueprint()


@face_operation(blueprint, "GetOperationResult", "operations/{operationId}", ["GET"], versions=lambda v: v.operations)
def get_operation(req: func.HttpRequest) -> func.HttpResponse:
    camel_case = request_version(req).camel_case_values
    return json_response(operation_body(req.route_params["operationId"], camel_case))
