"""When is a member's issue due? Local send times in IANA time zones, daylight saving included.

Pure module: no ORM, no settings, no clock (``now`` is an argument, an aware datetime).

A member asks for their newsletter at a local time of day (07:00) in their time zone
(Europe/Paris). The edition of a local date is due from that date's 07:00 there, for
``window`` after it, and only if the subscription was confirmed by then (a member who confirms
at 07:05 starts tomorrow). A time that does not exist on a spring-forward day (02:30 in a gap)
is read with the offset before the change, so it falls an hour later on the clock; a time that
happens twice on a fall-back day is its first occurrence. Either way one instant per date, so
one edition per date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA names a member may choose, sorted (UTC first)."""
    names = sorted(name for name in available_timezones() if "/" in name and "Etc/" not in name)
    return ("UTC", *names)


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; UTC for a name this machine does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def slot_instant(edition_date: date, send_time: time, time_zone: str) -> datetime:
    """The UTC instant of ``send_time`` on ``edition_date`` in ``time_zone``."""
    local = datetime.combine(edition_date, send_time.replace(tzinfo=None), tzinfo=zone(time_zone))
    return local.astimezone(UTC)


def edition_due(
    *,
    send_time: time,
    time_zone: str,
    weekday: int | None,
    confirmed_at: datetime | None,
    now: datetime,
    window: timedelta,
) -> date | None:
    """The local date whose edition is due for this member at ``now``, else None.

    ``weekday`` (0 = Monday) limits a weekly newsletter to that day; None means daily.
    """
    local_today = now.astimezone(zone(time_zone)).date()
    # Yesterday too: a window that began late yesterday may still be open after midnight.
    for edition_date in (local_today, local_today - timedelta(days=1)):
        if weekday is not None and edition_date.weekday() != weekday:
            continue
        slot = slot_instant(edition_date, send_time, time_zone)
        if confirmed_at is not None and confirmed_at > slot:
            continue
        if slot <= now < slot + window:
            return edition_date
    return None


def batch_countdowns(
    *, queued: int, batch_size: int, messages_per_second: float, horizon_seconds: float
) -> list[float]:
    """Seconds from now at which to start each batch so ``queued`` messages go out at
    ``messages_per_second`` on average; only the batches that start within ``horizon_seconds``
    (the next run of the planner queues the rest), and always at least one."""
    if queued <= 0:
        return []
    spacing = batch_size / messages_per_second
    batches = -(-queued // batch_size)
    countdowns = [index * spacing for index in range(batches)]
    return [countdown for countdown in countdowns if countdown < horizon_seconds] or [0.0]
