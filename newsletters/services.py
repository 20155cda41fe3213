"""Writes: subscriptions (double opt-in, unsubscribe), issues, and sending them.

Sending, and why a member never gets two copies of an issue:

1. The planner (``newsletters_enqueue_due``, run by beat) makes one ``Delivery`` row per due
   member and issue. The unique constraint refuses a second row, so two planners racing (two
   beats firing) make one row between them.
2. A sender (``delivery_send_batch``, one Celery task per batch) claims queued rows with
   ``SELECT … FOR UPDATE SKIP LOCKED`` and marks them claimed in one short transaction; two
   senders of one issue take disjoint rows.
3. Just before a message's SMTP exchange its row is marked *sending*, and *sent* after it (in
   the same statement that marks the next one *sending*: one commit per message).
   A worker that dies leaves *claimed* rows (never tried: released to the queue by the
   planner's sweep) and at most one *sending* row (it may have gone out: marked uncertain,
   never sent again). The mail is at most once; the loss is at most one message per death.

The per-message cost is one UPDATE of two rows; everything else is per batch
(bench/newsletters.py), each member's "From what you follow" included: the batch's members'
follows are read in one query and picked from the pool the issue keeps.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from members.selectors import premium_user_ids
from newsletters import bounces, content, schedule, selectors, tokens
from newsletters.models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Issue,
    Newsletter,
    Subscription,
    SubscriptionStatus,
)
from newsletters.rendering import (
    FollowingRenderer,
    RenderedIssue,
    render_issue,
    unsubscribe_url,
)

logger = logging.getLogger(__name__)

# Claimed or sending rows older than this belong to a dead worker: the batch task's hard time
# limit (newsletters.tasks) is three minutes, so ten leaves a wide margin.
STALE_CLAIM = timedelta(minutes=10)
# An SMTP server that stops answering must not hold a worker until its hard time limit.
SMTP_TIMEOUT_SECONDS = 30


class SubscriptionLinkInvalid(Exception):
    """A confirmation or unsubscribe link that is forged, expired or no longer applies."""


# --- Subscriptions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    send_time: time
    time_zone: str


def subscription_save(
    *, user: User, newsletter: Newsletter, wanted: bool, timing: Timing, now: datetime
) -> Subscription | None:
    """Record the member's choice for ``newsletter``; returns the subscription when a
    confirmation link must be mailed (a new or renewed subscription, or a new address), else
    None. An active subscription only changes its time."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(user=user, newsletter=newsletter)
            .first()
        )
        if not wanted:
            if subscription is not None and subscription.status in (
                SubscriptionStatus.ACTIVE,
                SubscriptionStatus.PENDING,
            ):
                subscription.status = SubscriptionStatus.UNSUBSCRIBED
                subscription.unsubscribed_at = now
                subscription.save(update_fields=["status", "unsubscribed_at", "updated_at"])
            return None
        if subscription is None:
            subscription = Subscription(user=user, newsletter=newsletter, requested_at=now)
        subscription.send_time = timing.send_time
        subscription.time_zone = timing.time_zone
        if (
            subscription.status == SubscriptionStatus.ACTIVE
            and subscription.address
            and subscription.address == user.email
        ):
            subscription.save()
            return None
        subscription.status = SubscriptionStatus.PENDING
        subscription.requested_at = now
        subscription.save()
        return subscription


def subscription_confirmation_mail(*, subscription: Subscription, confirm_url: str) -> None:
    """Mail the subscription's member the link that confirms it (double opt-in)."""
    context = {
        "user": subscription.user,
        "newsletter": subscription.newsletter,
        "subscription": subscription,
        "url": confirm_url,
        "hours": settings.NEWSLETTERS_CONFIRMATION_HOURS,
    }
    subject = render_to_string("newsletters/email/confirm_subject.txt", context).strip()
    body = render_to_string("newsletters/email/confirm_email.txt", context)
    send_mail(subject, body, None, [subscription.user.email])


