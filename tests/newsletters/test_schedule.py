"""When a member's issue is due: their local time in their time zone, daylight saving too."""

from datetime import UTC, date, datetime, time, timedelta

from newsletters.schedule import batch_countdowns, edition_due, is_time_zone, slot_instant

WINDOW = timedelta(hours=6)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def due(now, *, send_time=time(7, 0), zone="Europe/Paris", weekday=None, confirmed_at=LONG_AGO):
    return edition_due(
        send_time=send_time,
        time_zone=zone,
        weekday=weekday,
        confirmed_at=confirmed_at,
        now=now,
        window=WINDOW,
    )


def test_an_issue_is_not_due_before_the_members_local_time():
    # 05:59 UTC is 06:59 in Paris in winter.
    assert due(datetime(2026, 12, 4, 5, 59, tzinfo=UTC)) is None


def test_an_issue_is_due_from_the_members_local_time():
    assert due(datetime(2026, 12, 4, 6, 0, tzinfo=UTC)) == date(2026, 12, 4)


def test_summer_time_moves_the_utc_instant_an_hour_earlier():
    assert due(datetime(2026, 7, 4, 5, 0, tzinfo=UTC)) == date(2026, 7, 4)
    assert due(datetime(2026, 7, 4, 4, 59, tzinfo=UTC)) is None


def test_a_time_skipped_by_the_spring_change_still_gets_one_slot_that_day():
    # Paris jumps from 02:00 to 03:00 on 29 March 2026; 02:30 does not exist that day.
    slot = slot_instant(date(2026, 3, 29), time(2, 30), "Europe/Paris")
    assert slot == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_that_happens_twice_in_autumn_is_its_first_occurrence():
    # Paris goes back from 03:00 to 02:00 on 25 October 2026: 02:30 happens twice.
    slot = slot_instant(date(2026, 10, 25), time(2, 30), "Europe/Paris")
    assert slot == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_member_east_of_utc_gets_tomorrows_edition_while_utc_is_still_today():
    # 22:30 UTC on the 3rd is 07:30 on the 4th in Tokyo.
    now = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)
    assert due(now, zone="Asia/Tokyo") == date(2026, 12, 4)


def test_an_issue_is_not_sent_after_the_window():
    assert due(datetime(2026, 12, 4, 12, 0, tzinfo=UTC)) is None


def test_a_window_that_crosses_midnight_keeps_yesterdays_edition_due():
    now = datetime(2026, 12, 5, 0, 30, tzinfo=UTC)
    assert due(now, send_time=time(21, 0), zone="UTC") == date(2026, 12, 4)


def test_a_subscription_confirmed_after_todays_time_starts_tomorrow():
    now = datetime(2026, 12, 4, 6, 10, tzinfo=UTC)
    assert due(now, confirmed_at=datetime(2026, 12, 4, 6, 5, tzinfo=UTC)) is None


def test_a_weekly_newsletter_is_due_only_on_its_day():
    monday = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert due(monday, zone="UTC", weekday=0) == date(2026, 12, 7)
    assert due(monday + timedelta(days=1), zone="UTC", weekday=0) is None


def test_only_real_time_zone_names_are_offered():
    assert is_time_zone("America/New_York")
    assert not is_time_zone("Mars/Olympus_Mons")


def test_batches_are_spaced_to_the_rate_and_stop_at_the_horizon():
    # 100 per batch at 20 per second: a batch every 5 s; 120 s hold 24 batches.
    countdowns = batch_countdowns(
        queued=10_000, batch_size=100, messages_per_second=20, horizon_seconds=120
    )
    assert countdowns[:3] == [0.0, 5.0, 10.0]
    assert len(countdowns) == 24


def test_a_few_messages_make_one_batch_at_once():
    assert batch_countdowns(
        queued=3, batch_size=100, messages_per_second=20, horizon_seconds=120
    ) == [0.0]
