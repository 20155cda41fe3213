"""The pipeline end to end against the loopback server: feeds → articles → extracted text."""

import json
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from embedded import replay
from infra.queues import IDLE_QUEUE_QUIET_SECONDS
from ingestion import selectors, services
from ingestion.feeds import parse_feed
from ingestion.fingerprint import MAX_HAMMING_DISTANCE
from ingestion.services.common import queue_clustering
from sources.models import Feed, FeedStatus
from stories.models import Article, ArticleStatus
from tests.conftest import SHARED_DATA
from tests.factories import ArticleFactory

DATA = SHARED_DATA
RECORDED_FEEDS = sorted(
    f"feeds/{folder}/{p.name}"
    for folder in ("outlets", "edge")
    for p in (DATA / "feeds" / folder).iterdir()
    if p.suffix != ".csv"
)


def _ingest_pages(feed_id: int) -> list[Article]:
    for article_id in Article.objects.filter(feed_id=feed_id).values_list("id", flat=True):
        services.article_extract(article_id=article_id)
    return list(Article.objects.filter(feed_id=feed_id).order_by("id"))


@pytest.mark.parametrize("path", RECORDED_FEEDS)
def test_every_recorded_feed_becomes_one_pending_article_per_entry(server, make_feed, path):
    feed = make_feed(server.url(f"/{path}"))
    expected = len(parse_feed((DATA / path).read_bytes(), now=timezone.now()).entries)

    outcome = services.feed_fetch(feed_id=feed.id)

    feed.refresh_from_db()
    assert outcome.status == "ok"
    assert feed.status == FeedStatus.OK
    assert Article.objects.filter(feed=feed, status=ArticleStatus.PENDING).count() == expected


def test_articles_take_the_source_of_their_feed(server, make_feed):
    feed = make_feed(server.url("/small.xml"))

    services.feed_fetch(feed_id=feed.id)

    assert set(Article.objects.values_list("source_id", flat=True)) == {feed.source_id}


def test_fetching_the_same_feed_twice_creates_no_duplicates(server, make_feed):
    feed = make_feed(server.url("/feeds/outlets/bbc_news_world.rss.xml"))
    services.feed_fetch(feed_id=feed.id)
    count = Article.objects.count()

    services.feed_fetch(feed_id=feed.id)

    assert Article.objects.count() == count


def test_two_feeds_linking_the_same_article_share_one_row(server, make_feed):
    first = make_feed(server.url("/small.xml"))
    second = make_feed(server.url("/conditional.xml"))

    services.feed_fetch(feed_id=first.id)
    services.feed_fetch(feed_id=second.id)

    assert Article.objects.count() == 2


def test_a_304_is_recorded_as_success_without_parsing(server, make_feed):
    feed = make_feed(server.url("/conditional.xml"))
    services.feed_fetch(feed_id=feed.id)
    Article.objects.all().delete()

    outcome = services.feed_fetch(feed_id=feed.id)

    feed.refresh_from_db()
    assert outcome.status == "not_modified"
    assert Article.objects.count() == 0  # the entries were not parsed again
    assert feed.etag == '"v1"'
    assert feed.status == FeedStatus.OK


def test_a_feed_with_new_entries_is_polled_sooner(server, make_feed):
    feed = make_feed(server.url("/small.xml"), poll_interval_seconds=1800)

    services.feed_fetch(feed_id=feed.id)

    feed.refresh_from_db()
    assert feed.poll_interval_seconds == 900
    assert feed.last_changed_at is not None


HOSTILE_FEEDS = [
    ("/hostile/billion-laughs.xml", "EntitiesForbidden"),
    ("/hostile/external-entity.xml", "refused unsafe XML"),
    ("/hostile/huge.xml", "too_large"),
    ("/hostile/huge-undeclared.xml", "too_large"),
    ("/hostile/gzip-bomb.xml", "decompressed body exceeds"),
    ("/hostile/slow.xml", "timeout"),
    ("/hostile/loop-a", "redirect loop"),
    ("/hostile/chain/0", "more than 5 redirects"),
    ("/hostile/to-loopback", "127.0.0.1 is a loopback address"),
    ("/hostile/to-metadata", "169.254.169.254 is a cloud metadata address"),
    ("/hostile/to-decimal-ip", "127.0.0.1 is a loopback address"),
    ("/hostile/to-ipv6-loopback", "::1 is a loopback address"),
    ("/hostile/to-file", "only http and https"),
    ("/hostile/html.xml", "not a feed: the document is an HTML page"),
    ("/status/404", "HTTP 404"),
    ("/status/500", "HTTP 500"),
]


