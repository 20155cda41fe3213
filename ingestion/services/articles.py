"""Article services: download and extract one article's page, store it under the store lock,
link wire copies, and sweep articles whose task was lost."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from infra.fields import clip_to_field
from infra.locks import AdvisoryLock, advisory_xact_lock
from infra.queues import IDLE_QUEUE_QUIET_SECONDS
from ingestion import http, schedule
from ingestion.canonical import accept_rel_canonical
from ingestion.extraction import ExtractedArticle, ExtractionFailedError, extract_article
from ingestion.fingerprint import find_wire_origin, lead_fingerprint, simhash
from ingestion.selectors import article_wire_candidates
from ingestion.services.common import (
    ArticleExtractOutcome,
    ArticleExtractStatus,
    TransientIngestionError,
    queue_clustering,
    queue_extraction,
)
from ingestion.services.images import queue_article_image
from stories.models import Article, ArticleStatus

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


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
    other outlets' articles are compared (see ``ingestion.selectors.article_wire_candidates``).
    """
    article.text_fingerprint = fingerprint
    article.lead_fingerprint = lead
    article.wire_origin = None
    if fingerprint is None and lead is None:
        return
    origin = find_wire_origin(
        fingerprint=fingerprint,
        lead=lead,
        candidates=article_wire_candidates(
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


def _mark_feed_only(
    article_id: int,
    reason: str,
    *,
    status: str = ArticleStatus.FEED_ONLY,
    feed_text: str | None = None,
) -> None:
    """Keep the feed's text as the article's text; link it to its wire origin from that text.

    Without page text a copy is still worth linking: feed text says "(Reuters) -" and copies
    share their first sentences. The feed text is fingerprinted like
    a page (SimHash when it is long enough, an agency lead otherwise) under the store lock.
    ``feed_text``: the article's feed summary when the caller has read it already.
    """
    if feed_text is None:
        feed_text = (
            Article.objects.filter(pk=article_id).values_list("feed_summary", flat=True).first()
            or ""
        )
    fingerprint = simhash(feed_text) if status == ArticleStatus.FEED_ONLY else None
    lead = lead_fingerprint(feed_text) if status == ArticleStatus.FEED_ONLY else None
    with transaction.atomic():
        if fingerprint is not None or lead is not None:
            advisory_xact_lock(AdvisoryLock.EXTRACTION_STORE)
        article = (
            Article.objects.select_for_update()
            # What the wire lookup and the save read: not the text columns.
            .only("status", "published_at", "created_at", "source_id", "image_url")
            .filter(pk=article_id)
            .first()
        )
        if article is None or article.status != ArticleStatus.PENDING:
            return
        article.status = status
        article.status_reason = clip_to_field(Article, "status_reason", reason)
        fields = ["status", "status_reason", "updated_at"]
        if status == ArticleStatus.FEED_ONLY:
            _link_wire_origin(
                article=article, fingerprint=fingerprint, lead=lead, from_feed_text=True
            )
            fields += ["text_fingerprint", "lead_fingerprint", "wire_origin"]
        article.save(update_fields=fields)
        if status == ArticleStatus.FEED_ONLY:
            queue_clustering(article.pk)
            if article.image_url:
                queue_article_image(article.pk)


def article_extract(*, article_id: int, retry: bool = False) -> ArticleExtractOutcome:
    """Download one pending article's page, extract it, de-duplicate, queue it for clustering.

    Idempotent: an article that is no longer pending is left alone. Permanent failures (robots,
    404, refused address, paywall, no text) keep the feed summary and record why
    (``feed_only``). With ``retry=True`` a transient failure raises
    :class:`TransientIngestionError` instead of being recorded.
    """
    article = (
        Article.objects.filter(pk=article_id, status=ArticleStatus.PENDING)
        .only("url", "published_at", "author", "feed_summary")
        .first()
    )
    if article is None:
        return ArticleExtractOutcome(article_id=article_id, status=ArticleExtractStatus.SKIPPED)
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
        _mark_feed_only(article_id, reason, feed_text=article.feed_summary or "")
        return ArticleExtractOutcome(article_id, ArticleExtractStatus.FEED_ONLY, reason)

    try:
        extracted = extract_article(
            result.body,
            url=result.url,
            want_date=article.published_at is None,
            want_author=not article.author,
        )
    except ExtractionFailedError as error:
        reason = f"extraction failed: {error}"
        _mark_feed_only(article_id, reason, feed_text=article.feed_summary or "")
        return ArticleExtractOutcome(article_id, ArticleExtractStatus.FEED_ONLY, reason)
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


def _article_store_extraction(
    *, article_id: int, extracted: ExtractedArticle
) -> ArticleExtractOutcome:
    # Republishers retitle wire stories; only the body says whether two articles are one text.
    body = extracted.text.removeprefix(extracted.title).strip() if extracted.title else ""
    fingerprint = simhash(body or extracted.text)
    # The page's dateline, else the feed's: a republisher's page may drop "(Reuters) -".
    lead = lead_fingerprint(body or extracted.text)
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.EXTRACTION_STORE)
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
                "image_url",
            )
            .first()
        )
        if article is None or article.status != ArticleStatus.PENDING:
            return ArticleExtractOutcome(article_id=article_id, status=ArticleExtractStatus.SKIPPED)
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
            article.status_reason = clip_to_field(
                Article, "status_reason", f"duplicate: rel=canonical is article {owner_id}"
            )
            article.wire_origin_id = owner_id
            article.save(update_fields=["status", "status_reason", "wire_origin", "updated_at"])
            return ArticleExtractOutcome(
                article_id, ArticleExtractStatus.MERGED, article.status_reason
            )
        if canonical:
            article.canonical_url = canonical
        article.text = extracted.text
        article.title = article.title or extracted.title
        article.author = article.author or extracted.author
        article.description = extracted.description
        article.language = extracted.language
        # The page's own picture (og:image) is usually its largest; the feed's stays otherwise.
        article.image_url = extracted.image_url or article.image_url
        article.published_at = article.published_at or extracted.published_at
        article.status = ArticleStatus.EXTRACTED
        article.status_reason = ""
        article.extracted_at = timezone.now()
        if lead is None:
            lead = lead_fingerprint(article.feed_summary)
        _link_wire_origin(article=article, fingerprint=fingerprint, lead=lead)
        article.save(update_fields=_EXTRACTED_FIELDS)
        queue_clustering(article.pk)
        if article.image_url:
            queue_article_image(article.pk)
    return ArticleExtractOutcome(article_id=article_id, status=ArticleExtractStatus.EXTRACTED)


