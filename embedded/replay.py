"""Replay recorded feeds and pages through the real HTTP path, from a loopback server.

``manage.py ingest --replay DIR`` and ``bench/ingest.py`` use it. Every outgoing request is
sent here by ``INGESTION_HOST_OVERRIDES = {"*": address}`` (see :func:`ingestion.http.fetch`),
so the client's checks, limits, decompression and robots handling all run as in production.

A request for ``http://host/path`` is answered from, in order:

1. ``DIR/<host>/<path>`` (a mirrored site), then ``DIR/<path>``;
2. a page listed in any ``DIR/**/ground-truth.json`` (``{id: {url, …}}`` beside
   ``html/<id>.html.gz``), matched by its URL;

with ``.gz`` files sent as ``Content-Encoding: gzip``. Anything else is a 404.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from ingestion.canonical import canonicalize_url

Server = TypeVar("Server", bound=ThreadingHTTPServer)

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")


def page_index(root: Path) -> dict[str, Path]:
    """Canonical page URL → gzip file, from every ground-truth.json under ``root``."""
    index: dict[str, Path] = {}
    for truth_file in sorted(root.rglob("ground-truth.json")):
        for page_id, entry in json.loads(truth_file.read_text()).items():
            path = truth_file.parent / "html" / f"{page_id}.html.gz"
            canonical = canonicalize_url(str(entry.get("url", "")))
            if canonical and path.is_file():
                index[canonical] = path
    return index


def feed_files(root: Path) -> list[Path]:
    """Every feed document under ``root/feeds`` (or ``root`` when it has no feeds folder)."""
    base = root / "feeds" if (root / "feeds").is_dir() else root
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in FEED_SUFFIXES)


def replay_url(root: Path, path: Path) -> str:
    """The URL under which the replay server answers with ``path``."""
    return f"http://replay.invalid/{path.relative_to(root).as_posix()}"


class _ReplayServer(ThreadingHTTPServer):
    root: Path
    pages: dict[str, Path]


class _ReplayHandler(BaseHTTPRequestHandler):
    server: _ReplayServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _find(self, host: str, path: str) -> Path | None:
        root = self.server.root
        relative = path.lstrip("/")
        for candidate in (root / host / relative, root / relative):
            resolved = candidate.resolve()
            # Never serve outside the replay folder, whatever ".." the path holds.
            if resolved.is_file() and root in resolved.parents:
                return resolved
        url = canonicalize_url(f"http://{host}{path}")
        https = canonicalize_url(f"https://{host}{path}")
        for key in (url, https):
            if key and key in self.server.pages:
                return self.server.pages[key]
        return None

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        parts = urlsplit(self.path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        found = self._find(host, parts.path) or self._find(host, path)
        if found is None:
            body = b"not recorded"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        else:
            body = found.read_bytes()
            self.send_response(200)
            name = found.name.removesuffix(".gz")
            is_feed = name.lower().endswith(FEED_SUFFIXES)
            self.send_header("Content-Type", "application/xml" if is_feed else "text/html")
            if found.suffix == ".gz":
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_on_loopback(
    handler: type[BaseHTTPRequestHandler],
    server_class: type[Server] = ThreadingHTTPServer,  # type: ignore[assignment]
) -> Iterator[Server]:
    """The one way this project runs an HTTP server in a thread (replays, the demo, tests):
    ``handler`` on 127.0.0.1 (a free port) in a background thread until the block ends."""
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_replay(root: Path, *, page_roots: tuple[Path, ...] = ()) -> Iterator[str]:
    """Serve ``root`` (plus pages indexed under ``page_roots``) on 127.0.0.1.

    Yields the ``"127.0.0.1:port"`` address.
    """
    with serve_on_loopback(_ReplayHandler, _ReplayServer) as server:
        server.root = root.resolve()
        server.pages = {}
        for folder in (server.root, *page_roots):
            server.pages.update(page_index(folder))
        yield f"127.0.0.1:{server.server_address[1]}"
