"""The Azure Face API versions this service answers, described once as data.

Every operation is served under ``/face/{apiVersion}/...``. Versions differ in
which operation families they have (the PersonDirectory and ``/operations``
only in the previews, session images from v1.2-preview.1 on) and in a few
behaviours of the operations they share (the attributes each detection model
may return, the casing of enum values such as training statuses). The families follow the contract's
per-version table (OPERATIONS.md, "Operation families per version");
``v1.0-preview`` is v1.0 plus the PersonDirectory, where Microsoft's
PersonDirectory documentation still points its samples.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core import limits
from core.errors import resource_not_found
from core.vision.catalog import V1_0_DETECT_RULES, V1_2_DETECT_RULES, DetectRules


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
    camel_case_values: bool  # enum values such as "notStarted", "goodExposure" (v1.0: "notstarted", "GoodExposure")
    detect_rules: DetectRules  # the attributes each detection model may return
    identify_default_candidates: int  # Identify's maxNumOfCandidatesReturned when absent


SINGLE_MODAL, SESSIONS = "singleModal", "sessions"
PREVIEW_SESSION_IMAGES, SESSION_IMAGES = "session/sessionImages", "sessionImages"

V1_0 = ApiVersion(
    "v1.0",
    person_directory=False,
    directory_recognition=False,
    operations=False,
    liveness=None,
    session_images=None,
    liveness_abuse_monitoring=False,
    camel_case_values=False,
    detect_rules=V1_0_DETECT_RULES,
    identify_default_candidates=limits.IDENTIFY_DEFAULT_CANDIDATES,
)
# Each later version as what it changes.
V1_0_PREVIEW = replace(V1_0, name="v1.0-preview", person_directory=True, directory_recognition=True, operations=True)
V1_1_PREVIEW_1 = replace(
    V1_0_PREVIEW,
    name="v1.1-preview.1",
    liveness=SINGLE_MODAL,
    camel_case_values=True,
    detect_rules=V1_2_DETECT_RULES,
    identify_default_candidates=limits.IDENTIFY_V1_2_DEFAULT_CANDIDATES,
)
V1_2_PREVIEW_1 = replace(V1_1_PREVIEW_1, name="v1.2-preview.1", session_images=PREVIEW_SESSION_IMAGES)
V1_2 = replace(
    V1_2_PREVIEW_1,
    name="v1.2",
    person_directory=False,
    operations=False,
    liveness=SESSIONS,
    session_images=SESSION_IMAGES,
)
V1_3_PREVIEW_1 = replace(V1_2, name="v1.3-preview.1", liveness_abuse_monitoring=True)

API_VERSIONS: dict[str, ApiVersion] = {
    version.name: version for version in (V1_0, V1_0_PREVIEW, V1_1_PREVIEW_1, V1_2_PREVIEW_1, V1_2, V1_3_PREVIEW_1)
}


def api_version(name: str) -> ApiVersion:
    """The version a request's path names; an unknown one is Azure's 404, as for any unknown resource."""
    version = API_VERSIONS.get(name)
    if version is None:
        raise resource_not_found()
    return version
