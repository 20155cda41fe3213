"""stories.services on the real database: stored figures and honest blindspots."""

from datetime import timedelta

import pytest

from sources.models import Source
from stories import services
from stories.models import Article, Story
from tests.factories import FeedFactory
from tests.stories.factories import T0, make_article, make_source

pytestmark = pytest.mark.django_db

# Real headlines from the shared feeds (17 February 2026): the US-Iran talks in Geneva.
IRAN_TALKS = [
    "Iran says 'guiding principles' agreed with US at nuclear talks",
    "Iran foreign minister says progress made in nuclear talks with U.S.",
    "U.S. and Iran Make 'Good Progress' in Geneva Talks, Foreign Minister Says",
    "Progress but not compromise as latest U.S.-Iran nuclear talks end",
    "Amid threat of U.S. attack, Iran nuclear talks proceed without breakthrough",
    "Iran meets U.N. nuclear watchdog in Geneva ahead of a second round of U.S. talks",
]


def fed_source(bias: str) -> Source:
    """An outlet whose articles arrive through one of its feeds, as in production."""
    return FeedFactory(source=make_source(bias)).source


def fed_article(title: str, source: Source, *, minutes: float = 0) -> Article:
    return make_article(title, source, minutes=minutes, feed=source.feeds.get())


def other_news(source: Source, count: int, *, minutes: float) -> None:
    """``count`` articles of ``source`` about something else, published ``minutes`` after T0."""
    for n in range(count):
        fed_article(f"Unrelated local report number {n}", source, minutes=minutes)


def iran_talks_story(biases: list[str]) -> Story:
    """The Iran-talks story covered by one fed outlet per entry of ``biases``."""
    articles = [
        fed_article(IRAN_TALKS[n % len(IRAN_TALKS)], fed_source(bias), minutes=n * 10)
        for n, bias in enumerate(biases)
    ]
    story = Story.objects.create(
        slug="iran-talks", headline=IRAN_TALKS[0], first_seen_at=T0, last_updated_at=T0
    )
    Article.objects.filter(id__in=[a.id for a in articles]).update(story=story)
    services.story_refresh(story_id=story.id)
    return Story.objects.get(id=story.id)


LEFT_AND_CENTER_ONLY = ["lean_left", "lean_left", "left", "center", "center"]


def test_with_no_right_leaning_outlet_in_the_feeds_the_iran_talks_are_no_right_blindspot():
    """Real feeds: with no right-leaning outlet among the feeds, every story with 5 rated
    sources became a "Right blindspot" (Iran talks, Peru, Ukraine); a reader would conclude
    right-leaning media ignored the Iran talks, which is false."""
    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert story.blindspot == ""
    assert story.figures["blindspot_check"]["side_articles_published"] == 0
    assert story.figures["blindspot_reason"].endswith("not a blindspot")


def test_a_right_leaning_outlet_in_the_catalogue_whose_feed_brought_nothing_changes_nothing():
    FeedFactory(source=make_source("right"))

    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert story.blindspot == ""


def test_the_story_is_a_right_blindspot_when_right_leaning_outlets_were_publishing_then():
    other_news(fed_source("right"), 6, minutes=-60)
    other_news(fed_source("lean_right"), 4, minutes=120)

    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert story.blindspot == "right"
    assert story.figures["blindspot_reason"] == (
        "None of the 5 rated sources leans right; right-leaning outlets published 10 articles "
        "in this period"
    )


def test_right_leaning_articles_outside_the_storys_period_do_not_count():
    # The story runs T0 … T0+40 min; the period adds 12 hours each way.
    other_news(fed_source("right"), 10, minutes=-13 * 60)
    other_news(fed_source("right"), 10, minutes=40 + 13 * 60)

    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert (story.blindspot, story.figures["blindspot_check"]["side_articles_published"]) == (
        "",
        0,
    )


def test_articles_that_came_in_through_no_feed_do_not_count_as_the_side_publishing():
    other_news(fed_source("right"), 5, minutes=30)
    for n in range(5):
        make_article(f"Entered by hand {n}", make_source("right"), minutes=30)

    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert story.figures["blindspot_check"]["side_articles_published"] == 5


