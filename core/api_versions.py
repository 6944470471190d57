"""The Azure Face API versions this service answers, described once as data.

Every operation is served under ``/face/{apiVersion}/...``. Versions differ in
which operation families they have (the PersonDirectory and ``/operations``
only in the previews, session images from v1.2-preview.1 on) and in a few
behaviours of the operations they share (train's ``operation-Location``
header, the casing of training statuses). The families follow the contract's
per-version table (OPERATIONS.md, "Operation families per version");
``v1.0-preview`` is v1.0 plus the PersonDirectory, where Microsoft's
PersonDirectory documentation still points its samples.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import resource_not_found


@dataclass(frozen=True)
class ApiVersion:
    """One API version: its path segment and what it offers."""

    name: str
    person_directory: bool  # PersonDirectory persons and faces, DynamicPersonGroups
    directory_recognition: bool  # Identify and Verify against the PersonDirectory
    operations: bool  # GET /operations/{operationId}
    liveness: str | None  # liveness session paths: "singleModal" (previews), "sessions" (v1.2 on) or none
    session_images: str | None  # the session-image path (refused with liveness), or none
    liveness_abuse_monitoring: bool  # the liveness abuse-monitoring setting (v1.3-preview.1)
    train_operation_location: bool  # train answers 202 with an operation-Location header
    training_status_camel_case: bool  # training status "notStarted" (v1.0 spells "notstarted")


SINGLE_MODAL, SESSIONS = "singleModal", "sessions"
PREVIEW_SESSION_IMAGES, SESSION_IMAGES = "session/sessionImages", "sessionImages"

V1_0 = ApiVersion("v1.0", False, False, False, None, None, False, False, False)
V1_0_PREVIEW = ApiVersion("v1.0-preview", True, True, True, None, None, False, False, False)
V1_1_PREVIEW_1 = ApiVersion("v1.1-preview.1", True, True, True, SINGLE_MODAL, None, False, True, True)
V1_2_PREVIEW_1 = ApiVersion("v1.2-preview.1", True, True, True, SINGLE_MODAL, PREVIEW_SESSION_IMAGES, False, True, True)
V1_2 = ApiVersion("v1.2", False, True, False, SESSIONS, SESSION_IMAGES, False, True, True)
V1_3_PREVIEW_1 = ApiVersion("v1.3-preview.1", False, True, False, SESSIONS, SESSION_IMAGES, True, True, True)

API_VERSIONS: dict[str, ApiVersion] = {
    version.name: version for version in (V1_0, V1_0_PREVIEW, V1_1_PREVIEW_1, V1_2_PREVIEW_1, V1_2, V1_3_PREVIEW_1)
}


def api_version(name: str) -> ApiVersion:
    """The version a request's path names; an unknown one is Azure's 404, as for any unknown resource."""
    version = API_VERSIONS.get(name)
    if version is None:
        raise resource_not_found()
    return version
