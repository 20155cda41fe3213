"""Memberships (the reader's current tier and its period), their history, and the read log.

A ``Membership`` row holds the *current* terms of one reader; every change to it goes through
``members.services`` and appends a ``MembershipEvent`` so the history of grants is never lost.
No row means Free. Whether the terms give premium at a given instant is decided by the pure
``members.membership`` module.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sources.models import Source
from stories.models import Article, Story, Topic


class Tier(models.TextChoices):
    FREE = "free", "Free"
    PREMIUM = "premium", "Premium"


class GrantOrigin(models.TextChoices):
    ADMIN = "admin", "Admin site"
    COMMAND = "command", "Management command"
    PAYMENT = "payment", "Payment provider"


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.FREE)
    valid_from = models.DateTimeField()
    # Premium ends at this instant (exclusive). Null means no end date.
    valid_until = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships_granted",
    )
    reason = models.CharField(max_length=500)
    origin = models.CharField(max_length=16, choices=GrantOrigin.choices)
    # A payment provider's subscription id, so a webhook can find and update the row.
    external_reference = models.CharField(max_length=200, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_tier_display()}"


class MembershipAction(models.TextChoices):
    GRANT = "grant", "Granted"
    EXTEND = "extend", "Extended"
    REVOKE = "revoke", "Revoked"
    SET = "set", "Set by the payment provider"


class MembershipEvent(models.Model):
    """Append-only history: each change to a membership, with who made it and why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_events"
    )
    action = models.CharField(max_length=16, choices=MembershipAction.choices)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    previous_tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_changes_made",
    )
    reason = models.CharField(max_length=500)
    origin = models.CharField(max_length=16, choices=GrantOrigin.choices)
    external_reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_action_display()} {self.get_tier_display()}"


class ReadEvent(models.Model):
    """A signed-in reader opened an article through our outbound link (``/go/<id>/``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_events"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_events")
    read_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-read_at", "-id"]
        indexes = [models.Index(fields=["user", "-read_at"], name="readevent_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user} read {self.article_id}"


class ApiToken(models.Model):
    """A reader's key to the JSON API (``Authorization: Bearer <token>``).

    Only a SHA-256 digest is stored; the token itself is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, so a reader can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.name} ({self.prefix}…)"


class PremiumRequestStatus(models.TextChoices):
    NEW = "new", "New"
    READ = "read", "Read"
    HANDLED = "handled", "Handled"


# Long enough for a few paragraphs about who is asking and why, short enough that the form
# cannot be used to store documents.
PREMIUM_REQUEST_MESSAGE_MAX_CHARS = 2000
PREMIUM_REQUEST_NAME_MAX_CHARS = 100


class PremiumRequest(models.Model):
    """A reader asking the editors for Premium through the form on the Premium page.

    Stored as plain text and only ever shown escaped (the admin's list and change page); the
    sender's account is attached when they were signed in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="premium_requests",
    )
    name = models.CharField(max_length=PREMIUM_REQUEST_NAME_MAX_CHARS)
    email = models.EmailField()
    message = models.CharField(max_length=PREMIUM_REQUEST_MESSAGE_MAX_CHARS)
    status = models.CharField(
        max_length=16, choices=PremiumRequestStatus.choices, default=PremiumRequestStatus.NEW
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="premium_requests_handled",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="premiumrequest_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> · {self.get_status_display()}"


class TopicFollow(models.Model):
    """A reader follows a topic: its stories reach their For You page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="one_topic_follow")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.topic_id}"


class SourceFollow(models.Model):
    """A reader follows an outlet: the stories it covers reach their For You page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="source_follows"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "source"], name="one_source_follow")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.source_id}"


class SourceMute(models.Model):
    """A reader mutes an outlet: lists leave out what only it covers. Coverage figures still
    count it (they describe the story, not the reader)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="source_mutes"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mutes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "source"], name="one_source_mute")]

    def __str__(self) -> str:
        return f"{self.user} mutes {self.source_id}"


class SavedStory(models.Model):
    """A story a reader saved to read later (their Saved page and feed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_stories"
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="saved_by")
    saved_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-saved_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "story"], name="one_saved_story")]

    def __str__(self) -> str:
        return f"{self.user} saved {self.story_id}"


class EditionChoice(models.Model):
    """The edition a member reads (``stories.editions``); anonymous readers' is a cookie."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="edition_choice"
    )
    edition = models.CharField(max_length=16)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.edition}"
