"""The address policy: which hosts and addresses may be contacted, and local overrides."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings

from ingestion.http.errors import BlockedAddressError, ConnectionFetchError

# Addresses that `is_global` misses or that deserve an explicit name in the error message.
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


@dataclass
class LocalRoutes:
    """Hosts served from a local server for a while (see :func:`serve_hosts_from`)."""

    overrides: dict[str, str] = field(default_factory=dict)
    addresses: frozenset[str] = frozenset()


local_routes = LocalRoutes()


@contextmanager
def serve_hosts_from(address: str, hosts: Iterable[str] = ("*",)) -> Iterator[None]:
    """Send requests for ``hosts`` (and their subdomains; ``"*"``: every host) to the loopback
    server at ``address`` ("127.0.0.1:port") while the block runs, without a politeness pause.

    Replays, the demo and benchmarks use it; only that exact address is allowed, so every other
    loopback port stays refused. It changes this process, like a settings override would.
    """
    previous = LocalRoutes(dict(local_routes.overrides), local_routes.addresses)
    local_routes.overrides.update(dict.fromkeys(hosts, address))
    local_routes.addresses = previous.addresses | {address}
    try:
        yield
    finally:
        local_routes.overrides = previous.overrides
        local_routes.addresses = previous.addresses


def _loopback_allowance() -> bool | frozenset[str]:
    value = settings.INGESTION_ALLOW_LOOPBACK
    if isinstance(value, bool | int):
        return bool(value) or (local_routes.addresses or False)
    return frozenset(str(v) for v in value) | local_routes.addresses


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


def resolve(host: str, port: int) -> list[tuple[int, str]]:
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


def host_override(host: str) -> tuple[str, int] | None:
    """The ``(address, port)`` that ``settings.INGESTION_HOST_OVERRIDES`` sends ``host`` to.

    The setting maps a domain to ``"address:port"`` and covers its subdomains, like an
    /etc/hosts entry (``"*"`` covers every host); :func:`serve_hosts_from` adds to it for a
    while. The address still has to pass the address policy.
    """
    overrides = {**settings.INGESTION_HOST_OVERRIDES}
    overrides.update(local_routes.overrides)
    labels = host.lower().rstrip(".").split(".")
    # "*" catches every host: a replay serves all outlets from one server.
    for key in [".".join(labels[start:]) for start in range(len(labels))] + ["*"]:
        target = overrides.get(key)
        if target:
            address, _, port = str(target).rpartition(":")
            return address.strip("[]"), int(port)
    return None
