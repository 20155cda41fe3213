"""Poll scheduling: pure functions of the feed's history and ``now``."""

from datetime import UTC, datetime, timedelta

from ingestion import schedule

NOW = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)


def test_a_changing_feed_is_polled_twice_as_often():
    assert schedule.next_interval_after_success(interval_seconds=1800, changed=True) == 900


def test_an_unchanged_feed_is_polled_less_often():
    assert schedule.next_interval_after_success(interval_seconds=1800, changed=False) == 2700


def test_the_interval_never_drops_below_five_minutes():
    assert schedule.next_interval_after_success(interval_seconds=360, changed=True) == 300


def test_the_interval_never_exceeds_six_hours():
    assert schedule.next_interval_after_success(interval_seconds=20000, changed=False) == 21600


def test_the_next_poll_without_jitter_is_exactly_one_interval_away():
    interval, when = schedule.next_fetch_after_success(
        interval_seconds=1800, changed=False, now=NOW, jitter=0.5
    )

    assert when == NOW + timedelta(seconds=interval)


def test_jitter_stays_within_ten_percent():
    _, early = schedule.next_fetch_after_success(
        interval_seconds=1800, changed=False, now=NOW, jitter=0.0
    )
    _, late = schedule.next_fetch_after_success(
        interval_seconds=1800, changed=False, now=NOW, jitter=0.999
    )

    assert NOW + timedelta(seconds=2430) <= early < late <= NOW + timedelta(seconds=2970)


def test_backoff_doubles_with_each_consecutive_failure():
    delays = [
        schedule.backoff_seconds(interval_seconds=600, consecutive_failures=n) for n in (1, 2, 3)
    ]

    assert delays == [600, 1200, 2400]


def test_backoff_is_capped_at_a_day():
    assert schedule.backoff_seconds(interval_seconds=600, consecutive_failures=50) == 86400


def test_retry_after_lengthens_the_backoff():
    assert (
        schedule.backoff_seconds(
            interval_seconds=600, consecutive_failures=1, retry_after_seconds=7200
        )
        == 7200
    )


def test_jitter_never_brings_a_retry_after_forward():
    when = schedule.next_fetch_after_failure(
        interval_seconds=300, consecutive_failures=1, now=NOW, retry_after_seconds=7200, jitter=0
    )

    assert when >= NOW + timedelta(seconds=7200)


def test_retry_after_in_seconds_is_parsed():
    assert schedule.parse_retry_after("120", now=NOW) == 120


def test_retry_after_as_an_http_date_is_parsed():
    assert schedule.parse_retry_after("Wed, 18 Feb 2026 13:00:00 GMT", now=NOW) == 3600


def test_an_unreadable_retry_after_is_ignored():
    assert schedule.parse_retry_after("soon", now=NOW) is None


def test_an_absurd_retry_after_is_capped_at_a_day():
    assert schedule.parse_retry_after("99999999", now=NOW) == 86400


def test_the_beat_schedule_names_existing_ingestion_tasks(settings):
    from ingestion import tasks

    names = {
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"].startswith("ingestion.")
    }

    assert names == {f"ingestion.tasks.{t}" for t in ("feed_enqueue_due", "article_requeue_stuck")}
    assert all(hasattr(tasks, name.rsplit(".", 1)[1]) for name in names)
