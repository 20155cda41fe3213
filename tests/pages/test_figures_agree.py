"""One story's figures are the same numbers everywhere they are shown: the story
page (header bar, sentence, coverage box, tabs, bias table), the chart's data, the JSON API
and the RSS and Atom feeds."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from sources.scales import BiasLabel
from stories import services
from stories.models import Story
from tests.factories import ArticleFactory, FeedFactory, SourceFactory, story_with_articles

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# The issue's 3/3/3 split, one outlet per point on the left, plus one unrated outlet.
BIASES = [
    BiasLabel.FAR_LEFT,
    BiasLabel.LEFT,
    BiasLabel.LEAN_LEFT,
    *[BiasLabel.CENTER] * 3,
    *[BiasLabel.LEAN_RIGHT] * 3,
    BiasLabel.UNRATED,
]
SENTENCE = "Left, Center and Right each have 3 of the 9 rated sources (9 of 10 sources are rated)"


@pytest.fixture
def story() -> Story:
    """Ten outlets with one article each, plus two wire copies of the first article run by
    two of the same outlets: 12 articles, 10 sources, 10 original reports."""
    sources = [SourceFactory(bias=bias) for bias in BIASES]
    story = story_with_articles(10, sources=sources, headline="Freed dissident vows to resist")
    origin = story.articles.order_by("published_at").first()
    for source in sources[3:5]:
        ArticleFactory(story=story, source=source, wire_origin=origin, published_at=timezone.now())
    services.story_refresh(story_id=story.pk)
    return Story.objects.get(pk=story.pk)


def test_the_stored_figures_are_the_issues_case(story):
    figures = story.figures

    assert {side: v["share"] for side, v in figures["sides"].items()} == {
        "left": 34,
        "center": 33,
        "right": 33,
    }
    assert figures["sentence"] == SENTENCE
    assert (figures["source_count"], figures["article_count"], figures["origin_count"]) == (
        10,
        12,
        10,
    )


def test_page_chart_table_api_and_feeds_show_the_same_numbers(client, story):
    figures = story.figures
    sides = {side: (v["count"], v["share"]) for side, v in figures["sides"].items()}
    points = {point: (v["count"], v["share"]) for point, v in figures["points"].items()}

    html = client.get(story.get_absolute_url()).content.decode()

    # Header bar, sentence and the "original reports" beside the source count.
    legend = dict(re.findall(r'<span class="legend-(\w+)">\w+ (\d+)%</span>', html))
    assert {side: int(share) for side, share in legend.items()} == {
        side: share for side, (_, share) in sides.items()
    }
    assert f'<p class="sentence">{SENTENCE}</p>' in html
    assert '10 sources · <span class="original-reports">10 original reports</span>' in html
    # Coverage box and tabs: the same source counts.
    box = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    tabs = dict(
        re.findall(r'class="tab tab-(\w+)"[^>]*>\w+ <span class="count">(\d+)</span>', html)
    )
    assert (box["Leaning left"], box["Center"], box["Leaning right"], box["Unrated"]) == (
        "3",
        "3",
        "3",
        "1",
    )
    assert tabs == {"all": "10", "left": "3", "center": "3", "right": "3", "unrated": "1"}
    assert (box["Total news sources"], box["Original reports"]) == ("10", "10")
    # Bias table: each side row, then its points adding up to it.
    rows = re.findall(
        r'<tr class="(side|point)-row[^"]*"><th scope="row">([^<]+)</th><td>(\d+)</td>'
        r"<td>(\d+)%</td></tr>",
        html,
    )
    side_rows = [(label, int(c), int(s)) for kind, label, c, s in rows if kind == "side"]
    # Sides are named as in Coverage Details, apart from the points named "Left" and "Right".
    assert side_rows == [("Leaning left", 3, 34), ("Center", 3, 33), ("Leaning right", 3, 33)]
    assert side_rows[1][1:] == points["center"]
    point_rows = {label: (int(c), int(s)) for kind, label, c, s in rows if kind == "point"}
    assert "Center" not in point_rows  # its one point would repeat the side's row
    assert point_rows["Lean Right"] == points["lean_right"] == (3, 33)
    assert sum(point_rows[label][1] for label in ("Far Left", "Left", "Lean Left")) == 34
    # The chart draws from this JSON.
    chart = json.loads(
        re.search(r'<script id="bias-chart-data" type="application/json">(.*?)</script>', html)[1]
    )
    assert chart["sentence"] == SENTENCE
    for side in chart["sides"]:
        assert (side["count"], side["share"]) == sides[side["key"]]
        assert sum(point["share"] for point in side["points"]) == side["share"]

    api = client.get(f"/api/stories/{story.slug}/").json()
    assert api["figures"]["sides"] == figures["sides"]
    assert api["figures"]["points"] == figures["points"]
    assert api["bias_sentence"] == api["figures"]["sentence"] == SENTENCE
    assert (api["source_count"], api["origin_count"], api["sides"]) == (
        10,
        10,
        {"left": 3, "center": 3, "right": 3, "unrated": 1},
    )

    rss = ET.fromstring(client.get("/feeds/top.rss").content)
    atom = ET.fromstring(client.get("/feeds/top.atom").content)
    descriptions = [
        rss.find("channel/item").findtext("description"),
        atom.find(f"{ATOM}entry").findtext(f"{ATOM}summary"),
    ]
    for description in descriptions:
        assert "10 sources: 3 left, 3 center, 3 right, 1 unrated." in description
        assert f"{SENTENCE}." in description
        assert "10 original reports." in description


def test_the_home_card_gives_the_sources_and_original_reports_the_story_page_gives(client):
    """Six outlets, three of which ran a copy of another's report: 6 sources, 3 original reports."""
    story = story_with_articles(3, headline="Kestrel Islands earthquake kills at least 19")
    origin = story.articles.order_by("published_at").first()
    for _copy in range(3):
        ArticleFactory(story=story, wire_origin=origin, published_at=timezone.now())
    services.story_refresh(story_id=story.pk)
    story.refresh_from_db()
    meta = '6 sources · <span class="original-reports">3 original reports</span>'
    assert (story.source_count, story.origin_count) == (6, 3)

    home = " ".join(client.get("/").content.decode().split())
    page = client.get(story.get_absolute_url()).content.decode()

    assert meta in home
    assert meta in page


