"""Articles (one per canonical URL) and the stories they are clustered into.

Coverage figures are computed by ``stories.coverage`` and stored on the Story so reader pages
never aggregate at request time; ``Story.version`` changes with every recomputation and keys
the page caches.
"""

from django.db import models
from django.urls import reverse

from sources.models import Feed, Source


class ArticleStatus(models.TextChoices):
    PENDING = "pending", "Waiting for download"
    EXTRACTED = "extracted", "Text extracted"
    FEED_ONLY = "feed_only", "Feed summary only"  # paywall, extraction failure, robots.txt …
    FAILED = "failed", "Failed"


class BlindspotSide(models.TextChoices):
    NONE = "", "None"
    LEFT = "left", "Left blindspot"
    RIGHT = "right", "Right blindspot"


class Story(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    headline = models.CharField(max_length=300)
    # An editor's headline is never replaced by the automatic one.
    headline_locked = models.BooleanField(default=False)
    summary = models.JSONField(default=list, blank=True, help_text="Bullet points, in order")
    side_headlines = models.JSONField(default=dict, blank=True)

    # Stored coverage figures (stories.coverage.StoryFigures as a dict) plus the few columns
    # that lists sort and filter on.
    figures = models.JSONField(default=dict, blank=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    origin_count = models.PositiveIntegerField(default=0)
    left_count = models.PositiveIntegerField(default=0)
    center_count = models.PositiveIntegerField(default=0)
    right_count = models.PositiveIntegerField(default=0)
    unrated_count = models.PositiveIntegerField(default=0)
    blindspot = models.CharField(
        max_length=8, choices=BlindspotSide.choices, default=BlindspotSide.NONE, blank=True
    )

    first_seen_at = models.DateTimeField(db_index=True)
    last_updated_at = models.DateTimeField(db_index=True)
    # Bumped on every recomputation: the cache key of everything rendered from this story.
    version = models.PositiveIntegerField(default=1)
    # Clustering state owned by stories.clustering (e.g. term weights); opaque to pages.
    cluster_state = models.JSONField(default=dict, blank=True)
    # Editors' merges stick: a merged story points at the one that absorbed it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    # Set when an editor split the story or moved articles in or out: the automatic merge
    # pass never folds it into another story or another story into it.
    merge_locked = models.BooleanField(default=False)
    # When a change to its articles (placement, merge, move, a source's new rating) asked for a
    # refresh that has not run yet; cleared by the refresh. Lets the sweep find refreshes lost
    # with a killed worker (stories.services.stories_sweep_lost_work).
    refresh_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_updated_at"]
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["blindspot", "-last_updated_at"]),
            # Partial: only the few stories waiting for a refresh are in it.
            models.Index(
                fields=["refresh_requested_at"],
                name="story_refresh_pending_idx",
                condition=models.Q(refresh_requested_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("story_detail", kwargs={"slug": self.slug})


class Article(models.Model):
    # Canonical URL: tracking parameters stripped, rel=canonical honoured after download.
    canonical_url = models.CharField(max_length=2000, unique=True)
    url = models.CharField(max_length=2000, help_text="The link as the feed gave it")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    guid = models.CharField(max_length=2000, blank=True)
    title = models.CharField(max_length=500)
    feed_summary = models.TextField(blank=True, help_text="Plain text from the feed entry")
    text = models.TextField(blank=True, help_text="Plain text extracted from the page")
    description = models.TextField(blank=True)
    author = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=16, blank=True)
    image_url = models.CharField(max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.PENDING
    )
    status_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    extracted_at = models.DateTimeField(null=True, blank=True)

    # Near-duplicate detection: a wire copy points at the earliest article with the same text.
    text_fingerprint = models.BigIntegerField(null=True, blank=True, db_index=True)
    # For agency copy too short for SimHash (a feed description): a hash of its first sentence
    # after the dateline (ingestion.fingerprint.lead_fingerprint); equal values are one copy.
    lead_fingerprint = models.BigIntegerField(null=True, blank=True, db_index=True)
    wire_origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="wire_copies"
    )

    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    clustered_at = models.DateTimeField(null=True, blank=True)
    # Set when an editor moved the article: automatic passes leave it where it is.
    story_locked = models.BooleanField(default=False)

    # When retention dropped the stored text and feed summary (stories.services.retention):
    # the article keeps its story, fingerprints and figures, and its story keeps its summary.
    text_dropped_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="article_status_idx"),
            models.Index(fields=["story", "published_at"], name="article_story_idx"),
            # Partial: the sweep for lost clustering reads only articles waiting for a story.
            models.Index(
                fields=["updated_at"],
                name="article_unclustered_idx",
                condition=models.Q(story__isnull=True, status__in=["extracted", "feed_only"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def best_text(self) -> str:
        return self.text or self.feed_summary


class StoryTerm(models.Model):
    """Inverted index for candidate lookup: a term a story used and when it last did.

    Clustering asks for stories active in the window that share one of an article's rarest
    terms; the (term, last_active_at) index answers that without scanning stories.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64)
    last_active_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "term"], name="one_story_term"),
        ]
        indexes = [models.Index(fields=["term", "last_active_at"], name="story_term_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.term} in {self.story_id}"


class TermFrequency(models.Model):
    """Streaming document frequency: in how many clustered articles a term appeared.

    The row with the empty term counts all clustered articles.
    """

    term = models.CharField(max_length=64, unique=True)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "term frequencies"

    def __str__(self) -> str:
        return f"{self.term}: {self.document_count}"
