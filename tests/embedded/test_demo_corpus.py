"""The demo corpus is what a newcomer sees first: it must be varied, complete and fictional."""

import re
from collections import Counter
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from embedded.demo_corpus import (
    PICTURE_HEIGHT,
    PICTURE_WIDTH,
    CorpusError,
    is_demo_domain,
    load_corpus,
    parse_article,
    render_site,
)
from ingestion.feeds import parse_feed
from ingestion.images import icon_candidates, render_icon, render_photo
from sources.scales import BIAS_SIDES
from tests.conftest import REPO_ROOT

CORPUS_DIR = REPO_ROOT / "demo" / "corpus"
START = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS_DIR)


def side_of(corpus, outlet_slug: str) -> str:
    bias = corpus.outlet(outlet_slug).bias
    return BIAS_SIDES[bias].value if bias else "unrated"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def test_the_corpus_is_large_enough_to_look_like_a_news_site(corpus):
    outlets_with_articles = {a.outlet_slug for a in corpus.articles}
    assert len(corpus.stories) >= 10
    assert len(corpus.articles) >= 100
    assert len(outlets_with_articles) >= 25


def test_every_story_has_articles(corpus):
    counts = Counter(a.story_key for a in corpus.articles)
    assert {s.key for s in corpus.stories} == set(counts)


def test_every_article_body_is_80_to_400_words(corpus):
    lengths = {
        f"{a.story_key}/{a.outlet_slug}": len(words(a.body))
        for a in corpus.articles
        if not a.wire_of
    }
    assert {k: n for k, n in lengths.items() if not 80 <= n <= 400} == {}


def test_every_outlet_uses_a_reserved_demo_domain(corpus):
    assert all(is_demo_domain(o.domain) for o in corpus.outlets)


def test_outlets_span_the_whole_spectrum_and_one_is_unrated(corpus):
    biases = {o.bias for o in corpus.outlets}
    assert set(BIAS_SIDES) <= biases
    assert "" in biases


def test_each_planned_blindspot_misses_its_side(corpus):
    planned = [s for s in corpus.stories if s.planned_blindspot]
    assert {s.planned_blindspot for s in planned} == {"left", "right"}
    for story in planned:
        sides = Counter(
            side_of(corpus, a.outlet_slug) for a in corpus.articles if a.story_key == story.key
        )
        rated = sides["left"] + sides["center"] + sides["right"]
        assert rated >= 5, story.key
        assert sides[story.planned_blindspot] * 5 <= rated, (story.key, sides)


def test_stories_split_unevenly_as_real_coverage_does(corpus):
    """Readers found five of twelve stories split exactly 3/3/3, which looked made up."""
    splits = {
        story.key: tuple(
            sum(
                1
                for a in corpus.articles
                if a.story_key == story.key and side_of(corpus, a.outlet_slug) == side
            )
            for side in ("left", "center", "right")
        )
        for story in corpus.stories
    }
    even = [key for key, (left, center, right) in splits.items() if left == center == right]
    assert len(even) <= 1, even
    assert len(set(splits.values())) >= len(splits) // 2, splits


def test_wire_copies_repeat_their_origin_text(corpus):
    copies = [a for a in corpus.articles if a.wire_of]
    assert len(copies) >= 3
    for copy in copies:
        origin = next(
            a
            for a in corpus.articles
            if a.story_key == copy.story_key and a.outlet_slug == copy.wire_of
        )
        assert copy.body.startswith(origin.body[:400]), copy.outlet_slug


def test_outlets_tell_a_story_in_their_own_words(corpus):
    """Coverage is not one text with names swapped: independent versions share few 5-grams."""
    for story in corpus.stories:
        originals = [a for a in corpus.articles if a.story_key == story.key and not a.wire_of]
        for i, first in enumerate(originals):
            for second in originals[i + 1 :]:
                a, b = shingles(first.body), shingles(second.body)
                overlap = len(a & b) / max(1, min(len(a), len(b)))
                assert overlap < 0.3, (story.key, first.outlet_slug, second.outlet_slug)


def test_there_is_a_paywalled_article_and_a_broken_feed(corpus):
    assert any(a.paywalled for a in corpus.articles)
    assert any(o.feed_is_broken for o in corpus.outlets)


def test_articles_arrive_over_several_hours(corpus):
    assert corpus.span_hours >= 12


def test_rendered_feeds_parse_and_list_each_outlets_articles(corpus):
    documents = render_site(corpus, start=START)
    outlet = next(o for o in corpus.outlets if corpus.articles_of(o.slug) and not o.feed_is_broken)
    parsed = feedparser.parse(documents[(outlet.domain, "/rss.xml")])
    assert not parsed.bozo
    assert len(parsed.entries) == len(corpus.articles_of(outlet.slug))