# At most this many stuck articles handled by one sweep.
STUCK_ARTICLE_BATCH = 5000


def articles_requeue_stuck(*, now: datetime, idle_queue: bool = False) -> tuple[list[int], int]:
    """Re-queue pending articles nobody touched for ``STUCK_ARTICLE_MINUTES``.

    ``idle_queue``: the extraction queue is empty (``infra.queues``), so an article never
    started (no attempt yet) and quiet for ``IDLE_QUEUE_QUIET_SECONDS`` has lost its message
    (a broker restart) and is re-queued at once. Articles with an attempt may be downloading
    right now or waiting for a retry held by a worker, so they wait the full quiet time.

    Returns (re-queued ids, number given up on). An article that already used
    ``MAX_ARTICLE_ATTEMPTS`` is marked failed instead: its page keeps killing workers.
    """
    cutoff = now - timedelta(minutes=schedule.STUCK_ARTICLE_MINUTES)
    lost = Q(updated_at__lt=cutoff)
    if idle_queue:
        quiet = now - timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS)
        lost |= Q(attempts=0, updated_at__lt=quiet)
    with transaction.atomic():
        # Lock the ids first (SKIP LOCKED), then update by id: an UPDATE over the filter would
        # wait for rows a worker holds and then change them under it.
        stuck = list(
            Article.objects.select_for_update(skip_locked=True)
            .filter(lost, status=ArticleStatus.PENDING)
            .order_by("updated_at", "id")
            .values_list("id", "attempts")[:STUCK_ARTICLE_BATCH]
        )
        exhausted = [pk for pk, attempts in stuck if attempts >= schedule.MAX_ARTICLE_ATTEMPTS]
        given_up = Article.objects.filter(pk__in=exhausted).update(
            status=ArticleStatus.FAILED,
            status_reason=f"gave up after {schedule.MAX_ARTICLE_ATTEMPTS} attempts",
            updated_at=now,
        )
        ids = sorted(pk for pk, attempts in stuck if attempts < schedule.MAX_ARTICLE_ATTEMPTS)
        # Touching updated_at keeps the next sweep from queueing them again straight away.
        Article.objects.filter(pk__in=ids).update(updated_at=now)
        queue_extraction(ids)
    return ids, given_up


def article_give_up(*, article_id: int, reason: str) -> None:
    """Keep the feed summary and record why the page was not used."""
    _mark_feed_only(article_id, reason)
