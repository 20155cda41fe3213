"""Extraction on real pages from pages/aeb, scored against their expected bodies."""

import gzip
import json

import lxml.html
import pytest
import trafilatura
from trafilatura.utils import load_html

from ingestion.evaluation import mean_scores, token_scores
from ingestion.extraction import ExtractionFailedError, extract_article, page_language

SAMPLE_SIZE = 30


@pytest.fixture(scope="module")
def aeb(shared_data):
    folder = shared_data / "pages" / "aeb"
    truth = json.loads((folder / "ground-truth.json").read_text())
    return [
        (gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()), truth[i])
        for i in sorted(truth)[:SAMPLE_SIZE]
    ]


def test_our_extraction_scores_at_least_as_well_as_bare_trafilatura_on_a_sample(aeb):
    ours = mean_scores(
        [
            token_scores(extract_article(html, url=t["url"]).text, t["articleBody"])
            for html, t in aeb
        ]
    )
    bare = mean_scores(
        [token_scores(trafilatura.extract(html) or "", t["articleBody"]) for html, t in aeb]
    )

    assert ours.f1 >= bare.f1


def test_metadata_is_taken_from_the_page(aeb):
    html, truth = aeb[0]

    article = extract_article(html, url=truth["url"])

    assert article.title
    assert article.image_url.startswith("http")
    assert article.published_at is not None


def test_a_page_with_almost_no_text_is_refused_with_a_reason():
    html = b"<html><body><article><p>Subscribe to continue reading.</p></article></body></html>"

    with pytest.raises(ExtractionFailedError, match="paywall"):
        extract_article(html, url="https://example.org/a")


def test_a_body_that_is_not_html_is_refused():
    with pytest.raises(ExtractionFailedError, match="not HTML"):
        extract_article(b"just some bytes", url="https://example.org/a")


def test_the_language_falls_back_to_the_html_lang_attribute():
    assert page_language(b'<!doctype html><html class="x" lang="pt-BR"><head>') == "pt"


def test_token_scores_count_repeated_words_once_per_occurrence():
    scores = token_scores("the the cat", "the cat sat")

    assert (round(scores.precision, 3), round(scores.recall, 3)) == (0.667, 0.667)


def test_the_date_search_can_be_skipped_when_the_feed_gave_a_date(aeb):
    html, truth = aeb[0]

    assert extract_article(html, url=truth["url"], want_date=False).published_at is None


def test_the_byline_search_can_be_skipped_when_the_feed_named_the_author(aeb):
    """aeb[4] names its author only in a byline in the page body, not in its meta tags."""
    html, truth = aeb[4]

    assert extract_article(html, url=truth["url"]).author == "Bryan DeArdo"
    assert extract_article(html, url=truth["url"], want_author=False).author == ""


def test_an_author_in_the_meta_tags_is_kept_without_the_byline_search(aeb):
    html, truth = aeb[0]

    assert extract_article(html, url=truth["url"], want_author=False).author == "Sarah E Needleman"


def test_trafilatura_leaves_a_tree_it_is_given_untouched(aeb):
    """extract_article reads metadata from its tree and hands the same tree to the fast pass
    and then to the full pass; that is only right while trafilatura prunes a copy."""
    html, _truth = aeb[1]
    tree = load_html(html)
    before = lxml.html.tostring(tree)

    trafilatura.bare_extraction(tree, fast=True, include_comments=False, favor_precision=True)

    assert lxml.html.tostring(tree) == before


def test_a_malformed_og_image_is_dropped_and_the_article_still_extracts():
    """``http://[bad/x`` made urlsplit raise ValueError, so the article was retried and lost."""
    paragraphs = "".join(
        f"<p>Paragraph {n} of a plain article says what happened and why it matters.</p>"
        for n in range(12)
    )
    html = (
        '<html><head><meta property="og:image" content="http://[bad/x">'
        f"<title>A plain article</title></head><body><article>{paragraphs}</article></body></html>"
    ).encode()

    article = extract_article(html, url="https://example.org/a")

    assert article.image_url == ""
