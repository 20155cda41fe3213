"""The only module that makes outgoing HTTP requests.

Every request, whether a feed, a page or a robots.txt, goes through :func:`fetch`, which:

* accepts http and https only;
* resolves the host itself and refuses loopback, private, link-local, multicast, reserved and
  cloud-metadata addresses (IPv4, IPv6 and IPv4 written in odd spellings, which the resolver
  turns into ordinary addresses first), then connects to the address it checked, so a DNS answer
  cannot change between the check and the connection;
* follows at most ``MAX_REDIRECTS`` redirects, checking each hop like the first;
* enforces a connect timeout, a per-read timeout and a total deadline (a watchdog closes the
  socket, so a server that dribbles one byte a second cannot hold a worker);
* caps the body at ``max_bytes`` while streaming, after decompression, so neither a huge body
  nor a gzip bomb is ever held in memory;
* sends a real User-Agent, and ETag / Last-Modified validators for conditional GET;
* for page fetches, honours robots.txt and limits concurrent requests per host.

Errors are raised as :class:`FetchError` subclasses whose ``permanent`` flag tells callers
whether retrying can help. Loopback is allowed only when ``settings.INGESTION_ALLOW_LOOPBACK`` is
true (every loopback address) or a collection of ``"address:port"`` strings (exactly those),
or inside :func:`serve_hosts_from` (the address it routes to).
Optional settings ``INGESTION_{CONNECT,READ,TOTAL}_TIMEOUT_SECONDS`` and
``INGESTION_HOST_DELAY_SECONDS`` override the defaults below.
"""

from __future__ import annotations

import functools
import heapq
import http.client
import ipaddress
import itertools
import logging
import os
import socket
import ssl
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

USER_AGENT = "NewsdeskBot/0.1 (+https://github.com/newsdesk; news coverage aggregator)"
ROBOTS_USER_AGENT = "NewsdeskBot"
MAX_BODY_BYTES = 15 * 1024 * 1024
MAX_REDIRECTS = 5
CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0
TOTAL_TIMEOUT_SECONDS = 30.0
READ_CHUNK_BYTES = 64 * 1024
MAX_CONCURRENT_REQUESTS_PER_HOST = 2
# Pause between two requests to the same host from this process; politeness, not safety.
DEFAULT_HOST_DELAY_SECONDS = 1.0
ROBOTS_CACHE_SECONDS = 3600
ROBOTS_MAX_BYTES = 512 * 1024

# Addresses that `is_global` misses or that deserve an explicit name in the error message.
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


class FetchError(Exception):
    """A request that did not produce a usable response. ``str(error)`` is readable."""

    permanent: bool = True
    kind: str = "fetch"

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    kind = "blocked_address"


class UnsupportedSchemeError(FetchError):
    kind = "unsupported_scheme"


class TooManyRedirectsError(FetchError):
    kind = "too_many_redirects"


class BodyTooLargeError(FetchError):
    kind = "too_large"


class DecodingError(FetchError):
    kind = "bad_encoding"


class RobotsDisallowedError(FetchError):
    kind = "robots"


class HostBusyError(FetchError):
    permanent = False
    kind = "host_busy"


class TimeoutFetchError(FetchError):
    permanent = False
    kind = "timeout"


class ConnectionFetchError(FetchError):
    permanent = False
    kind = "connection"


class HTTPStatusError(FetchError):
    kind = "http_status"

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message, status=status, retry_after=retry_after)
        # Rate limiting and server errors pass; 4xx (gone, forbidden, not found) does not.
        self.permanent = not (status == 429 or (status is not None and status >= 500))


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


# --- address policy -------------------------------------------------------------------------


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@dataclass
class _LocalRoutes:
    """Hosts served from a local server for a while (see :func:`serve_hosts_from`)."""

    overrides: dict[str, str] = field(default_factory=dict)
    addresses: frozenset[str] = frozenset()


_local_routes = _LocalRoutes()


@contextmanager
def serve_hosts_from(address: str, hosts: Iterable[str] = ("*",)) -> Iterator[None]:
    """Send requests for ``hosts`` (and their subdomains; ``"*"``: every host) to the loopback
    server at ``address`` ("127.0.0.1:port") while the block runs, without a politeness pause.

    Replays, the demo and benchmarks use it; only that exact address is allowed, so every other
    loopback port stays refused. It changes this process, like a settings override would.
    """
    previous = _LocalRoutes(dict(_local_routes.overrides), _local_routes.addresses)
    _local_routes.overrides.update(dict.fromkeys(hosts, address))
    _local_routes.addresses = previous.addresses | {address}
    try:
        yield
    finally:
        _local_routes.overrides = previous.overrides
        _local_routes.addresses = previous.addresses


