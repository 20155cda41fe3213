"""One GET under every rule of :mod:`ingestion.http`: :func:`fetch` and its result."""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from ingestion.http.addresses import address_refusal, host_override, resolve
from ingestion.http.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    ConnectionFetchError,
    DecodingError,
    FetchError,
    HTTPStatusError,
    RobotsDisallowedError,
    TimeoutFetchError,
    TooManyRedirectsError,
    UnsupportedSchemeError,
)
from ingestion.http.limits import (
    MAX_BODY_BYTES,
    MAX_REDIRECTS,
    READ_CHUNK_BYTES,
    USER_AGENT,
)
from ingestion.http.politeness import host_gate
from ingestion.http.robots import robots_allows
from ingestion.http.watchdog import Watchdog


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 200 or 304
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The verifying client context, built once per process: building one loads the system's
    certificate store (about 20 ms), and one context serves any number of connections."""
    return ssl.create_default_context()


def _connect(scheme: str, host: str, port: int, watchdog: Watchdog) -> tuple[socket.socket, bool]:
    """A connected (and for https, TLS-wrapped) socket; the flag says it was overridden."""
    override = host_override(host)
    if override is not None:
        address, override_port = override
        refusal = address_refusal(ipaddress.ip_address(address), override_port)
        if refusal:
            raise BlockedAddressError(f"refused {host}: {refusal}")
        targets: list[tuple[int, str]] = [
            (socket.AF_INET6 if ":" in address else socket.AF_INET, address)
        ]
        port = override_port
        # A replay server speaks plain HTTP whatever the original scheme was.
        scheme = "http"
    else:
        targets = resolve(host, port)
    last_error: OSError | None = None
    for family, address in targets:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(settings.INGESTION_CONNECT_TIMEOUT_SECONDS)
        try:
            sock.connect((address, port))
        except OSError as error:
            sock.close()
            last_error = error
            continue
        sock.settimeout(settings.INGESTION_READ_TIMEOUT_SECONDS)
        if scheme == "https":
            try:
                sock = _tls_context().wrap_socket(sock, server_hostname=host)
            except (ssl.SSLError, OSError) as error:
                sock.close()
                raise ConnectionFetchError(f"TLS with {host} failed: {error}") from error
        watchdog.arm(sock)
        return sock, override is not None
    if isinstance(last_error, TimeoutError):
        raise TimeoutFetchError(f"connecting to {host}:{port} timed out")
    raise ConnectionFetchError(f"cannot connect to {host}:{port}: {last_error}")


class _Connection(http.client.HTTPConnection):
    """http.client over a socket we opened and checked ourselves."""

    def __init__(self, host: str, port: int, sock: socket.socket) -> None:
        super().__init__(host, port, timeout=settings.INGESTION_READ_TIMEOUT_SECONDS)
        self.sock = sock

    def connect(self) -> None:  # the socket is already connected
        return None


def _decoder(encoding: str) -> zlib._Decompress | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(wbits=47)  # gzip or zlib header
    if encoding == "deflate":
        return zlib.decompressobj()
    raise DecodingError(f"unsupported Content-Encoding {encoding!r}")


def _read_body(
    response: http.client.HTTPResponse, *, encoding: str, max_bytes: int, url: str
) -> bytes:
    declared = response.getheader("Content-Length")
    identity = encoding in ("", "identity")
    if identity and declared and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLargeError(f"{url}: body of {declared} bytes exceeds {max_bytes}")
    decoder = _decoder(encoding)
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(READ_CHUNK_BYTES)
        if not chunk:
            break
        if decoder is not None:
            try:
                # max_length bounds what one compressed chunk may expand to: a bomb is cut off
                # at the cap instead of being inflated in memory.
                data = decoder.decompress(chunk, max_bytes - size + 1)
            except zlib.error as error:
                raise DecodingError(f"{url}: corrupt {encoding} body: {error}") from error
            if decoder.unconsumed_tail:
                raise BodyTooLargeError(f"{url}: decompressed body exceeds {max_bytes} bytes")
        else:
            data = chunk
        size += len(data)
        if size > max_bytes:
            raise BodyTooLargeError(f"{url}: body exceeds {max_bytes} bytes")
        parts.append(data)
    # http.client reports a hang-up mid-body as a clean end: check the body is whole, or a
    # truncated feed or page would be taken as the complete document.
    if response.length:
        raise ConnectionFetchError(
            f"{url}: connection closed {response.length} bytes before the declared end"
        )
    if decoder is not None:
        parts.append(decoder.flush(max_bytes - size + 1))
        size += len(parts[-1])
        if size > max_bytes:
            raise BodyTooLargeError(f"{url}: decompressed body exceeds {max_bytes} bytes")
        if not decoder.eof:
            raise ConnectionFetchError(f"{url}: {encoding} body ends before its stream does")
    return b"".join(parts)


def _request_once(
    url: str, headers: dict[str, str], *, max_bytes: int, deadline: float
) -> tuple[int, dict[str, str], bytes]:
    """One GET without following redirects. Returns status, headers and (for 200) the body."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsupportedSchemeError(f"refused {url[:200]}: only http and https are fetched")
    host = parts.hostname
    if not host:
        raise UnsupportedSchemeError(f"refused {url[:200]}: no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise UnsupportedSchemeError(f"refused {url[:200]}: bad port") from error
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutFetchError(f"{url}: total time limit reached")
    watchdog = Watchdog(remaining)
    sock, _overridden = _connect(scheme, host, port, watchdog)
    # The Host header keeps the URL's own host and port, even when the socket was overridden.
    connection = _Connection(host, parts.port or (443 if scheme == "https" else 80), sock)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        status = response.status
        body = b""
        if status == 200:
            encoding = response_headers.get("content-encoding", "").strip().lower()
            body = _read_body(response, encoding=encoding, max_bytes=max_bytes, url=url)
        if watchdog.expired:
            # The watchdog's shutdown can look like a clean end of the body: never trust it.
            raise TimeoutFetchError(f"{url}: total time limit reached (server too slow)")
        return status, response_headers, body
    except FetchError as error:
        if watchdog.expired and not error.permanent:
            # The watchdog's shutdown cut the body: the server was too slow, not broken.
            raise TimeoutFetchError(f"{url}: total time limit reached (server too slow)") from error
        raise
    except TimeoutError as error:
        raise TimeoutFetchError(f"{url}: read timed out") from error
    except (OSError, http.client.HTTPException) as error:
        if watchdog.expired:
            raise TimeoutFetchError(f"{url}: total time limit reached (server too slow)") from error
        raise ConnectionFetchError(f"{url}: {type(error).__name__}: {error}") from error
    finally:
        watchdog.cancel()
        connection.close()


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    max_bytes: int = MAX_BODY_BYTES,
    respect_robots: bool = False,
    total_timeout_seconds: float | None = None,
) -> FetchResult:
    """GET ``url`` under every rule in the module docstring.

    Returns a 200 result with its body, or a 304 result when the validators still match.
    Raises a :class:`FetchError` for anything else. ``total_timeout_seconds`` shortens the
    total deadline (a quick probe); by default it is ``INGESTION_TOTAL_TIMEOUT_SECONDS``.
    """
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    total = settings.INGESTION_TOTAL_TIMEOUT_SECONDS
    deadline = time.monotonic() + min(total, total_timeout_seconds or total)
    current = url
    seen: set[str] = set()
    for _hop in range(MAX_REDIRECTS + 1):
        if respect_robots and not robots_allows(current):
            raise RobotsDisallowedError(f"robots.txt disallows {current[:300]}")
        host = (urlsplit(current).hostname or "").lower()
        with host_gate.slot(host):
            status, response_headers, body = _request_once(
                current, headers, max_bytes=max_bytes, deadline=deadline
            )
        if status in (301, 302, 303, 307, 308):
            location = response_headers.get("location", "")
            if not location:
                raise HTTPStatusError(f"{current}: redirect without Location", status=status)
            seen.add(current)
            current = urljoin(current, location.strip())
            if current in seen:
                raise TooManyRedirectsError(f"redirect loop at {current[:300]}")
            continue
        if status in (200, 304):
            return FetchResult(url=current, status=status, headers=response_headers, body=body)
        raise HTTPStatusError(
            f"{current[:300]}: HTTP {status}",
            status=status,
            retry_after=response_headers.get("retry-after"),
        )
    raise TooManyRedirectsError(f"more than {MAX_REDIRECTS} redirects from {url[:300]}")
