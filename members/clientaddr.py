"""The client address of a request: the one place every per-IP limit asks.

Behind reverse proxies, ``REMOTE_ADDR`` is the nearest proxy's address, shared by every
reader. Each proxy appends the address it was reached from to ``X-Forwarded-For``, so with
``NEWSDESK_TRUSTED_PROXY_COUNT = N`` the client is the Nth entry from the right: entries further
left were written by the client itself and prove nothing. With N = 0 (the default) the header
is never read, so a client cannot choose its own address by sending one.

This holds only if the web process is reachable through the proxies alone (compose: do not
publish gunicorn's port beside the proxy's).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN_ADDRESS = "unknown"
# One IPv6 subscriber usually holds a whole /64: limits count the network, not each address.
IPV6_LIMIT_PREFIX = 64


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address, tolerating a port; None if it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def forwarded_client_address(*, remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The client's address given the peer address, the X-Forwarded-For value and the number
    of trusted proxies in front of us. Pure; falls back to ``remote_addr`` whenever the header
    cannot have been written by that many proxies (too few entries, or not an address)."""
    peer = _address(remote_addr) or remote_addr or UNKNOWN_ADDRESS
    if trusted_proxies <= 0:
        return peer
    # Empty entries ("a,,b") can only come from the client's part on the left: drop them.
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        return peer
    return _address(hops[-trusted_proxies]) or peer


def client_address(request: HttpRequest | None) -> str:
    """The address of the client that sent ``request`` (see the module docstring)."""
    if request is None:
        return UNKNOWN_ADDRESS
    return forwarded_client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_proxies=settings.NEWSDESK_TRUSTED_PROXY_COUNT,
    )


def limit_bucket(address: str) -> str:
    """What a per-IP limit counts: the address itself, or its /64 network for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:198.51.100.7 is that IPv4 client
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_LIMIT_PREFIX}", strict=False))
    return str(parsed)
