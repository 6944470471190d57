"""URL intake without a server: scheme and address checks, and every resolved address checked."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from core.errors import FaceError
from core.images import fetch as url_images
from core.images.fetch import fetch_image, is_public_address, parse_target
from tests.support.helpers import raised_by


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "168.63.129.16",
        "100.100.100.200",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "ff02::1",
        "::",
    ],
)
def test_non_public_addresses(text: str) -> None:
    assert not is_public_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", ["8.8.8.8", "20.42.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses(text: str) -> None:
    assert is_public_address(ipaddress.ip_address(text))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.jpg",
        "file:///etc/passwd",
        "gopher://x",
        "http://",
        "not a url",
        "http://example.com:99999/",
    ],
)
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FaceError) as caught:
        parse_target(url)
    assert (caught.value.code, caught.value.message) == ("InvalidURL", "Invalid image URL.")


def test_default_ports() -> None:
    assert parse_target("https://example.com/a?b=1").port == 443
    assert parse_target("http://example.com").path == "/"
    assert parse_target("http://example.com/a?b=1").path == "/a?b=1"


def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch, private_refused: None) -> None:
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)),
    ]
    monkeypatch.setattr(url_images.socket, "getaddrinfo", lambda *args, **kwargs: answers)
    assert raised_by(fetch_image, "http://rebinding.example/").message == "Invalid image URL."
