"""Writes on stories: clustering an article, refreshing a story, merges and editors' moves.

Locking
-------
* Placing articles (``article_cluster``) and the merge pass run under one transaction-level
  PostgreSQL advisory lock (``AdvisoryLock.CLUSTERING``), so two workers never decide about the same
  event at once and the streaming document-frequency table stays exact. Placement is fast
  (milliseconds); the slow part, refreshing figures, headline and summary, happens after the
  lock is released. SQLite (embedded mode) runs tasks in-process and serialises writers.
* ``story_refresh`` locks the story row (``select_for_update``) and recomputes everything from
  the database, so whatever order refreshes run in, the last one sees every committed change.

Lost work
---------
The database, not the queue, says what is left to do. A worker killed between two steps loses
its task (with late acknowledgement Redis redelivers it only after the visibility timeout), so
``stories_sweep_lost_work`` (beat, every five minutes) re-queues what the database shows
undone: extracted or feed-only articles without a story, and stories whose
``refresh_requested_at`` is set. Every change to a story's articles sets that field in the same
transaction, under the story's row lock; ``story_refresh`` clears it under the same lock, so a
refresh can only clear what it has seen.

Settings read here (declared in ``newsdesk.settings``, checked by ``stories.checks``):
``STORY_CLUSTER_WINDOW_HOURS``, ``STORY_CLUSTER_LINK_THRESHOLD`` and the ``BLINDSPOT_*``
thresholds; see ``stories.clustering`` and ``stories.coverage``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from infra.fields import clip_to_field
from infra.locks import AdvisoryLock, advisory_xact_lock
from stories import clustering, coverage, headline, sentences, summarize
from stories.models import Article, ArticleStatus, Story, StoryTerm, TermFrequency

logger = logging.getLogger(__name__)

DOCUMENT_COUNT_TERM = ""
# The lead passed to clustering: about the first two paragraphs, where a news report names
# its actors, place and action; later paragraphs drift into background other events share.
CLUSTER_LEAD_CHARS = 1000
SLUG_TITLE_CHARS = 100
# Work untouched for this long lost its task (killed worker, lost queue); as long as
# ingestion.schedule.STUCK_ARTICLE_MINUTES, and longer than any task's time limit.
LOST_WORK_MINUTES = 15
# At most this many articles and this many stories re-queued by one sweep.
LOST_WORK_BATCH = 5000
# A blindspot check is re-counted for this long after the story's period ends: feeds are
# polled at most every 6 hours and back off for up to 24 after failures, so a side's articles
# of that period have arrived by then.
BLINDSPOT_RECHECK_HOURS = 48
# Articles that belong in a story once they have text (or their feed summary).
CLUSTERABLE_STATUSES = (ArticleStatus.EXTRACTED, ArticleStatus.FEED_ONLY)


def cluster_params() -> clustering.ClusterParams:
    """Clustering parameters, with the settings that override the module defaults."""
    return clustering.ClusterParams(
        window_hours=float(settings.STORY_CLUSTER_WINDOW_HOURS),
        link_threshold=float(settings.STORY_CLUSTER_LINK_THRESHOLD),
    )


def blindspot_thresholds() -> coverage.BlindspotParams:
    """The blindspot thresholds in force: the ``BLINDSPOT_*`` settings."""
    return coverage.BlindspotParams(
        min_rated_sources=settings.BLINDSPOT_MIN_RATED_SOURCES,
        max_side_share=settings.BLINDSPOT_MAX_SIDE_SHARE,
        min_side_articles=settings.BLINDSPOT_MIN_SIDE_ARTICLES,
        window_padding_hours=settings.BLINDSPOT_WINDOW_PADDING_HOURS,
    )


class DatabaseIndex:
    """``clustering.ClusterIndex`` over StoryTerm and TermFrequency; call inside the lock."""

    def document_count(self) -> int:
        row = TermFrequency.objects.filter(term=DOCUMENT_COUNT_TERM).first()
        return row.document_count if row else 0

    def document_frequencies(self, terms: Iterable[str]) -> Mapping[str, int]:
        return dict(
            TermFrequency.objects.filter(term__in=list(terms)).values_list("term", "document_count")
        )

    def candidate_stories(
        self, terms: Sequence[str], *, active_since: datetime, limit: int
    ) -> list[clustering.StoryState]:
        # Uses story_term_lookup_idx: one range scan per query term, never all stories.
        story_ids = list(
            StoryTerm.objects.filter(
                term__in=list(terms),
                last_active_at__gte=active_since,
                story__merged_into__isnull=True,
            )
            .values("story_id")
            .annotate(latest=Max("last_active_at"))
            .order_by("-latest", "story_id")
            .values_list("story_id", flat=True)[:limit]
        )
        stories = Story.objects.filter(id__in=story_ids).only("id", "cluster_state")
        return [
            clustering.StoryState.from_json(story.id, story.cluster_state)
            for story in stories
            if story.cluster_state
        ]

    def record_frequencies(self, terms: Iterable[str]) -> None:
        terms = [*set(terms), DOCUMENT_COUNT_TERM]
        current = self.document_frequencies(terms)
        TermFrequency.objects.bulk_create(
            [TermFrequency(term=term, document_count=current.get(term, 0) + 1) for term in terms],
            update_conflicts=True,
            unique_fields=["term"],
            update_fields=["document_count"],
        )

    def record_terms(self, story_id: int, terms: Iterable[str], at: datetime) -> None:
        StoryTerm.objects.bulk_create(
            [StoryTerm(story_id=story_id, term=term, last_active_at=at) for term in set(terms)],
            update_conflicts=True,
            unique_fields=["story", "term"],
            update_fields=["last_active_at"],
        )


def _article_time(article: Article) -> datetime:
    return article.published_at or article.created_at or timezone.now()


def opening_headline(article: Article) -> str:
    """The headline a new story starts with, and so the one its slug is made from.

    It is chosen by the same rules as every later headline (``headline.choose_headline``), so
    a story opened by a question, an opinion piece or a gallery starts with its article's lead
    sentence instead, and its slug names the event. The slug never changes afterwards: links
    to the story must keep working, so "the headline the story first settles on" is the first
    headline it is ever shown with.
    """
    # No outlet name: loading it would cost a query under the clustering lock, and the
    # suffix heuristics of headline.clean_title catch " - Outlet" without it.
    title = headline.clean_title(article.title)
    if title and headline.title_kind(title) is None:
        # The title states the event, so the lead is not needed: sentence splitting is the
        # costliest step of placement, and most titles do.
        return title
    candidate = headline.HeadlineCandidate(
        title=article.title, lead=sentences.lead_sentence(article.best_text)
    )
    return headline.choose_headline([candidate]) or title


def _new_slug(title: str) -> str:
    base = slugify(headline.clean_title(title))[:SLUG_TITLE_CHARS].strip("-") or "story"
    return f"{base}-{secrets.token_hex(3)}"


def _features_of(article: Article) -> clustering.ArticleFeatures:
    return clustering.article_features(
        article.id,
        article.title,
        _article_time(article),
        lead=clustering.lead_of(article.description, article.best_text, CLUSTER_LEAD_CHARS),
    )


def article_cluster(*, article_id: int) -> int | None:
    """Place the article in a story (join or new) and queue nothing; returns the story id.

    Idempotent: an article that already has a story keeps it. Runs under the clustering lock.
    Call ``story_refresh`` for the returned story after the commit.
    """
    params = cluster_params()
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        article = Article.objects.select_for_update().filter(id=article_id).first()
        if article is None:
            return None
        if article.story_id is not None:
            return article.story_id
        features = _features_of(article)
        index = DatabaseIndex()
        placement = clustering.place_article(index, features, params=params)
        at = features.published_at
        now = timezone.now()
        if placement.story_id is None:
            opening = opening_headline(article)
            story = Story.objects.create(
                slug=_new_slug(opening),
                headline=clip_to_field(Story, "headline", opening),
                first_seen_at=at,
                last_updated_at=at,
                refresh_requested_at=now,
            )
            state = clustering.new_story_state(story.id, placement.vector, at)
        else:
            _absorb_bridged(placement)
            story = Story.objects.select_for_update().get(id=placement.story_id)
            state = clustering.add_member(
                clustering.StoryState.from_json(story.id, story.cluster_state),
                placement.vector,
                at,
            )
        story.cluster_state = state.to_json()
        story.refresh_requested_at = story.refresh_requested_at or now
        story.save(update_fields=["cluster_state", "refresh_requested_at"])
        index.record_frequencies(features.weights)
        index.record_terms(story.id, clustering.unigram_terms(features), state.last_active_at)
        article.story = story
        article.clustered_at = now
        article.save(update_fields=["story", "clustered_at", "updated_at"])
        logger.info(
            "article %s -> story %s (score %.3f, %s%s)",
            article.id,
            story.id,
            placement.score,
            "joined" if placement.story_id else "new",
            f", bridged {list(placement.absorbed_ids)}" if placement.absorbed_ids else "",
        )
        return story.id


def _absorb_bridged(placement: clustering.Placement) -> None:
    """Fold the other stories the article links to into the one it joins: the article is
    the link that makes them one event. Stories an editor merged or split stay as they are."""
    if not placement.absorbed_ids or placement.story_id is None:
        return
    if Story.objects.filter(id=placement.story_id, merge_locked=True).exists():
        return
    others = list(Story.objects.filter(id__in=placement.absorbed_ids, merge_locked=False))
    if others:
        stories_merge(into=Story(id=placement.story_id), others=others, by_editor=False)


def _coverage_members(story: Story) -> list[coverage.CoverageMember]:
    rows = story.articles.values(
        "id",
        "source_id",
        "wire_origin_id",
        "published_at",
        "created_at",
        "source__bias",
        "source__factuality",
        "source__ownership_category",
    )
    return [
        coverage.CoverageMember(
            article_id=row["id"],
            source_id=row["source_id"],
            bias=row["source__bias"],
            factuality=row["source__factuality"],
            ownership=row["source__ownership_category"],
            wire_origin_id=row["wire_origin_id"],
            seen_at=row["published_at"] or row["created_at"],
        )
        for row in rows
    ]


def side_articles_published(*, side: str, start: datetime, end: datetime) -> int:
    """Articles that reached us through a feed from ``side``'s outlets, published between
    ``start`` and ``end`` (inclusive): whether that side was being read in a story's period.

    One aggregate query, a range scan of the ``published_at`` index; the
    sources are joined by primary key and filtered on their bias. Every status counts (an
    article waiting for its page was published all the same), so the answer depends only on
    the rows and the period, never on when it is asked.
    """
    return Article.objects.filter(
        feed__isnull=False,
        published_at__gte=start,
        published_at__lte=end,
        source__bias__in=coverage.SIDE_POINTS[side],
    ).count()


def story_compute_figures(*, story: Story) -> coverage.StoryFigures:
    """Figures of ``story`` computed from the database now (no writes).

    Two queries: the story's articles, then, only when the shares make the story a blindspot
    candidate, what that side published in the story's period.
    """
    params = blindspot_thresholds()
    members = _coverage_members(story)
    candidate = coverage.blindspot_candidate(members, params=params)
    published = (
        side_articles_published(
            side=candidate.side, start=candidate.period_start, end=candidate.period_end
        )
        if candidate
        else 0
    )
    return coverage.compute_figures(members, params=params, side_articles_published=published)


def _content_articles(story: Story) -> list[summarize.SourceText]:
    rows = story.articles.select_related("source").only(
        "id",
        "title",
        "url",
        "text",
        "feed_summary",
        "published_at",
        "wire_origin",
        "source__name",
        "source__bias",
        "source__factuality_value",
    )
    return [
        summarize.SourceText(
            article_id=article.id,
            source_name=article.source.name,
            title=article.title,
            text=article.best_text,
            bias=article.source.bias,
            factuality_value=article.source.factuality_value,
            url=article.url,
            wire_origin_id=article.wire_origin_id,
        )
        for article in rows
    ]


def story_refresh(*, story_id: int) -> bool:
    """Recompute figures, headline, side headlines and summary; bump ``version``.

    Locks the story row and clears ``refresh_requested_at``; returns False if the story is
    gone or was merged away.
    """
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(id=story_id).first()
        if story is None:
            return False
        if story.merged_into_id is not None:
            Story.objects.filter(id=story_id).update(refresh_requested_at=None)
            return False
        figures = story_compute_figures(story=story)
        texts = _content_articles(story)
        for field, value in figures.column_values().items():
            setattr(story, field, value)
        story.figures = figures.as_dict()
        if figures.first_seen_at is not None and figures.last_updated_at is not None:
            story.first_seen_at = figures.first_seen_at
            story.last_updated_at = figures.last_updated_at
        candidates = [
            headline.HeadlineCandidate(
                title=text.title,
                source_name=text.source_name,
                bias=text.bias,
                factuality_value=text.factuality_value,
                lead=sentences.lead_sentence(text.text),
            )
            for text in texts
        ]
        if candidates and not story.headline_locked:
            story.headline = clip_to_field(Story, "headline", headline.choose_headline(candidates))
        story.side_headlines = headline.side_headlines(candidates)
        story.summary = [bullet.as_json() for bullet in summarize.summarize(texts)]
        story.version += 1
        story.refresh_requested_at = None
        story.save()
    return True


def _queue_refresh(story_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Mark the stories as waiting for a refresh and queue one for each after the commit.

    Call inside a transaction; the mark commits with the change that asked for it, so the
    refresh is found by the sweep even if the queued task is lost.
    """
    from stories.tasks import story_refresh as story_refresh_task

    ids = sorted(set(story_ids))
    Story.objects.filter(id__in=ids, refresh_requested_at__isnull=True).update(
        refresh_requested_at=now or timezone.now()
    )
    for story_id in ids:
        transaction.on_commit(partial(story_refresh_task.delay, story_id))


