"""A small loopback HTTP server whose answers each test writes itself, plus a silent port.

The ingestion suite's server (tests/ingestion/conftest.py) has a fixed route table; these tests
need many one-off answers (bodies, lying headers, broken HTTP), so each test registers its own
routes on a session-wide server. Only this server's exact ``127.0.0.1:port`` is allow-listed,
so any other loopback port stays refused, as in production.
"""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import pytest

from embedded.replay import serve_on_loopback
from ingestion import http as ingestion_http
from tests.ingestion.conftest import make_feed  # noqa: F401 (a fixture, re-exported)

Responder = Callable[[BaseHTTPRequestHandler], None]


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "application/rss+xml",
    headers: dict[str, str] | None = None,
) -> None:
    """One complete, honest HTTP answer (unless ``headers`` lie)."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    extra = headers or {}
    if "Content-Length" not in extra:
        handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    for name, value in extra.items():
        handler.send_header(name, value)
    handler.end_headers()
    # The client may hang up early (at its cap or deadline), as it should.
    with suppress(OSError):
        handler.wfile.write(body)
    handler.close_connection = True


@dataclass
class HostileServer:
    base_url: str = ""
    host_port: str = ""
    routes: dict[str, Responder] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = "application/rss+xml",
        headers: dict[str, str] | None = None,
    ) -> str:
        """Answer GET ``path`` with ``body``; returns its URL."""
        self.routes[path] = lambda handler: send(
            handler, body, status=status, content_type=content_type, headers=headers
        )
        return self.url(path)

    def serve_raw(self, path: str, responder: Responder) -> str:
        """Answer GET ``path`` with whatever ``responder`` writes on the handler."""
        self.routes[path] = responder
        return self.url(path)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: HostileServer

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.state.hits[path] += 1
        responder = self.state.routes.get(path)
        if responder is None:
            send(self, b"not found", status=404, content_type="text/plain")
            return
        responder(self)


@pytest.fixture(scope="session")
def hostile_server_process() -> Iterator[HostileServer]:
    state = HostileServer()
    handler = type("HostileHandler", (_Handler,), {"state": state})
    with serve_on_loopback(handler) as httpd:
        port = httpd.server_address[1]
        state.base_url = f"http://127.0.0.1:{port}"
        state.host_port = f"127.0.0.1:{port}"
        yield state


@pytest.fixture
def hostile_server(hostile_server_process: HostileServer, settings) -> Iterator[HostileServer]:
    """The server, allow-listed alone, with short timeouts and no politeness delay."""
    hostile_server_process.routes.clear()
    hostile_server_process.hits.clear()
    ingestion_http.clear_robots_cache()
    settings.INGESTION_ALLOW_LOOPBACK = {hostile_server_process.host_port}
    settings.INGESTION_HOST_DELAY_SECONDS = 0
    settings.INGESTION_CONNECT_TIMEOUT_SECONDS = 2
    settings.INGESTION_READ_TIMEOUT_SECONDS = 2
    settings.INGESTION_TOTAL_TIMEOUT_SECONDS = 3
    yield hostile_server_process
    hostile_server_process.routes.clear()


@pytest.fixture
def silent_port(hostile_server: HostileServer, settings) -> Iterator[str]:
    """``127.0.0.1:port`` of a socket that completes TCP handshakes and never says a word.

    The kernel accepts connections into the listen backlog; nobody ever reads or writes.
    The port is allow-listed beside the hostile server, with the same short timeouts.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    host_port = f"127.0.0.1:{listener.getsockname()[1]}"
    settings.INGESTION_ALLOW_LOOPBACK = {hostile_server.host_port, host_port}
    yield host_port
    listener.close()
