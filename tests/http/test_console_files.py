"""The console's static files as the app serves them: same origin as the API, a strict CSP, nothing outside."""

from __future__ import annotations

import requests

CSP = "Content-Security-Policy"


def test_the_console_is_served_from_its_folder_with_a_strict_policy(devhost):
    base = f"{devhost.endpoint}/face/console"
    bare = requests.get(base, allow_redirects=False, timeout=30)
    assert bare.status_code == 302 and bare.headers["Location"] == "console/"

    page = requests.get(base + "/", timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="app.js">' in page.text
    policy = page.headers[CSP]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"

    script = requests.get(base + "/app.js", timeout=30)
    assert script.status_code == 200 and script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert requests.head(base + "/style.css", timeout=30).headers["Content-Type"] == "text/css; charset=utf-8"


def test_nothing_outside_the_console_folder_is_served(devhost):
    base = f"{devhost.endpoint}/face/console"
    for path in ("/%2e%2e/function_app.py", "/..%2Fhost.json", "/missing.js", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):
        response = requests.get(base + path, timeout=30)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "ResourceNotFound"
    assert requests.post(base + "/index.html", timeout=30).status_code in (404, 405)


def test_the_console_path_leaves_the_api_alone(api, devhost):
    assert api.get("/persongroups").status_code == 200
    assert requests.get(f"{devhost.endpoint}/face/console/", timeout=30).status_code == 200