def story_ids_for_source(*, source_id: int) -> list[int]:
    return sorted(
        set(
            Article.objects.filter(
                source_id=source_id, story__isnull=False, story__merged_into__isnull=True
            ).values_list("story_id", flat=True)
        )
    )


def stories_merge(*, into: Story, others: Sequence[Story], by_editor: bool) -> Story:
    """Fold ``others`` into ``into``: articles move, cluster state and terms combine.

    An editor's merge marks the surviving story ``merge_locked`` so automatic passes leave it
    alone; the absorbed stories keep ``merged_into`` and are never candidates again.
    """
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        ids = sorted({into.id, *(story.id for story in others)} - {None})
        locked = {story.id: story for story in Story.objects.select_for_update().filter(id__in=ids)}
        target = locked[into.id]
        state = (
            clustering.StoryState.from_json(target.id, target.cluster_state)
            if target.cluster_state
            else None
        )
        for story_id in ids:
            if story_id == target.id:
                continue
            absorbed = locked[story_id]
            Article.objects.filter(story=absorbed).update(story=target)
            if absorbed.cluster_state:
                other = clustering.StoryState.from_json(absorbed.id, absorbed.cluster_state)
                state = other if state is None else clustering.merge_states(state, other)
            for term, last_active in absorbed.terms.values_list("term", "last_active_at"):
                StoryTerm.objects.update_or_create(
                    story=target, term=term, defaults={"last_active_at": last_active}
                )
            absorbed.terms.all().delete()
            absorbed.merged_into = target
            absorbed.article_count = 0
            absorbed.refresh_requested_at = None
            absorbed.save(update_fields=["merged_into", "article_count", "refresh_requested_at"])
            Story.objects.filter(merged_into=absorbed).update(merged_into=target)
        if state is not None:
            target.cluster_state = replace(state, story_id=target.id).to_json()
        if by_editor:
            target.merge_locked = True
        target.save(update_fields=["cluster_state", "merge_locked"])
        _queue_refresh([target.id])
    return target


