"""robots.txt: fetched through the client, cached per origin, asked before each page."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from urllib.parse import urlsplit

from ingestion.http.errors import HTTPStatusError
from ingestion.http.limits import ROBOTS_CACHE_SECONDS, ROBOTS_MAX_BYTES, ROBOTS_USER_AGENT

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
            # The client asks this module before each page, so it is imported when needed.
            from ingestion.http.client import fetch

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