@pytest.mark.parametrize(("path", "expected"), HOSTILE_FEEDS)
def test_a_hostile_feed_is_marked_failing_with_a_readable_error(server, make_feed, path, expected):
    feed = make_feed(server.url(path))
    before = timezone.now()

    outcome = services.feed_fetch(feed_id=feed.id)

    feed.refresh_from_db()
    assert outcome.status == "failed"
    assert feed.status == FeedStatus.FAILING
    assert expected in feed.last_error
    assert feed.consecutive_failures == 1
    assert feed.is_active  # never disabled automatically
    assert feed.next_fetch_at > before


def test_a_transient_failure_is_raised_for_retry_when_asked(server, make_feed):
    feed = make_feed(server.url("/status/500"))

    with pytest.raises(services.TransientIngestionError):
        services.feed_fetch(feed_id=feed.id, retry=True)

    feed.refresh_from_db()
    assert feed.consecutive_failures == 0


def test_a_permanent_failure_is_recorded_even_when_retries_are_allowed(server, make_feed):
    feed = make_feed(server.url("/status/404"))

    services.feed_fetch(feed_id=feed.id, retry=True)

    feed.refresh_from_db()
    assert feed.status == FeedStatus.FAILING


def test_a_429_postpones_the_next_poll_by_its_retry_after(server, make_feed):
    feed = make_feed(server.url("/status/429"))
    now = timezone.now()

    services.feed_fetch(feed_id=feed.id, now=now)

    feed.refresh_from_db()
    assert feed.next_fetch_at >= now + timedelta(seconds=7200)


def test_consecutive_failures_back_off_further(server, make_feed):
    feed = make_feed(server.url("/status/404"), poll_interval_seconds=600)
    now = timezone.now()
    services.feed_fetch(feed_id=feed.id, now=now)
    services.feed_fetch(feed_id=feed.id, now=now)

    feed.refresh_from_db()
    assert feed.consecutive_failures == 2
    assert feed.next_fetch_at >= now + timedelta(seconds=1080)


def test_success_after_failures_clears_the_failure_state(server, make_feed):
    feed = make_feed(server.url("/small.xml"), status=FeedStatus.FAILING, consecutive_failures=4)

    services.feed_fetch(feed_id=feed.id)

    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_failures, feed.last_error) == (FeedStatus.OK, 0, "")


def test_invalid_utf8_is_stored_as_text_with_the_recovery_noted(server, make_feed):
    feed = make_feed(server.url("/hostile/invalid-utf8.xml"))

    services.feed_fetch(feed_id=feed.id)

    feed.refresh_from_db()
    assert Article.objects.get().canonical_url == "https://news.example.org/cafe"
    assert feed.status == FeedStatus.OK
    assert "recovered from" in feed.last_error


def test_a_paused_feed_is_not_fetched(server, make_feed):
    feed = make_feed(server.url("/small.xml"), status=FeedStatus.PAUSED)

    outcome = services.feed_fetch(feed_id=feed.id)

    assert outcome.status == "skipped"
    assert server.hits("/small.xml") == 0


def test_pages_are_downloaded_and_extracted_with_metadata(server, make_feed):
    feed = make_feed(server.url("/generated/aeb.xml?n=3"))
    services.feed_fetch(feed_id=feed.id)

    articles = _ingest_pages(feed.id)

    assert [a.status for a in articles] == [ArticleStatus.EXTRACTED] * 3
    assert all(a.text and a.extracted_at for a in articles)
    assert all("utm_" not in a.canonical_url and "fbclid" not in a.canonical_url for a in articles)


