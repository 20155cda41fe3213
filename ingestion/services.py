"""Ingestion services: the only place that mixes the ORM with the pure ingestion modules.

Locking pattern (every service): read the row without a lock, do the slow network and CPU work
outside any transaction, then open a short transaction, ``select_for_update()`` the row and
re-check it before writing. The database, not the queue, is the source of truth: every service
is safe to run twice, and follow-up tasks are queued with ``transaction.on_commit``.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ingestion import http, schedule
from ingestion.canonical import accept_rel_canonical, is_web_url
from ingestion.extraction import ExtractedArticle, ExtractionFailedError, extract_article
from ingestion.feeds import FeedDocument, FeedRejectedError, parse_feed
from ingestion.fingerprint import (
    MAX_HAMMING_DISTANCE,
    WIRE_WINDOW_HOURS,
    FingerprintedArticle,
    find_wire_origin,
    is_near_copy,
    lead_fingerprint,
    simhash,
)
from sources.models import Feed, FeedStatus
from stories.models import Article, ArticleStatus

logger = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"  # noqa: E501
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MAX_ERROR_LENGTH = 1000
# Arbitrary constant shared by every process storing an extraction (stories uses ...001).
EXTRACTION_STORE_LOCK_KEY = 5_021_144_002


class TransientIngestionError(Exception):
    """Worth retrying soon (timeout, connection reset, 5xx, 429); carries the fetch error."""

    def __init__(self, error: http.FetchError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class FeedFetchOutcome:
    feed_id: int
    status: str  # "ok", "not_modified", "failed", "skipped"
    new_article_ids: tuple[int, ...] = ()
    entry_count: int = 0
    error: str = ""


@dataclass(frozen=True)
class ArticleExtractOutcome:
    article_id: int
    status: str  # an ArticleStatus value, "skipped" or "merged"
    reason: str = ""


def _queue_extraction(article_ids: list[int]) -> None:
    from ingestion.tasks import article_extract

    for article_id in article_ids:
        transaction.on_commit(partial(article_extract.delay, article_id))


def _queue_clustering(article_id: int) -> None:
    try:
        from stories.tasks import article_cluster
    except ImportError:  # the clustering app has not landed yet
        logger.info("stories.tasks.article_cluster missing; article %s not queued", article_id)
        return
    transaction.on_commit(partial(article_cluster.delay, article_id))


# --- feeds ----------------------------------------------------------------------------------


def _feed_record_failure(
    *, feed_id: int, error: str, now: datetime, retry_after: str | None = None
) -> None:
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:  # deleted by an editor while we were fetching
            return
        feed.consecutive_failures += 1
        feed.status = FeedStatus.PAUSED if feed.status == FeedStatus.PAUSED else FeedStatus.FAILING
        feed.last_error = error[:MAX_ERROR_LENGTH]
        feed.last_error_at = now
        feed.last_fetched_at = now
        feed.next_fetch_at = schedule.next_fetch_after_failure(
            interval_seconds=feed.poll_interval_seconds,
            consecutive_failures=feed.consecutive_failures,
            retry_after_seconds=schedule.parse_retry_after(retry_after, now=now),
            now=now,
            jitter=random.random(),  # noqa: S311 - spreading load, not security
        )
        feed.save(
            update_fields=[
                "consecutive_failures",
                "status",
                "last_error",
                "last_error_at",
                "last_fetched_at",
                "next_fetch_at",
            ]
        )


def _feed_record_success(
    *,
    feed_id: int,
    now: datetime,
    changed: bool,
    etag: str,
    last_modified: str,
    title: str = "",
    note: str = "",
) -> None:
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:  # deleted by an editor while we were fetching
            return
        interval, next_fetch_at = schedule.next_fetch_after_success(
            interval_seconds=feed.poll_interval_seconds,
            changed=changed,
            now=now,
            jitter=random.random(),  # noqa: S311 - spreading load, not security
        )
        feed.poll_interval_seconds = interval
        feed.next_fetch_at = next_fetch_at
        feed.last_fetched_at = now
        feed.last_success_at = now
        if changed:
            feed.last_changed_at = now
        feed.consecutive_failures = 0
        if feed.status != FeedStatus.PAUSED:
            feed.status = FeedStatus.OK
        # A recovered-from problem (bad encoding, malformed XML) stays visible to editors.
        feed.last_error = note[:MAX_ERROR_LENGTH]
        feed.etag = etag[:500]
        feed.last_modified = last_modified[:100]
        if title and not feed.title:
            feed.title = title[:300]
        feed.save()


def feed_record_failure(*, feed_id: int, error: str) -> None:
    """Record a failure that happened outside the fetch itself (e.g. a task time limit)."""
    _feed_record_failure(feed_id=feed_id, error=error, now=timezone.now())


def feed_fetch(
    *, feed_id: int, now: datetime | None = None, retry: bool = False, queue: bool = True
) -> FeedFetchOutcome:
    """Poll one feed: conditional GET, parse, upsert its entries, queue their extraction.

    With ``retry=True`` a transient failure raises :class:`TransientIngestionError` so the
    caller (the Celery task) can retry; otherwise it is recorded on the feed like any other.
    Permanent failures (refused address, hostile XML, 404 …) are always recorded, never raised.
    ``queue=False`` leaves the new articles pending for the caller to extract itself.
    """
    feed = Feed.objects.filter(pk=feed_id).select_related("source").first()
    if feed is None:
        return FeedFetchOutcome(feed_id=feed_id, status="skipped", error="no such feed")
    if not feed.is_active or feed.status == FeedStatus.PAUSED:
        return FeedFetchOutcome(feed_id=feed_id, status="skipped", error="paused")

    try:
        result = http.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
        )
    except http.FetchError as error:
        if retry and not error.permanent:
            raise TransientIngestionError(error) from error
        _feed_record_failure(
            feed_id=feed_id,
            error=f"{error.kind}: {error}",
            now=now or timezone.now(),
            retry_after=error.retry_after,
        )
        return FeedFetchOutcome(feed_id=feed_id, status="failed", error=str(error))
    now = now or timezone.now()

    if result.not_modified:
        # 304: the validators matched, so there is nothing to parse.
        _feed_record_success(
            feed_id=feed_id,
            now=now,
            changed=False,
            etag=result.headers.get("etag", feed.etag),
            last_modified=result.headers.get("last-modified", feed.last_modified),
        )
        return FeedFetchOutcome(feed_id=feed_id, status="not_modified")

    try:
        document = parse_feed(
            result.body,
            now=now,
            content_type=result.headers.get("content-type", ""),
            base_url=result.url,
        )
    except FeedRejectedError as error:
        _feed_record_failure(feed_id=feed_id, error=f"rejected: {error}", now=now)
        return FeedFetchOutcome(feed_id=feed_id, status="failed", error=str(error))

    new_ids = _articles_upsert_entries(feed=feed, document=document, queue=queue)
    _feed_record_success(
        feed_id=feed_id,
        now=now,
        changed=bool(new_ids),
        etag=result.headers.get("etag", ""),
        last_modified=result.headers.get("last-modified", ""),
        title=document.title,
        note="; ".join(document.warnings),
    )
    return FeedFetchOutcome(
        feed_id=feed_id,
        status="ok",
        new_article_ids=tuple(new_ids),
        entry_count=len(document.entries),
    )


def _articles_upsert_entries(*, feed: Feed, document: FeedDocument, queue: bool) -> list[int]:
    """Create a pending Article per new entry; return the ids still pending.

    The unique constraint on ``canonical_url`` settles races between workers:
    ``ignore_conflicts`` lets a concurrent insert win silently. Articles already pending are
    queued again too (extraction is idempotent), which heals a lost queue.
    """
    if not document.entries:
        return []
    urls = [entry.canonical_url for entry in document.entries]
    with transaction.atomic():
        Article.objects.bulk_create(
            [
                Article(
                    canonical_url=entry.canonical_url,
                    url=entry.url,
                    source_id=feed.source_id,
                    feed=feed,
                    guid=entry.guid,
                    title=entry.title,
                    # The feed's best text (its full article when it carries one) is what
                    # clustering, summaries and wire detection read until the page is
                    # extracted; the description stays the short excerpt readers see.
                    feed_summary=entry.summary,
                    description=entry.description,
                    author=entry.author,
                    published_at=entry.published_at,
                    status=ArticleStatus.PENDING,
                )
                for entry in document.entries
            ],
            ignore_conflicts=True,
            batch_size=200,
        )
        pending = list(
            Article.objects.filter(
                canonical_url__in=urls, status=ArticleStatus.PENDING, attempts=0
            ).values_list("id", flat=True)
        )
        if queue:
            _queue_extraction(pending)
    return pending


# --- articles -------------------------------------------------------------------------------


def wire_window(article: Article) -> QuerySet[Article]:
    """Fingerprinted articles published within ``WIRE_WINDOW_HOURS`` of ``article``."""
    reference = article.published_at or article.created_at
    window = timedelta(hours=WIRE_WINDOW_HOURS)
    return (
        Article.objects.filter(
            Q(text_fingerprint__isnull=False) | Q(lead_fingerprint__isnull=False)
        )
        .exclude(pk=article.pk)
        .filter(
            Q(published_at__range=(reference - window, reference + window))
            | Q(
                published_at__isnull=True,
                created_at__range=(reference - window, reference + window),
            )
        )
    )


def near_copy_ids(
    in_window: QuerySet[Article],
    fingerprint: int | None,
    *,
    in_database: bool,
    lead: int | None = None,
) -> list[int]:
    """Ids of the articles of ``in_window`` whose fingerprint is a near copy of ``fingerprint``
    or whose agency lead is ``lead`` (one query either way).

    ``in_database`` (PostgreSQL 14+) XORs and counts the differing bits in SQL: with 100k /
    400k fingerprints in the window 27 / 56 ms instead of 83 / 294 ms for reading them into
    Python (``bench/wire_window.py``), which matters because storing runs under a lock.
    """
    if fingerprint is None and lead is None:
        return []
    same_lead = Q(lead_fingerprint=lead) if lead is not None else Q(pk__in=[])
    if in_database:
        if fingerprint is None:
            return list(in_window.filter(same_lead).values_list("id", flat=True))
        distance = RawSQL("bit_count((text_fingerprint # %s)::bit(64))", [fingerprint])
        return list(
            in_window.alias(distance=distance)
            .filter(Q(distance__lte=MAX_HAMMING_DISTANCE) | same_lead)
            .values_list("id", flat=True)
        )
    return [
        pk
        for pk, other, other_lead in in_window.values_list(
            "id", "text_fingerprint", "lead_fingerprint"
        )
        if (lead is not None and other_lead == lead)
        or (fingerprint is not None and other is not None and is_near_copy(other, fingerprint))
    ]


def _wire_candidates(
    *,
    article: Article,
    fingerprint: int | None,
    lead: int | None = None,
    other_outlets_only: bool = False,
) -> list[FingerprintedArticle]:
    """Articles in the wire window whose text is a near copy of ``fingerprint`` or starts with
    the agency lead ``lead``, plus the origins those copies point at (when in the window too).

    Every fingerprint in the window is compared (in PostgreSQL when it is the database); the
    dates that decide which copy is the origin are read for the few matches.
    ``other_outlets_only`` leaves out the article's own outlet: for feed text, where one
    outlet's items can share a long boilerplate paragraph that is no copy of anything.
    """
    in_window = wire_window(article)
    if other_outlets_only:
        in_window = in_window.exclude(source_id=article.source_id)
    match_ids = near_copy_ids(
        in_window, fingerprint, in_database=connection.vendor == "postgresql", lead=lead
    )
    if not match_ids:
        return []
    rows = in_window.filter(
        Q(pk__in=match_ids)
        | Q(pk__in=Article.objects.filter(pk__in=match_ids).values("wire_origin_id"))
    ).values_list(
        "id",
        "text_fingerprint",
        "published_at",
        "created_at",
        "wire_origin_id",
        "lead_fingerprint",
    )
    return [
        FingerprintedArticle(
            id=row[0],
            fingerprint=row[1],
            published_at=row[2],
            created_at=row[3],
            wire_origin_id=row[4],
            lead_fingerprint=row[5],
        )
        for row in rows
    ]


def _link_wire_origin(
    *,
    article: Article,
    fingerprint: int | None,
    lead: int | None = None,
    from_feed_text: bool = False,
) -> None:
    """Point ``article`` (locked by the caller) at the earliest article with the same text.

    If ``article`` is itself earlier than the group's origin, it becomes the origin.
    ``from_feed_text``: the fingerprints come from the feed's text (no page was read), so only
    other outlets' articles are compared (see ``_wire_candidates``).
    """
    article.text_fingerprint = fingerprint
    article.lead_fingerprint = lead
    article.wire_origin = None
    if fingerprint is None and lead is None:
        return
    origin = find_wire_origin(
        fingerprint=fingerprint,
        lead=lead,
        candidates=_wire_candidates(
            article=article,
            fingerprint=fingerprint,
            lead=lead,
            other_outlets_only=from_feed_text,
        ),
    )
    if origin is None:
        return
    mine = (article.published_at or article.created_at, article.pk)
    theirs = (origin.published_at or origin.created_at, origin.id)
    if mine < theirs:
        Article.objects.filter(Q(pk=origin.id) | Q(wire_origin_id=origin.id)).update(
            wire_origin=article
        )
    else:
        article.wire_origin_id = origin.id


def _mark_feed_only(article_id: int, reason: str, *, status: str = ArticleStatus.FEED_ONLY) -> None:
    """Keep the feed's text as the article's text; link it to its wire origin from that text.

    Issue 14: without page text no copy was ever linked, although feed text says
    "(Reuters) -" and copies share their first sentences. The feed text is fingerprinted like
    a page (SimHash when it is long enough, an agency lead otherwise) under the store lock.
    """
    feed_text = (
        Article.objects.filter(pk=article_id).values_list("feed_summary", flat=True).first() or ""
    )
    fingerprint = simhash(feed_text) if status == ArticleStatus.FEED_ONLY else None
    lead = lead_fingerprint(feed_text) if status == ArticleStatus.FEED_ONLY else None
    with transaction.atomic():
        if fingerprint is not None or lead is not None:
            _take_store_lock()
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.status != ArticleStatus.PENDING:
            return
        article.status = status
        article.status_reason = reason[:500]
        fields = ["status", "status_reason", "updated_at"]
        if status == ArticleStatus.FEED_ONLY:
            _link_wire_origin(
                article=article, fingerprint=fingerprint, lead=lead, from_feed_text=True
            )
            fields += ["text_fingerprint", "lead_fingerprint", "wire_origin"]
        article.save(update_fields=fields)
        if status == ArticleStatus.FEED_ONLY:
            _queue_clustering(article.pk)


def article_extract(*, article_id: int, retry: bool = False) -> ArticleExtractOutcome:
    """Download one pending article's page, extract it, de-duplicate, queue it for clustering.

    Idempotent: an article that is no longer pending is left alone. Permanent failures (robots,
    404, refused address, paywall, no text) keep the feed summary and record why
    (``feed_only``). With ``retry=True`` a transient failure raises
    :class:`TransientIngestionError` instead of being recorded.
    """
    article = (
        Article.objects.filter(pk=article_id, status=ArticleStatus.PENDING)
        .only("url", "published_at", "author")
        .first()
    )
    if article is None:
        return ArticleExtractOutcome(article_id=article_id, status="skipped")
    # Counted before the slow work, so a page that kills its worker is eventually given up on.
    Article.objects.filter(pk=article_id).update(
        attempts=F("attempts") + 1, updated_at=timezone.now()
    )

    try:
        result = http.fetch(article.url, accept=PAGE_ACCEPT, respect_robots=True)
    except http.FetchError as error:
        if retry and not error.permanent:
            raise TransientIngestionError(error) from error
        reason = f"download failed: {error.kind}: {error}"
        _mark_feed_only(article_id, reason)
        return ArticleExtractOutcome(article_id, ArticleStatus.FEED_ONLY, reason)

    try:
        extracted = extract_article(
            result.body,
            url=result.url,
            want_date=article.published_at is None,
            want_author=not article.author,
        )
    except ExtractionFailedError as error:
        reason = f"extraction failed: {error}"
        _mark_feed_only(article_id, reason)
        return ArticleExtractOutcome(article_id, ArticleStatus.FEED_ONLY, reason)
    try:
        return _article_store_extraction(article_id=article_id, extracted=extracted)
    except IntegrityError:
        # A concurrent worker adopted the same canonical URL between our check and our write;
        # the second pass sees that row and merges into it.
        return _article_store_extraction(article_id=article_id, extracted=extracted)


# What _article_store_extraction writes; the rest of the row (feed data, attempts) is left
# as it is in the database.
_EXTRACTED_FIELDS = [
    "canonical_url",
    "text",
    "title",
    "author",
    "description",
    "language",
    "image_url",
    "published_at",
    "status",
    "status_reason",
    "extracted_at",
    "text_fingerprint",
    "lead_fingerprint",
    "wire_origin",
    "updated_at",
]


def _take_store_lock() -> None:
    """Serialise the short store transactions (PostgreSQL only; SQLite serialises writers).

    A text's wire origin and a page's canonical owner are decided against every committed
    article: two syndicated copies stored at once by two workers would each miss the other and
    both become origins. Taken first, before any row lock, so it cannot join a lock cycle.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EXTRACTION_STORE_LOCK_KEY])


