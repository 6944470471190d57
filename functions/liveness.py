"""Liveness sessions, session images and the liveness settings: refused, route by route.

This service has no anti-spoofing model, so it offers no liveness. Each route the
API versions define answers Azure's 403 ``UnsupportedFeature`` saying so, rather
than a 404 that would read as a wrong URL, and never a session that could not
keep its promise. Preview versions name the routes ``.../singleModal/sessions``;
v1.2 on, ``...-sessions``.
"""

from __future__ import annotations

import azure.functions as func

from core.api_versions import PREVIEW_SESSION_IMAGES, SESSION_IMAGES, SESSIONS, SINGLE_MODAL, ApiVersion
from core.errors import liveness_not_offered
from functions.http import VersionFilter, face_operation

blueprint = func.Blueprint()


def _liveness(paths: str) -> VersionFilter:
    return lambda version: version.liveness == paths


def _session_images(path: str) -> VersionFilter:
    return lambda version: version.session_images == path


def _abuse_monitoring(version: ApiVersion) -> bool:
    return version.liveness_abuse_monitoring


def refuse(req: func.HttpRequest) -> func.HttpResponse:
    raise liveness_not_offered()


# (function name, route, methods, versions): every liveness route of every version.
LIVENESS_ROUTES: list[tuple[str, str, list[str], VersionFilter]] = [
    *(
        (f"{prefix}_{name}", f"{route}/singleModal/sessions{suffix}", methods, _liveness(SINGLE_MODAL))
        for prefix, route in (("Liveness", "detectLiveness"), ("LivenessWithVerify", "detectLivenessWithVerify"))
        for name, suffix, methods in (
            ("SingleModalSessions", "", ["GET", "POST"]),
            ("SingleModalSession", "/{sessionId}", ["GET", "DELETE"]),
            ("SingleModalSessionAudit", "/{sessionId}/audit", ["GET"]),
        )
    ),
    *(
        (f"{prefix}_{name}", f"{route}-sessions{suffix}", methods, _liveness(SESSIONS))
        for prefix, route in (("Liveness", "detectLiveness"), ("LivenessWithVerify", "detectLivenessWithVerify"))
        for name, suffix, methods in (("Sessions", "", ["POST"]), ("Session", "/{sessionId}", ["GET", "DELETE"]))
    ),
    (
        "Liveness_PreviewSessionImage",
        f"{PREVIEW_SESSION_IMAGES}/{{sessionImageId}}",
        ["GET"],
        _session_images(PREVIEW_SESSION_IMAGES),
    ),
    ("Liveness_SessionImage", f"{SESSION_IMAGES}/{{sessionImageId}}", ["GET"], _session_images(SESSION_IMAGES)),
    ("Liveness_AbuseMonitoringSetting", "settings/liveness-abuse-monitoring", ["GET", "PATCH"], _abuse_monitoring),
]

for function_name, route, methods, versions in LIVENESS_ROUTES:
    face_operation(blueprint, function_name, route, methods, versions=versions)(refuse)