def _loopback_allowance() -> bool | frozenset[str]:
    value = getattr(settings, "INGESTION_ALLOW_LOOPBACK", False)
    if isinstance(value, bool | int):
        return bool(value) or (_local_routes.addresses or False)
    return frozenset(str(v) for v in value) | _local_routes.addresses


def address_refusal(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int
) -> str | None:
    """Why ``address`` must not be contacted, or None when it may be."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded, port)
    if address in _METADATA_ADDRESSES:
        return f"{address} is a cloud metadata address"
    if address.is_loopback:
        allowance = _loopback_allowance()
        if allowance is True or (
            isinstance(allowance, frozenset) and f"{address}:{port}" in allowance
        ):
            return None
        return f"{address} is a loopback address"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if address.is_link_local:
        return f"{address} is a link-local address"
    if address.is_unspecified or address.is_reserved:
        return f"{address} is a reserved address"
    if address.is_private or not address.is_global:
        return f"{address} is a private address"
    return None


def _resolve(host: str, port: int) -> list[tuple[int, str]]:
    """(family, address) pairs for ``host``; every one must pass the policy."""
    name = host.lower().rstrip(".")
    if (name == "localhost" or name.endswith(".localhost")) and _loopback_allowance() is False:
        # RFC 6761: these names mean loopback whatever a resolver answers; refuse for good.
        raise BlockedAddressError(f"refused {host}: a localhost name is a loopback address")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ConnectionFetchError(f"cannot resolve {host}: {error}") from error
    addresses: list[tuple[int, str]] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0]).split("%")[0]
        refusal = address_refusal(ipaddress.ip_address(text), port)
        if refusal:
            raise BlockedAddressError(f"refused {host}: {refusal}")
        addresses.append((family, text))
    if not addresses:
        raise ConnectionFetchError(f"cannot resolve {host}: no addresses")
    return list(dict.fromkeys(addresses))


# --- per-host politeness --------------------------------------------------------------------


def _shared_slot(host: str) -> str | None:
    """Claim one of the host's ``MAX_CONCURRENT_REQUESTS_PER_HOST`` slots in the shared cache.

    The cache is Redis in services mode, so the limit holds across worker processes. Returns
    the claimed key, or None when the cache is unreachable (the in-process limit still holds).
    Raises :class:`HostBusyError` when no slot frees up within the wait.
    """
    wait_until = time.monotonic() + _setting("INGESTION_HOST_SLOT_WAIT_SECONDS", 30.0)
    # A slot outlives a crashed holder by at most this long.
    expiry = int(_setting("INGESTION_TOTAL_TIMEOUT_SECONDS", TOTAL_TIMEOUT_SECONDS)) + 10
    keys = [f"ingestion:host-slot:{host}:{n}" for n in range(MAX_CONCURRENT_REQUESTS_PER_HOST)]
    try:
        while True:
            for key in keys:
                if cache.add(key, 1, timeout=expiry):
                    return key
            if time.monotonic() >= wait_until:
                raise HostBusyError(f"{host}: every request slot is busy")
            time.sleep(0.05)
    except HostBusyError:
        raise
    except Exception:  # a cache outage must not stop ingestion; the local limit still holds
        logger.warning("shared host slots unavailable for %s", host, exc_info=True)
        return None


def _release_shared_slot(key: str | None) -> None:
    if key is None:
        return
    try:
        cache.delete(key)
    except Exception:  # it expires on its own
        logger.warning("could not release %s", key, exc_info=True)


class _HostGate:
    """At most N concurrent requests per host (across processes through the cache, and in
    this process), with a pause between the starts of two requests from this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}
        self._last_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._semaphores.setdefault(
                host, threading.BoundedSemaphore(MAX_CONCURRENT_REQUESTS_PER_HOST)
            )
        with semaphore:
            delay = _setting("INGESTION_HOST_DELAY_SECONDS", DEFAULT_HOST_DELAY_SECONDS)
            if _local_routes.overrides and host_override(host) is not None:
                delay = 0  # our own local server: no politeness pause needed
            with self._lock:
                wait = self._last_start.get(host, 0.0) + delay - time.monotonic()
                self._last_start[host] = time.monotonic() + max(wait, 0.0)
            if wait > 0:
                time.sleep(wait)
            key = _shared_slot(host)
            try:
                yield
            finally:
                _release_shared_slot(key)


_host_gate = _HostGate()


# --- one request ----------------------------------------------------------------------------


