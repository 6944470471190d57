"""The one error model: Azure Face's ``{"error": {"code", "message"}}`` envelope.

Core code raises ``FaceError`` (usually through the helpers below); the HTTP
layer turns it into a response with the same status, code and message.
"""

from __future__ import annotations

from typing import Any


class FaceError(Exception):
    """A failure a client should see, with Azure's status, code and message."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds a client should wait before trying again (Retry-After), if any

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}

    def __repr__(self) -> str:
        return f"FaceError({self.status}, {self.code!r}, {self.message!r})"


def bad_argument(message: str) -> FaceError:
    return FaceError(400, "BadArgument", message)


def invalid_request_body() -> FaceError:
    return bad_argument("Request body is invalid.")


def json_parsing_error() -> FaceError:
    return bad_argument("JSON parsing error.")


def invalid_media_type() -> FaceError:
    return FaceError(415, "BadArgument", "Invalid Media Type.")


def invalid_image(message: str = "Decoding error, image format unsupported.") -> FaceError:
    return FaceError(400, "InvalidImage", message)


def image_too_small() -> FaceError:
    return FaceError(400, "InvalidImageSize", "Image size is too small.")


def image_too_big() -> FaceError:
    return FaceError(400, "InvalidImageSize", "Image size is too big.")


def invalid_url(message: str = "Invalid image URL.") -> FaceError:
    return FaceError(400, "InvalidURL", message)


def request_too_large() -> FaceError:
    return FaceError(413, "BadArgument", "Request body is too large.")


def quota_exceeded(message: str) -> FaceError:
    return FaceError(403, "QuotaExceeded", message)


def concurrent_operation_conflict() -> FaceError:
    return FaceError(409, "ConcurrentOperationConflict", "Concurrent operation conflict on requested resource.")


def access_denied() -> FaceError:
    return FaceError(
        401,
        "Unspecified",
        "Access denied due to invalid subscription key. Make sure you are subscribed to an API "
        "you are trying to call and provide the right key.",
    )


def unsupported_feature(message: str) -> FaceError:
    return FaceError(403, "UnsupportedFeature", message)


def liveness_not_offered() -> FaceError:
    """Liveness sessions and session images: this service has no anti-spoofing model to offer them with.

    Azure documents no error for a resource without liveness; 403 UnsupportedFeature is
    its answer for a feature a resource may not use, so a client's error handling applies.
    """
    return unsupported_feature(
        "Feature is not supported: liveness detection is not offered by this service (it has no anti-spoofing model)."
    )


def resource_not_found() -> FaceError:
    return FaceError(404, "ResourceNotFound", "The requested resource was not found.")


def method_not_allowed() -> FaceError:
    return FaceError(405, "MethodNotAllowed", "The requested method is not allowed on this resource.")


def too_many_requests(retry_after_seconds: int) -> FaceError:
    """The host is at its limit of outstanding requests: try again after ``retry_after_seconds``.

    Azure's 429 names code ``429``; its message carries the wait, which Face clients
    read, and the ``Retry-After`` header the HTTP layer sends repeats it.
    """
    return FaceError(
        429, "429", f"Rate limit is exceeded. Try again in {retry_after_seconds} seconds.", retry_after_seconds
    )


def service_unavailable(retry_after_seconds: int) -> FaceError:
    """A dependency (the storage account) cannot be reached right now; the request may be sent again.

    Azure documents no code for this; ``ServiceUnavailable`` names the 503, and
    ``Retry-After`` tells clients when to try again.
    """
    return FaceError(
        503,
        "ServiceUnavailable",
        f"The service is temporarily unavailable. Try again in {retry_after_seconds} seconds.",
        retry_after_seconds,
    )


def internal_error(request_id: str) -> FaceError:
    return FaceError(500, "InternalServerError", f"An internal error occurred. Request id: {request_id}.")
