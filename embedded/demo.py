"""Demo mode: put the fictional outlets of ``demo/corpus`` in the database.

The articles themselves are never inserted here: the first run serves the rendered corpus on
loopback and ingests it through the real pipeline (see ``embedded.first_run``).
"""

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from embedded.demo_corpus import DEMO_DOMAIN_SUFFIX, DemoCorpus
from members.models import ReadEvent
from members.services import read_event_record
from sources.models import Feed, Source
from sources.scales import BIAS_SIDES, BiasLabel, Rater
from sources.services import source_set_ownership, source_upsert_rating
from stories.models import Article

DEMO_RATING_REASON = "Demo corpus: fictional outlet with a fictional rating"
DEMO_WATCH_REASON = "Demo corpus: the fictional Demo Media Watch's rating of a fictional outlet"


@transaction.atomic
def demo_outlets_load(*, corpus: DemoCorpus) -> list[Source]:
    """Create or update every demo outlet, its feed, its Editor rating and the fictional
    Demo Media Watch's rating where the corpus gives one. Idempotent."""
    sources = []
    for outlet in corpus.outlets:
        source, _ = Source.objects.update_or_create(
            domain=outlet.domain,
            defaults={
                "name": outlet.name,
                "slug": outlet.slug,
                "homepage": outlet.homepage,
                "country": outlet.country,
                "language": "en",
                "notes": "Fictional outlet of the demo corpus.",
            },
        )
        source_set_ownership(
            source=source,
            ownership_category=outlet.ownership_category,
            owner_name=outlet.owner_name,
            reason=DEMO_RATING_REASON,
        )
        Feed.objects.get_or_create(url=outlet.feed_url, defaults={"source": source})
        if outlet.bias:
            source_upsert_rating(
                source=source,
                rater=Rater.EDITOR,
                bias_label=outlet.bias,
                factuality_label=outlet.factuality,
                reason=DEMO_RATING_REASON,
            )
        if outlet.watch_bias or outlet.watch_factuality:
            source_upsert_rating(
                source=source,
                rater=Rater.DEMO,
                bias_label=outlet.watch_bias,
                factuality_label=outlet.watch_factuality,
                reason=DEMO_WATCH_REASON,
            )
        sources.append(source)
    return sources


# The demo premium reader's history: a reader who leans left and reads some of the centre and
# a little of the right, so "My News Bias" opens on a picture with something to notice.
DEMO_READS_PER_SIDE = {"left": 7, "center": 4, "right": 2}
# Readers open an article a while after it appears, never in the future.
DEMO_READ_DELAY = timedelta(minutes=25)


@transaction.atomic
def demo_reading_history_load(*, user: User, now: datetime) -> int:
    """Record reads of demo articles for ``user`` unless they already have a history.

    Oldest articles first, up to ``DEMO_READS_PER_SIDE`` per side of the outlet's rating;
    returns how many reads were recorded (0 when the reader had some, or nothing is ingested).
    """
    if ReadEvent.objects.filter(user=user).exists():
        return 0
    articles = (
        Article.objects.filter(source__domain__endswith=DEMO_DOMAIN_SUFFIX, story__isnull=False)
        .exclude(source__bias=BiasLabel.UNRATED)
        .select_related("source")
        .order_by("published_at", "id")
    )
    taken: Counter[str] = Counter()
    recorded = 0
    for article in articles:
        side = BIAS_SIDES[article.source.bias].value
        if taken[side] >= DEMO_READS_PER_SIDE[side]:
            continue
        taken[side] += 1
        published = article.published_at or now
        read_event_record(user=user, article=article, now=min(now, published + DEMO_READ_DELAY))
        recorded += 1
    return recorded
