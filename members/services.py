"""Writes to memberships, the read log and readers' choices (follows, mutes, saved stories,
edition). Every membership change records who and why.

All membership writes lock the reader's row (``select_for_update``) and append a
``MembershipEvent`` in the same transaction, so concurrent grants (an admin and a payment
webhook, say) apply one after the other and the history matches the final state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from members import reader_cache
from members.membership import MembershipTerms, extended_until
from members.models import (
    ApiToken,
    EditionChoice,
    GrantOrigin,
    Membership,
    MembershipAction,
    MembershipEvent,
    PremiumRequest,
    PremiumRequestStatus,
    ReadEvent,
    SavedStory,
    SourceFollow,
    SourceMute,
    Tier,
    TopicFollow,
)
from members.tokens import DISPLAY_PREFIX_CHARS, new_token, token_digest
from sources.models import Source
from stories.models import Article, Story, Topic

logger = logging.getLogger(__name__)


def _locked_membership(user: User) -> Membership | None:
    return Membership.objects.select_for_update().filter(user=user).first()


def _terms(membership: Membership | None) -> MembershipTerms | None:
    if membership is None:
        return None
    return MembershipTerms(membership.tier, membership.valid_from, membership.valid_until)


def _write(
    *,
    user: User,
    membership: Membership | None,
    action: str,
    tier: str,
    valid_from: datetime,
    valid_until: datetime | None,
    actor: User | None,
    reason: str,
    origin: str,
    external_reference: str = "",
) -> Membership:
    if not reason.strip():
        raise ValueError("a membership change needs a reason")
    previous_tier = membership.tier if membership else ""
    previous_until = membership.valid_until if membership else None
    if membership is None:
        membership = Membership(user=user)
    membership.tier = tier
    membership.valid_from = valid_from
    membership.valid_until = valid_until
    membership.granted_by = actor
    membership.reason = reason
    membership.origin = origin
    if external_reference:
        membership.external_reference = external_reference
    membership.save()
    MembershipEvent.objects.create(
        user=user,
        action=action,
        tier=tier,
        valid_from=valid_from,
        valid_until=valid_until,
        previous_tier=previous_tier,
        previous_valid_until=previous_until,
        actor=actor,
        reason=reason,
        origin=origin,
        external_reference=external_reference,
    )
    return membership


def membership_grant_premium(
    *,
    user: User,
    actor: User | None,
    reason: str,
    origin: str,
    days: int | None = None,
    valid_until: datetime | None = None,
    now: datetime | None = None,
) -> Membership:
    """Premium from ``now`` for ``days`` days, or until ``valid_until`` (None and no days: no
    end date). Replaces the current terms; use ``membership_extend_premium`` to add time."""
    now = now or timezone.now()
    if days is not None:
        if days <= 0:
            raise ValueError("days must be positive")
        valid_until = now + timedelta(days=days)
    if valid_until is not None and valid_until <= now:
        raise ValueError("valid_until must be in the future")
    with transaction.atomic():
        membership = _locked_membership(user)
        return _write(
            user=user,
            membership=membership,
            action=MembershipAction.GRANT,
            tier=Tier.PREMIUM,
            valid_from=now,
            valid_until=valid_until,
            actor=actor,
            reason=reason,
            origin=origin,
        )


def membership_extend_premium(
    *,
    user: User,
    days: int,
    actor: User | None,
    reason: str,
    origin: str,
    now: datetime | None = None,
) -> Membership:
    """Add ``days`` of premium: after the current end if active, else starting ``now``."""
    now = now or timezone.now()
    with transaction.atomic():
        membership = _locked_membership(user)
        valid_from, valid_until = extended_until(_terms(membership), now=now, days=days)
        return _write(
            user=user,
            membership=membership,
            action=MembershipAction.EXTEND,
            tier=Tier.PREMIUM,
            valid_from=valid_from,
            valid_until=valid_until,
            actor=actor,
            reason=reason,
            origin=origin,
        )


def membership_revoke_premium(
    *,
    user: User,
    actor: User | None,
    reason: str,
    origin: str,
    now: datetime | None = None,
) -> Membership | None:
    """Back to Free from ``now``. Returns None (and records nothing) if there was no row."""
    now = now or timezone.now()
    with transaction.atomic():
        membership = _locked_membership(user)
        if membership is None:
            return None
        valid_from = min(membership.valid_from, now - timedelta(microseconds=1))
        return _write(
            user=user,
            membership=membership,
            action=MembershipAction.REVOKE,
            tier=Tier.FREE,
            valid_from=valid_from,
            valid_until=now,
            actor=actor,
            reason=reason,
            origin=origin,
        )


def membership_set_from_payment(
    *,
    user: User,
    paid_until: datetime | None,
    external_reference: str,
    reason: str,
    now: datetime | None = None,
) -> Membership:
    """What a payment provider's webhook calls: premium until ``paid_until`` (exclusive), or
    Free from ``now`` when ``paid_until`` is None or past (cancelled, refunded, lapsed).

    Idempotent: webhooks are redelivered, and setting the same end twice changes nothing but
    the history. ``external_reference`` is the provider's subscription id.
    """
    now = now or timezone.now()
    with transaction.atomic():
        membership = _locked_membership(user)
        paying = paid_until is not None and paid_until > now
        if paying:
            keeps_start = (
                membership is not None
                and membership.tier == Tier.PREMIUM
                and membership.valid_from <= now
            )
            valid_from = membership.valid_from if keeps_start and membership else now
            tier, valid_until = Tier.PREMIUM, paid_until
        else:
            start = membership.valid_from if membership else now
            valid_from = min(start, now - timedelta(microseconds=1))
            tier, valid_until = Tier.FREE, now
        return _write(
            user=user,
            membership=membership,
            action=MembershipAction.SET,
            tier=tier,
            valid_from=valid_from,
            valid_until=valid_until,
            actor=None,
            reason=reason,
            origin=GrantOrigin.PAYMENT,
            external_reference=external_reference,
        )


def read_event_record(*, user: User, article: Article, now: datetime | None = None) -> ReadEvent:
    return ReadEvent.objects.create(user=user, article=article, read_at=now or timezone.now())


def read_history_delete(*, user: User, read_event_id: int | None = None) -> int:
    """Delete one of ``user``'s read events (by id) or all of them; returns how many went.

    Filtering by ``user`` is the ownership check: another reader's id deletes nothing.
    """
    events = ReadEvent.objects.filter(user=user)
    if read_event_id is not None:
        events = events.filter(id=read_event_id)
    deleted, _ = events.delete()
    return deleted


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``; returns the row and the token, which is never stored."""
    token = new_token()
    row = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        digest=token_digest(token),
        prefix=token[:DISPLAY_PREFIX_CHARS],
    )
    return row, token


