"""The client's limits and identity, with the settings that may override some of them."""

from __future__ import annotations

from django.conf import settings

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


def configured(name: str, default: float) -> float:
    """``settings.<name>`` when set, else ``default``."""
    return float(getattr(settings, name, default))
