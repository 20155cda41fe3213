"""When to poll a feed next. Pure: take ``now`` and return times; no clock, no ORM.

* After a successful poll the interval adapts to how often the feed changes: halved when the
  feed had new entries, grown by half when it did not, within [5 min, 6 h].
* After a failure the next poll backs off exponentially from the current interval, capped at
  24 h, and never earlier than the server's Retry-After. Failures never disable a feed: a DNS
  outage must not silence an outlet for good; only an editor pauses a feed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

MIN_POLL_INTERVAL_SECONDS = 5 * 60
MAX_POLL_INTERVAL_SECONDS = 6 * 60 * 60
MAX_BACKOFF_SECONDS = 24 * 60 * 60
# Retry-After beyond this is ignored in favour of our own cap.
MAX_RETRY_AFTER_SECONDS = MAX_BACKOFF_SECONDS
# The share of an interval that is randomised, so feeds added together do not poll together.
JITTER_FRACTION = 0.1
# How long an enqueued feed is considered claimed before beat may enqueue it again.
CLAIM_SECONDS = 10 * 60
# A pending article untouched for this long has lost its task (worker killed, queue lost).
STUCK_ARTICLE_MINUTES = 15
# After this many attempts a page is treated as poison and the article marked failed.
MAX_ARTICLE_ATTEMPTS = 5


def _clamp(seconds: float, low: int, high: int) -> int:
    return int(min(max(seconds, low), high))


def _jittered(seconds: float, jitter: float) -> float:
    """``jitter`` in [0, 1) spreads the result over ±JITTER_FRACTION of ``seconds``."""
    return seconds * (1 + JITTER_FRACTION * (2 * jitter - 1))


def next_interval_after_success(*, interval_seconds: int, changed: bool) -> int:
    """The poll interval after a successful fetch (a 304 counts as unchanged)."""
    factor = 0.5 if changed else 1.5
    return _clamp(interval_seconds * factor, MIN_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS)


def next_fetch_after_success(
    *, interval_seconds: int, changed: bool, now: datetime, jitter: float = 0.5
) -> tuple[int, datetime]:
    """(new interval, time of the next poll) after a successful fetch."""
    interval = next_interval_after_success(interval_seconds=interval_seconds, changed=changed)
    return interval, now + timedelta(seconds=_jittered(interval, jitter))


def parse_retry_after(value: str | None, *, now: datetime) -> int | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        seconds = int(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = int((when - now).total_seconds())
    return max(0, min(seconds, MAX_RETRY_AFTER_SECONDS))


def backoff_seconds(
    *, interval_seconds: int, consecutive_failures: int, retry_after_seconds: int | None = None
) -> int:
    """Delay before the next poll after ``consecutive_failures`` failures in a row (≥ 1)."""
    exponent = min(max(consecutive_failures - 1, 0), 20)
    delay = min(max(interval_seconds, MIN_POLL_INTERVAL_SECONDS) * 2**exponent, MAX_BACKOFF_SECONDS)
    if retry_after_seconds is not None:
        delay = max(delay, retry_after_seconds)
    return int(delay)


def next_fetch_after_failure(
    *,
    interval_seconds: int,
    consecutive_failures: int,
    now: datetime,
    retry_after_seconds: int | None = None,
    jitter: float = 0.5,
) -> datetime:
    delay = backoff_seconds(
        interval_seconds=interval_seconds,
        consecutive_failures=consecutive_failures,
        retry_after_seconds=retry_after_seconds,
    )
    # Jitter only ever delays a Retry-After, never brings it forward.
    jittered = _jittered(delay, jitter)
    if retry_after_seconds is not None:
        jittered = max(jittered, retry_after_seconds)
    return now + timedelta(seconds=min(jittered, MAX_BACKOFF_SECONDS * (1 + JITTER_FRACTION)))
