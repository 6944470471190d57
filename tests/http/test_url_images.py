"""URL intake against a local HTTP server: redirects, download failures, size cap, timeout, refused loopback."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import limits
from core.images import fetch as url_images
from core.images.fetch import fetch_image
from tests.support.helpers import raised_by


class ImageServer(http.server.BaseHTTPRequestHandler):
    photo = b""

    def do_GET(self) -> None:
        routes = {
            "/photo.jpg": lambda: self.reply(200, self.photo),
            "/redirect": lambda: self.redirect("/photo.jpg"),
            "/loop": lambda: self.redirect("/loop"),
            "/to-loopback": lambda: self.redirect(f"http://127.0.0.1:{self.server.server_address[1]}/photo.jpg"),
            "/missing": lambda: self.reply(404, b"nope"),
            "/huge": self.huge,
            "/slow": self.slow,
        }
        routes.get(self.path.split("?")[0], lambda: self.reply(404, b""))()

    def reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def huge(self) -> None:
        self.send_response(200)
        self.end_headers()
        chunk = b"\xff" * 65536
        try:
            for _ in range(limits.MAX_URL_IMAGE_BYTES // len(chunk) + 4):
                self.wfile.write(chunk)
        except OSError:
            pass

    def slow(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(shared_data: Path) -> Iterator[str]:
    ImageServer.photo = (shared_data / "face_recognition" / "examples" / "obama.jpg").read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ImageServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetches_and_follows_redirects(server: str, private_allowed: None) -> None:
    assert fetch_image(server + "/photo.jpg") == ImageServer.photo
    assert fetch_image(server + "/redirect") == ImageServer.photo


def test_redirect_limit(server: str, private_allowed: None) -> None:
    assert raised_by(fetch_image, server + "/loop").code == "InvalidURL"


def test_download_failure(server: str, private_allowed: None) -> None:
    error = raised_by(fetch_image, server + "/missing")
    assert error.message == "Failed to download from target server. Remote server error returned."


def test_streaming_size_cap(server: str, private_allowed: None) -> None:
    error = raised_by(fetch_image, server + "/huge")
    assert (error.code, error.message) == ("InvalidImageSize", "Image size is too big.")


def test_deadline(server: str, private_allowed: None) -> None:
    started = time.monotonic()
    assert raised_by(fetch_image, server + "/slow").code == "InvalidURL"
    assert time.monotonic() - started < 5


def test_loopback_refused(server: str, private_refused: None) -> None:
    assert raised_by(fetch_image, server + "/photo.jpg").message == "Invalid image URL."
    assert raised_by(fetch_image, "http://localhost/").message == "Invalid image URL."
    assert raised_by(fetch_image, "http://169.254.169.254/latest/meta-data").message == "Invalid image URL."


def test_redirect_to_private_address_refused(
    server: str, monkeypatch: pytest.MonkeyPatch, private_refused: None
) -> None:
    """A public host redirecting to a private one is refused at the redirect."""
    port = int(server.rsplit(":", 1)[1])
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host: str, *rest: object, **kwargs: object) -> list:
        return public if host == "public.example" else real_getaddrinfo(host, *rest, **kwargs)

    monkeypatch.setattr(url_images.socket, "getaddrinfo", resolve)
    connected: list[tuple[str, int]] = []
    real_connect = socket.create_connection

    def pinned(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        connected.append(address)
        return real_connect(("127.0.0.1", port), *args, **kwargs)

    monkeypatch.setattr(url_images.socket, "create_connection", pinned)
    error = raised_by(fetch_image, f"http://public.example:{port}/to-loopback")
    assert connected == [("93.184.216.34", port)]
    assert (error.code, error.message) == ("InvalidURL", "Invalid image URL.")
