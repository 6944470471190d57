"""A local HTTP server for the shared test photos, so URL inputs can be exercised."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[Callable[[str], str]]:
    """Serve ``root`` on a free local port; yields a function from a relative path to its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="image-server", daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield lambda relative: f"http://127.0.0.1:{port}/{quote(relative)}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