def test_a_blindspot_gives_its_reason_on_the_page_and_in_the_blindspot_feed(client, settings):
    settings.BLINDSPOT_MIN_SIDE_ARTICLES = 1
    # A right-leaning outlet was publishing then, about something else.
    right_feed = FeedFactory(source=SourceFactory(bias=BiasLabel.RIGHT))
    ArticleFactory(source=right_feed.source, feed=right_feed, published_at=timezone.now())
    biases = [BiasLabel.LEAN_LEFT] * 3 + [BiasLabel.CENTER] * 2
    story = story_with_articles(5, sources=[SourceFactory(bias=bias) for bias in biases])
    services.story_refresh(story_id=story.pk)
    story.refresh_from_db()
    reason = (
        "None of the 5 rated sources leans right; right-leaning outlets published 1 article in "
        "this period"
    )

    html = client.get(story.get_absolute_url()).content.decode()
    feed = ET.fromstring(client.get("/feeds/blindspot.rss").content)

    assert story.blindspot == "right"
    assert "Right blindspot: few Right-leaning outlets cover this story" in html
    assert reason in html
    assert feed.find("channel/item").findtext("description").startswith(reason)


def test_a_story_withheld_as_a_blindspot_has_no_badge_and_says_why(client):
    """With no right-leaning outlet publishing, the Iran-talks case shows no "Right
    blindspot" badge; the bias panel says why instead."""
    biases = [BiasLabel.LEAN_LEFT] * 3 + [BiasLabel.CENTER] * 2
    story = story_with_articles(5, sources=[SourceFactory(bias=bias) for bias in biases])
    services.story_refresh(story_id=story.pk)

    html = client.get(story.get_absolute_url()).content.decode()

    assert "badge-blindspot" not in html
    assert (
        '<p class="blindspot-withheld meta">None of the 5 rated sources leans right, but no '
        "right-leaning outlet we follow published anything in this period, so their absence "
        "says nothing: not a blindspot (<time"
    ) in html