def test_a_paywalled_page_does_not_carry_the_article(corpus):
    documents = render_site(corpus, start=START)
    article = next(a for a in corpus.articles if a.paywalled)
    outlet = corpus.outlet(article.outlet_slug)
    page = documents[(outlet.domain, article.path)].decode()
    last_paragraph = article.body.split("\n\n")[-1].strip()
    assert "Subscribe to continue reading" in page
    assert last_paragraph[:60] not in page


def test_the_broken_feed_is_not_a_feed(corpus):
    documents = render_site(corpus, start=START)
    outlet = next(o for o in corpus.outlets if o.feed_is_broken)
    assert documents[(outlet.domain, "/rss.xml")].startswith(b"<!doctype html>")


def test_a_header_without_a_separator_is_rejected_with_its_file_name():
    with pytest.raises(CorpusError, match=re.escape("x.txt: no '---' line")):
        parse_article(
            "title: t\npublished: 1\nsummary: s\n", story_key="s", outlet_slug="o", origin="x.txt"
        )


def test_an_unknown_outlet_is_rejected(tmp_path: Path):
    (tmp_path / "stories" / "s").mkdir(parents=True)
    (tmp_path / "outlets.csv").write_text(
        (CORPUS_DIR / "outlets.csv").read_text().splitlines()[0] + "\n"
    )
    (tmp_path / "stories.csv").write_text("key,working_title,planned_blindspot,writer\ns,S,,A\n")
    (tmp_path / "stories" / "s" / "nobody.txt").write_text(
        "title: t\npublished: 1\nsummary: s\n---\nbody\n"
    )
    with pytest.raises(CorpusError, match=re.escape("outlet 'nobody' is not in outlets.csv")):
        load_corpus(tmp_path)


def test_every_story_has_its_own_drawn_picture(corpus):
    assert set(corpus.pictures) == {story.key for story in corpus.stories}
    assert len(set(corpus.pictures.values())) == len(corpus.stories)
    for data in corpus.pictures.values():
        assert Image.open(BytesIO(data)).size == (PICTURE_WIDTH, PICTURE_HEIGHT)


def test_most_outlets_have_an_icon_and_a_few_small_ones_have_none(corpus):
    slugs = {outlet.slug for outlet in corpus.outlets}
    kinds = Counter(suffix for suffix, _data in corpus.icons.values())

    assert 3 <= len(slugs - set(corpus.icons)) <= 6
    assert kinds[".png"] and kinds[".ico"]


def test_article_pages_name_their_storys_picture_which_the_site_serves(corpus):
    documents = render_site(corpus, start=START)
    article = next(a for a in corpus.articles if a.outlet_slug in corpus.icons)
    domain = corpus.outlet(article.outlet_slug).domain

    page = documents[(domain, article.path)].decode()
    url = re.search(r"<meta property='og:image' content='([^']*)'>", page).group(1)

    assert url == f"http://{domain}/images/{article.story_key}.jpg"
    assert render_photo(documents[(domain, f"/images/{article.story_key}.jpg")])


def test_an_outlet_without_an_icon_publishes_no_pictures(corpus):
    documents = render_site(corpus, start=START)
    article = next(a for a in corpus.articles if a.outlet_slug not in corpus.icons)
    domain = corpus.outlet(article.outlet_slug).domain

    assert "og:image" not in documents[(domain, article.path)].decode()


def test_outlets_with_a_favicon_ico_put_pictures_in_their_feeds_too(corpus):
    documents = render_site(corpus, start=START)
    slug = next(s for s, (suffix, _) in corpus.icons.items() if suffix == ".ico")
    outlet = corpus.outlet(slug)

    entries = parse_feed(documents[(outlet.domain, "/rss.xml")], now=START).entries

    assert entries and all(
        e.image_url.startswith(f"http://{outlet.domain}/images/") for e in entries
    )
    assert render_icon(documents[(outlet.domain, "/favicon.ico")])


def test_home_pages_declare_the_png_icons(corpus):
    documents = render_site(corpus, start=START)
    slug = next(s for s, (suffix, _) in corpus.icons.items() if suffix == ".png")
    outlet = corpus.outlet(slug)

    [first, *_] = icon_candidates(documents[(outlet.domain, "/")], base_url=outlet.homepage)

    assert first == f"http://{outlet.domain}/assets/icon.png"
    assert render_icon(documents[(outlet.domain, "/assets/icon.png")])
