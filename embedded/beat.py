"""The embedded mode's beat: ``settings.CELERY_BEAT_SCHEDULE`` run in-process on its intervals.

With services configured, Celery beat sends each entry of the schedule to the workers. The
embedded mode has neither, and tasks run eagerly, so ``manage.py serve`` keeps one background
thread that calls each entry's task when its interval has passed: feeds are fetched, lost work
is swept, stories are merged, old text is dropped and newsletters go out as they would with
beat, from the same schedule (an entry added to the settings runs here too).

``PeriodicEntry`` / ``periodic_entries`` read the schedule; ``InProcessBeat`` decides what is
due (no clock of its own: the caller passes the time, so tests and the stories benchmark can
run it in simulated time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery.schedules import schedule as interval_schedule


@dataclass(frozen=True)
class PeriodicEntry:
    name: str
    task: str
    interval: timedelta
    args: tuple = ()
    kwargs: Mapping[str, object] = field(default_factory=dict)


class UnsupportedSchedule(ValueError):
    """A beat entry that is not a plain interval (crontab, solar): the in-process beat
    cannot honour it, and silently skipping it would leave its work undone."""


def periodic_entries(
    schedule: Mapping[str, Mapping[str, Any]], *, include: Callable[[str], bool] = lambda _: True
) -> list[PeriodicEntry]:
    """The entries of a beat schedule whose task name passes ``include``, by name."""
    entries = []
    for name, entry in sorted(schedule.items()):
        if not include(entry["task"]):
            continue
        every = entry["schedule"]
        if isinstance(every, int | float):
            every = timedelta(seconds=every)
        elif isinstance(every, interval_schedule):
            every = timedelta(seconds=every.seconds)
        if not isinstance(every, timedelta):
            raise UnsupportedSchedule(f"beat entry {name}: only interval schedules run in-process")
        entries.append(
            PeriodicEntry(
                name=name,
                task=entry["task"],
                interval=every,
                args=tuple(entry.get("args", ())),
                kwargs=dict(entry.get("kwargs", {})),
            )
        )
    return entries


class InProcessBeat:
    """Which entries are due at a given time. Every entry is due at the first call (beat
    also runs each entry when it starts), then once its interval has passed since it last ran."""

    def __init__(self, entries: Iterable[PeriodicEntry]) -> None:
        self.entries = list(entries)
        self._last_run: dict[str, datetime] = {}

    def due(self, now: datetime) -> list[PeriodicEntry]:
        """The entries due at ``now``, marked as run at ``now``."""
        found = []
        for entry in self.entries:
            last = self._last_run.get(entry.name)
            if last is None or now - last >= entry.interval:
                self._last_run[entry.name] = now
                found.append(entry)
        return found

    def poll_interval(self) -> timedelta:
        """How often to ask: the shortest interval, so no entry runs late by more than it."""
        return min((entry.interval for entry in self.entries), default=timedelta(minutes=1))
