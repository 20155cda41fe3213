"""A real HTTP server on loopback serving the recorded feeds and pages, plus hostile routes.

Tests allow-list exactly this server's ``127.0.0.1:port`` (``INGESTION_ALLOW_LOOPBACK`` as a
set), so a redirect to any other loopback port is still refused: that is how "redirect to
127.0.0.1 refused" is tested while the server itself lives on loopback.
"""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pytest
from django.test import override_settings

from embedded.replay import serve_on_loopback
from ingestion import http as ingestion_http
from sources.models import Feed, Source

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://example.org/a</link></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title>
<item><title>&xxe;</title><link>http://example.org/b</link></item></channel></rss>"""

INVALID_UTF8 = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bad bytes</title>'
    b"<item><title>Caf\xe9 \xff\xfe opens</title><link>https://news.example.org/cafe</link>"
    b"<description>Na\xefve \xc3\x28 text</description></item></channel></rss>"
)

HTML_NOT_FEED = (
    b"<!DOCTYPE html><html><head><title>Welcome</title></head>"
    b"<body><h1>Our news</h1><p>This is a home page, not a feed.</p></body></html>"
)

SMALL_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Small</title>
<item><title>One</title><link>https://news.example.org/one?utm_source=rss</link></item>
<item><title>Two</title><link>https://news.example.org/two</link></item>
</channel></rss>"""

ETAG = '"v1"'


@dataclass
class TestServer:
    base_url: str
    host_port: str
    shared_data: Path
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    robots: bytes = b"User-agent: *\nDisallow: /private/\n"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for p, _h in self.requests if p == path)


def _gzip_bomb() -> bytes:
    # 64 MB of zeros in about 64 kB: far past the 15 MB cap once inflated.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(64)]
    parts.append(compressor.flush())
    return b"".join(parts)


def _aeb_feed(server: TestServer, ids: list[str], ground_truth: dict) -> bytes:
    items = []
    for page_id in ids:
        link = server.url(f"/pages/aeb/html/{page_id}.html?utm_medium=rss&fbclid=abc")
        items.append(
            f"<item><title>Page {page_id[:8]}</title><link>{escape(link)}</link>"
            f"<guid>{page_id}</guid><description>Summary of {page_id[:8]}</description>"
            f"<pubDate>Tue, 19 Nov 2019 12:00:00 GMT</pubDate></item>"
        )
    del ground_truth
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Generated</title>'
        f"<link>{server.base_url}/</link>{''.join(items)}</channel></rss>"
    ).encode()


def _make_handler(server_state: TestServer) -> type[BaseHTTPRequestHandler]:
    data = server_state.shared_data
    ground_truth = json.loads((data / "pages" / "aeb" / "ground-truth.json").read_text())
    aeb_ids = sorted(ground_truth)
    bomb = _gzip_bomb()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def _send(
            self,
            status: int,
            body: bytes = b"",
            content_type: str = "application/xml",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _redirect(self, location: str, status: int = 302) -> None:
            self._send(status, headers={"Location": location})

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qs(parts.query)
            server_state.requests.append((path, dict(self.headers.items())))
            if path == "/robots.txt":
                return self._send(200, server_state.robots, "text/plain")
            if path.startswith("/feeds/"):
                file = (data / path.removeprefix("/")).resolve()
                if not file.is_file() or data not in file.parents:
                    return self._send(404, b"not found", "text/plain")
                return self._send(200, file.read_bytes())
            if path.startswith(("/pages/aeb/html/", "/private/aeb/html/")):
                page_id = path.rsplit("/", 1)[-1].removesuffix(".html")
                file = data / "pages" / "aeb" / "html" / f"{page_id}.html.gz"
                if not file.is_file():
                    return self._send(404, b"not found", "text/plain")
                # Served compressed, as outlets do: exercises the client's gzip decoding.
                return self._send(
                    200,
                    file.read_bytes(),
                    "text/html; charset=utf-8",
                    {"Content-Encoding": "gzip"},
                )
            if path == "/generated/aeb.xml":
                count = int(query.get("n", ["5"])[0])
                offset = int(query.get("offset", ["0"])[0])
                ids = aeb_ids[offset : offset + count]
                return self._send(200, _aeb_feed(server_state, ids, ground_truth))
            if path == "/small.xml":
                return self._send(200, SMALL_FEED)
            if path == "/conditional.xml":
                if self.headers.get("If-None-Match") == ETAG:
                    return self._send(304, headers={"ETag": ETAG})
                return self._send(200, SMALL_FEED, headers={"ETag": ETAG})
            if path == "/status/429":
                return self._send(429, b"slow down", "text/plain", {"Retry-After": "7200"})
            if path == "/status/404":
                return self._send(404, b"gone", "text/plain")
            if path == "/status/500":
                return self._send(500, b"oops", "text/plain")
            if path == "/hostile/billion-laughs.xml":
                return self._send(200, BILLION_LAUGHS)
            if path == "/hostile/external-entity.xml":
                return self._send(200, EXTERNAL_ENTITY)
            if path == "/hostile/invalid-utf8.xml":
                return self._send(200, INVALID_UTF8, "application/rss+xml; charset=utf-8")
            if path == "/hostile/html.xml":
                return self._send(200, HTML_NOT_FEED, "text/html; charset=utf-8")
            if path == "/hostile/gzip-bomb.xml":
                return self._send(200, bomb, "application/xml", {"Content-Encoding": "gzip"})
            if path in ("/hostile/huge.xml", "/hostile/huge-undeclared.xml"):
                # 100 MB, streamed; the second variant hides its length until the end.
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                if path == "/hostile/huge.xml":
                    self.send_header("Content-Length", str(100 * 1024 * 1024))
                self.send_header("Connection", "close")
                self.end_headers()
                block = b"<!-- padding -->" * 4096
                try:
                    for _ in range(100 * 1024 * 1024 // len(block)):
                        self.wfile.write(block)
                except OSError:
                    pass  # the client hung up at its cap, as it should
                self.close_connection = True
                return None
            if path == "/hostile/slow.xml":
                # Slow loris: headers promptly, then one byte every 0.2 s, forever.
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                try:
                    for _ in range(1000):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass
                self.close_connection = True
                return None
            if path == "/hostile/loop-a":
                return self._redirect(server_state.url("/hostile/loop-b"))
            if path == "/hostile/loop-b":
                return self._redirect(server_state.url("/hostile/loop-a"))
            if path.startswith("/hostile/chain/"):
                step = int(path.rsplit("/", 1)[-1])
                return self._redirect(server_state.url(f"/hostile/chain/{step + 1}"))
            if path == "/hostile/to-loopback":
                # Another port on 127.0.0.1: loopback, but not the allow-listed test server.
                return self._redirect("http://127.0.0.1:9/feed.xml")
            if path == "/hostile/to-metadata":
                return self._redirect("http://169.254.169.254/latest/meta-data/")
            if path == "/hostile/to-decimal-ip":
                return self._redirect("http://2130706433:9/feed.xml")
            if path == "/hostile/to-ipv6-loopback":
                return self._redirect("http://[::1]:9/feed.xml")
            if path == "/hostile/to-file":
                return self._redirect("file:///etc/passwd")
            return self._send(404, b"not found", "text/plain")

    return Handler


@pytest.fixture(scope="session")
def test_server(shared_data: Path) -> Iterator[TestServer]:
    """Serve the recorded data on 127.0.0.1 for the whole session."""
    state = TestServer(base_url="", host_port="", shared_data=shared_data)
    with serve_on_loopback(_make_handler(state)) as httpd:
        port = httpd.server_address[1]
        state.base_url = f"http://127.0.0.1:{port}"
        state.host_port = f"127.0.0.1:{port}"
        yield state


@pytest.fixture
def server(test_server: TestServer) -> Iterator[TestServer]:
    """The test server, allow-listed (and only it), with fast timeouts and no politeness delay."""
    test_server.requests.clear()
    ingestion_http.clear_robots_cache()
    with override_settings(
        INGESTION_ALLOW_LOOPBACK={test_server.host_port},
        INGESTION_HOST_DELAY_SECONDS=0,
        INGESTION_TOTAL_TIMEOUT_SECONDS=3,
        INGESTION_READ_TIMEOUT_SECONDS=2,
    ):
        yield test_server


@pytest.fixture
def make_feed(db):
    """``make_feed(url)``: a Feed of a test outlet (created once per test)."""
    counter = iter(range(1, 10_000))

    def make(url: str, **fields: object) -> Feed:
        n = next(counter)
        source, _ = Source.objects.get_or_create(
            slug=f"test-outlet-{n}",
            defaults={"name": f"Test outlet {n}", "domain": f"outlet{n}.test"},
        )
        return Feed.objects.create(source=source, url=url, **fields)

    return make


def gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())
