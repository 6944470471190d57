"""Requests no operation claims: Azure-style 404 for unknown paths, 405 for wrong methods.

The route is a catch-all, which the Functions host (and the dev host) tries
only after every other route; it then tells a path that exists under another
method (405) from one that does not exist at all (404).
"""

from __future__ import annotations

import azure.functions as func

from core.errors import method_not_allowed, resource_not_found
from functions.http import VERSION_PARAMETER, declared_routes, face_operation

CATCH_ALL_ROUTE = "{*path}"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

blueprint = func.Blueprint()


@face_operation(blueprint, "Unmatched_Route", CATCH_ALL_ROUTE, ALL_METHODS, authenticated=False, versions=None)
def unmatched_route(req: func.HttpRequest) -> func.HttpResponse:
    path = req.route_params.get("path", "")
    # A path another operation's template matches, in a version that has that operation, is a wrong method.
    for declared in declared_routes:
        parameters = declared.route.match(path)
        if parameters is not None and parameters.get(VERSION_PARAMETER) in declared.versions:
            raise method_not_allowed()
    raise resource_not_found()
