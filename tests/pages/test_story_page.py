"""The story page: content, tabs, sorting, wire copies, premium gating, escaping, queries."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sources.scales import BiasLabel
from tests.factories import (
    ArticleFactory,
    SourceFactory,
    StoryFactory,
    refresh_story_figures,
    story_with_articles,
)

pytestmark = pytest.mark.django_db

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'


def get_story(client, story, query=""):
    return client.get(story.get_absolute_url() + query)


def article_outlets(html: str) -> list[str]:
    return re.findall(r'class="outlet" href="[^"]*">([^<]*)</a>', html)


def test_the_story_page_shows_headline_summary_and_article_count(client):
    story = story_with_articles(5, headline="Port Alder water plant hit", summary=["Bullet A."])

    html = get_story(client, story).content.decode()

    assert "<h1>Port Alder water plant hit</h1>" in html
    assert "<li>Bullet A.</li>" in html
    assert "5 Articles" in html


def test_article_titles_link_through_the_outbound_redirect_with_noopener_nofollow(client):
    story = story_with_articles(1)
    article = story.articles.get()
    outbound = reverse("outbound", kwargs={"article_id": article.pk})

    html = get_story(client, story).content.decode()

    assert f'<a href="{outbound}" rel="noopener nofollow">{article.title}</a>' in html


def test_the_outbound_link_leads_to_the_original_article(client):
    story = story_with_articles(1)
    article = story.articles.get()

    response = client.get(reverse("outbound", kwargs={"article_id": article.pk}))

    assert response["Location"] == article.url


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/"]
)
def test_an_article_with_a_non_web_address_is_shown_without_a_link(client, url):
    story = story_with_articles(0)
    ArticleFactory(story=story, url=url, title="Unlinked title")
    refresh_story_figures(story)

    html = get_story(client, story).content.decode()

    assert '<h3 class="article-title">Unlinked title</h3>' in html


def test_each_article_shows_its_outlet_bias_chip(client):
    story = story_with_articles(1, biases=[BiasLabel.LEAN_RIGHT])

    html = get_story(client, story).content.decode()

    assert '<span class="chip chip-right" title="Outlet bias rating">Lean Right</span>' in html


def test_the_left_tab_lists_only_left_leaning_outlets(client):
    left = SourceFactory(name="Left Outlet", bias=BiasLabel.LEFT)
    right = SourceFactory(name="Right Outlet", bias=BiasLabel.RIGHT)
    story = story_with_articles(4, sources=[left, right])

    html = get_story(client, story, "?side=left").content.decode()

    assert article_outlets(html) == ["Left Outlet", "Left Outlet"]


def test_the_tabs_count_sources_like_the_coverage_box_and_say_so(client):
    """Real feeds: the tabs counted articles while the coverage box counted outlets."""
    left = SourceFactory(bias=BiasLabel.LEFT)
    center = SourceFactory(bias=BiasLabel.CENTER)
    # Four articles: the left outlet ran three of them.
    story = story_with_articles(4, sources=[left, center, left, left])

    html = get_story(client, story).content.decode()

    assert 'Left <span class="count">1</span>' in html
    assert "<dt>Leaning left</dt><dd>1</dd>" in html
    assert 'Center <span class="count">1</span>' in html
    assert 'Right <span class="count">0</span>' in html
    assert "Tab counts are sources (news outlets)" in html


def test_the_unrated_tab_counts_and_lists_the_unrated_outlets(client):
    rated = SourceFactory(name="Rated Outlet", bias=BiasLabel.CENTER)
    unrated = SourceFactory(name="Unrated Outlet", bias=BiasLabel.UNRATED)
    story = story_with_articles(3, sources=[rated, unrated, unrated])

    html = get_story(client, story, "?side=unrated").content.decode()

    assert 'Unrated <span class="count">1</span>' in html
    assert "<dt>Unrated</dt><dd>1</dd>" in html
    assert article_outlets(html) == ["Unrated Outlet", "Unrated Outlet"]


def test_sorting_by_bias_lists_left_outlets_before_right_ones(client):
    left = SourceFactory(name="Lefty", bias=BiasLabel.FAR_LEFT)
    right = SourceFactory(name="Righty", bias=BiasLabel.RIGHT)
    # The right outlet published last, so "newest" would put it first.
    story = story_with_articles(2, sources=[left, right])

    html = get_story(client, story, "?sort=bias").content.decode()

    assert article_outlets(html) == ["Lefty", "Righty"]


def test_wire_copies_are_collapsed_under_the_original_report(client):
    wire = SourceFactory(name="Continental Press")
    story = story_with_articles(1, sources=[wire])
    origin = story.articles.get()
    for _ in range(3):
        ArticleFactory(story=story, wire_origin=origin, published_at=timezone.now())
    refresh_story_figures(story)

    html = get_story(client, story).content.decode()

    assert "+3 sites ran this Continental Press story" in html
    assert html.count('<li class="article ') == 1


def test_coverage_details_show_sources_per_side_and_unrated(client):
    story = story_with_articles(8)  # one outlet per point of the scale plus an unrated one

    html = get_story(client, story).content.decode()

    assert "<dt>Total news sources</dt><dd>8</dd>" in html
    assert "<dt>Leaning left</dt><dd>3</dd>" in html
    assert "<dt>Center</dt><dd>1</dd>" in html
    assert "<dt>Leaning right</dt><dd>3</dd>" in html
    assert "<dt>Unrated</dt><dd>1</dd>" in html


def test_the_bias_sentence_names_the_largest_side(client):
    center = [SourceFactory(bias=BiasLabel.CENTER) for _ in range(2)]
    story = story_with_articles(3, sources=[*center, SourceFactory(bias=BiasLabel.LEFT)])

    html = get_story(client, story).content.decode()

    assert "67% of the rated sources are Center" in html


def test_a_story_from_one_outlet_says_so_and_shows_no_distribution(client):
    # An op-ed pair or a digest beside its own report: one outlet, several articles.
    outlet = SourceFactory(name="The Weekly Digest", bias=BiasLabel.LEAN_LEFT)
    story = story_with_articles(2, sources=[outlet])

    html = get_story(client, story).content.decode()

    only = r"Only <a [^>]*>The Weekly Digest</a> has reported this so far \(2 articles\)"
    assert re.search(only, html)
    assert "One source, so no distribution: The Weekly Digest is rated Lean Left." in html
    assert 'id="bias-chart"' not in html
    assert "100%" not in html
    # The coverage box still counts what there is.
    assert "<dt>Total news sources</dt><dd>1</dd>" in html


def test_a_story_from_two_outlets_is_shown_as_a_comparison(client):
    story = story_with_articles(2, biases=[BiasLabel.LEFT, BiasLabel.CENTER])

    html = get_story(client, story).content.decode()

    assert "has reported this so far" not in html
    assert 'id="bias-chart"' in html


def test_chart_data_reaches_the_page_only_as_a_json_script(client):
    story = story_with_articles(8)

    html = get_story(client, story).content.decode()

    data = re.search(r'<script id="bias-chart-data" type="application/json">(.*?)</script>', html)
    assert data is not None
    assert [side["count"] for side in json.loads(data.group(1))["sides"]] == [3, 1, 3]
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert inline_scripts == []


def test_side_headlines_show_under_how_each_side_headlines_it(client):
    story = story_with_articles(
        3, side_headlines={"left": {"headline": "Left take", "source_name": "Lefty"}}
    )

    html = get_story(client, story).content.decode()

    assert "How each side headlines it" in html
    assert "Left take" in html


def test_the_timeline_says_who_reported_first(client):
    first = SourceFactory(name="Early Bird")
    story = story_with_articles(3, sources=[first, SourceFactory(), SourceFactory()])

    html = get_story(client, story).content.decode()

    # The outlet's icon (here its letter badge) comes before its name.
    assert re.search(
        r"Reported first by</p>\s*<ol[^>]*>\s*<li><span [^>]*>E</span> <a [^>]*>Early Bird</a>",
        html,
    )


def test_free_readers_get_the_upgrade_prompt_instead_of_factuality_and_ownership(client):
    source = SourceFactory(factuality="very_high", ownership_category="private_equity")
    story = story_with_articles(1, sources=[source])

    html = get_story(client, story).content.decode()

    assert "To view factuality data please" in html
    assert "To view ownership data please" in html
    assert "Very High" not in html
    assert "Private Equity" not in html
    assert "very_high" not in html


def test_premium_readers_see_the_factuality_and_ownership_figures(client, premium_viewer):
    source = SourceFactory(factuality="very_high", ownership_category="private_equity")
    story = story_with_articles(1, sources=[source])

    html = get_story(client, story).content.decode()

    assert "Very High" in html
    assert "Factuality: Very High" in html  # the article's chip
    assert "Private Equity" in html
    assert "Upgrade to Premium" not in html


@pytest.mark.parametrize("hostile", [HOSTILE_SCRIPT, HOSTILE_IMG])
def test_hostile_feed_text_is_escaped_everywhere_on_the_story_page(client, hostile):
    source = SourceFactory(name=hostile)
    story = story_with_articles(
        0, headline=hostile, summary=[hostile], side_headlines={"left": {"headline": hostile}}
    )
    ArticleFactory(story=story, source=source, title=hostile, feed_summary=hostile)
    refresh_story_figures(story)

    html = get_story(client, story).content.decode()

    assert hostile not in html
    assert "<img src=x" not in html
    assert "alert(1)</script>" not in html


def test_an_unknown_story_is_not_found(client):
    assert client.get("/stories/no-such-story/").status_code == 404


def test_a_merged_story_redirects_to_the_story_that_absorbed_it(client):
    target = story_with_articles(1)
    merged = story_with_articles(1, merged_into=target)

    response = get_story(client, merged)

    assert response.status_code == 301
    assert response["Location"] == target.get_absolute_url()


@pytest.mark.parametrize("article_count", [3, 300])
def test_the_story_page_runs_four_queries_whatever_its_size(
    client, django_assert_num_queries, article_count
):
    story = story_with_articles(article_count)

    # Version check, story, articles, similar stories.
    with django_assert_num_queries(4):
        response = get_story(client, story)

    assert response.status_code == 200
    assert f"{article_count} Articles" in response.content.decode()


def test_a_cached_story_page_runs_only_the_version_check(client, django_assert_num_queries):
    story = story_with_articles(30)
    get_story(client, story)

    with django_assert_num_queries(1):
        response = get_story(client, story)

    assert "30 Articles" in response.content.decode()


def test_a_signed_in_reader_gets_the_cached_body_in_a_freshly_rendered_frame(
    client, django_user_model, django_assert_num_queries
):
    story = story_with_articles(30)
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    client.get(story.get_absolute_url())

    # Version check, story; the session, account and membership come from the cache, the
    # articles from the cached body.
    with django_assert_num_queries(2):
        response = client.get(story.get_absolute_url())

    assert "30 Articles" in response.content.decode()


def test_a_story_without_figures_yet_still_renders(client):
    story = StoryFactory(headline="Brand new story")

    html = get_story(client, story).content.decode()

    assert "Brand new story" in html
    assert "0 Articles" in html


HOSTILE_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>
<item>
  <title>&lt;script&gt;alert(1)&lt;/script&gt; Council vote</title>
  <link>https://hostile.example/a?x="&gt;&lt;img src=x onerror=alert(1)&gt;</link>
  <description>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; What happened</description>
</item>
</channel></rss>"""


