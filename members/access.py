"""Does this user have premium right now? The answer behind ``stories.access``.

``stories.access.viewer_has_premium`` (the one switch every reader surface asks) calls this
function, installed by ``MembersConfig.ready``. Staff have premium: editors must be able to
check what members see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from members.membership import MembershipTerms, is_premium_at
from members.selectors import membership_terms_for_user

# Memoised on the user object so the pages of one request ask the database once (and a signed-in
# reader's account kept by ``members.reader_cache`` carries them), while ``now`` is still
# applied on every call (a request straddling the expiry minute is fine).
_TERMS_ATTRIBUTE = "_members_membership_terms"
_MISSING = object()


def membership_terms_of(user: Any) -> MembershipTerms | None:
    """The user's membership terms, read once per user object."""
    terms = getattr(user, _TERMS_ATTRIBUTE, _MISSING)
    if terms is _MISSING:
        terms = membership_terms_for_user(user_id=user.pk)
        setattr(user, _TERMS_ATTRIBUTE, terms)
    return terms  # type: ignore[return-value]


def user_has_premium(user: Any, *, now: datetime | None = None) -> bool:
    """True for an active staff user or a member whose Premium terms cover ``now``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    if user.is_staff:
        return True
    return is_premium_at(membership_terms_of(user), now or timezone.now())


def forget_cached_terms(user: Any) -> None:
    """Drop the memoised terms (after a grant made within the same request or test)."""
    if hasattr(user, _TERMS_ATTRIBUTE):
        delattr(user, _TERMS_ATTRIBUTE)
