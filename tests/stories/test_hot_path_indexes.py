"""Every query of the pipeline's hot path reads the growing tables through an index.

At a million articles a sequential scan of the articles, stories or index rows costs seconds
and, under the store and clustering locks, stops every worker. The tests run each step as a
worker does, capture the queries it sends, and ask PostgreSQL for their plans with sequential
scans priced out of reach (``enable_seqscan = off``, the planner's stand-in for a table far too
big to scan): a plan that still scans one of those tables has no index to use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ingestion import services as ingestion
from stories import services
from stories.models import Article, ArticleStatus
from tests.stories.factories import make_article, make_source, waiting_for_the_lock

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of PostgreSQL"),
]

# Tables that grow with the articles; the outlets and feeds stay a few hundred rows.
GROWING_TABLES = (
    "stories_article",
    "stories_story",
    "stories_storyterm",
    "stories_termfrequency",
    "stories_topic",
    "stories_storytopic",
    "stories_storysurname",
)
# Agency copy long enough for a SimHash (60 words) and with a dateline for the lead hash.
WIRE_TEXT = (
    "HARBOR CITY, Feb 17 (Reuters) - The harbor council voted on Tuesday to build a flood "
    "barrier across the old port after three winters of storm surges that flooded homes. "
) + "Engineers said the barrier would protect two thousand homes from the sea. " * 6


def _whole_scans(node: dict[str, Any]) -> Iterator[str]:
    """Growing tables a plan node (or its children) reads whole: a sequential scan, or an
    index walked from end to end with no condition (which only orders the rows)."""
    table = node.get("Relation Name")
    if table in GROWING_TABLES:
        kind = node["Node Type"]
        if kind == "Seq Scan" or (
            kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node
        ):
            yield table
    for child in node.get("Plans", []):
        yield from _whole_scans(child)


def scanned_tables(run: Callable[[], object]) -> dict[str, set[str]]:
    """Growing tables some query of ``run()`` can only read whole: {table: the queries}."""
    with CaptureQueriesContext(connection) as captured:
        run()
    scans: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            [[plan]] = cursor.fetchone()
            for table in _whole_scans(plan["Plan"]):
                scans.setdefault(table, set()).add(sql[:300])
    return scans


# Rows of an archive before each test: enough for PostgreSQL's statistics to price a scan
# of a table far above a lookup, as at a million rows (where the plans would be the same).
ARCHIVE_ROWS = 20_000


@pytest.fixture(autouse=True)
def archive() -> None:
    """A year of stored stories, articles and index rows, written in PostgreSQL itself."""
    sources = [make_source(bias).pk for bias in ("left", "center", "right")]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO stories_story (slug, headline, headline_locked, summary, side_headlines,
              figures, article_count, source_count, origin_count, left_count, center_count,
              right_count, unrated_count, blindspot, first_seen_at, last_updated_at, version,
              cluster_state, merge_locked, created_at, topic_links, image)
            SELECT 'archive-' || n, 'Archived story ' || n, false, '[]', '{}', '{}', 1, 1, 1,
              0, 1, 0, 0, '', now() - n * interval '26 minutes', now() - n * interval '26 minutes',
              1, '{}', false, now(), '[]', ''
            FROM generate_series(1, %(rows)s) AS n;
            INSERT INTO stories_article (canonical_url, url, guid, title, feed_summary, text,
              description, author, language, image_url, published_at, status, status_reason,
              attempts, text_fingerprint, clustered_at, story_locked, created_at, updated_at,
              source_id, story_id, categories, image, image_error)
            SELECT 'https://archive.example/' || s.id, 'https://archive.example/' || s.id, '',
              s.headline, 'Archived text.', 'Archived text.', '', '', 'en', '',
              s.first_seen_at, 'extracted', '', 1, (random() * 9e18)::bigint, s.first_seen_at,
              false, s.first_seen_at, s.first_seen_at, (%(sources)s)[1 + s.id %% 3], s.id,
              '[]', '', ''
            FROM stories_story s WHERE s.slug LIKE 'archive-%%';
            INSERT INTO stories_storyterm (story_id, term, last_active_at)
            SELECT s.id, 'term' || ((s.id * 7 + k) %% 5000), s.last_updated_at
            FROM stories_story s CROSS JOIN generate_series(1, 5) AS k
            WHERE s.slug LIKE 'archive-%%';
            INSERT INTO stories_termfrequency (term, document_count)
            SELECT 'term' || n, 20 FROM generate_series(0, 4999) AS n;
            INSERT INTO stories_topic (kind, slug, name, display_name, hidden, pinned, country,
              surname_key, created_at)
            SELECT 'person', 'archived-person-' || n, 'Archived Person' || n, '', false, false,
              '', 'person' || n, now()
            FROM generate_series(1, %(rows)s) AS n;
            INSERT INTO stories_storysurname (story_id, surname_key)
            SELECT s.id, 'person' || (s.id %% 5000) FROM stories_story s
            WHERE s.slug LIKE 'archive-%%';
            INSERT INTO stories_storytopic (story_id, topic_id, weight, last_updated_at)
            SELECT s.id, t.id, 1, s.last_updated_at FROM stories_story s
            JOIN stories_topic t ON t.slug = 'archived-person-' || s.id
            WHERE s.slug LIKE 'archive-%%';
            """,
            {"rows": ARCHIVE_ROWS, "sources": sources},
        )