def test_recomputing_later_gives_the_stored_figures_of_a_blindspot_candidate():
    """The period comes from the story's articles, not from the clock, so stories_figures_drift
    stays meaningful: stored figures equal a recomputation over the same data."""
    other_news(fed_source("right"), 12, minutes=300)
    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert story.figures["blindspot_check"] is not None
    assert services.stories_figures_drift() == []


def test_a_right_article_arriving_in_the_period_after_the_refresh_shows_as_drift():
    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    other_news(fed_source("right"), 10, minutes=60)

    assert services.stories_figures_drift() == [story.id]


def test_a_blindspot_missed_because_the_side_arrived_late_is_found_by_the_recheck(
    eager_tasks, django_capture_on_commit_callbacks
):
    """Right-leaning outlets' articles of the story's period arrive after its last refresh
    (their feeds were polled later): the story, unchanged itself, must become the Right
    blindspot a recomputation says it is."""
    story = iran_talks_story(LEFT_AND_CENTER_ONLY)
    other_news(fed_source("right"), 10, minutes=60)

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.stories_recheck_blindspots(now=T0 + timedelta(hours=3))

    story.refresh_from_db()
    assert queued == [story.id]
    assert story.blindspot == "right"
    assert story.figures["blindspot_check"]["side_articles_published"] == 10
    assert services.stories_figures_drift() == []


def test_the_recheck_leaves_a_story_whose_count_is_current():
    other_news(fed_source("right"), 10, minutes=60)
    iran_talks_story(LEFT_AND_CENTER_ONLY)

    assert services.stories_recheck_blindspots(now=T0 + timedelta(hours=3)) == []


def test_the_recheck_leaves_stories_whose_period_ended_long_ago():
    iran_talks_story(LEFT_AND_CENTER_ONLY)
    other_news(fed_source("right"), 10, minutes=60)
    long_after = T0 + timedelta(hours=services.BLINDSPOT_RECHECK_HOURS + 13)

    assert services.stories_recheck_blindspots(now=long_after) == []


def test_figures_of_a_blindspot_candidate_take_two_queries(django_assert_num_queries):
    story = iran_talks_story(LEFT_AND_CENTER_ONLY)

    # The story's articles, then one count of what the right published in the period.
    with django_assert_num_queries(2):
        services.story_compute_figures(story=story)


def test_figures_of_a_story_that_is_no_candidate_take_one_query(django_assert_num_queries):
    story = iran_talks_story(["left", "center", "right", "lean_right", "lean_left"])

    with django_assert_num_queries(1):
        figures = services.story_compute_figures(story=story)

    assert figures.blindspot_check is None


def test_the_count_reads_articles_through_an_index(django_db_setup):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    query = Article.objects.filter(
        feed__isnull=False,
        published_at__gte=T0,
        published_at__lte=T0 + timedelta(hours=24),
        source__bias__in=["right"],
    )
    with connection.cursor() as cursor:
        # The test tables are tiny, so a sequential scan would always win; forbid it to see
        # which index the query can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.only("id").query.sql_with_params()
        cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) AS counted", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Which index wins (published_at, or source_id per right-leaning outlet) depends on the
    # statistics the earlier tests left; either reads only the rows it counts.
    assert "Seq Scan on stories_article " not in plan, plan
    assert "stories_article_published_at" in plan or "stories_article_source_id" in plan, plan


def test_blindspot_thresholds_come_from_settings(settings):
    settings.BLINDSPOT_MIN_RATED_SOURCES = 2
    settings.BLINDSPOT_MAX_SIDE_SHARE = 10
    settings.BLINDSPOT_MIN_SIDE_ARTICLES = 1
    other_news(fed_source("left"), 1, minutes=5)
    story = iran_talks_story(["right", "right"])

    assert story.blindspot == "left"
    assert story.figures["blindspot_min_side_articles"] == 1
