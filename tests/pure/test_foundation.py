"""Unit tests of the foundation: routes, keys, settings, schedules, the HTTP shell."""

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import azure.functions as func
import pytest

from core.auth import authenticate, key_is_valid
from core.errors import FaceError, bad_argument
from core.settings import SETTING_NAMES, read_settings
from devhost.schedule import Schedule
from devhost.trigger_host import parse_timespan, queue_options
from functions.http import json_object, query_bool, query_int, run_operation
from functions.routes import compile_route, sort_key


def test_route_templates_match_and_decode_parameters():
    route = compile_route("persongroups/{personGroupId}/persons/{personId}")
    assert route.match("/persongroups/my%2Dgroup/persons/abc/") == {"personGroupId": "my-group", "personId": "abc"}
    assert route.match("persongroups/g/persons") is None
    assert route.match("persongroups/g/persons/p/persistedfaces") is None
    assert compile_route("{*path}").match("any/depth/at/all") == {"path": "any/depth/at/all"}
    assert compile_route("facelists/{id?}").match("facelists") == {}


def test_route_precedence_prefers_literals_then_parameters_then_catch_all():
    templates = ["{*path}", "largefacelists/{id}/{part}", "largefacelists/{id}/training", "largefacelists/{id}"]
    ordered = [route.template for route in sorted(map(compile_route, templates), key=sort_key)]
    assert ordered == ["largefacelists/{id}", "largefacelists/{id}/training", "largefacelists/{id}/{part}", "{*path}"]


def test_keys_are_checked_against_every_configured_key():
    keys = ("first-key", "second-key")
    assert key_is_valid("second-key", keys)
    assert not key_is_valid("second-keyx", keys)
    assert not key_is_valid("", keys)
    assert not key_is_valid("anything", ())
    with pytest.raises(FaceError) as denied:
        authenticate(None, keys)
    assert denied.value.status == 401 and denied.value.code == "Unspecified"


def test_settings_read_keys_flags_and_identity():
    settings = read_settings(
        {"FACE_API_KEYS": " a, b ,,", "FACE_ALLOW_PRIVATE_URLS": "True", "AzureWebJobsStorage__accountName": "acct"}
    )
    assert settings.api_keys == ("a", "b")
    assert settings.allow_private_urls
    assert settings.storage_account_name == "acct" and settings.storage_connection_string is None
    assert len(set(SETTING_NAMES)) == len(SETTING_NAMES)


def test_ncrontab_schedules():
    every_ten_minutes = Schedule.parse("0 */10 * * * *")
    start = datetime(2026, 1, 1, 12, 3, 7, tzinfo=UTC)
    assert every_ten_minutes.next_after(start) == datetime(2026, 1, 1, 12, 10, 0, tzinfo=UTC)
    mondays = Schedule.parse("30 0 9 * * 1")
    assert mondays.next_after(start) == datetime(2026, 1, 5, 9, 0, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        Schedule.parse("* * * *")
    with pytest.raises(ValueError):
        Schedule.parse("61 * * * * *")


def test_host_json_queue_options_are_read(tmp_path):
    host = json.loads(Path("host.json").read_text())
    options = queue_options(host)
    assert options.max_dequeue_count == host["extensions"]["queues"]["maxDequeueCount"]
    assert parse_timespan("00:01:30.5", 0) == 90.5


def _request(body: bytes = b"", content_type: str = "application/json", params=None) -> func.HttpRequest:
    return func.HttpRequest(
        "POST", "http://localhost/x", headers={"Content-Type": content_type}, params=params or {}, body=body
    )


def test_json_parsing_errors_are_azure_errors():
    with pytest.raises(FaceError) as parsing:
        json_object(_request(b"{not json"))
    assert (parsing.value.status, parsing.value.message) == (400, "JSON parsing error.")
    with pytest.raises(FaceError) as media:
        json_object(_request(b"{}", "text/plain"))
    assert (media.value.status, media.value.code, media.value.message) == (415, "BadArgument", "Invalid Media Type.")
    with pytest.raises(FaceError) as shape:
        json_object(_request(b"[1]"))
    assert shape.value.message == "Request body is invalid."


def test_query_parameters_are_validated():
    request = _request(params={"returnFaceId": "TRUE", "top": "x", "flag": "maybe"})
    assert query_bool(request, "returnFaceId", False) is True
    assert query_bool(request, "absent", True) is True
    with pytest.raises(FaceError):
        query_bool(request, "flag", False)
    with pytest.raises(FaceError):
        query_int(request, "top", 10)


def test_unexpected_exceptions_become_500_with_request_id_and_a_logged_traceback(caplog, monkeypatch):
    monkeypatch.setenv("FACE_API_KEYS", "k")
    from core.settings import get_settings

    get_settings.cache_clear()

    def broken(req):
        raise RuntimeError("secret internal detail")

    request = func.HttpRequest("GET", "http://localhost/x", headers={"Ocp-Apim-Subscription-Key": "k"}, body=b"")
    with caplog.at_level(logging.ERROR):
        response = run_operation("Broken_Operation", broken, request, authenticated=True)
    get_settings.cache_clear()
    body = json.loads(response.get_body())
    request_id = response.headers["apim-request-id"]
    assert response.status_code == 500 and request_id in body["error"]["message"]
    assert "secret internal detail" not in response.get_body().decode()
    assert "Traceback" in caplog.text and "secret internal detail" in caplog.text


def test_face_errors_keep_their_status_and_envelope(monkeypatch):
    monkeypatch.setenv("FACE_API_KEYS", "k")
    from core.settings import get_settings

    get_settings.cache_clear()

    def refuses(req):
        raise bad_argument("'name' is too long.")

    request = func.HttpRequest("GET", "http://localhost/x", headers={"Ocp-Apim-Subscription-Key": "k"}, body=b"")
    response = run_operation("Refuses", refuses, request, authenticated=True)
    unauthenticated = run_operation("Refuses", refuses, func.HttpRequest("GET", "http://x", body=b""), True)
    get_settings.cache_clear()
    assert response.status_code == 400
    assert json.loads(response.get_body()) == {"error": {"code": "BadArgument", "message": "'name' is too long."}}
    assert unauthenticated.status_code == 401