def wire_copy_pair() -> Article:
    """Two outlets' copies of one agency text, the first stored; the second, pending."""
    first = make_article(
        "Harbor council approves the flood barrier", make_source("left"), feed_summary=WIRE_TEXT
    )
    Article.objects.filter(pk=first.pk).update(status=ArticleStatus.PENDING)
    ingestion.article_give_up(article_id=first.pk, reason="robots")
    second = make_article(
        "Flood barrier approved for the old port",
        make_source("right"),
        minutes=30,
        feed_summary=WIRE_TEXT,
    )
    Article.objects.filter(pk=second.pk).update(status=ArticleStatus.PENDING)
    return second


def test_storing_a_feed_text_and_finding_its_wire_origin_use_indexes():
    article = wire_copy_pair()

    assert (
        scanned_tables(lambda: ingestion.article_give_up(article_id=article.pk, reason="x")) == {}
    )


def test_placing_an_article_in_a_story_uses_indexes():
    first = make_article("Harbor council approves the flood barrier", make_source("left"))
    services.story_refresh(story_id=services.article_cluster(article_id=first.pk))
    second = make_article("Harbor council backs flood barrier for old port", minutes=20)

    assert scanned_tables(lambda: services.article_cluster(article_id=second.pk)) == {}


def test_placing_the_waiting_articles_in_a_batch_uses_indexes():
    first = make_article("Harbor council approves the flood barrier", make_source("left"))
    services.story_refresh(story_id=services.article_cluster(article_id=first.pk))
    second = make_article("Harbor council backs flood barrier for old port", minutes=20)
    third = make_article("Old port to get a flood barrier, harbor council says", minutes=30)
    waiting_for_the_lock(second)

    assert scanned_tables(lambda: services.articles_cluster_waiting(article_id=third.pk)) == {}
    assert Article.objects.get(pk=second.pk).story_id is not None


def test_refreshing_a_story_uses_indexes():
    articles = [
        make_article("Harbor council approves the flood barrier", make_source(bias), minutes=n)
        for n, bias in enumerate(["left", "center", "right"])
    ]
    story_id = None
    for article in articles:
        story_id = services.article_cluster(article_id=article.pk)

    assert scanned_tables(lambda: services.story_refresh(story_id=story_id)) == {}


def test_a_refresh_that_makes_a_person_known_finds_people_and_their_stories_by_index():
    """The site's people are looked up by the surnames a story uses, and the stories to
    refresh after a person becomes known by theirs: neither reads every row."""
    earlier = make_article("Rubio said the talks went well", make_source("left"))
    services.story_refresh(story_id=services.article_cluster(article_id=earlier.pk))
    article = make_article(
        "In Budapest, Marco Rubio said the talks went well", make_source("right"), minutes=600
    )
    story_id = services.article_cluster(article_id=article.pk)

    assert scanned_tables(lambda: services.story_refresh(story_id=story_id)) == {}


def test_the_recovery_sweeps_use_indexes():
    make_article("Harbor council approves the flood barrier")
    later = timezone.now() + timedelta(hours=1)

    def sweep() -> None:
        services.stories_sweep_lost_work(now=later, idle_queue=True)
        ingestion.articles_requeue_stuck(now=later, idle_queue=True)

    assert scanned_tables(sweep) == {}


def test_retention_finds_old_articles_through_an_index():
    make_article("Harbor council approves the flood barrier")

    assert (
        scanned_tables(
            lambda: services.articles_drop_old_text(now=timezone.now() + timedelta(days=60))
        )
        == {}
    )


def test_a_query_no_index_serves_is_caught():
    make_article("Harbor council approves the flood barrier", author="Eve")

    scans = scanned_tables(lambda: list(Article.objects.filter(author="Eve")))

    assert set(scans) == {"stories_article"}