def subscription_confirmation_token(subscription: Subscription) -> str:
    return tokens.confirmation_token(
        subscription_id=subscription.pk, address=subscription.user.email
    )


def subscription_confirm(*, token: str, now: datetime) -> Subscription:
    """Activate the subscription of a confirmation link; raises ``SubscriptionLinkInvalid``
    unless the link is genuine, unexpired, and its address is still the account's."""
    try:
        subscription_id, address = tokens.confirmation_claim(token)
    except tokens.TokenInvalid as error:
        raise SubscriptionLinkInvalid from error
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("user", "newsletter")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None or subscription.user.email != address or not address:
            raise SubscriptionLinkInvalid
        if subscription.status == SubscriptionStatus.ACTIVE and subscription.address == address:
            return subscription  # the link opened twice
        if subscription.status != SubscriptionStatus.PENDING:
            raise SubscriptionLinkInvalid  # unsubscribed since, or suspended
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.address = address
        subscription.confirmed_at = now
        subscription.save(update_fields=["status", "address", "confirmed_at", "updated_at"])
    return subscription


def subscription_unsubscribe(*, token: str, now: datetime) -> Subscription:
    """Unsubscribe the subscription of an unsubscribe token (idempotent)."""
    try:
        subscription_id = tokens.unsubscribe_subscription_id(token)
    except tokens.TokenInvalid as error:
        raise SubscriptionLinkInvalid from error
    subscription = (
        Subscription.objects.select_related("newsletter").filter(pk=subscription_id).first()
    )
    if subscription is None:
        raise SubscriptionLinkInvalid
    Subscription.objects.filter(
        pk=subscription_id,
        status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PENDING],
    ).update(status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now)
    subscription.refresh_from_db(fields=["status", "unsubscribed_at"])
    return subscription


def subscription_unsubscribe_token(subscription_id: int) -> str:
    return tokens.unsubscribe_token(subscription_id)


# --- Newsletters and issues ------------------------------------------------------------------


def newsletter_set_paused(
    *, newsletter: Newsletter, paused: bool, actor: User | None, now: datetime
) -> None:
    newsletter.paused = paused
    newsletter.paused_at = now if paused else None
    newsletter.paused_by = actor if paused else None
    newsletter.save(update_fields=["paused", "paused_at", "paused_by"])


def issue_content_build(
    *, newsletter: Newsletter, edition_date: date, now: datetime
) -> content.IssueContent:
    """What the edition of ``edition_date`` would say if built at ``now`` (nothing saved)."""
    builder, window, needs_links = content.SECTION_BUILDERS[newsletter.kind]
    candidates = selectors.story_items_since(
        since=now - window, blindspots_only=newsletter.kind == content.BLINDSPOT
    )
    if not needs_links:
        return builder(candidates, edition_date=edition_date, now=now)
    links = selectors.story_links(slugs=[story.slug for story in candidates])
    return builder(candidates, edition_date=edition_date, now=now, links=links)


def issue_get_or_build(*, newsletter: Newsletter, edition_date: date, now: datetime) -> Issue:
    """The edition of ``edition_date``, built now from the stories of the moment if it does
    not exist yet. Two callers racing build one issue between them (unique constraint)."""
    issue = Issue.objects.filter(newsletter=newsletter, edition_date=edition_date).first()
    if issue is not None:
        return issue
    built = issue_content_build(newsletter=newsletter, edition_date=edition_date, now=now)
    try:
        with transaction.atomic():
            return Issue.objects.create(
                newsletter=newsletter,
                edition_date=edition_date,
                subject=built.subject,
                content=built.as_dict(),
                built_at=now,
            )
    except IntegrityError:
        return Issue.objects.get(newsletter=newsletter, edition_date=edition_date)


def issue_next_edition_date(*, newsletter: Newsletter, today: date) -> date:
    """The next edition after ``today`` (tomorrow, or the weekly newsletter's next day)."""
    day = today + timedelta(days=1)
    while newsletter.weekday is not None and day.weekday() != newsletter.weekday:
        day += timedelta(days=1)
    return day


