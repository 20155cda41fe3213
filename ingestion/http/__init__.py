"""The only package that makes outgoing HTTP requests.

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
The settings ``INGESTION_{CONNECT,READ,TOTAL}_TIMEOUT_SECONDS`` and
``INGESTION_HOST_DELAY_SECONDS`` set the timeouts and the pause between two requests to a host.

Modules: ``errors`` (what a fetch raises), ``limits`` (sizes, timeouts, identity),
``addresses`` (the address policy and local overrides), ``politeness`` (per-host slots),
``watchdog`` (the total deadline), ``client`` (:func:`fetch`) and ``robots``. Import the
public names from here.
"""

from ingestion.http.addresses import address_refusal, host_override, serve_hosts_from
from ingestion.http.client import FetchResult, fetch
from ingestion.http.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    ConnectionFetchError,
    DecodingError,
    FetchError,
    HostBusyError,
    HTTPStatusError,
    RobotsDisallowedError,
    TimeoutFetchError,
    TooManyRedirectsError,
    UnsupportedSchemeError,
)
from ingestion.http.limits import (
    MAX_BODY_BYTES,
    MAX_CONCURRENT_REQUESTS_PER_HOST,
    MAX_REDIRECTS,
    ROBOTS_USER_AGENT,
    USER_AGENT,
)
from ingestion.http.robots import clear_robots_cache, robots_allows

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_CONCURRENT_REQUESTS_PER_HOST",
    "MAX_REDIRECTS",
    "ROBOTS_USER_AGENT",
    "USER_AGENT",
    "BlockedAddressError",
    "BodyTooLargeError",
    "ConnectionFetchError",
    "DecodingError",
    "FetchError",
    "FetchResult",
    "HTTPStatusError",
    "HostBusyError",
    "RobotsDisallowedError",
    "TimeoutFetchError",
    "TooManyRedirectsError",
    "UnsupportedSchemeError",
    "address_refusal",
    "clear_robots_cache",
    "fetch",
    "host_override",
    "robots_allows",
    "serve_hosts_from",
]