def test_extracted_text_matches_the_expected_body(server, make_feed, shared_data):
    truth = json.loads((shared_data / "pages/aeb/ground-truth.json").read_text())
    feed = make_feed(server.url("/generated/aeb.xml?n=1"))
    services.feed_fetch(feed_id=feed.id)

    article = _ingest_pages(feed.id)[0]

    expected = truth[article.guid.rsplit("/", 1)[-1]]["articleBody"]
    assert expected.split()[:8] == article.text.split()[:8]


def test_extracting_twice_changes_nothing(server, make_feed):
    feed = make_feed(server.url("/generated/aeb.xml?n=1"))
    services.feed_fetch(feed_id=feed.id)
    article = _ingest_pages(feed.id)[0]

    outcome = services.article_extract(article_id=article.id)

    assert outcome.status == "skipped"
    assert Article.objects.get().text == article.text


def test_extracting_an_article_takes_the_same_queries_however_many_are_stored(
    server, make_feed, django_assert_num_queries
):
    """Read, count the attempt, then in one transaction: take the store lock, lock the row,
    compare fingerprints, write. The fingerprint comparison reads every article of the wire
    window: one query, not one per article."""
    feed = make_feed(server.url("/generated/aeb.xml?n=4"))
    services.feed_fetch(feed_id=feed.id)

    # 5 queries and the store lock (PostgreSQL only: SQLite serialises writers anyway), plus
    # the savepoint and its release inside the test's transaction.
    expected = 8 if connection.vendor == "postgresql" else 7
    for article_id in Article.objects.filter(feed_id=feed.id).values_list("id", flat=True):
        with django_assert_num_queries(expected):
            services.article_extract(article_id=article_id)

    assert Article.objects.filter(status=ArticleStatus.EXTRACTED).count() == 4


def test_a_missing_page_keeps_the_feed_summary_and_says_why(server, make_feed):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    article = Article.objects.get(canonical_url="https://news.example.org/two")
    article.url = server.url("/status/404")
    article.feed_summary = "What the feed said"
    article.save()

    services.article_extract(article_id=article.id)

    article.refresh_from_db()
    assert article.status == ArticleStatus.FEED_ONLY
    assert "HTTP 404" in article.status_reason
    assert article.best_text == "What the feed said"


def test_a_page_disallowed_by_robots_txt_is_not_downloaded(server, make_feed):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    article = Article.objects.get(canonical_url="https://news.example.org/one")
    article.url = server.url("/private/aeb/html/anything.html")
    article.save()

    services.article_extract(article_id=article.id)

    article.refresh_from_db()
    assert article.status == ArticleStatus.FEED_ONLY
    assert "robots" in article.status_reason
    assert server.hits("/private/aeb/html/anything.html") == 0


def test_a_page_that_is_not_an_article_keeps_the_summary(server, make_feed):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    article = Article.objects.get(canonical_url="https://news.example.org/one")
    article.url = server.url("/hostile/html.xml")
    article.save()

    services.article_extract(article_id=article.id)

    article.refresh_from_db()
    assert article.status == ArticleStatus.FEED_ONLY
    assert article.status_reason.startswith("extraction failed")


def test_a_wire_copy_points_at_the_earliest_article_with_the_same_text(server, make_feed):
    page_id = json.loads((DATA / "pages/aeb/ground-truth.json").read_text()).popitem()[0]
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    first, second = Article.objects.order_by("canonical_url")
    first.url = server.url(f"/pages/aeb/html/{page_id}.html")
    first.published_at = timezone.now() - timedelta(hours=2)
    first.save()
    second.url = server.url(f"/pages/aeb/html/{page_id}.html?copy=1")
    second.published_at = timezone.now() - timedelta(hours=1)
    second.save()

    services.article_extract(article_id=second.id)
    services.article_extract(article_id=first.id)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.wire_origin_id, second.wire_origin_id) == (None, first.id)


def test_due_feeds_are_claimed_once(server, make_feed):
    due = make_feed(server.url("/small.xml"))
    make_feed(server.url("/conditional.xml"), next_fetch_at=timezone.now() + timedelta(hours=1))
    make_feed(server.url("/status/404"), is_active=False)
    now = timezone.now()

    assert services.feeds_claim_due(now=now) == [due.id]
    assert services.feeds_claim_due(now=now) == []