# --- Planning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendPlan:
    issue_id: int
    queued: int


def deliveries_release_stale(*, now: datetime) -> tuple[int, int]:
    """Rows a dead worker left: claimed ones go back to the queue (never tried), sending ones
    become uncertain (never sent again). Returns both counts."""
    cutoff = now - STALE_CLAIM
    released = Delivery.objects.filter(status=DeliveryStatus.CLAIMED, claimed_at__lt=cutoff).update(
        status=DeliveryStatus.QUEUED, claimed_at=None
    )
    uncertain = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=cutoff
    ).update(status=DeliveryStatus.UNCERTAIN, error="the sending worker stopped mid-send")
    if uncertain:
        logger.warning("%s newsletter deliveries interrupted mid-send; not resent", uncertain)
    return released, uncertain


def newsletters_enqueue_due(*, now: datetime) -> list[SendPlan]:
    """Make the deliveries of every member whose local time has come, and say which issues
    have mail waiting (paused newsletters excepted)."""
    deliveries_release_stale(now=now)
    window = timedelta(hours=settings.NEWSLETTERS_SEND_WINDOW_HOURS)
    for newsletter in Newsletter.objects.filter(paused=False):
        due: dict[date, list[int]] = defaultdict(list)
        for timing in selectors.subscription_timings(newsletter_id=newsletter.pk):
            edition_date = schedule.edition_due(
                send_time=timing.send_time,
                time_zone=timing.time_zone,
                weekday=newsletter.weekday,
                confirmed_at=timing.confirmed_at,
                now=now,
                window=window,
            )
            if edition_date is not None:
                due[edition_date].append(timing.id)
        for edition_date, subscription_ids in sorted(due.items()):
            issue = issue_get_or_build(newsletter=newsletter, edition_date=edition_date, now=now)
            if content.IssueContent.from_dict(issue.content).is_empty:
                continue  # a mail saying "nothing today" is not worth an inbox; the page says it
            have = selectors.subscription_ids_with_delivery(
                issue_id=issue.pk, subscription_ids=subscription_ids
            )
            Delivery.objects.bulk_create(
                [
                    Delivery(issue=issue, subscription_id=subscription_id, created_at=now)
                    for subscription_id in subscription_ids
                    if subscription_id not in have
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
    waiting = (
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, issue__newsletter__paused=False)
        .values("issue_id")
        .annotate(queued=Count("id"))
        .order_by("issue_id")
    )
    return [SendPlan(issue_id=row["issue_id"], queued=row["queued"]) for row in waiting]


# --- Sending ---------------------------------------------------------------------------------


@dataclass
class BatchResult:
    sent: int = 0
    bounced: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class _Recipient:
    delivery_id: int
    subscription_id: int
    user_id: int
    address: str


def _claim(*, issue_id: int, batch_size: int, now: datetime) -> list[int]:
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.QUEUED)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:batch_size]
        )
        if ids:
            Delivery.objects.filter(id__in=ids).update(
                status=DeliveryStatus.CLAIMED, claimed_at=now
            )
    return ids


def _recipients(ids: list[int]) -> tuple[list[_Recipient], list[int]]:
    """The claimed rows still to send, and those to skip (unsubscribed meanwhile, account
    closed, or an address that is no longer the account's)."""
    rows = Delivery.objects.filter(id__in=ids).values_list(
        "id",
        "subscription_id",
        "subscription__user_id",
        "subscription__address",
        "subscription__status",
        "subscription__user__email",
        "subscription__user__is_active",
    )
    send, skip = [], []
    for delivery_id, subscription_id, user_id, address, status, email, active in rows:
        if status == SubscriptionStatus.ACTIVE and active and address and address == email:
            send.append(_Recipient(delivery_id, subscription_id, user_id, address))
        else:
            skip.append(delivery_id)
    send.sort(key=lambda recipient: recipient.delivery_id)
    return send, skip


