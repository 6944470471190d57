"""The HTTP shell every route shares: registration, authentication, parsing, responses.

A route module declares each operation with ``face_operation``; the handler
parses its request with the helpers here, calls one core service and returns
``json_response`` or ``empty_response``. Failures are ``FaceError``s, turned
into Azure's error envelope; anything else becomes a logged 500 with a request id.
Each finished request lets ``core.allocator`` hand freed memory back to the
system (at most every few seconds).

Every route is served under ``{apiVersion}/`` (host.json's route prefix is
``face``): one function per operation answers every API version that has the
operation, and a version without it answers Azure's 404. The version segment is
a plain route parameter, checked here rather than by a route constraint, so the
Functions host and the dev host route identically.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import azure.functions as func

from core.allocator import release_free_memory
from core.api_versions import API_VERSIONS, ApiVersion, api_version
from core.auth import KEY_HEADER, KEY_QUERY_PARAMETER, authenticate
from core.collections.failures import outage_error
from core.errors import (
    FaceError,
    bad_argument,
    image_too_big,
    internal_error,
    invalid_media_type,
    invalid_request_body,
    json_parsing_error,
    liveness_not_offered,
    request_too_large,
    resource_not_found,
)
from core.limits import MAX_REQUEST_BYTES
from core.settings import get_settings
from functions.routes import RouteTemplate, compile_route

Handler = Callable[[func.HttpRequest], func.HttpResponse]

JSON_TYPE = "application/json"
OCTET_STREAM_TYPE = "application/octet-stream"
REQUEST_ID_HEADER = "apim-request-id"
ERROR_CODE_HEADER = "x-ms-error-code"
RETRY_AFTER_HEADER = "Retry-After"
VERSION_PARAMETER = "apiVersion"

logger = logging.getLogger("face.http")

VersionFilter = Callable[[ApiVersion], bool]


def every_version(version: ApiVersion) -> bool:
    """The default: an operation every API version has."""
    return True


@dataclass(frozen=True)
class DeclaredRoute:
    """A registered operation's route, methods and the API versions that have it."""

    route: RouteTemplate
    methods: frozenset[str]
    versions: frozenset[str]


declared_routes: list[DeclaredRoute] = []
"""Every route registered through ``face_operation``, in declaration order."""


def face_operation(
    blueprint: func.Blueprint,
    name: str,
    route: str,
    methods: list[str],
    authenticated: bool = True,
    versions: VersionFilter | None = every_version,
) -> Callable[[Handler], Handler]:
    """Register ``handler`` as its own Azure Function named ``name`` on ``{apiVersion}/route``,
    answering the API versions for which ``versions`` is true; with ``versions=None`` the
    route is registered as it is, without a version segment."""
    served = frozenset(version.name for version in API_VERSIONS.values() if versions is None or versions(version))
    template = route if versions is None else f"{{{VERSION_PARAMETER}}}/{route}"
    checked = None if versions is None else served

    def register(handler: Handler) -> Handler:
        def function(req: func.HttpRequest) -> func.HttpResponse:
            return run_operation(name, handler, req, authenticated, checked)

        function.__name__ = name
        function.__qualname__ = name
        routed = blueprint.route(route=template, methods=methods, auth_level=func.AuthLevel.ANONYMOUS)(function)
        blueprint.function_name(name=name)(routed)
        declared_routes.append(DeclaredRoute(compile_route(template), frozenset(methods), served))
        return handler

    return register


def run_operation(
    name: str, handler: Handler, req: func.HttpRequest, authenticated: bool, versions: frozenset[str] | None = None
) -> func.HttpResponse:
    """Check the API version, authenticate, run ``handler`` and map every failure to Azure's envelope."""
    request_id = str(uuid.uuid4())
    try:
        if versions is not None and request_version(req).name not in versions:
            raise resource_not_found()
        if authenticated:
            presented = req.headers.get(KEY_HEADER) or req.params.get(KEY_QUERY_PARAMETER)
            authenticate(presented, get_settings().api_keys)
        response = handler(req)
    except FaceError as error:
        response = error_response(error)
    except Exception as error:
        outage = outage_error(error)
        if outage is None:
            logger.exception("%s failed; request id %s", name, request_id)
        else:
            logger.warning("%s: storage unreachable (%s); request id %s", name, type(error).__name__, request_id)
        response = error_response(outage or internal_error(request_id))
    response.headers[REQUEST_ID_HEADER] = request_id
    release_free_memory()
    return response


