"""Images given by URL (``{"url": ...}``), fetched without opening the service to SSRF.

Only http and https. The host name is resolved here and every address it
resolves to must be public: private, loopback, link-local, multicast, reserved,
unspecified and cloud metadata addresses are refused. The connection goes to
the address that was checked (TLS still verifies the host name), so a second
DNS answer cannot switch it. Redirects are followed by checking their target
the same way, a few times at most. The body is streamed with a byte cap and
the whole fetch runs under one deadline. ``FACE_ALLOW_PRIVATE_URLS`` lifts the
address check (for tests and private deployments).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from core import limits
from core.errors import FaceError, image_too_big, invalid_url
from core.settings import get_settings

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text) for text in ("169.254.169.254", "168.63.129.16", "100.100.100.200", "fd00:ec2::254")
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
DOWNLOAD_FAILED = "Failed to download from target server. Remote server error returned."

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """Where one request goes."""

    scheme: str
    host: str
    port: int
    path: str


def parse_target(url: str) -> Target:
    """Split an absolute http(s) URL; ``InvalidURL`` for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise invalid_url() from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise invalid_url()
    scheme = parts.scheme.lower()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def is_public_address(address: Address) -> bool:
    """True for a globally routable unicast address that is not a cloud metadata endpoint."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
        or address in METADATA_ADDRESSES
    )


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to; every address the host resolves to must be allowed."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise invalid_url(DOWNLOAD_FAILED) from None
    addresses = [ipaddress.ip_address(str(answer[4][0]).split("%", 1)[0]) for answer in answers]
    if not addresses:
        raise invalid_url(DOWNLOAD_FAILED)
    if not allow_private and not all(is_public_address(address) for address in addresses):
        raise invalid_url()
    return str(addresses[0])


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _connection(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(target.host, target.port, timeout=timeout, context=_tls_context())
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def connect_checked(
        _: tuple[str, int], timeout: float | None = None, source_address: tuple[str, int] | None = None
    ) -> socket.socket:
        return socket.create_connection((address, target.port), timeout, source_address)

    connection._create_connection = connect_checked  # type: ignore[attr-defined]  # urllib3's private connect hook, the one place the address is chosen
    return connection


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise invalid_url(DOWNLOAD_FAILED)
    return left


def _read_capped(response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > limits.MAX_URL_IMAGE_BYTES:
        raise image_too_big()
    chunks: list[bytes] = []
    size = 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            if declared and declared.strip().isdigit() and size != int(declared):
                raise invalid_url(DOWNLOAD_FAILED)
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.MAX_URL_IMAGE_BYTES:
            raise image_too_big()
        chunks.append(chunk)


def _get(target: Target, address: str, deadline: float) -> tuple[int, str | None, bytes]:
    """Status, Location header and (for a 2xx) body of one GET."""
    connection = _connection(target, address, _remaining(deadline))
    try:
        connection.request("GET", target.path, headers={"Accept": "image/*", "User-Agent": "face-api"})
        sock = connection.sock
        assert sock is not None
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES or not 200 <= response.status < 300:
            return response.status, response.getheader("Location"), b""
        return response.status, None, _read_capped(response, sock, deadline)
    except FaceError:
        raise
    except (OSError, http.client.HTTPException, ValueError):
        raise invalid_url(DOWNLOAD_FAILED) from None
    finally:
        connection.close()


def fetch_image(url: str) -> bytes:
    """The bytes at ``url``, following a few redirects; ``InvalidURL`` or ``InvalidImageSize`` on failure."""
    settings = get_settings()
    deadline = time.monotonic() + settings.url_fetch_timeout_seconds
    current = url
    for _ in range(limits.MAX_URL_REDIRECTS + 1):
        target = parse_target(current)
        address = resolve(target.host, target.port, settings.allow_private_urls)
        status, location, body = _get(target, address, deadline)
        if status in REDIRECT_STATUSES:
            if not location:
                raise invalid_url(DOWNLOAD_FAILED)
            current = urljoin(current, location)
            continue
        if not 200 <= status < 300:
            raise invalid_url(DOWNLOAD_FAILED)
        return body
    raise invalid_url(DOWNLOAD_FAILED)
