"""The dev host over real HTTP: routing, authentication, body limits, persistence across restarts."""

import pytest
import requests

from tests.support.helpers import OCTET
from tests.support.servers import Azurite, DevHost, FaceClient


def test_unknown_routes_are_json_404(api, anonymous):
    for client in (api, anonymous):
        response = client.get("/no/such/route")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "ResourceNotFound"
    outside = requests.get(api.base_url.rsplit("/face/", 1)[0] + "/elsewhere", timeout=30)
    assert outside.status_code == 404 and "error" in outside.json()


def test_wrong_method_is_json_405(api):
    response = api.post("/persongroups")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "MethodNotAllowed"


def test_missing_or_wrong_key_is_azure_401(anonymous, devhost):
    response = anonymous.get("/persongroups")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "Unspecified"
    assert response.json()["error"]["message"].startswith("Access denied due to invalid subscription key.")
    wrong = anonymous.get("/persongroups", headers={"Ocp-Apim-Subscription-Key": devhost.key + "x"})
    assert wrong.status_code == 401
    rotated = anonymous.get("/persongroups", headers={"Ocp-Apim-Subscription-Key": "second-key-for-rotation"})
    assert rotated.status_code == 200
    assert "apim-request-id" in rotated.headers


def test_unparsable_json_and_wrong_media_type(api):
    garbled = api.put("/persongroups/shell-checks", data=b"{oops", headers={"Content-Type": "application/json"})
    assert garbled.status_code == 400
    assert garbled.json() == {"error": {"code": "BadArgument", "message": "JSON parsing error."}}
    media = api.put("/persongroups/shell-checks", data=b"name=x", headers={"Content-Type": "text/plain"})
    assert media.status_code == 415
    assert media.json() == {"error": {"code": "BadArgument", "message": "Invalid Media Type."}}


def test_oversized_bodies_are_refused_before_they_are_read(api):
    too_big = b"\xff" * (6 * 1024 * 1024 + 1)
    image = api.post("/detect", data=too_big, headers=OCTET)
    assert image.status_code == 400
    assert image.json() == {"error": {"code": "InvalidImageSize", "message": "Image size is too big."}}

    def chunks():
        for _ in range(8):
            yield b" " * (1024 * 1024)

    streamed = api.put("/persongroups/too-big", data=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "BadArgument"


@pytest.mark.slow
def test_data_survives_a_restart_of_azurite_and_the_app(tmp_path):
    azurite = Azurite(tmp_path / "data").start()
    host = DevHost(azurite.connection_string, tmp_path / "devhost.log").start()
    try:
        with FaceClient(host.base_url, host.key) as client:
            assert client.get("/persongroups").json() == []
            assert client.put("/persongroups/kept", json={"name": "Kept"}).status_code == 200
        host.stop()
        azurite.stop()
        azurite.start()
        host.start()
        with FaceClient(host.base_url, host.key) as client:
            groups = client.get("/persongroups").json()
        assert [group["personGroupId"] for group in groups] == ["kept"]
    finally:
        host.stop()
        azurite.stop()