def _article_store_extraction(
    *, article_id: int, extracted: ExtractedArticle
) -> ArticleExtractOutcome:
    # Republishers retitle wire stories; only the body says whether two articles are one text.
    body = extracted.text.removeprefix(extracted.title).strip() if extracted.title else ""
    fingerprint = simhash(body or extracted.text)
    # The page's dateline, else the feed's: a republisher's page may drop "(Reuters) -".
    lead = lead_fingerprint(body or extracted.text)
    with transaction.atomic():
        _take_store_lock()
        article = (
            Article.objects.select_for_update()
            .filter(pk=article_id)
            .only(
                "canonical_url",
                "title",
                "author",
                "published_at",
                "created_at",
                "status",
                "source_id",
                "feed_summary",
            )
            .first()
        )
        if article is None or article.status != ArticleStatus.PENDING:
            return ArticleExtractOutcome(article_id=article_id, status="skipped")
        canonical = accept_rel_canonical(article.canonical_url, extracted.canonical_url)
        owner_id = (
            Article.objects.filter(canonical_url=canonical).values_list("pk", flat=True).first()
            if canonical
            else None
        )
        if owner_id is not None:
            # Two feed links for one page. The row that owns the canonical URL is the article;
            # this one stays (so the next poll does not recreate it) but is never clustered.
            article.status = ArticleStatus.FAILED
            article.status_reason = f"duplicate: rel=canonical is article {owner_id}"[:500]
            article.wire_origin_id = owner_id
            article.save(update_fields=["status", "status_reason", "wire_origin", "updated_at"])
            return ArticleExtractOutcome(article_id, "merged", article.status_reason)
        if canonical:
            article.canonical_url = canonical
        article.text = extracted.text
        article.title = article.title or extracted.title
        article.author = article.author or extracted.author
        article.description = extracted.description
        article.language = extracted.language
        article.image_url = extracted.image_url
        article.published_at = article.published_at or extracted.published_at
        article.status = ArticleStatus.EXTRACTED
        article.status_reason = ""
        article.extracted_at = timezone.now()
        if lead is None:
            lead = lead_fingerprint(article.feed_summary)
        _link_wire_origin(article=article, fingerprint=fingerprint, lead=lead)
        article.save(update_fields=_EXTRACTED_FIELDS)
        _queue_clustering(article.pk)
    return ArticleExtractOutcome(article_id=article_id, status=ArticleStatus.EXTRACTED)


