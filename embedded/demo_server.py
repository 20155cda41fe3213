"""Serve rendered demo outlets on loopback, choosing the site by the request's Host header.

Used by the first run's demo mode and by tests: the pipeline fetches ``http://<outlet>.example/…``
and the resolver override in settings (``INGESTION_HOST_OVERRIDES``) sends those hosts here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from embedded.replay import serve_on_loopback

# Pictures by their file name, as a web server types them.
_PICTURE_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".ico": "image/x-icon"}


class _DemoHandler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
            return
        body = self.server.documents.get((host, path))
        if body is None:
            self._send(404, b"not found", "text/plain; charset=utf-8")
            return
        picture_type = next(
            (kind for suffix, kind in _PICTURE_TYPES.items() if path.endswith(suffix)), ""
        )
        if picture_type:
            self._send(200, body, picture_type)
            return
        content_type = "application/rss+xml" if path.endswith(".xml") else "text/html"
        if body.lstrip().startswith(b"<!doctype html>"):
            content_type = "text/html"
        self._send(200, body, f"{content_type}; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the first run prints its own progress."""


class _DemoHTTPServer(ThreadingHTTPServer):
    documents: dict[tuple[str, str], bytes]


@contextmanager
def serve_documents(documents: dict[tuple[str, str], bytes]) -> Iterator[str]:
    """Serve ``documents`` ({(host, path): body}) and yield the "127.0.0.1:port" address."""
    with serve_on_loopback(_DemoHandler, _DemoHTTPServer) as server:
        server.documents = documents
        yield f"127.0.0.1:{server.server_address[1]}"
