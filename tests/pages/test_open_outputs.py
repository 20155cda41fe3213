"""RSS/Atom feeds and the read-only JSON API."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import (
    RatingFactory,
    SourceFactory,
    StoryFactory,
    story_with_articles,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def rss_titles(content: bytes) -> list[str]:
    return [item.findtext("title") for item in ET.fromstring(content).iter("item")]


def test_the_top_stories_rss_feed_lists_story_headlines(client):
    story_with_articles(3, headline="Feed story")

    response = client.get("/feeds/top.rss")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert rss_titles(response.content) == ["Feed story"]


def test_the_top_stories_atom_feed_is_atom(client):
    story_with_articles(3, headline="Atom story")

    root = ET.fromstring(client.get("/feeds/top.atom").content)

    assert [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")] == ["Atom story"]


def test_the_blindspot_feed_lists_only_blindspot_stories(client):
    StoryFactory(headline="Missed", blindspot="right")
    StoryFactory(headline="Balanced")

    titles = rss_titles(client.get("/feeds/blindspot.rss").content)

    assert titles == ["[Right blindspot] Missed"]


def test_a_source_feed_lists_the_stories_that_source_covers(client):
    source = SourceFactory()
    story_with_articles(2, sources=[source], headline="Mine")
    story_with_articles(2, headline="Not mine")

    assert rss_titles(client.get(f"/sources/{source.slug}/feed.rss").content) == ["Mine"]


def test_feeds_escape_hostile_headlines_as_text(client):
    StoryFactory(headline=HOSTILE)

    content = client.get("/feeds/top.rss").content

    assert rss_titles(content) == [HOSTILE]
    assert b"<script>" not in content


def test_the_top_stories_feed_runs_one_query(client, django_assert_num_queries):
    StoryFactory.create_batch(10)

    with django_assert_num_queries(1):
        assert client.get("/feeds/top.rss").status_code == 200


def test_the_source_feed_runs_two_queries(client, django_assert_num_queries):
    source = SourceFactory()
    story_with_articles(2, sources=[source])

    with django_assert_num_queries(2):
        assert client.get(f"/sources/{source.slug}/feed.atom").status_code == 200


def test_the_story_list_api_is_paginated(client):
    StoryFactory.create_batch(30)

    data = client.get("/api/stories/", {"page": 2}).json()

    assert (data["count"], data["page"], data["pages"]) == (30, 2, 2)
    assert len(data["results"]) == 5
    assert data["next"] is None
    assert data["previous"].endswith("/api/stories/?page=1")


def test_the_story_list_api_runs_two_queries(client, django_assert_num_queries):
    StoryFactory.create_batch(30)

    with django_assert_num_queries(2):
        assert client.get("/api/stories/").status_code == 200


def test_the_story_detail_api_has_articles_and_free_figures(client):
    story = story_with_articles(8, headline="API story")

    data = client.get(f"/api/stories/{story.slug}/").json()

    assert data["headline"] == "API story"
    assert len(data["articles"]) == 8
    assert data["figures"]["sides"]["left"] == {"count": 3, "share": 43}
    assert "factuality" not in data["figures"]
    assert "ownership" not in data["figures"]
    assert "factuality" not in data["articles"][0]["source"]


def test_the_story_detail_api_gives_premium_figures_to_premium_readers(client, premium_viewer):
    story = story_with_articles(3)

    data = client.get(f"/api/stories/{story.slug}/").json()

    assert data["figures"]["factuality"]["high"] == 3
    assert data["articles"][0]["source"]["factuality"] == "high"


@pytest.mark.parametrize("article_count", [3, 300])
def test_the_story_detail_api_runs_two_queries(client, django_assert_num_queries, article_count):
    story = story_with_articles(article_count)

    with django_assert_num_queries(2):
        assert client.get(f"/api/stories/{story.slug}/").status_code == 200


def test_the_source_api_leaves_out_factuality_and_ownership_for_free_readers(client):
    source = SourceFactory(owner_name="Birchstone", factuality="very_high")
    RatingFactory(source=source, factuality_label="very high")

    detail = client.get(f"/api/sources/{source.slug}/").json()
    listed = client.get("/api/sources/").json()["results"][0]

    for data in (detail, listed):
        assert "factuality" not in data
        assert "owner_name" not in data
    assert "factuality_label" not in detail["ratings"][0]


def test_the_source_api_leaves_out_a_stored_rating_url_that_is_not_a_web_address(client):
    source = SourceFactory()
    RatingFactory(source=source, url="javascript:alert(document.cookie)")

    detail = client.get(f"/api/sources/{source.slug}/").json()

    assert detail["ratings"][0]["url"] is None


def test_the_source_api_gives_a_web_rating_url_as_stored(client):
    source = SourceFactory()
    RatingFactory(source=source, url="https://rater.example/x")

    detail = client.get(f"/api/sources/{source.slug}/").json()

    assert detail["ratings"][0]["url"] == "https://rater.example/x"


def test_the_source_list_api_filters_by_bias(client):
    SourceFactory(name="Lefty", bias="left")
    SourceFactory(name="Righty", bias="right")

    data = client.get("/api/sources/", {"bias": "left"}).json()

    assert [s["name"] for s in data["results"]] == ["Lefty"]


def test_the_source_detail_api_runs_four_queries(client, django_assert_num_queries):
    source = SourceFactory()
    RatingFactory(source=source)

    with django_assert_num_queries(4):
        assert client.get(f"/api/sources/{source.slug}/").status_code == 200


def test_the_api_is_read_only(client):
    assert client.post("/api/stories/").status_code == 405


def test_an_unknown_story_in_the_api_is_not_found(client):
    assert client.get("/api/stories/none/").status_code == 404


@pytest.mark.parametrize("path", ["/api/sources/", "/api/stories/"])
def test_a_nul_byte_in_an_api_query_is_a_bad_request(client, path):
    assert client.get(path, {"country": "\x00"}).status_code == 400
