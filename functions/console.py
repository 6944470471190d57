"""The web console: its static files, served by the app itself under ``/face/console/``.

Same origin as the API, so the console calls ``/face/{apiVersion}/...`` with no
CORS and no proxy. The route's first segment is the literal ``console``, which
the host ranks before the ``{apiVersion}`` parameter of every operation and
before the catch-all fallback. The files are plain HTML, CSS and ES modules,
read from ``console/`` at the repository root (part of the deployment package);
nothing is built. The Content-Security-Policy allows only the console's own
files and same-origin API calls: no inline script, no third-party origin.
"""

from __future__ import annotations

from pathlib import Path

import azure.functions as func

from core.errors import resource_not_found
from functions.http import face_operation

CONSOLE_FILES = Path(__file__).resolve().parent.parent / "console"
INDEX = "index.html"
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

blueprint = func.Blueprint()


def console_file(relative: str) -> Path:
    """The file ``relative`` names inside the console folder; Azure's 404 for anything else (``..`` included)."""
    candidate = (CONSOLE_FILES / (relative or INDEX)).resolve()
    if not candidate.is_relative_to(CONSOLE_FILES) or not candidate.is_file() or candidate.suffix not in MEDIA_TYPES:
        raise resource_not_found()
    return candidate


@face_operation(blueprint, "Console", "console/{*path}", ["GET", "HEAD"], authenticated=False, versions=None)
def console(req: func.HttpRequest) -> func.HttpResponse:
    relative = req.route_params.get("path") or ""
    if not relative and not req.url.split("?", 1)[0].endswith("/"):
        # The page's relative links (app.js, style.css, ../v1.2/...) resolve against a folder URL.
        return func.HttpResponse(status_code=302, headers={"Location": "console/", **SECURITY_HEADERS})
    path = console_file(relative)
    body = b"" if req.method.upper() == "HEAD" else path.read_bytes()
    return func.HttpResponse(
        body, status_code=200, headers=dict(SECURITY_HEADERS), mimetype=MEDIA_TYPES[path.suffix], charset="utf-8"
    )