class _FollowingSections:
    """The batch's "From what you follow" sections: the members' follows in one query, the
    issue's pool indexed once, the pieces rendered once; nothing for other newsletters."""

    def __init__(self, issue: Issue, user_ids: list[int]) -> None:
        issue_content = content.IssueContent.from_dict(issue.content)
        self.enabled = issue_content.kind == content.DAILY and bool(user_ids)
        if not self.enabled:
            return
        self.follows = selectors.member_follows(user_ids=user_ids)
        self.pool = content.FollowingPool(issue_content.following_pool)
        self.renderer = FollowingRenderer()

    def for_member(self, user_id: int, *, premium: bool) -> tuple[str, str]:
        if not self.enabled:
            return "", ""
        follows = self.follows.get(user_id, content.NO_FOLLOWS)
        picked = self.pool.pick(follows) if follows.follows_something else ()
        return self.renderer.section(follows, picked, premium=premium)


def _message(
    rendered: RenderedIssue, recipient: _Recipient, following: tuple[str, str], smtp: Any
) -> EmailMultiAlternatives:
    token = tokens.unsubscribe_token(recipient.subscription_id)
    text, html = rendered.for_member(token, following)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=text,
        to=[recipient.address],
        connection=smtp,
        headers={
            # RFC 2369 and RFC 8058: mail clients offer an unsubscribe button that POSTs
            # "List-Unsubscribe=One-Click" to the link, no sign-in needed.
            "List-Unsubscribe": f"<{unsubscribe_url(token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": rendered.list_id,
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _record_refusal(recipient: _Recipient, code: int, reply: bytes | str, now: datetime) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    kind = bounces.classify(code, text)
    Bounce.objects.create(
        address=recipient.address,
        user_id=recipient.user_id,
        delivery_id=recipient.delivery_id,
        kind=kind,
        smtp_code=code,
        smtp_message=text[:500],
        recorded_at=now,
    )
    Delivery.objects.filter(id=recipient.delivery_id).update(
        status=DeliveryStatus.BOUNCED, error=f"{code} {text}"[:500]
    )
    if bounces.suspends(kind):
        # Every newsletter of that address stops, not only this one.
        Subscription.objects.filter(user_id=recipient.user_id, address=recipient.address).exclude(
            status=SubscriptionStatus.UNSUBSCRIBED
        ).update(status=SubscriptionStatus.SUSPENDED, updated_at=now)
    return kind


def _synchronous_commit(*, on: bool) -> None:
    """PostgreSQL: whether this connection's commits wait for the disk (the default).

    Off while a batch marks its messages: a commit is then visible to every other connection
    at once, as before (a dying *worker* loses nothing, so the promise above holds), but
    reaches the disk within a fraction of a second instead of before returning. Waiting for it
    cost more than the SMTP exchange (bench/newsletters.py). Only a crash of the database
    server itself in that fraction of a second can lose marks: messages sent just before it
    may be sent again. Restored before the connection serves anything else.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO " + ("DEFAULT" if on else "OFF"))


# The one statement run per message, written out: compiling the equivalent ORM update (a
# CASE over two conditions) cost more CPU than the rest of a message's work (bench/newsletters.py).
# Only model metadata is formatted in; every value is a parameter.
_DELIVERY_TABLE = Delivery._meta.db_table
_MARK_SQL = (
    f"UPDATE {_DELIVERY_TABLE} "  # noqa: S608
    "SET status = CASE WHEN id = %s THEN %s ELSE %s END, "
    "sent_at = CASE WHEN id = %s THEN %s ELSE sent_at END "
    "WHERE (id = %s AND status = %s) OR (id = %s AND status = %s)"
)


def _mark(*, sent: tuple[int, datetime] | None, sending: int | None) -> bool:
    """In one statement (one commit, the cost that counts per message): the ``sent`` row's
    message went out at its time, the ``sending`` row's is about to. True when ``sending``
    was still claimed by this sender (the sweep releases claims only long after the batch's
    hard time limit, so the ``sent`` row is always still ours)."""
    sent_id, sent_at = sent if sent is not None else (None, None)
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SQL,
            [
                sent_id,
                DeliveryStatus.SENT.value,
                DeliveryStatus.SENDING.value,
                sent_id,
                connection.ops.adapt_datetimefield_value(sent_at),
                sent_id,
                DeliveryStatus.SENDING.value,
                sending,
                DeliveryStatus.CLAIMED.value,
            ],
        )
        updated = cursor.rowcount
    return sending is not None and updated > (0 if sent is None else 1)


def delivery_send_batch(*, issue_id: int, batch_size: int) -> BatchResult:
    """Send up to ``batch_size`` queued copies of one issue over one SMTP connection.

    Claims its rows first (see the module docstring); a refused recipient is recorded as a
    bounce or complaint; a lost connection leaves the unsent rows queued again and raises.
    """
    result = BatchResult()
    issue = Issue.objects.select_related("newsletter").filter(pk=issue_id).first()
    if issue is None or issue.newsletter.paused:
        return result
    now = timezone.now()
    ids = _claim(issue_id=issue_id, batch_size=batch_size, now=now)
    if not ids:
        return result
    recipients, skip = _recipients(ids)
    if skip:
        Delivery.objects.filter(id__in=skip).update(status=DeliveryStatus.SKIPPED)
        result.skipped = len(skip)
    user_ids = [recipient.user_id for recipient in recipients]
    premium = premium_user_ids(user_ids=user_ids, now=now)
    following = _FollowingSections(issue, user_ids)
    variants: dict[bool, RenderedIssue] = {}
    # The message that went out last, marked sent together with the next one's start.
    sent_last: tuple[int, datetime] | None = None
    smtp = get_connection(fail_silently=False, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        smtp.open()
    except (OSError, smtplib.SMTPException):
        Delivery.objects.filter(id__in=ids, status=DeliveryStatus.CLAIMED).update(
            status=DeliveryStatus.QUEUED, claimed_at=None
        )
        raise
    _synchronous_commit(on=False)
    try:
        for recipient in recipients:
            has_premium = recipient.user_id in premium
            if has_premium not in variants:
                variants[has_premium] = render_issue(issue, premium=has_premium)
            started = _mark(sent=sent_last, sending=recipient.delivery_id)
            sent_last = None
            if not started:  # released by the sweep: another sender may have it now
                continue
            section = following.for_member(recipient.user_id, premium=has_premium)
            message = _message(variants[has_premium], recipient, section, smtp)
            try:
                smtp.send_messages([message])
            except smtplib.SMTPRecipientsRefused as error:
                code, reply = error.recipients.get(recipient.address, (550, b""))
                _record_refusal(recipient, code, reply, timezone.now())
                result.bounced += 1
                continue
            except smtplib.SMTPDataError as error:
                # One recipient per message: a refusal of the data is a refusal for them.
                _record_refusal(recipient, error.smtp_code, error.smtp_error, timezone.now())
                result.bounced += 1
                continue
            except smtplib.SMTPSenderRefused as error:
                Delivery.objects.filter(id=recipient.delivery_id).update(
                    status=DeliveryStatus.FAILED,
                    error=f"sender refused: {error.smtp_code} {error.smtp_error!r}"[:500],
                )
                result.failed += 1
                continue
            except (OSError, smtplib.SMTPException):
                # The exchange broke off: this message may have gone out, the rest did not.
                Delivery.objects.filter(id=recipient.delivery_id).update(
                    status=DeliveryStatus.UNCERTAIN, error="the connection broke off mid-send"
                )
                Delivery.objects.filter(id__in=ids, status=DeliveryStatus.CLAIMED).update(
                    status=DeliveryStatus.QUEUED, claimed_at=None
                )
                raise
            sent_last = (recipient.delivery_id, timezone.now())
            result.sent += 1
    finally:
        if sent_last is not None:
            _mark(sent=sent_last, sending=None)
        _synchronous_commit(on=True)
        smtp.close()
    return result