def article_move(*, article: Article, to_story: Story | None, title: str = "") -> Story:
    """An editor moves ``article`` to ``to_story`` (or splits it into a new story).

    The article is ``story_locked`` (automatic passes leave it) and both stories become
    ``merge_locked`` so the merge pass does not undo the split.
    """
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        article = Article.objects.select_for_update().get(id=article.id)
        old_story_id = article.story_id
        at = _article_time(article)
        if to_story is None:
            to_story = Story.objects.create(
                slug=_new_slug(title or article.title),
                headline=clip_to_field(
                    Story, "headline", headline.clean_title(title or article.title)
                ),
                first_seen_at=at,
                last_updated_at=at,
            )
        features = _features_of(article)
        index = DatabaseIndex()
        vector = clustering.article_vector(
            features, index.document_frequencies(features.weights), index.document_count()
        )
        target = Story.objects.select_for_update().get(id=to_story.id)
        state = (
            clustering.add_member(
                clustering.StoryState.from_json(target.id, target.cluster_state), vector, at
            )
            if target.cluster_state
            else clustering.new_story_state(target.id, vector, at)
        )
        target.cluster_state = state.to_json()
        target.merge_locked = True
        target.save(update_fields=["cluster_state", "merge_locked"])
        index.record_terms(target.id, clustering.unigram_terms(features), state.last_active_at)
        if old_story_id is not None:
            Story.objects.filter(id=old_story_id).update(merge_locked=True)
        article.story = target
        article.story_locked = True
        article.clustered_at = timezone.now()
        article.save(update_fields=["story", "story_locked", "clustered_at", "updated_at"])
        _queue_refresh([target.id] + ([old_story_id] if old_story_id else []))
    return target


