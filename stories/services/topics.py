"""A story's topics recomputed from its articles, and editors' changes to topics.

``story_topics_recompute`` runs inside ``story_refresh`` (under the story's row lock), so a
story's topics always match the articles its figures were computed from. Whom a story names by
surname alone or by another spelling depends on the people the site knows, looked up by the
indexed ``Topic.surname_key`` for the surnames the story uses (kept as ``StorySurname`` rows);
when a refresh makes a person known, the stories using that surname are refreshed too, so the
topics do not depend on the order stories were refreshed in. Editors' changes
(rename, hide, merge) rewrite ``Story.topic_links`` of the stories concerned and bump their
version, which invalidates their cached pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stories import topics
from stories.models import Article, Story, StorySurname, StoryTopic, Topic, TopicKind

# Topics kept per story: the strongest; a story is rarely about more than a dozen things.
MAX_TOPICS_PER_STORY = 12


def _topic_texts(articles: Iterable[Article]) -> tuple[list[topics.TopicText], set[str]]:
    """The story's articles as topic extraction reads them, and its outlets' names."""
    texts = [
        topics.TopicText(
            source_id=article.source_id,
            title=article.title,
            text=(article.description or article.text or article.feed_summary)[: topics.TEXT_CHARS],
            categories=tuple(str(c) for c in article.categories or ()),
        )
        for article in articles
    ]
    return texts, {article.source.name for article in articles}


def known_people(*, keys: Iterable[str]) -> list[str]:
    """Full names of the people the site knows whose surname key is one of ``keys`` (a merged
    person as the topic that absorbed them): one indexed lookup of only the surnames a story
    uses, not a read of every person."""
    keys = sorted(set(keys))
    if not keys:
        return []
    rows = Topic.objects.filter(kind=TopicKind.PERSON, surname_key__in=keys).select_related(
        "merged_into"
    )
    return sorted({(row.merged_into or row).name for row in rows})


def _topics_for(found: list[topics.FoundTopic]) -> tuple[dict[str, Topic], set[str]]:
    """The Topic rows of ``found`` by slug (created when new; merged ones followed), and the
    surname keys of the people this made known."""
    slugs = [item.slug for item in found]
    existing = {
        t.slug: t for t in Topic.objects.select_related("merged_into").filter(slug__in=slugs)
    }
    new = [
        Topic(
            kind=item.kind,
            slug=item.slug,
            name=item.name[:200],
            country=item.country,
            surname_key=topics.surname_key(item.name) if item.kind == TopicKind.PERSON else "",
        )
        for item in found
        if item.slug not in existing
    ]
    new_surnames = {topic.surname_key for topic in new if topic.surname_key}
    if new:
        Topic.objects.bulk_create(new, ignore_conflicts=True)
        existing |= {
            t.slug: t
            for t in Topic.objects.select_related("merged_into").filter(
                slug__in=[t.slug for t in new]
            )
        }
    by_slug = {
        slug: (topic.merged_into if topic.merged_into is not None else topic)
        for slug, topic in existing.items()
    }
    return by_slug, new_surnames


def topic_link(topic: Topic) -> dict[str, str]:
    return {"slug": topic.slug, "name": topic.label, "kind": topic.kind}


def story_topics_recompute(*, story: Story, articles: Sequence[Article]) -> list[int]:
    """Replace ``story``'s topic rows with what ``articles`` (all of the story's, with their
    sources) say now; set ``topic_links``. Returns the other stories to refresh: those read
    with a surname of a person this made known, whom they may name by surname alone or
    spell otherwise (refreshing them makes the topics independent of the order stories are
    refreshed in).

    Call inside the refresh's transaction, with the articles it already read; the caller
    saves ``story`` and queues the returned stories' refreshes.
    """
    texts, outlet_names = _topic_texts(articles)
    surname_keys = topics.surname_keys(texts)
    known = known_people(keys=surname_keys)
    found = topics.find_topics(texts, known_people=known, outlet_names=outlet_names)
    found = found[:MAX_TOPICS_PER_STORY]
    by_slug, new_surnames = _topics_for(found)
    weights: dict[int, float] = {}
    chosen: list[Topic] = []
    for item in found:
        topic = by_slug.get(item.slug)
        if topic is None or topic.pk in weights:
            continue
        weights[topic.pk] = item.weight
        chosen.append(topic)
    StoryTopic.objects.filter(story=story).exclude(topic_id__in=weights).delete()
    StoryTopic.objects.bulk_create(
        [
            StoryTopic(
                story=story,
                topic_id=topic_id,
                weight=weight,
                last_updated_at=story.last_updated_at,
            )
            for topic_id, weight in weights.items()
        ],
        update_conflicts=True,
        unique_fields=["story", "topic"],
        update_fields=["weight", "last_updated_at"],
    )
    story.topic_links = _links(chosen)
    _remember_surnames(story=story, surname_keys=surname_keys)
    if not new_surnames:
        return []
    # Only stories that still have their text: once retention has dropped it, a refresh keeps
    # their topics as they are, so queueing one would do nothing but recount their figures.
    still_read = timezone.now() - timedelta(days=settings.ARTICLE_TEXT_RETENTION_DAYS)
    return sorted(
        set(
            StorySurname.objects.filter(
                surname_key__in=sorted(new_surnames), story__last_updated_at__gte=still_read
            )
            .exclude(story=story)
            .values_list("story_id", flat=True)
        )
    )


def _remember_surnames(*, story: Story, surname_keys: set[str]) -> None:
    StorySurname.objects.filter(story=story).exclude(surname_key__in=surname_keys).delete()
    StorySurname.objects.bulk_create(
        [StorySurname(story=story, surname_key=key) for key in sorted(surname_keys)],
        ignore_conflicts=True,
    )


def _links(chosen: Iterable[Topic]) -> list[dict[str, str]]:
    visible = [topic for topic in chosen if not topic.hidden]
    # Pinned topics first, then the order extraction gave (strongest first).
    visible.sort(key=lambda topic: not topic.pinned)
    return [topic_link(topic) for topic in visible]


def _relink_stories(story_ids: Iterable[int]) -> None:
    """Rewrite the topic links of ``story_ids`` from their rows and bump their versions."""
    ids = sorted(set(story_ids))
    rows = (
        StoryTopic.objects.filter(story_id__in=ids)
        .select_related("topic")
        .order_by("story_id", "-topic__pinned", "-weight", "topic__slug")
    )
    links: dict[int, list[Topic]] = defaultdict(list)
    for row in rows:
        links[row.story_id].append(row.topic)
    for story_id in ids:
        Story.objects.filter(pk=story_id).update(
            topic_links=_links(links.get(story_id, [])), version=F("version") + 1
        )


def topic_update(*, topic: Topic) -> None:
    """After an editor renamed, hid or pinned ``topic``: its stories' links follow."""
    _relink_stories(StoryTopic.objects.filter(topic=topic).values_list("story_id", flat=True))


def topics_merge(*, absorbed: Topic, into: Topic) -> None:
    """Fold ``absorbed`` into ``into``: its stories move over and its slug redirects there."""
    if absorbed.pk == into.pk or into.merged_into_id is not None:
        raise ValueError("merge into a topic that is itself live and different")
    with transaction.atomic():
        story_ids = list(
            StoryTopic.objects.filter(topic=absorbed).values_list("story_id", flat=True)
        )
        already = set(
            StoryTopic.objects.filter(topic=into, story_id__in=story_ids).values_list(
                "story_id", flat=True
            )
        )
        StoryTopic.objects.filter(topic=absorbed, story_id__in=already).delete()
        StoryTopic.objects.filter(topic=absorbed).update(topic=into)
        Topic.objects.filter(merged_into=absorbed).update(merged_into=into)
        Topic.objects.filter(pk=absorbed.pk).update(merged_into=into)
        _relink_stories(story_ids)