class _Watchdog:
    """Closes the socket when the total deadline passes, whatever the read is doing."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    def arm(self, sock: socket.socket) -> None:
        self._sock = sock
        _watchdogs.watch(self)

    def fire(self) -> None:
        with self._lock:
            # Once cancelled, the socket may already be closed and its number reused.
            if self._cancelled or self._sock is None:
                return
            self.expired = True
            with suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled


class _WatchdogThread:
    """One thread per process fires every armed watchdog at its deadline.

    A timer thread per request cost more than the rest of a loopback request's client side.
    Cancelled watchdogs leave the heap when they reach its top, so it holds at most the
    requests of one ``TOTAL_TIMEOUT_SECONDS``.
    """

    def __init__(self) -> None:
        self._reset()
        # A forked worker inherits neither the thread nor, safely, a held lock.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, _Watchdog]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, watchdog: _Watchdog) -> None:
        with self._condition:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="ingestion-http-watchdog", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._heap, (watchdog.deadline, next(self._order), watchdog))
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                due = self._next_due()
                while due is None:
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._condition.wait(wait)
                    due = self._next_due()
            due.fire()

    def _next_due(self) -> _Watchdog | None:
        """Pop and return the first watchdog past its deadline (caller holds the lock)."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        if self._heap and self._heap[0][0] <= time.monotonic():
            return heapq.heappop(self._heap)[2]
        return None


_watchdogs = _WatchdogThread()


def host_override(host: str) -> tuple[str, int] | None:
    """The ``(address, port)`` that ``settings.INGESTION_HOST_OVERRIDES`` sends ``host`` to.

    The setting maps a domain to ``"address:port"`` and covers its subdomains, like an
    /etc/hosts entry (``"*"`` covers every host); it is how replays and the demo serve outlets'
    URLs from a loopback server. The address still has to pass the address policy.
    """
    overrides = {**(getattr(settings, "INGESTION_HOST_OVERRIDES", None) or {})}
    overrides.update(_local_routes.overrides)
    labels = host.lower().rstrip(".").split(".")
    # "*" catches every host: a replay serves all outlets from one server.
    for key in [".".join(labels[start:]) for start in range(len(labels))] + ["*"]:
        target = overrides.get(key)
        if target:
            address, _, port = str(target).rpartition(":")
            return address.strip("[]"), int(port)
    return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The verifying client context, built once per process: building one loads the system's
    certificate store (about 20 ms), and one context serves any number of connections."""
    return ssl.create_default_context()


def _connect(scheme: str, host: str, port: int, watchdog: _Watchdog) -> tuple[socket.socket, bool]:
    """A connected (and for https, TLS-wrapped) socket; the flag says it was overridden."""
    override = host_override(host)
    if override is not None:
        address, override_port = override
        refusal = address_refusal(ipaddress.ip_address(address), override_port)
        if refusal:
            raise BlockedAddressError(f"refused {host}: {refusal}")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        targets = [(family, address)]
        port = override_port
        # A replay server speaks plain HTTP whatever the original scheme was.
        scheme = "http"
    else:
        targets = _resolve(host, port)
    last_error: OSError | None = None
    for family, address in targets:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(_setting("INGESTION_CONNECT_TIMEOUT_SECONDS", CONNECT_TIMEOUT_SECONDS))
        try:
            sock.connect((address, port))
        except OSError as error:
            sock.close()
            last_error = error
            continue
        sock.settimeout(_setting("INGESTION_READ_TIMEOUT_SECONDS", READ_TIMEOUT_SECONDS))
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
        super().__init__(host, port, timeout=READ_TIMEOUT_SECONDS)
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
    watchdog = _Watchdog(remaining)
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
    total = _setting("INGESTION_TOTAL_TIMEOUT_SECONDS", TOTAL_TIMEOUT_SECONDS)
    deadline = time.monotonic() + min(total, total_timeout_seconds or total)
    current = url
    seen: set[str] = set()
    for _hop in range(MAX_REDIRECTS + 1):
        if respect_robots and not robots_allows(current):
            raise RobotsDisallowedError(f"robots.txt disallows {current[:300]}")
        host = (urlsplit(current).hostname or "").lower()
        with _host_gate.slot(host):
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


# --- robots.txt -----------------------------------------------------------------------------

_robots_cache: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
_robots_lock = threading.Lock()


def robots_allows(url: str) -> bool:
    """Whether robots.txt of ``url``'s origin lets us fetch it (cached per origin for an hour).

    Follows RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one or a
    5xx is treated as a temporary refusal (raised, so the caller retries later).
    """
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    now = time.monotonic()
    with _robots_lock:
        cached = _robots_cache.get(origin)
    if cached is None or cached[0] < now:
        try:
            result = fetch(f"{origin}/robots.txt", accept="text/plain", max_bytes=ROBOTS_MAX_BYTES)
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            assert parser is not None
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
        except HTTPStatusError as error:
            if error.permanent:
                parser = None  # no usable robots.txt: everything allowed
            else:
                raise
        with _robots_lock:
            _robots_cache[origin] = (now + ROBOTS_CACHE_SECONDS, parser)
    else:
        parser = cached[1]
    return True if parser is None else parser.can_fetch(ROBOTS_USER_AGENT, url)


def clear_robots_cache() -> None:
    with _robots_lock:
        _robots_cache.clear()