def stories_merge_pass(*, now: datetime) -> list[tuple[int, int]]:
    """Fold together active stories that turned out to be one event; [(absorbed, into)].

    Stories active in the window and not ``merge_locked`` take part; the pairs come from
    ``clustering.plan_merges`` (the code the benchmark replays).
    """
    params = cluster_params()
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        active = Story.objects.filter(
            merged_into__isnull=True,
            merge_locked=False,
            last_updated_at__gte=now - params.window,
        ).only("id", "cluster_state")
        states = [
            clustering.StoryState.from_json(story.id, story.cluster_state)
            for story in active
            if story.cluster_state
        ]
        merges = clustering.plan_merges(DatabaseIndex(), states, now=now, params=params)
        for absorbed_id, into_id in merges:
            stories_merge(into=Story(id=into_id), others=[Story(id=absorbed_id)], by_editor=False)
    return merges


def stories_recompute_for_source(*, source_id: int) -> list[int]:
    """Queue a refresh of every live story covered by the source; the story ids."""
    story_ids = story_ids_for_source(source_id=source_id)
    with transaction.atomic():
        _queue_refresh(story_ids)
    return story_ids


@dataclass(frozen=True)
class LostWorkSweep:
    """What one sweep re-queued: articles to cluster, stories to refresh (ids, ascending)."""

    article_ids: tuple[int, ...] = ()
    story_ids: tuple[int, ...] = ()


