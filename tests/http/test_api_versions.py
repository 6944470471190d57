"""Every API version over real HTTP: the same operations under each version's prefix, Azure's 404 for an
unknown version or an operation a version lacks, and liveness refused where a version defines it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from core.api_versions import API_VERSIONS

ALL_VERSIONS = sorted(API_VERSIONS)
LIVENESS_PREVIEWS = ["v1.1-preview.1", "v1.2-preview.1"]
LIVENESS_GA = ["v1.2", "v1.3-preview.1"]


@pytest.fixture()
def url(devhost) -> Iterator:
    def versioned(version: str, path: str) -> str:
        return f"{devhost.versioned_url(version)}/{path}"

    yield versioned


@pytest.fixture()
def key_headers(devhost) -> dict[str, str]:
    return {"Ocp-Apim-Subscription-Key": devhost.key}


def error_of(response: requests.Response) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert response.headers["x-ms-error-code"] == body["error"]["code"]
    return response.status_code, body["error"]["code"]


def test_the_versions_served_are_azures() -> None:
    assert ALL_VERSIONS == ["v1.0", "v1.0-preview", "v1.1-preview.1", "v1.2", "v1.2-preview.1", "v1.3-preview.1"]


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_a_collection_made_in_one_version_is_seen_in_every_other(version, url, key_headers) -> None:
    group_id = f"versions-{uuid.uuid4().hex[:12]}"
    created = requests.put(
        url(version, f"persongroups/{group_id}"), json={"name": "n"}, headers=key_headers, timeout=60
    )
    assert created.status_code == 200, created.text
    for other in ALL_VERSIONS:
        got = requests.get(url(other, f"persongroups/{group_id}"), headers=key_headers, timeout=60)
        assert got.status_code == 200 and got.json()["personGroupId"] == group_id
    deleted = requests.delete(url(version, f"persongroups/{group_id}"), headers=key_headers, timeout=60)
    assert deleted.status_code == 200


@pytest.mark.parametrize("version", ["v9.9", "v1.1", "v1.2-preview", "V1.0", "latest"])
def test_an_unknown_version_is_azures_404(version, url, key_headers) -> None:
    for method, path in (("GET", "persongroups"), ("POST", "detect"), ("DELETE", "persongroups"), ("GET", "x")):
        response = requests.request(method, url(version, path), headers=key_headers, timeout=60)
        assert error_of(response) == (404, "ResourceNotFound")


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_a_wrong_method_is_405_in_every_version(version, url, key_headers) -> None:
    response = requests.delete(url(version, "persongroups"), headers=key_headers, timeout=60)
    assert error_of(response) == (405, "MethodNotAllowed")


def test_the_version_is_checked_before_the_key(url) -> None:
    assert error_of(requests.get(url("v0.9", "persongroups"), timeout=60)) == (404, "ResourceNotFound")
    assert error_of(requests.get(url("v1.2", "persongroups"), timeout=60))[0] == 401


LIVENESS_CALLS = {
    "singleModal": [
        ("POST", "detectLiveness/singleModal/sessions"),
        ("GET", "detectLiveness/singleModal/sessions"),
        ("GET", "detectLiveness/singleModal/sessions/some-session"),
        ("DELETE", "detectLiveness/singleModal/sessions/some-session"),
        ("GET", "detectLiveness/singleModal/sessions/some-session/audit"),
        ("POST", "detectLivenessWithVerify/singleModal/sessions"),
        ("GET", "detectLivenessWithVerify/singleModal/sessions/some-session"),
    ],
    "sessions": [
        ("POST", "detectLiveness-sessions"),
        ("GET", "detectLiveness-sessions/some-session"),
        ("DELETE", "detectLiveness-sessions/some-session"),
        ("POST", "detectLivenessWithVerify-sessions"),
        ("GET", "detectLivenessWithVerify-sessions/some-session"),
        ("DELETE", "detectLivenessWithVerify-sessions/some-session"),
    ],
}


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_liveness_is_refused_where_a_version_defines_it_and_absent_elsewhere(version, url, key_headers) -> None:
    for paths, calls in LIVENESS_CALLS.items():
        defined = API_VERSIONS[version].liveness == paths
        for method, path in calls:
            response = requests.request(method, url(version, path), json={}, headers=key_headers, timeout=60)
            if defined:
                assert error_of(response) == (403, "UnsupportedFeature")
                assert "liveness" in response.json()["error"]["message"]
            else:
                assert error_of(response) == (404, "ResourceNotFound"), (version, method, path)


def test_session_images_and_liveness_settings_follow_their_versions(url, key_headers) -> None:
    def status(version: str, method: str, path: str) -> int:
        return requests.request(method, url(version, path), headers=key_headers, timeout=60).status_code

    assert [status(v, "GET", "session/sessionImages/abc") for v in ALL_VERSIONS] == [
        404 if v != "v1.2-preview.1" else 403 for v in ALL_VERSIONS
    ]
    assert [status(v, "GET", "sessionImages/abc") for v in ALL_VERSIONS] == [
        403 if v in LIVENESS_GA else 404 for v in ALL_VERSIONS
    ]
    assert [status(v, "PATCH", "settings/liveness-abuse-monitoring") for v in ALL_VERSIONS] == [
        403 if v == "v1.3-preview.1" else 404 for v in ALL_VERSIONS
    ]


def test_liveness_needs_the_key_like_every_operation(url) -> None:
    assert requests.post(url("v1.2", "detectLiveness-sessions"), json={}, timeout=60).status_code == 401


@pytest.fixture(scope="module")
def portrait(shared_data) -> bytes:
    return (shared_data / "face_recognition" / "examples" / "obama.jpg").read_bytes()


def detect(url, key_headers, version: str, image: bytes, **query: str) -> requests.Response:
    headers = {**key_headers, "Content-Type": "application/octet-stream"}
    return requests.post(url(version, "detect"), params=query, data=image, headers=headers, timeout=120)


def test_detection_03_returns_head_pose_and_blur_from_v1_1_preview_on(url, key_headers, portrait) -> None:
    asked = {"detectionModel": "detection_03", "returnFaceAttributes": "headPose,blur", "returnFaceId": "false"}
    assert error_of(detect(url, key_headers, "v1.0", portrait, **asked)) == (400, "BadArgument")
    for version in ("v1.1-preview.1", "v1.2-preview.1", "v1.2", "v1.3-preview.1"):
        response = detect(url, key_headers, version, portrait, **asked)
        assert response.status_code == 200, response.text
        attributes = response.json()[0]["faceAttributes"]
        assert set(attributes) == {"headPose", "blur"}
        assert attributes["blur"]["blurLevel"] in ("low", "medium", "high")


def test_attribute_levels_are_spelled_as_each_version_spells_them(url, key_headers, portrait) -> None:
    asked = {
        "returnFaceAttributes": "blur,exposure,noise,qualityForRecognition",
        "recognitionModel": "recognition_04",
        "returnFaceId": "false",
    }
    old = detect(url, key_headers, "v1.0", portrait, **asked).json()[0]["faceAttributes"]
    new = detect(url, key_headers, "v1.2", portrait, **asked).json()[0]["faceAttributes"]
    assert old["exposure"]["exposureLevel"] == "GoodExposure" and new["exposure"]["exposureLevel"] == "goodExposure"
    for name, field in (("blur", "blurLevel"), ("noise", "noiseLevel")):
        assert old[name][field] in ("Low", "Medium", "High")
        assert new[name][field] == old[name][field].lower()
        assert new[name]["value"] == old[name]["value"]
    assert new["qualityForRecognition"] == old["qualityForRecognition"].lower()


@pytest.mark.parametrize("attribute", ["emotion", "gender", "makeup", "age", "smile", "facialHair", "hair"])
def test_retired_attributes_are_403_from_v1_1_preview_on_and_400_in_v1_0(attribute, url, key_headers, portrait) -> None:
    assert error_of(detect(url, key_headers, "v1.0", portrait, returnFaceAttributes=attribute)) == (
        400,
        "BadArgument",
    )
    for version in ("v1.1-preview.1", "v1.2", "v1.3-preview.1"):
        response = detect(url, key_headers, version, portrait, returnFaceAttributes=attribute)
        assert error_of(response) == (403, "UnsupportedFeature")
        assert "deprecated" in response.json()["error"]["message"]


def test_a_model_refusing_an_attribute_names_what_it_allows_in_v1_2(url, key_headers, portrait) -> None:
    response = detect(url, key_headers, "v1.2", portrait, detectionModel="detection_03", returnFaceAttributes="noise")
    assert error_of(response) == (400, "BadArgument")
    assert response.json()["error"]["message"] == (
        "Only face attributes 'blur,headpose,mask,qualityforrecognition' are supported by detection_03."
    )
    response = detect(url, key_headers, "v1.2", portrait, detectionModel="detection_02", returnFaceAttributes="blur")
    assert response.json()["error"]["message"] == "'returnFaceAttributes' is not supported by detection_02."


def test_detect_from_a_session_image_is_refused_where_session_images_exist(url, key_headers) -> None:
    body = {"sessionImageId": "3d035d35-2e01-4ed4-8935-577afde9caaa"}
    for version in ALL_VERSIONS:
        response = requests.post(url(version, "detect"), json=body, headers=key_headers, timeout=60)
        expected = (403, "UnsupportedFeature") if API_VERSIONS[version].session_images else (400, "BadArgument")
        assert error_of(response) == expected, version
