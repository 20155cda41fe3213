"""Membership arithmetic: is a set of terms premium at an instant, and where does an extension end.

Pure module: no ORM, no settings, no clock (``now`` is always an argument, an aware datetime).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

PREMIUM_TIER = "premium"


@dataclass(frozen=True)
class MembershipTerms:
    tier: str
    valid_from: datetime
    valid_until: datetime | None  # exclusive end; None means no end date


def is_premium_at(terms: MembershipTerms | None, now: datetime) -> bool:
    """True when ``terms`` are Premium and ``now`` is inside ``[valid_from, valid_until)``.

    Compared to the microsecond, so a membership ending at 12:00 is gone at 12:00:00.
    """
    if terms is None or terms.tier != PREMIUM_TIER:
        return False
    if now < terms.valid_from:
        return False
    return terms.valid_until is None or now < terms.valid_until


def extended_until(
    terms: MembershipTerms | None, *, now: datetime, days: int
) -> tuple[datetime, datetime]:
    """``(valid_from, valid_until)`` after adding ``days`` of premium.

    An active premium period is lengthened from its current end (a reader who renews early
    loses nothing); a lapsed, free or missing one starts again at ``now``. An active
    open-ended period has no end to move, so extending it is refused (``ValueError``).
    """
    if days <= 0:
        raise ValueError("days must be positive")
    if terms is not None and is_premium_at(terms, now) and terms.valid_until is None:
        raise ValueError("this premium membership has no end date to extend")
    if terms is not None and is_premium_at(terms, now) and terms.valid_until is not None:
        return terms.valid_from, terms.valid_until + timedelta(days=days)
    return now, now + timedelta(days=days)