def stories_sweep_lost_work(*, now: datetime) -> LostWorkSweep:
    """Re-queue clustering work that a killed worker or a lost queue left undone.

    * ``article_cluster`` for every extracted or feed-only article that has had no story for
      ``LOST_WORK_MINUTES`` (its placement task died or was never delivered);
    * ``story_refresh`` for every live story whose ``refresh_requested_at`` is that old (its
      article was placed, or its outlet re-rated, but the refresh never ran: stale figures).

    Idempotent, like the tasks it queues. Re-queued rows are stamped with ``now`` so the next
    sweep leaves them to their new task for another ``LOST_WORK_MINUTES``; rows another
    transaction holds (being placed or refreshed right now) are skipped.
    """
    from stories.tasks import article_cluster as article_cluster_task
    from stories.tasks import story_refresh as story_refresh_task

    cutoff = now - timedelta(minutes=LOST_WORK_MINUTES)
    with transaction.atomic():
        article_ids = list(
            Article.objects.select_for_update(skip_locked=True)
            .filter(story__isnull=True, status__in=CLUSTERABLE_STATUSES, updated_at__lt=cutoff)
            .order_by("updated_at", "id")
            .values_list("id", flat=True)[:LOST_WORK_BATCH]
        )
        Article.objects.filter(id__in=article_ids).update(updated_at=now)
        story_ids = list(
            Story.objects.select_for_update(skip_locked=True)
            .filter(refresh_requested_at__lt=cutoff, merged_into__isnull=True)
            .order_by("refresh_requested_at", "id")
            .values_list("id", flat=True)[:LOST_WORK_BATCH]
        )
        Story.objects.filter(id__in=story_ids).update(refresh_requested_at=now)
        for article_id in article_ids:
            transaction.on_commit(partial(article_cluster_task.delay, article_id))
        for story_id in story_ids:
            transaction.on_commit(partial(story_refresh_task.delay, story_id))
    if article_ids or story_ids:
        logger.warning(
            "re-queued lost clustering work: %d articles, %d stories",
            len(article_ids),
            len(story_ids),
        )
    return LostWorkSweep(article_ids=tuple(sorted(article_ids)), story_ids=tuple(sorted(story_ids)))


