"""Newsletters, members' subscriptions, the issues built and the mail sent.

* ``Newsletter``: one row per kind (made by migration ``0002``); editors pause one here.
* ``Subscription``: a member's wish to get a newsletter at a local time in their time zone.
  It is *pending* until the member opens the signed link mailed to the address (double
  opt-in), and records the address it was confirmed for: mail goes only to that address, and
  only while it is still the account's.
* ``Issue``: one edition (newsletter, date), built once from plain data and kept, so the web
  page and every mail of that edition show the same stories.
* ``Delivery``: one member's copy of one issue. The unique constraint is the promise of never
  two copies: a row is made once per member and issue, claimed by one sender, and marked
  before and after the SMTP exchange (``newsletters.services``).
* ``Bounce``: what the SMTP server said when it refused a recipient.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse


class NewsletterKind(models.TextChoices):
    DAILY_BRIEFING = "daily", "Daily briefing"
    BLINDSPOT_REPORT = "blindspot", "Blindspot report"
    # What a member follows is a section of each member's daily briefing ("From what you
    # follow", newsletters.content.FollowingPool), not a newsletter of its own.


class Newsletter(models.Model):
    kind = models.CharField(max_length=16, choices=NewsletterKind.choices, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    # Weekly newsletters go out on this day (0 = Monday); null: every day.
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    # Editors' stop: nothing of a paused newsletter is queued or sent until it is resumed.
    paused = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=True) | models.Q(weekday__lte=6),
                name="newsletter_weekday_is_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekday_name(self) -> str:
        return calendar.day_name[self.weekday] if self.weekday is not None else ""


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    ACTIVE = "active", "Active"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    # The mail server refused the address for good, or its owner marked our mail as spam.
    SUSPENDED = "suspended", "Suspended after a bounce or complaint"


DEFAULT_SEND_TIME = datetime.time(7, 0)


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(
        max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    # The member's local time of day and IANA time zone (newsletters.schedule).
    send_time = models.TimeField(default=DEFAULT_SEND_TIME)
    time_zone = models.CharField(max_length=64, default="UTC")
    # The address the confirmation link was opened for (empty until then).
    address = models.EmailField(blank=True)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "newsletter"], name="one_subscription_per_member_and_newsletter"
            ),
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="subscription_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.newsletter} ({self.get_status_display()})"


class Issue(models.Model):
    """One edition. ``content`` is ``newsletters.content.IssueContent.as_dict()``: premium
    figures are stored too and left out at rendering for readers without premium."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    edition_date = models.DateField()
    subject = models.CharField(max_length=200)
    content = models.JSONField(default=dict)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["-edition_date", "newsletter__kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "edition_date"], name="one_issue_per_newsletter_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} · {self.edition_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        name = (
            "briefing_detail"
            if self.newsletter.kind == NewsletterKind.DAILY_BRIEFING
            else "blindspot_report_detail"
        )
        return reverse(name, kwargs={"edition_date": self.edition_date})


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLAIMED = "claimed", "Claimed by a sender"
    # Marked just before the SMTP exchange: a row left here by a dead worker may have gone out,
    # so it is never sent again (it becomes UNCERTAIN).
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    BOUNCED = "bounced", "Refused by the mail server"
    FAILED = "failed", "Failed"
    UNCERTAIN = "uncertain", "Interrupted: may or may not have gone out"
    SKIPPED = "skipped", "Skipped (unsubscribed or address changed)"


class Delivery(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            # Never two copies of one issue to one member (a subscription is one member's).
            models.UniqueConstraint(
                fields=["issue", "subscription"], name="one_delivery_per_member_and_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "status", "id"], name="delivery_issue_status_idx"),
            models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscription.user} ({self.get_status_display()})"


class BounceKind(models.TextChoices):
    HARD = "hard", "Hard bounce (address refused for good)"
    SOFT = "soft", "Soft bounce (try later)"
    COMPLAINT = "complaint", "Complaint (refused as spam or by policy)"


class Bounce(models.Model):
    address = models.EmailField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_bounces",
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    kind = models.CharField(max_length=16, choices=BounceKind.choices)
    smtp_code = models.PositiveSmallIntegerField()
    smtp_message = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.address}: {self.get_kind_display()} ({self.smtp_code})"
