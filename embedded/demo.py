"""Demo mode: put the fictional outlets of ``demo/corpus`` in the database.

The articles themselves are never inserted here: the first run serves the rendered corpus on
loopback and ingests it through the real pipeline (see ``embedded.first_run``).
"""

from django.db import transaction

from embedded.demo_corpus import DemoCorpus
from sources.models import Feed, Source
from sources.scales import Rater
from sources.services import source_set_ownership, source_upsert_rating

DEMO_RATING_REASON = "Demo corpus: fictional outlet with a fictional rating"


@transaction.atomic
def demo_outlets_load(*, corpus: DemoCorpus) -> list[Source]:
    """Create or update every demo outlet, its feed and its (Editor) rating. Idempotent."""
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
        sources.append(source)
    return sources
