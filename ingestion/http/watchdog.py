"""The total deadline of a request: a watchdog closes the socket when it passes."""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from contextlib import suppress


class Watchdog:
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
    requests of one ``INGESTION_TOTAL_TIMEOUT_SECONDS``.
    """

    def __init__(self) -> None:
        self._reset()
        # A forked worker inherits neither the thread nor, safely, a held lock.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, Watchdog]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, watchdog: Watchdog) -> None:
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

    def _next_due(self) -> Watchdog | None:
        """Pop and return the first watchdog past its deadline (caller holds the lock)."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        if self._heap and self._heap[0][0] <= time.monotonic():
            return heapq.heappop(self._heap)[2]
        return None


_watchdogs = _WatchdogThread()
