"""`manage.py serve` runs beat's schedule in-process in the embedded mode, beside the web
server: live ingestion keeps going, and members' newsletters go out, in the demo too."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from embedded.beat import InProcessBeat, PeriodicEntry, UnsupportedSchedule, periodic_entries
from embedded.management.commands.serve import _run_beat_forever, background_beat
from newsletters.models import Delivery, DeliveryStatus
from stories.models import Article
from tests.conftest import wait_for
from tests.factories import UserFactory, story_with_articles
from tests.newsletters.conftest import parts, subscribe


def run_in_background(beat: InProcessBeat, until: Callable[[], bool], message: str) -> None:
    stop = threading.Event()
    loop = threading.Thread(target=_run_beat_forever, args=(stop, beat), daemon=True)
    loop.start()
    try:
        wait_for(until, timeout=30, message=message)
    finally:
        stop.set()
        loop.join(timeout=30)
    assert not loop.is_alive()


@pytest.mark.django_db(transaction=True)
def test_the_background_beat_ingests_due_feeds_at_once(server, make_feed, eager_tasks):
    make_feed(server.url("/small.xml"))

    run_in_background(
        background_beat(demo=False),
        until=lambda: Article.objects.count() == 2,
        message="the feed's entries",
    )


@pytest.mark.django_db(transaction=True)
def test_a_demo_members_briefing_goes_out_at_their_time(smtp, eager_tasks):
    """The demo fetches no feeds, but a member who signed up gets the briefing: the in-process
    beat plans it and the mail reaches the SMTP server."""
    send_at = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
    with time_machine.travel(send_at - timedelta(hours=2), tick=False):
        story_with_articles(4, headline="Harbour bridge reopens after repairs")
        member = UserFactory(email="demo-reader@example.org")
        subscribe(member, send_time=time(7, 0), time_zone="UTC")

    with time_machine.travel(send_at + timedelta(minutes=1), tick=True):
        run_in_background(
            background_beat(demo=True),
            until=lambda: len(smtp.messages) == 1,
            message="the briefing in the member's inbox",
        )

    text, _ = parts(smtp.messages[0])
    assert "Harbour bridge reopens after repairs" in text
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    # The demo's corpus is left alone: no feed fetch, no retention, no story upkeep.
    assert {entry.task.split(".")[0] for entry in background_beat(demo=True).entries} == {
        "newsletters"
    }


def test_every_entry_runs_at_start_then_once_per_interval():
    merge = PeriodicEntry("merge", "stories.tasks.merge", timedelta(minutes=15))
    sweep = PeriodicEntry("sweep", "stories.tasks.sweep", timedelta(minutes=1))
    beat = InProcessBeat([merge, sweep])
    start = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

    assert beat.due(start) == [merge, sweep]
    assert beat.due(start + timedelta(seconds=30)) == []
    assert beat.due(start + timedelta(minutes=1)) == [sweep]
    assert beat.due(start + timedelta(minutes=15)) == [merge, sweep]
    assert beat.poll_interval() == timedelta(minutes=1)


def test_the_whole_settings_schedule_runs_in_the_live_embedded_mode(settings):
    live = {entry.task for entry in background_beat(demo=False).entries}

    assert live == {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_a_schedule_the_in_process_beat_cannot_honour_is_refused():
    from celery.schedules import crontab

    with pytest.raises(UnsupportedSchedule, match="nightly"):
        periodic_entries({"nightly": {"task": "stories.tasks.x", "schedule": crontab(hour=3)}})