def test_hostile_text_parsed_from_a_real_feed_is_escaped_on_the_story_page(client):
    from ingestion.feeds import parse_feed

    entry = parse_feed(HOSTILE_FEED, now=timezone.now()).entries[0]
    story = story_with_articles(0, headline=entry.title)
    ArticleFactory(story=story, title=entry.title, url=entry.url, feed_summary=entry.summary)
    refresh_story_figures(story)

    html = get_story(client, story).content.decode()

    assert "Council vote" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_filtered_views_of_a_story_name_the_plain_story_url_as_canonical(client):
    story = story_with_articles(3)

    html = get_story(client, story, "?side=left&sort=bias").content.decode()

    assert f'<link rel="canonical" href="{story.get_absolute_url()}">' in html


def test_each_bullet_links_the_outlet_it_comes_from(client):
    story = story_with_articles(2)
    article = story.articles.select_related("source").first()
    story.summary = [
        {
            "text": "Peru's Congress voted to remove the interim president.",
            "sources": [
                {"article_id": article.id, "source": article.source.name, "url": article.url}
            ],
            "other_figures": [
                {
                    "measure": "deaths",
                    "figure": "31",
                    "sources": [{"article_id": article.id, "source": "Meridian Times"}],
                }
            ],
        }
    ]
    story.version += 1
    story.save()

    html = get_story(client, story).content.decode()

    link = reverse("outbound", kwargs={"article_id": article.id})
    assert f'<a href="{link}" rel="noopener nofollow">{article.source.name}</a>' in html
    assert "31 deaths according to" in html


def test_an_article_known_only_from_its_feed_is_labelled(client):
    story = story_with_articles(2)
    story.articles.filter(pk=story.articles.first().pk).update(status="feed_only")
    story.version += 1
    story.save()

    html = get_story(client, story).content.decode()

    assert html.count("From the feed only") == 1