# --- periodic work --------------------------------------------------------------------------


def feeds_claim_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids of active feeds due for a poll, claimed for ``CLAIM_SECONDS`` so the next beat tick
    does not enqueue them again while their task waits in the queue."""
    claim_until = now + timedelta(seconds=schedule.CLAIM_SECONDS)
    with transaction.atomic():
        ids = list(
            Feed.objects.select_for_update(skip_locked=True)
            .filter(is_active=True)
            .exclude(status=FeedStatus.PAUSED)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
            .order_by("next_fetch_at")
            .values_list("id", flat=True)[:limit]
        )
        Feed.objects.filter(pk__in=ids).update(next_fetch_at=claim_until)
    return ids


def articles_requeue_stuck(*, now: datetime) -> tuple[list[int], int]:
    """Re-queue pending articles nobody touched for ``STUCK_ARTICLE_MINUTES``.

    Returns (re-queued ids, number given up on). An article that already used
    ``MAX_ARTICLE_ATTEMPTS`` is marked failed instead: its page keeps killing workers.
    """
    cutoff = now - timedelta(minutes=schedule.STUCK_ARTICLE_MINUTES)
    with transaction.atomic():
        stuck = Article.objects.select_for_update(skip_locked=True).filter(
            status=ArticleStatus.PENDING, updated_at__lt=cutoff
        )
        given_up = stuck.filter(attempts__gte=schedule.MAX_ARTICLE_ATTEMPTS).update(
            status=ArticleStatus.FAILED,
            status_reason=f"gave up after {schedule.MAX_ARTICLE_ATTEMPTS} attempts",
            updated_at=now,
        )
        ids = list(
            Article.objects.filter(status=ArticleStatus.PENDING, updated_at__lt=cutoff)
            .order_by("id")
            .values_list("id", flat=True)[:5000]
        )
        # Touching updated_at keeps the next sweep from queueing them again straight away.
        Article.objects.filter(pk__in=ids).update(updated_at=now)
        _queue_extraction(ids)
    return ids, given_up


def article_give_up(*, article_id: int, reason: str) -> None:
    """Keep the feed summary and record why the page was not used."""
    _mark_feed_only(article_id, reason)


# --- one in-process pass (manage.py ingest, benchmarks) --------------------------------------


def feeds_register_replay(
    *, urls_and_documents: list[tuple[str, bytes]], now: datetime
) -> list[int]:
    """Feed rows for replayed feed documents, each attached to the outlet its channel links to.

    An outlet the database does not know is created from the channel's registered domain, so a
    replay of arbitrary recorded feeds works on an empty database. It is named as the shipped
    catalogue names it when the catalogue lists the domain: a channel title names a feed, not
    an outlet ("NDTV News Search Records Found 1000", "TheWeek feed", "World").
    """
    from sources.catalogue import (
        DEFAULT_CATALOGUE_PATH,
        catalogue_outlet_for_url,
        parse_catalogue,
    )
    from sources.domains import registered_domain
    from sources.models import Source
    from sources.selectors import source_find_by_url

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
                    "slug": domain.replace(".", "-")[:200],
                    "homepage": homepage[:500],
                },
            )
        feed, _ = Feed.objects.get_or_create(url=url, defaults={"source": source})
        feed_ids.append(feed.id)
    return feed_ids
