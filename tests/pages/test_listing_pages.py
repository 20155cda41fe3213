"""Home, blindspot, search and methodology pages."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sources import ratings
from sources.scales import BiasLabel, Rater
from stories import search
from stories.models import Article, BlindspotSide, Story
from tests.factories import ArticleFactory, SourceFactory, StoryFactory, story_with_articles

pytestmark = pytest.mark.django_db

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(1)</script>'


def test_home_lists_a_widely_covered_story_above_a_narrow_one_of_the_same_age(client):
    story_with_articles(2, headline="Narrow story")
    story_with_articles(8, headline="Wide story")

    html = client.get("/").content.decode()

    assert html.index("Wide story") < html.index("Narrow story")


def test_home_lists_a_fresh_story_above_a_day_old_one_with_the_same_coverage(client):
    day_old = timezone.now() - timedelta(days=1, hours=2)
    story_with_articles(3, headline="Old story", start=day_old)
    story_with_articles(3, headline="Fresh story")

    html = client.get("/").content.decode()

    assert html.index("Fresh story") < html.index("Old story")


def test_a_home_card_of_one_outlets_articles_says_one_source_not_a_hundred_percent(client):
    outlet = SourceFactory(bias=BiasLabel.LEFT)
    story_with_articles(3, sources=[outlet], headline="Single outlet series")

    html = client.get("/").content.decode()
    card = html[html.index("Single outlet series") :]
    card = card[: card.index("</article>")]

    assert "1 source" in card
    assert "One source only · Left" in card
    assert "100%" not in card


def test_a_home_card_shows_source_count_bias_shares_and_blindspot_badge(client):
    story_with_articles(8, headline="Card story")
    StoryFactory(
        headline="Blind story", blindspot=BlindspotSide.LEFT, source_count=6, right_count=5
    )

    html = client.get("/").content.decode()

    assert "8 sources" in html
    assert '<span class="legend-left">Left 43%</span>' in html
    assert "Left blindspot" in html


def test_home_paginates_twenty_stories_a_page(client):
    for index in range(21):
        StoryFactory(headline=f"Story number {index}")

    html = client.get("/?page=2").content.decode()

    assert "Page 2 of 2" in html
    assert html.count('<li class="card">') == 1


@pytest.mark.parametrize("story_count", [3, 30])
def test_home_runs_two_queries_whatever_the_number_of_stories(
    client, django_assert_num_queries, story_count
):
    StoryFactory.create_batch(story_count)

    # Front page signature, candidate stories.
    with django_assert_num_queries(2):
        response = client.get("/")

    assert response.status_code == 200


def test_a_cached_home_page_runs_only_the_signature_query(client, django_assert_num_queries):
    StoryFactory.create_batch(5)
    client.get("/")

    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200


def test_home_escapes_hostile_headlines(client):
    StoryFactory(headline=HOSTILE)

    html = client.get("/").content.decode()

    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_blindspot_lists_left_and_right_blindspots_with_their_shares(client):
    StoryFactory(headline="Left misses", blindspot="left", left_count=1, right_count=4)
    StoryFactory(headline="Right misses", blindspot="right", left_count=4, center_count=1)
    StoryFactory(headline="Balanced", left_count=2, right_count=2)

    html = client.get("/blindspot/").content.decode()

    assert html.index("Missed by the left") < html.index("Left misses")
    assert html.index("Missed by the right") < html.index("Right misses")
    assert "Balanced" not in html
    assert '<span class="legend-right">Right 80%</span>' in html


def test_blindspot_runs_two_queries(client, django_assert_num_queries):
    StoryFactory.create_batch(5, blindspot="left")

    with django_assert_num_queries(2):
        assert client.get("/blindspot/").status_code == 200


def unmarked(html: str) -> str:
    """The page without the search highlights."""
    return html.replace("<mark>", "").replace("</mark>", "")


def test_search_finds_stories_by_headline_words(client):
    StoryFactory(headline="Ransomware attack shuts down water treatment")
    StoryFactory(headline="Central bank holds rates")

    html = unmarked(client.get("/search", {"q": "water ransomware"}).content.decode())

    assert "Ransomware attack shuts down water treatment" in html
    assert "Central bank holds rates" not in html


def test_search_finds_a_story_by_a_word_of_one_of_its_articles_and_says_which(client):
    story = story_with_articles(2, headline="Hollow Creek Fire explodes near Cinder Ridge")
    ArticleFactory(
        story=story,
        title="Ranchers race to move cattle as the fire nears Ostby Flats",
        description="Cattle ranchers spent the night cutting fences.",
    )
    story_with_articles(2, headline="Central bank holds rates")

    html = client.get("/search", {"q": "ranchers"}).content.decode()

    assert "Hollow Creek Fire explodes near Cinder Ridge" in html
    assert "Central bank holds rates" not in html
    assert (
        "Found in an article: “<mark>Ranchers</mark> race to move cattle as the fire nears "
        "Ostby Flats”" in html
    )


def test_search_marks_the_matching_words_of_a_headline_and_escapes_the_rest(client):
    StoryFactory(headline="Water <b>plant</b> hit by ransomware")

    html = client.get("/search", {"q": "ransomware water"}).content.decode()

    assert "<mark>Water</mark> &lt;b&gt;plant&lt;/b&gt; hit by <mark>ransomware</mark>" in html


def test_search_with_a_trailing_slash_finds_the_same_stories(client):
    StoryFactory(headline="Ransomware attack shuts down water treatment")

    response = client.get("/search/", {"q": "ransomware"})

    assert response.status_code == 200
    assert "Ransomware attack shuts down water treatment" in unmarked(response.content.decode())


def test_search_finds_sources_by_name(client):
    from tests.factories import SourceFactory

    SourceFactory(name="Harbor Gazette")

    html = client.get("/search", {"q": "harbor"}).content.decode()

    assert "Harbor Gazette" in html


def test_story_search_uses_the_headline_index_instead_of_reading_every_story():
    if connection.vendor != "postgresql":
        pytest.skip("full-text search and its index are PostgreSQL's")
    now = timezone.now()
    Story.objects.bulk_create(
        Story(
            slug=f"council-budget-{n}",
            headline=f"Council debates budget line {n}",
            first_seen_at=now,
            last_updated_at=now,
        )
        for n in range(3000)
    )
    StoryFactory(headline="Ransomware attack shuts down water treatment")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stories_story")

    plan = search.story_search_queryset(
        Story.objects.filter(merged_into=None), query="water"
    ).explain()

    assert "story_headline_search_idx" in plan


def test_article_search_uses_the_article_text_index_instead_of_reading_every_article():
    if connection.vendor != "postgresql":
        pytest.skip("full-text search and its index are PostgreSQL's")
    story = StoryFactory(headline="Council debates budget")
    source = SourceFactory()
    Article.objects.bulk_create(
        ArticleFactory.build(
            story=story, source=source, title=f"Council budget line {n}", description=""
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stories_article")

    plan = search.story_search_queryset(
        Story.objects.filter(merged_into=None), query="ranchers"
    ).explain()

    assert "article_text_search_idx" in plan


def test_search_escapes_the_query(client):
    html = client.get("/search", {"q": HOSTILE}).content.decode()

    assert HOSTILE not in html


def test_search_runs_at_most_three_queries(client, django_assert_max_num_queries):
    StoryFactory.create_batch(5, headline="Water story")

    with django_assert_max_num_queries(3):
        assert client.get("/search", {"q": "water"}).status_code == 200


def test_methodology_renders_the_mapping_table_from_code(client):
    row = ratings.MAPPING[0]

    html = client.get("/methodology/").content.decode()

    assert f"mapping table version {ratings.MAPPING_VERSION}" in html
    assert f"<td>{row.published}</td>" in html
    assert html.count("<tr><td>") == len([r for r in ratings.MAPPING if r.rater != Rater.DEMO])


def test_the_demo_raters_mapping_and_credit_are_shown_only_in_demo_mode(client, settings, tmp_path):
    settings.DEMO_MODE_MARKER = tmp_path / "demo-mode"
    real_site = client.get("/methodology/").content.decode()
    settings.DEMO_MODE = True
    demo_site = client.get("/methodology/").content.decode()

    assert "Demo Media Watch (fictional)" not in real_site
    assert "Demo Media Watch (fictional) — mapping table" in demo_site
    assert "An invented rater of the demo corpus" in demo_site
    assert demo_site.count("<tr><td>") == len(ratings.MAPPING)


def test_methodology_states_the_blindspot_thresholds(client, settings):
    settings.BLINDSPOT_MIN_RATED_SOURCES = 7
    settings.BLINDSPOT_MAX_SIDE_SHARE = 15

    html = client.get("/methodology/").content.decode()

    assert "at least 7 rated outlets" in html
    assert "15% or less" in html


def test_methodology_states_the_configured_clustering_window_and_threshold(client, settings):
    settings.STORY_CLUSTER_WINDOW_HOURS = 48
    settings.STORY_CLUSTER_LINK_THRESHOLD = 0.4
    settings.STORY_CLUSTER_MEANING_LINK = 0.75

    html = client.get("/methodology/").content.decode()

    assert "published within 48 hours of each other" in html
    assert "cosine similarity of at least 0.4)" in html
    assert (
        "cosine similarity of at least 0.75, or 0.7 for reports published within 24 hours" in html
    )


def test_methodology_credits_the_raters_and_their_licences(client):
    html = client.get("/methodology/").content.decode()

    assert "CC BY-NC 4.0" in html
    assert "© Media Bias/Fact Check" in html
    assert "© Ad Fontes Media" in html


def test_methodology_runs_no_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/methodology/").status_code == 200


def test_search_without_a_query_shows_the_form_and_runs_no_queries(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        html = client.get("/search").content.decode()

    assert 'id="search-q"' in html


@pytest.mark.parametrize(
    ("path", "query"),
    [("/search", {"q": "\x00"}), ("/sources/", {"country": "\x00"}), ("/", {"page": "1\x00"})],
)
def test_a_nul_byte_in_the_query_is_a_bad_request(client, path, query):
    assert client.get(path, query).status_code == 400


def test_the_methodology_page_spells_out_every_label(client):
    html = client.get("/methodology/").content.decode()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))

    assert re.findall(r"\b[a-z]+_[a-z_]+\b", text) == []
    assert "Far Left" in text


def test_the_methodology_page_leads_with_what_a_story_bias_percentages_and_factuality_mean(
    client,
):
    html = client.get("/methodology/").content.decode()
    lead = html[html.index('id="in-short-heading"') : html.index("</section>")]

    assert html.index('id="in-short-heading"') < html.index('id="stories-heading"')
    terms = re.findall(r"<dt[^>]*>([^<]+)</dt>", lead)
    assert terms == ["A story", "Bias labels", "Percentages", "Factuality"]
    assert "AllSides, Media Bias/Fact Check, Ad Fontes Media" in lead
    assert "never counted as Center" in lead


def test_the_methodology_mapping_tables_are_folded_in_closed_details(client):
    html = client.get("/methodology/").content.decode()
    folded = re.findall(
        r'<details class="mapping-details">\s*<summary>[^<]+</summary>\s*'
        r'<div class="table-scroll"[^>]*>\s*<table class="figures mapping">',
        html,
    )

    assert len(folded) == html.count('<table class="figures mapping">') > 0
    assert "<details open" not in html and 'mapping-details" open' not in html
