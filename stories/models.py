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
    # The stored picture of one of its articles (stories.imagery chooses), "" when none.
    image = models.CharField(max_length=32, blank=True)

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
    # The story's visible topics as its page links them ([{"slug", "name", "kind"}], strongest
    # first), written with the StoryTopic rows so the story page needs no query for them.
    topic_links = models.JSONField(default=list, blank=True)
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
    # The picture the feed entry or the page names (page first), as an address elsewhere:
    # never shown as such, only fetched (ingestion.services.images).
    image_url = models.CharField(max_length=2000, blank=True)
    # The feed entry's own categories ("Politics", "Rubio, Marco"): evidence for its topics.
    categories = models.JSONField(default=list, blank=True)
    # The stored copy: the key of its files under MEDIA_ROOT (infra.media), "" when none.
    image = models.CharField(max_length=32, blank=True)
    # When the picture was last tried, and why it was not kept (readable; "" when it was).
    image_checked_at = models.DateTimeField(null=True, blank=True)
    image_error = models.CharField(max_length=300, blank=True)
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
    # The sentence embedding clustering reads (stories.embeddings.pack; empty: not worked out
    # yet, or no model). Kept so that an article's embedding is worked out once, by its own
    # placement task, and a batch placing it with others reads it instead.
    embedding = models.CharField(max_length=512, blank=True, default="", db_default="")
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


class TopicKind(models.TextChoices):
    SECTION = "section", "Section"
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    PLACE = "place", "Place"


class Topic(models.Model):
    """A section, person, organisation or place that stories are about (``stories.topics``).

    Found automatically; editors rename (``display_name``), hide, pin and merge them. A merged
    topic points at the one that absorbed it and keeps its slug, so old links redirect and
    extraction keeps landing on the absorbing topic.
    """

    kind = models.CharField(max_length=16, choices=TopicKind.choices)
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200, help_text="The name as extraction found it")
    display_name = models.CharField(
        max_length=200, blank=True, help_text="An editor's name; shown instead of the found one"
    )
    hidden = models.BooleanField(default=False, help_text="Never shown to readers")
    pinned = models.BooleanField(default=False, help_text="Shown first: home sections, menus")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    # Places: the ISO 3166-1 country they lie in (editions are chosen by it).
    country = models.CharField(max_length=2, blank=True)
    # People: ``stories.topics.surname_key`` of their name, indexed so a story that names
    # someone by surname alone looks up only that surname's people.
    surname_key = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pinned", "name"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        return self.display_name or self.name


class StoryTopic(models.Model):
    """A story is about a topic; recomputed with the story (``story_refresh``)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="topic_rows")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="story_rows")
    # How strongly: outlets naming it (sections: evidence points per article).
    weight = models.FloatField(default=1.0)
    # The story's last activity, copied here so a topic's stories list newest first from
    # this table's index alone.
    last_updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "topic"], name="one_story_topic"),
        ]
        indexes = [
            models.Index(fields=["topic", "-last_updated_at"], name="topic_stories_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} in {self.story_id}"


class RelatedStory(models.Model):
    """Another story that, when ``story`` was last refreshed, read as closely as one event's
    articles read but that clustering keeps apart (``stories.clustering.related_stories``):
    another angle of the event, or its sequel. A story's page lists both the stories it
    relates to and those that relate to it.

    ``other`` has no database constraint: a story's refresh writes its own rows without
    waiting on the rows of the stories it names, which their own refreshes may hold; a row
    naming a deleted story matches no story and is dropped at the story's next refresh.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="related_rows")
    other = models.ForeignKey(
        Story, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # Mean meaning cosine between an article of one and an article of the other.
    meaning = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "other"], name="one_related_story"),
        ]
        indexes = [models.Index(fields=["other"], name="related_story_other_idx")]

    def __str__(self) -> str:
        return f"{self.story_id} ~ {self.other_id}"


class StorySurname(models.Model):
    """A surname a story's topics were read with, as ``stories.topics.surname_key``.

    Whom a story names by surname alone, or by another spelling, depends on the people the
    site knows; when a person of one of these surnames becomes known, the stories that use it
    are refreshed (``story_topics_recompute``), so a story's topics do not depend on the order
    stories were refreshed in.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="surname_rows")
    surname_key = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "surname_key"], name="one_story_surname"),
        ]
        indexes = [models.Index(fields=["surname_key"], name="story_surname_key_idx")]

    def __str__(self) -> str:
        return f"{self.surname_key} in {self.story_id}"
