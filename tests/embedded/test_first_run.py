"""The demo corpus goes through the real pipeline and comes out as the stories it was written as."""

from collections import defaultdict
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import override_settings

from embedded.demo_corpus import load_corpus
from embedded.first_run import DEMO_CORPUS_DIR, demo_replay, first_run
from infra import media
from sources.models import Feed, FeedStatus, Source
from stories.models import Article, ArticleStatus, Story

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def bcubed(predicted: dict[int, int], gold: dict[int, str]) -> tuple[float, float]:
    """B-cubed (precision, recall) of a clustering (item → cluster) against gold labels."""
    members_predicted, members_gold = defaultdict(set), defaultdict(set)
    for item, cluster in predicted.items():
        members_predicted[cluster].add(item)
    for item, label in gold.items():
        members_gold[label].add(item)
    precision = recall = 0.0
    for item in gold:
        same_predicted = members_predicted[predicted[item]]
        same_gold = members_gold[gold[item]]
        correct = len(same_predicted & same_gold)
        precision += correct / len(same_predicted)
        recall += correct / len(same_gold)
    return precision / len(gold), recall / len(gold)


def bcubed_precision(predicted: dict[int, int], gold: dict[int, str]) -> float:
    return bcubed(predicted, gold)[0]


def bcubed_f1(predicted: dict[int, int], gold: dict[int, str]) -> float:
    precision, recall = bcubed(predicted, gold)
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def replayed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo corpus replayed once per module (it takes a quarter of a minute): the tests
    only read what it made, and what a test writes is rolled back with its transaction. The
    database is emptied afterwards, as a transactional test leaves it."""
    root = tmp_path_factory.mktemp("demo-replay")
    # The replay's pictures are stored here, not in the checkout's var/media.
    marker = root / "demo-mode"
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=root / "media", DEMO_MODE_MARKER=marker),
    ):
        demo_replay(now=NOW, progress=lambda message: None)
    yield root
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def story_key_of(article: Article) -> str:
    return article.canonical_url.rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.django_db
def test_every_demo_article_is_ingested_once(replayed):
    assert Article.objects.count() == len(list(DEMO_CORPUS_DIR.glob("stories/*/*.txt")))


@pytest.mark.django_db
def test_the_demo_clusters_into_exactly_the_stories_it_was_written_as(replayed):
    articles = list(Article.objects.exclude(story=None))
    predicted = {a.id: a.story_id for a in articles}
    gold = {a.id: story_key_of(a) for a in articles}
    assert len(articles) == Article.objects.count()
    # No story mixes two demo events. Angle pieces (an explainer, an op-ed) that say nothing
    # close to any one report may stand alone: a split costs a reader less than a mix.
    assert bcubed_precision(predicted, gold) == 1.0
    assert bcubed_f1(predicted, gold) >= 0.8


@pytest.mark.django_db
def test_each_planned_blindspot_is_detected(replayed):
    blindspots = {
        story_key_of(story.articles.first()): story.blindspot
        for story in Story.objects.filter(merged_into=None).exclude(blindspot="")
    }
    planned = {
        "grant-audit": "left",
        "shelter-emergency": "left",
        "farmworker-heat": "right",
        "insulin-fine": "right",
    }
    assert {key: side for key, side in blindspots.items() if key in planned} == planned


@pytest.mark.django_db
def test_the_paywalled_articles_keep_their_feed_summary(replayed):
    paywalled = Article.objects.filter(status=ArticleStatus.FEED_ONLY)
    assert paywalled.exists()
    assert all(a.feed_summary and a.status_reason for a in paywalled)


@pytest.mark.django_db
def test_wire_copies_are_linked_to_their_origin(replayed):
    copies = Article.objects.exclude(wire_origin=None).select_related("wire_origin__source")
    assert copies.count() >= 6
    assert {c.wire_origin.source.slug for c in copies} == {"continental-press"}


@pytest.mark.django_db
def test_the_broken_demo_feed_shows_as_failing(replayed):
    broken = Feed.objects.get(source__slug="bastion-report")
    assert broken.status == FeedStatus.FAILING
    assert broken.last_error


@pytest.mark.django_db
def test_a_second_first_run_keeps_the_data_and_ingests_nothing(replayed):
    articles = Article.objects.count()
    report = first_run(mode="demo", now=NOW, progress=lambda message: None)
    assert report.skipped
    assert Article.objects.count() == articles


@pytest.mark.django_db
def test_demo_stories_show_the_pictures_their_outlets_publish(replayed):
    live = Story.objects.filter(merged_into=None)
    # A paywalled page names no picture we can read, and small outlets publish none.
    pictured = [s for s in live if s.articles.exclude(image_url="").exists()]

    assert len(pictured) >= len(load_corpus(DEMO_CORPUS_DIR).stories)
    assert all(story.image for story in pictured)
    for story in pictured:
        for rendition in media.RENDITIONS:
            assert (replayed / "media" / media.image_name(story.image, rendition)).is_file()


@pytest.mark.django_db
def test_demo_outlets_get_their_icons_and_the_ones_without_keep_a_letter_badge(replayed):
    icons = load_corpus(DEMO_CORPUS_DIR).icons
    polled = Source.objects.filter(feeds__status=FeedStatus.OK).distinct()

    with_icon = {s.slug for s in polled if s.favicon}
    assert with_icon == {s.slug for s in polled if s.slug in icons}
    assert all(
        (replayed / "media" / media.icon_name(Source.objects.get(slug=slug).favicon)).is_file()
        for slug in with_icon
    )