def request_version(req: func.HttpRequest) -> ApiVersion:
    """The API version the request's path names (Azure's 404 for an unknown one)."""
    return api_version(req.route_params.get(VERSION_PARAMETER, ""))


def version_root(req: func.HttpRequest) -> str:
    """The request's URL up to its API version segment (``.../face/v1.1-preview.1``), for Location headers."""
    path = req.url.split("?", 1)[0]
    marker = f"/{req.route_params.get(VERSION_PARAMETER, '')}/"
    return path[: path.index(marker) + len(marker) - 1] if marker in path else path.rstrip("/")


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(value, separators=(",", ":")), status_code=status, mimetype=JSON_TYPE, headers=headers
    )


def empty_response(status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(b"", status_code=status, headers=headers)


def error_response(error: FaceError) -> func.HttpResponse:
    headers = {ERROR_CODE_HEADER: error.code}
    if error.retry_after is not None:
        headers[RETRY_AFTER_HEADER] = str(error.retry_after)
    return json_response(error.to_body(), status=error.status, headers=headers)


def media_type(req: func.HttpRequest) -> str:
    """The request's media type, lower case, without parameters."""
    return (req.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


def oversized_body_error(content_type: str) -> FaceError:
    """The error for a body over ``MAX_REQUEST_BYTES``: an image error for image bytes."""
    if content_type.split(";", 1)[0].strip().lower() == OCTET_STREAM_TYPE:
        return image_too_big()
    return request_too_large()


def request_body(req: func.HttpRequest) -> bytes:
    body = req.get_body() or b""
    if len(body) > MAX_REQUEST_BYTES:
        raise oversized_body_error(media_type(req))
    return body


def json_body(req: func.HttpRequest, required: bool = True) -> Any:
    """The parsed JSON body; 415 for another media type, 400 for bad JSON."""
    body = request_body(req)
    kind = media_type(req)
    if kind not in ("", JSON_TYPE) and not kind.endswith("+json"):
        raise invalid_media_type()
    if not body.strip():
        if required:
            raise invalid_request_body()
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise json_parsing_error() from None


def json_object(req: func.HttpRequest, required: bool = True) -> dict[str, Any]:
    """The JSON body, which must be an object (empty when optional and absent)."""
    value = json_body(req, required)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_request_body()
    return value


def image_input(req: func.HttpRequest, session_images: bool = False) -> bytes | str:
    """Image bytes (octet-stream body) or an image URL (``{"url": ...}`` JSON body).

    With ``session_images`` (Detect), a ``{"sessionImageId": ...}`` body in a version
    that has session images is refused as liveness is: there are no sessions here.
    """
    kind = media_type(req)
    if kind == OCTET_STREAM_TYPE:
        return request_body(req)
    if kind == JSON_TYPE:
        body = json_object(req)
        if session_images and "sessionImageId" in body and request_version(req).session_images:
            raise liveness_not_offered()
        url = body.get("url")
        if not isinstance(url, str) or not url.strip():
            raise invalid_request_body()
        return url.strip()
    raise invalid_media_type()


def query_text(req: func.HttpRequest, name: str) -> str | None:
    value = req.params.get(name)
    return value if value not in (None, "") else None


def query_bool(req: func.HttpRequest, name: str, default: bool) -> bool:
    value = query_text(req, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise bad_argument(f"Invalid argument {name}.")
    return lowered == "true"


def query_int(req: func.HttpRequest, name: str, default: int | None) -> int | None:
    value = query_text(req, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_argument(f"Invalid argument {name}.") from None