def test_a_stuck_pending_article_is_requeued(server, make_feed):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    article = Article.objects.first()
    later = timezone.now() + timedelta(minutes=30)

    ids, given_up = services.articles_requeue_stuck(now=later)

    assert article.id in ids
    assert given_up == 0


def test_with_the_extraction_queue_empty_an_article_never_started_is_requeued_after_a_minute(
    server, make_feed
):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    later = timezone.now() + timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS + 1)

    ids, _given_up = services.articles_requeue_stuck(now=later, idle_queue=True)

    assert ids == sorted(Article.objects.values_list("id", flat=True))


def test_with_the_extraction_queue_empty_an_article_being_downloaded_is_left_to_its_worker(
    server, make_feed
):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    # A worker started it (one attempt): it may be downloading, or waiting for a retry.
    Article.objects.update(attempts=1)
    later = timezone.now() + timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS + 1)

    assert services.articles_requeue_stuck(now=later, idle_queue=True) == ([], 0)


def test_with_extractions_still_queued_an_article_quiet_for_a_minute_is_left_to_its_task(
    server, make_feed
):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    later = timezone.now() + timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS + 1)

    assert services.articles_requeue_stuck(now=later) == ([], 0)


def test_an_article_that_keeps_killing_workers_is_given_up(server, make_feed):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    Article.objects.update(attempts=5)

    ids, given_up = services.articles_requeue_stuck(now=timezone.now() + timedelta(minutes=30))

    assert (ids, given_up) == ([], 2)
    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.FAILED}


@pytest.fixture
def canonical_site(tmp_path, shared_data):
    """news.example.org replayed: a feed with two spellings of one article whose page declares
    ``rel=canonical`` https://news.example.org/story."""
    body = next(
        iter(json.loads((shared_data / "pages/aeb/ground-truth.json").read_text()).values())
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in body["articleBody"].split("\n") if p.strip())
    site = tmp_path / "news.example.org"
    site.mkdir()
    (site / "story").write_text(
        '<html><head><title>Story</title><link rel="canonical" '
        'href="https://news.example.org/story"></head>'
        f"<body><article>{paragraphs}</article></body></html>"
    )
    (site / "feed.xml").write_text(
        '<rss version="2.0"><channel><title>News</title>'
        "<item><title>AMP</title><link>https://news.example.org/story?output=amp</link></item>"
        "<item><title>Web</title><link>https://news.example.org/story</link></item>"
        "</channel></rss>"
    )
    with (
        replay.serve_replay(tmp_path) as address,
        override_settings(
            INGESTION_HOST_OVERRIDES={"news.example.org": address},
            INGESTION_ALLOW_LOOPBACK=frozenset({address}),
            INGESTION_HOST_DELAY_SECONDS=0,
        ),
    ):
        yield


def test_rel_canonical_replaces_the_feed_link_after_download(canonical_site, make_feed):
    feed = make_feed("https://news.example.org/feed.xml")
    services.feed_fetch(feed_id=feed.id)
    Article.objects.filter(canonical_url="https://news.example.org/story").delete()
    amp = Article.objects.get()

    services.article_extract(article_id=amp.id)

    amp.refresh_from_db()
    assert (amp.canonical_url, amp.status) == ("https://news.example.org/story", "extracted")


def test_a_second_spelling_of_an_article_is_kept_as_a_duplicate_never_clustered(
    canonical_site, make_feed
):
    feed = make_feed("https://news.example.org/feed.xml")
    services.feed_fetch(feed_id=feed.id)
    web = Article.objects.get(canonical_url="https://news.example.org/story")
    amp = Article.objects.exclude(pk=web.pk).get()

    services.article_extract(article_id=web.id)
    services.article_extract(article_id=amp.id)

    amp.refresh_from_db()
    assert (amp.status, amp.wire_origin_id) == (ArticleStatus.FAILED, web.id)
    assert amp.status_reason.startswith("duplicate")


