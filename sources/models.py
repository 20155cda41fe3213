"""Outlets, their feeds, what each rater says about them, and the history of changes.

The combined rating is derived by ``sources.ratings`` from the Rating rows and stored on the
Source (``bias``, ``factuality`` …) so pages and admin filters read it without recomputing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sources.scales import (
    RATING_SCORE_DECIMAL_PLACES,
    RATING_SCORE_MAX_DIGITS,
    RATING_TEXT_MAX_LENGTHS,
    BiasLabel,
    FactualityLabel,
    OwnershipCategory,
    Rater,
)


class Source(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(max_length=500, blank=True)
    # Registered domain (eTLD+1), e.g. "bbc.co.uk". Further domains live in SourceDomain.
    domain = models.CharField(max_length=253, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    language = models.CharField(max_length=8, default="en")
    ownership_category = models.CharField(
        max_length=32, choices=OwnershipCategory.choices, default=OwnershipCategory.UNKNOWN
    )
    owner_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    # The outlet's site icon, stored under MEDIA_ROOT (infra.media key; "" when none), when it
    # was last looked for, and why none was kept.
    favicon = models.CharField(max_length=32, blank=True)
    favicon_checked_at = models.DateTimeField(null=True, blank=True)
    favicon_error = models.CharField(max_length=300, blank=True)

    # Combined rating, derived from Rating rows by sources.ratings.combine_ratings().
    bias = models.CharField(max_length=16, choices=BiasLabel.choices, default=BiasLabel.UNRATED)
    bias_value = models.FloatField(null=True, blank=True)
    bias_spread = models.FloatField(null=True, blank=True)
    factuality = models.CharField(
        max_length=16, choices=FactualityLabel.choices, default=FactualityLabel.UNRATED
    )
    factuality_value = models.FloatField(null=True, blank=True)
    factuality_spread = models.FloatField(null=True, blank=True)
    raters_disagree = models.BooleanField(default=False)
    rated_by = models.CharField(
        max_length=100, blank=True, help_text="Raters used, comma-separated"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["bias"]), models.Index(fields=["country"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("source_detail", kwargs={"slug": self.slug})


class SourceDomain(models.Model):
    """Another domain that resolves to the same outlet (bbc.com, feeds.bbci.co.uk …)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class FeedStatus(models.TextChoices):
    NEVER_FETCHED = "never", "Never fetched"
    OK = "ok", "OK"
    FAILING = "failing", "Failing"
    PAUSED = "paused", "Paused by an editor"


class Feed(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    # Only an editor pauses a feed; failures never disable it (see ingestion.schedule).
    is_active = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=FeedStatus.choices, default=FeedStatus.NEVER_FETCHED
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    poll_interval_seconds = models.PositiveIntegerField(default=1800)
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["source__name", "url"]

    def __str__(self) -> str:
        return self.url


class Rating(models.Model):
    """One rater's published verdict on one outlet, kept exactly as the rater wrote it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="ratings")
    rater = models.CharField(max_length=16, choices=Rater.choices)
    # As published: AllSides "Lean Left"; MBFC "left-center"; Ad Fontes leaves these empty.
    bias_label = models.CharField(max_length=RATING_TEXT_MAX_LENGTHS["bias_label"], blank=True)
    factuality_label = models.CharField(
        max_length=RATING_TEXT_MAX_LENGTHS["factuality_label"], blank=True
    )
    # Ad Fontes publishes numbers: bias -42 … +42, reliability 0 … 64.
    bias_score = models.DecimalField(
        max_digits=RATING_SCORE_MAX_DIGITS,
        decimal_places=RATING_SCORE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    reliability_score = models.DecimalField(
        max_digits=RATING_SCORE_MAX_DIGITS,
        decimal_places=RATING_SCORE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    rated_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=RATING_TEXT_MAX_LENGTHS["url"], blank=True)
    confidence = models.CharField(max_length=RATING_TEXT_MAX_LENGTHS["confidence"], blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "rater"]
        constraints = [
            models.UniqueConstraint(fields=["source", "rater"], name="one_rating_per_rater"),
            models.CheckConstraint(
                condition=~Q(bias_label="", factuality_label="", bias_score=None),
                name="rating_says_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rater_display()} on {self.source}"


class SourceChange(models.Model):
    """Audit trail: every change to a rating or to ownership, who made it and why."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=64, help_text='e.g. "rating:allsides" or "ownership"')
    # The lines editors read, and the values they were built from (sources.history): free
    # readers' lines are built from the values, leaving the premium ones out.
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source}: {self.field}"