def stories_recheck_blindspots(*, now: datetime) -> list[int]:
    """Queue a refresh for every recent story whose blindspot check is out of date.

    A story's check counts what the candidate side's outlets published in the story's period,
    as far as it had arrived at the story's last refresh. That side's articles can arrive
    later (a feed polled every few hours, or backing off), and nothing about this story
    changes then: without a re-count, a story stays "not a blindspot" after the side is seen
    publishing, or gives an old count as its reason. One query for the stories whose period
    ended less than ``BLINDSPOT_RECHECK_HOURS`` ago, one count for each that has a check.
    Returns the ids queued, ascending.
    """
    padding = timedelta(hours=blindspot_thresholds().window_padding_hours)
    recent = now - timedelta(hours=BLINDSPOT_RECHECK_HOURS) - padding
    stale = []
    stories = Story.objects.filter(
        merged_into__isnull=True, refresh_requested_at__isnull=True, last_updated_at__gte=recent
    ).only("id", "figures")
    for story in stories:
        check = (story.figures or {}).get("blindspot_check")
        if not check:
            continue
        published = side_articles_published(
            side=check["side"],
            start=datetime.fromisoformat(check["period_start"]),
            end=datetime.fromisoformat(check["period_end"]),
        )
        if published != check["side_articles_published"]:
            stale.append(story.id)
    if stale:
        with transaction.atomic():
            _queue_refresh(stale, now=now)
    return sorted(stale)


def stories_figures_drift() -> list[int]:
    """Live stories whose stored figures differ from a recomputation (should be none)."""
    drifted = []
    for story in Story.objects.filter(merged_into__isnull=True):
        if story.figures != story_compute_figures(story=story).as_dict():
            drifted.append(story.id)
    return drifted
