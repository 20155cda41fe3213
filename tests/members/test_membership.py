from datetime import UTC, datetime, timedelta

import pytest

from members.membership import MembershipTerms, extended_until, is_premium_at

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
END = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PREMIUM = MembershipTerms("premium", START, END)


def test_premium_terms_are_premium_between_start_and_end():
    assert is_premium_at(PREMIUM, START + timedelta(days=3))


def test_premium_starts_exactly_at_valid_from():
    assert is_premium_at(PREMIUM, START)


def test_premium_is_gone_at_the_minute_it_ends():
    assert not is_premium_at(PREMIUM, END)


def test_premium_still_holds_a_minute_before_it_ends():
    assert is_premium_at(PREMIUM, END - timedelta(minutes=1))


def test_premium_does_not_hold_before_it_starts():
    assert not is_premium_at(PREMIUM, START - timedelta(minutes=1))


def test_open_ended_premium_holds_far_in_the_future():
    assert is_premium_at(MembershipTerms("premium", START, None), START + timedelta(days=3650))


def test_free_terms_are_never_premium():
    assert not is_premium_at(MembershipTerms("free", START, None), START + timedelta(days=1))


def test_no_terms_are_not_premium():
    assert not is_premium_at(None, START)


def test_extending_active_premium_adds_days_after_the_current_end():
    assert extended_until(PREMIUM, now=START + timedelta(days=1), days=30) == (
        START,
        END + timedelta(days=30),
    )


def test_extending_lapsed_premium_starts_again_now():
    now = END + timedelta(days=2)
    assert extended_until(PREMIUM, now=now, days=30) == (now, now + timedelta(days=30))


def test_extending_without_a_membership_starts_now():
    assert extended_until(None, now=START, days=7) == (START, START + timedelta(days=7))


def test_extending_by_zero_days_is_refused():
    with pytest.raises(ValueError, match="positive"):
        extended_until(PREMIUM, now=START, days=0)


def test_extending_open_ended_premium_is_refused():
    with pytest.raises(ValueError, match="no end date"):
        extended_until(MembershipTerms("premium", START, None), now=START, days=7)
