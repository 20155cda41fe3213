"""Embedded-mode services: database rows for what a replay or the first run brings in."""

from __future__ import annotations

from datetime import datetime

from infra.fields import clip_to_field
from ingestion.feeds import FeedRejectedError, parse_feed
from sources.catalogue import DEFAULT_CATALOGUE_PATH, catalogue_outlet_for_url, parse_catalogue
from sources.domains import is_web_url, registered_domain
from sources.models import Feed, Source
from sources.selectors import source_find_by_url


def feeds_register_replay(
    *, urls_and_documents: list[tuple[str, bytes]], now: datetime
) -> list[int]:
    """Feed rows for replayed feed documents, each attached to the outlet its channel links to.

    An outlet the database does not know is created from the channel's registered domain, so a
    replay of arbitrary recorded feeds works on an empty database. It is named as the shipped
    catalogue names it when the catalogue lists the domain: a channel title names a feed, not
    an outlet ("NDTV News Search Records Found 1000", "TheWeek feed", "World").
    """
    catalogue = parse_catalogue(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    feed_ids: list[int] = []
    for url, body in urls_and_documents:
        try:
            document = parse_feed(body, now=now)
        except FeedRejectedError:
            document = None
        # A channel link is outside input: only a web address may become a homepage.
        homepage = document.link if document and is_web_url(document.link) else ""
        link = homepage or url
        source = source_find_by_url(link)
        if source is None:
            domain = registered_domain(link) or "replay.invalid"
            listed = catalogue_outlet_for_url(catalogue, link)
            source, _ = Source.objects.get_or_create(
                domain=domain,
                defaults={
                    "name": (listed.name if listed else "")
                    or (document.title if document else "")
                    or domain,
                    "slug": clip_to_field(Source, "slug", domain.replace(".", "-")),
                    "homepage": clip_to_field(Source, "homepage", homepage),
                },
            )
        feed, _ = Feed.objects.get_or_create(url=url, defaults={"source": source})
        feed_ids.append(feed.id)
    return feed_ids