def api_token_revoke(*, user: User, token_id: int, now: datetime | None = None) -> bool:
    """Revoke one of ``user``'s tokens; False if it is not theirs or already revoked."""
    return _revoke(ApiToken.objects.filter(user=user, id=token_id), now=now) == 1


def api_token_revoke_all(*, user: User, now: datetime | None = None) -> int:
    """Revoke every active token of ``user`` (after a password reset, or when they sign out
    everywhere); returns how many were revoked."""
    return _revoke(ApiToken.objects.filter(user=user), now=now)


def _revoke(tokens: QuerySet[ApiToken], *, now: datetime | None) -> int:
    return tokens.filter(revoked_at=None).update(revoked_at=now or timezone.now())


def premium_request_create(
    *,
    user: User | None,
    name: str,
    email: str,
    message: str,
    admin_url: Callable[[PremiumRequest], str],
) -> PremiumRequest:
    """Store a reader's request for Premium (for the admin) and, once committed, mail it to the
    editors' addresses if the site has any (``MEMBERS_EDITORS_EMAILS``). ``admin_url`` gives
    the absolute address of the request's admin page, for the mail."""
    request = PremiumRequest.objects.create(user=user, name=name, email=email, message=message)
    if settings.MEMBERS_EDITORS_EMAILS:
        transaction.on_commit(partial(_premium_request_mail, request, admin_url(request)))
    return request


def _premium_request_mail(request: PremiumRequest, admin_url: str) -> None:
    # The reader's words go out as plain text, and only in the body: the subject is ours.
    body = render_to_string(
        "members/premium_request_email.txt", {"request": request, "admin_url": admin_url}
    )
    try:
        send_mail(
            "Newsdesk: a reader asks for Premium",
            body,
            None,
            list(settings.MEMBERS_EDITORS_EMAILS),
        )
    except OSError:
        # The request is stored and listed in the admin; a mail server that is down must not
        # turn the reader's message into an error page.
        logger.exception("request for Premium %s stored but not mailed to the editors", request.pk)


def premium_request_set_status(
    *, request: PremiumRequest, status: str, actor: User | None, now: datetime | None = None
) -> PremiumRequest:
    """Mark a request new, read or handled; handling records who and when."""
    request.status = status
    if status == PremiumRequestStatus.HANDLED:
        request.handled_at = now or timezone.now()
        request.handled_by = actor
    else:
        request.handled_at = None
        request.handled_by = None
    request.save(update_fields=["status", "handled_at", "handled_by"])
    return request


# Following, muting, saving and the edition: idempotent, so a double click or a replayed
# form changes nothing more.


def _choice_set(model: Any, *, on: bool, **fields: Any) -> bool:
    """Create (``on``) or delete the choice row; True when something changed."""
    if on:
        _, changed = model.objects.get_or_create(**fields)
    else:
        deleted, _ = model.objects.filter(**fields).delete()
        changed = bool(deleted)
    if changed:
        user = fields["user"]
        reader_cache.choices_changed(user_id=user.pk)
    return changed


def topic_follow_set(*, user: User, topic: Topic, follow: bool) -> bool:
    return _choice_set(TopicFollow, on=follow, user=user, topic=topic)


def source_follow_set(*, user: User, source: Source, follow: bool) -> bool:
    return _choice_set(SourceFollow, on=follow, user=user, source=source)


def source_mute_set(*, user: User, source: Source, mute: bool) -> bool:
    return _choice_set(SourceMute, on=mute, user=user, source=source)


def story_saved_set(*, user: User, story: Story, saved: bool) -> bool:
    return _choice_set(SavedStory, on=saved, user=user, story=story)


def edition_choose(*, user: User, edition: str) -> None:
    EditionChoice.objects.update_or_create(user=user, defaults={"edition": edition})
    reader_cache.preferences_forget(user_id=user.pk)
