"""Per-host politeness: concurrent request slots (shared through the cache) and pauses."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from ingestion.http.addresses import host_override, local_routes
from ingestion.http.errors import HostBusyError
from ingestion.http.limits import (
    MAX_CONCURRENT_REQUESTS_PER_HOST,
)

logger = logging.getLogger(__name__)


def _shared_slot(host: str) -> str | None:
    """Claim one of the host's ``MAX_CONCURRENT_REQUESTS_PER_HOST`` slots in the shared cache.

    The cache is Redis in services mode, so the limit holds across worker processes. Returns
    the claimed key, or None when the cache is unreachable (the in-process limit still holds).
    Raises :class:`HostBusyError` when no slot frees up within the wait.
    """
    wait_until = time.monotonic() + settings.INGESTION_HOST_SLOT_WAIT_SECONDS
    # A slot outlives a crashed holder by at most this long.
    expiry = int(settings.INGESTION_TOTAL_TIMEOUT_SECONDS) + 10
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
            delay = settings.INGESTION_HOST_DELAY_SECONDS
            if local_routes.overrides and host_override(host) is not None:
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


host_gate = _HostGate()