def test_a_feed_deleted_during_its_fetch_is_left_alone(server, make_feed):
    feed = make_feed(server.url("/status/404"))
    feed_id = feed.id
    feed.delete()

    services.feed_record_failure(feed_id=feed_id, error="timeout: the poll took too long")

    assert not Feed.objects.filter(pk=feed_id).exists()


def _flip_bits(fingerprint: int, count: int) -> int:
    """``fingerprint`` with its ``count`` highest bits flipped, as a signed 64-bit value."""
    flipped = (fingerprint & (2**64 - 1)) ^ (((1 << count) - 1) << (64 - count))
    return flipped - 2**64 if flipped >= 2**63 else flipped


@pytest.mark.parametrize("stored", [0x1234_5678_9ABC_DEF0, -0x1234_5678_9ABC_DEF0])
def test_a_wire_copy_is_found_up_to_the_hamming_limit_and_not_beyond(make_feed, stored):
    """The database compares fingerprints (PostgreSQL) exactly as is_near_copy does."""
    source = make_feed("https://feeds.example.org/rss").source
    now = timezone.now()
    origin, copy = (
        Article.objects.create(
            canonical_url=f"https://news.example.org/{name}",
            url=f"https://news.example.org/{name}",
            source=source,
            title=name,
            published_at=now,
            text_fingerprint=fingerprint,
        )
        for name, fingerprint in (("origin", stored), ("copy", None))
    )

    def found(distance: int) -> bool:
        fingerprint = _flip_bits(stored, distance)
        candidates = selectors.article_wire_candidates(article=copy, fingerprint=fingerprint)
        return origin.id in {candidate.id for candidate in candidates}

    assert found(0) and found(MAX_HAMMING_DISTANCE)
    assert not found(MAX_HAMMING_DISTANCE + 1)


def test_a_feed_with_full_text_stores_it_for_the_article(server, make_feed):
    """TIME's feed served over loopback: the article text of content:encoded is what the
    article is known by until its page is read; the description stays the excerpt."""
    feed = make_feed(server.url("/feeds/outlets/time_tech.rss.xml"))

    services.feed_fetch(feed_id=feed.id)

    article = Article.objects.filter(feed=feed).order_by("id")[1]
    assert len(article.feed_summary) > 5000
    assert len(article.description) < 300
    assert article.best_text == article.feed_summary


# --- wire copies known only from their feed text ------------------------------------------


def _feed_only(make_feed, name: str, feed_summary: str, *, hours_ago: float) -> Article:
    """A pending article of its own outlet whose page could not be read: ``give_up`` keeps the
    feed's text, as a 404 or a paywall does."""
    feed = make_feed(f"https://feeds.example.org/{name}.xml")
    article = Article.objects.create(
        canonical_url=f"https://{name}.example.org/story",
        url=f"https://{name}.example.org/story",
        source=feed.source,
        feed=feed,
        title="Hezbollah rejects disarmament plan",
        feed_summary=feed_summary,
        published_at=timezone.now() - timedelta(hours=hours_ago),
    )
    services.article_give_up(article_id=article.id, reason="download failed: HTTP 404")
    article.refresh_from_db()
    return article


@pytest.fixture
def hezbollah_reuters():
    """Al-Monitor's real Reuters item of 17 February 2026, as its feed text is stored."""
    document = parse_feed(
        (DATA / "feeds/outlets/al_monitor.rss.xml").read_bytes(), now=timezone.now()
    )
    return next(entry.summary for entry in document.entries if "Hezbollah" in entry.summary)


def test_a_feed_only_copy_of_a_reuters_story_points_at_the_earliest_feed_only_article(
    make_feed, hezbollah_reuters
):
    """Real feeds: no copy was linked without page text."""
    copy_text = "(Reuters) — " + hezbollah_reuters.split("(Reuters) - ", 1)[1]
    original = _feed_only(make_feed, "almonitor", hezbollah_reuters, hours_ago=3)
    copy = _feed_only(make_feed, "republisher", copy_text, hours_ago=1)

    assert (original.wire_origin_id, copy.wire_origin_id) == (None, original.id)
    assert copy.lead_fingerprint == original.lead_fingerprint is not None


