"""Which article links ``/go/<id>/`` may redirect to. Pure module."""

from __future__ import annotations

from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})


def safe_outbound_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None.

    Everything else (``javascript:``, ``data:``, scheme-relative ``//host``, relative paths,
    URLs with whitespace or control characters) is refused so the redirect can never be
    turned into an open redirect or a script URL.
    """
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        return None
    return url
