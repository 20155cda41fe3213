"""Refreshing a story: figures, headline and summary recomputed from the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from infra.fields import clip_to_field
from infra.tasks import enqueue_on_commit
from stories import coverage, headline, imagery, sentences, summarize
from stories.models import Article, Story
from stories.selectors import side_articles_published
from stories.services.parameters import blindspot_thresholds
from stories.services.related import story_related_recompute
from stories.services.topics import story_topics_recompute


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


def _content_articles(story: Story) -> list[Article]:
    """The story's articles with what the summary, the headline, the picture and the topics
    read (one query: the texts are the big part, so they are read once for all four)."""
    return list(
        story.articles.select_related("source").only(
            "id",
            # The related manager sets each row's story: without its id loaded, that is one
            # more query per article.
            "story",
            "title",
            "url",
            "text",
            "feed_summary",
            "description",
            "categories",
            "published_at",
            "created_at",
            "image",
            "wire_origin",
            "source__name",
            "source__bias",
            "source__factuality_value",
            "source__country",
        )
    )


def _source_texts(articles: Iterable[Article]) -> list[summarize.SourceText]:
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
            published_at=article.published_at or article.created_at,
            standfirst=summarize.standfirst_of(
                article.description, article.best_text, article.title
            ),
        )
        for article in articles
    ]


def _picture_candidates(articles: Iterable[Article]) -> list[imagery.PictureCandidate]:
    return [
        imagery.PictureCandidate(
            article_id=article.id,
            image=article.image,
            is_wire_copy=article.wire_origin_id is not None,
            seen_at=article.published_at or article.created_at,
        )
        for article in articles
    ]


def story_refresh_image(*, story_id: int) -> bool:
    """Choose the story's picture again (an article's picture arrived); bump ``version`` when
    it changed, so cached pages show it. Returns whether it changed.

    Cheaper than :func:`story_refresh`: one read of the articles' pictures under the story's
    row lock, and no change at all when the picture stays the same.
    """
    with transaction.atomic():
        story = (
            Story.objects.select_for_update()
            .only("id", "image", "merged_into")
            .filter(id=story_id)
            .first()
        )
        if story is None or story.merged_into_id is not None:
            return False
        articles = story.articles.exclude(image="").only(
            "id", "image", "wire_origin", "published_at", "created_at"
        )
        image = imagery.story_picture(_picture_candidates(articles))
        if image == story.image:
            return False
        Story.objects.filter(id=story_id).update(image=image, version=F("version") + 1)
    return True


def story_refresh(*, story_id: int) -> bool:
    """Recompute figures, headline, side headlines, summary, topics, related stories
    (``story_related_recompute``) and picture; bump ``version``.
    A story some of whose articles lost their text to retention keeps its headline, summary,
    topics and picture (its figures are recomputed).

    Locks the story row and clears ``refresh_requested_at``; returns False if the story is
    gone or was merged away.
    """
    with transaction.atomic():
        # Not the clustering state: the refresh never reads it, and it is the row's biggest
        # column (save() then writes only the loaded columns).
        story = Story.objects.select_for_update().defer("cluster_state").filter(id=story_id).first()
        if story is None:
            return False
        if story.merged_into_id is not None:
            Story.objects.filter(id=story_id).update(refresh_requested_at=None)
            return False
        figures = story_compute_figures(story=story)
        for field, value in figures.column_values().items():
            setattr(story, field, value)
        story.figures = figures.as_dict()
        if figures.first_seen_at is not None and figures.last_updated_at is not None:
            story.first_seen_at = figures.first_seen_at
            story.last_updated_at = figures.last_updated_at
        if story.articles.filter(text_dropped_at__isnull=False).exists():
            # Retention emptied texts of its articles (stories.services.retention): the
            # headline and summary made from all of them stay; the figures are recomputed.
            story.version += 1
            story.refresh_requested_at = None
            story.save()
            return True
        articles = _content_articles(story)
        texts = _source_texts(articles)
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
        story.summary = [
            bullet.as_json() for bullet in summarize.summarize(texts, headline=story.headline)
        ]
        # Stories that depend on a person this refresh made known are refreshed after the
        # commit, their rows unmarked: marking them here would take their row locks under
        # this story's, which their own refreshes may take the other way round (a deadlock).
        # A lost one keeps its topics until its next refresh.
        from stories.tasks import story_refresh as story_refresh_task

        for other_id in story_topics_recompute(story=story, articles=articles):
            enqueue_on_commit(story_refresh_task, other_id)
        story.image = imagery.story_picture(_picture_candidates(articles))
        # Under the row lock, so a cached page's version changes with its related stories.
        story_related_recompute(story_id=story_id)
        story.version += 1
        story.refresh_requested_at = None
        story.save()
    return True


def queue_refresh(story_ids: Iterable[int], *, now: datetime | None = None) -> None:
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
        enqueue_on_commit(story_refresh_task, story_id)