def test_an_earlier_copy_stored_later_becomes_the_origin(make_feed, hezbollah_reuters):
    copy_text = "(Reuters) — " + hezbollah_reuters.split("(Reuters) - ", 1)[1]
    later = _feed_only(make_feed, "republisher", copy_text, hours_ago=1)
    earlier = _feed_only(make_feed, "almonitor", hezbollah_reuters, hours_ago=3)

    later.refresh_from_db()
    assert (earlier.wire_origin_id, later.wire_origin_id) == (None, earlier.id)


def test_two_outlets_own_summaries_of_one_event_are_never_linked(make_feed):
    """Real descriptions of the Hormuz drills (NYT and ABC News, 17 February 2026)."""
    nyt = _feed_only(
        make_feed,
        "nyt",
        "The day before nuclear talks were set to resume, Iran conducted live drills in the "
        "Strait of Hormuz, a strategic waterway for oil and gas shipments.",
        hours_ago=2,
    )
    abc = _feed_only(
        make_feed,
        "abc",
        "Iran announced the temporary closure of the Strait of Hormuz for live fire military "
        "drills as its negotiators held another round of indirect talks with the United States "
        "in Geneva over its disputed nuclear program",
        hours_ago=1,
    )

    assert (nyt.wire_origin_id, abc.wire_origin_id) == (None, None)
    assert (nyt.text_fingerprint, abc.lead_fingerprint) == (None, None)


def test_a_long_feed_text_is_fingerprinted_and_its_copy_linked(make_feed, shared_data):
    body = json.loads((shared_data / "pages/aeb/ground-truth.json").read_text())
    text = next(v["articleBody"] for v in body.values() if len(v["articleBody"].split()) > 300)
    original = _feed_only(make_feed, "first", text, hours_ago=2)
    copy = _feed_only(make_feed, "second", text + "\n\nCopyright 2026.", hours_ago=1)

    assert original.text_fingerprint is not None
    assert copy.wire_origin_id == original.id


def test_one_outlets_feed_items_sharing_a_long_text_are_not_copies(make_feed, shared_data):
    """A feed can repeat one boilerplate paragraph in every item; that is no wire copy."""
    body = json.loads((shared_data / "pages/aeb/ground-truth.json").read_text())
    text = next(v["articleBody"] for v in body.values() if len(v["articleBody"].split()) > 300)
    feed = make_feed("https://feeds.example.org/one-outlet.xml")
    articles = [
        Article.objects.create(
            canonical_url=f"https://one.example.org/{n}",
            url=f"https://one.example.org/{n}",
            source=feed.source,
            feed=feed,
            title=f"Item {n}",
            feed_summary=text,
            published_at=timezone.now() - timedelta(hours=n),
        )
        for n in (1, 2)
    ]
    for article in articles:
        services.article_give_up(article_id=article.id, reason="paywall")

    assert list(Article.objects.values_list("wire_origin_id", flat=True)) == [None, None]


@pytest.mark.django_db(transaction=True)
def test_the_stuck_article_sweep_skips_articles_another_transaction_holds():
    """The sweep used to lock with SKIP LOCKED and then send a plain UPDATE, which waited for
    the held row and then marked it failed under the worker extracting it."""
    held, free = ArticleFactory.create_batch(2, status=ArticleStatus.PENDING, attempts=5)
    Article.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    locked, release = threading.Event(), threading.Event()

    def hold_row() -> None:
        with transaction.atomic():
            Article.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=3)
        connections.close_all()

    holder = threading.Thread(target=hold_row)
    holder.start()
    assert locked.wait(timeout=10)
    try:
        ids, given_up = services.articles_requeue_stuck(now=timezone.now())
    finally:
        release.set()
        holder.join()

    assert (ids, given_up) == ([], 1)
    assert Article.objects.get(pk=held.pk).status == ArticleStatus.PENDING
    assert Article.objects.get(pk=free.pk).status == ArticleStatus.FAILED


def test_a_clustering_task_module_that_fails_to_import_is_not_swallowed(monkeypatch):
    """An ImportError of stories.tasks was once logged and ignored: articles never clustered."""
    monkeypatch.setitem(sys.modules, "stories.tasks", None)

    with pytest.raises(ImportError):
        queue_clustering(1)
