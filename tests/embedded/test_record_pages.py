"""``manage.py record_pages``: a replay folder gains the pages its feeds link to, and a replay
then reads them as a live site would, instead of the feeds' summaries alone."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from embedded import replay
from ingestion import http
from stories.models import Article, ArticleStatus
from tests.embedded.test_ingest_command import FEED


@pytest.fixture
def page(shared_data) -> bytes:
    """A real news page (the article-extraction benchmark's first)."""
    truth = json.loads((shared_data / "pages/aeb/ground-truth.json").read_text())
    return gzip.decompress(
        (shared_data / f"pages/aeb/html/{sorted(truth)[0]}.html.gz").read_bytes()
    )


@pytest.fixture
def web(tmp_path, page):
    """The outlet's site as the recorder meets it: story-1 is online, story-2 is gone (404)."""
    site = tmp_path / "web"
    (site / "news.example.org").mkdir(parents=True)
    (site / "news.example.org" / "story-1").write_bytes(page)
    # robots.txt answers are cached per origin: each test's site starts unknown.
    http.clear_robots_cache()
    with replay.serve_replay(site) as address, http.serve_hosts_from(address):
        yield site
    http.clear_robots_cache()


@pytest.fixture
def feeds_only(tmp_path):
    folder = tmp_path / "replay"
    (folder / "feeds").mkdir(parents=True)
    (folder / "feeds" / "replay.xml").write_text(FEED)
    return folder


def _record(folder) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("record_pages", str(folder), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_pages_a_feed_links_to_are_recorded_and_a_missing_one_is_reported(
    web, feeds_only, page
):
    output, errors = _record(feeds_only)

    assert "2 links: 1 pages recorded, 0 already recorded, 1 not recorded" in output
    assert "https://news.example.org/story-2" in errors and "404" in errors
    index = json.loads((feeds_only / "pages" / "ground-truth.json").read_text())
    ((page_id, entry),) = index.items()
    assert entry["url"] == "https://news.example.org/story-1?utm_source=rss"
    stored = feeds_only / "pages" / "html" / f"{page_id}.html.gz"
    assert gzip.decompress(stored.read_bytes()) == page


def test_a_second_run_keeps_what_is_recorded_and_tries_the_rest_again(web, feeds_only):
    _record(feeds_only)
    (web / "news.example.org" / "story-2").write_bytes(b"<html><p>Back online.</p></html>")

    output, _errors = _record(feeds_only)

    assert "2 links: 1 pages recorded, 1 already recorded, 0 not recorded" in output


@pytest.mark.django_db
def test_a_replay_of_recorded_pages_extracts_the_article_instead_of_keeping_the_feed_text(
    web, feeds_only
):
    _record(feeds_only)

    call_command("ingest", "--replay", str(feeds_only), stdout=io.StringIO())

    statuses = dict(Article.objects.values_list("canonical_url", "status"))
    assert statuses == {
        "https://news.example.org/story-1": ArticleStatus.EXTRACTED,
        "https://news.example.org/story-2": ArticleStatus.FEED_ONLY,
    }
    # The feed item carries no text at all: what the article holds is the page's.
    text = Article.objects.get(canonical_url="https://news.example.org/story-1").text
    assert text.startswith("Gaming used to be so simple.")


def test_a_site_whose_robots_txt_disallows_its_pages_is_not_recorded(web, feeds_only):
    (web / "news.example.org" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")

    output, errors = _record(feeds_only)

    assert "2 links: 0 pages recorded, 0 already recorded, 2 not recorded" in output
    assert "robots.txt disallows" in errors


def test_a_folder_it_cannot_write_to_is_a_clear_error(feeds_only):
    (feeds_only / "pages").write_text("a file where the pages folder goes")

    with pytest.raises(CommandError, match="cannot write pages into"):
        _record(feeds_only)


def test_a_damaged_page_index_is_a_clear_error_and_is_left_as_it_is(feeds_only):
    (feeds_only / "pages").mkdir()
    (feeds_only / "pages" / "ground-truth.json").write_text("{not json")

    with pytest.raises(CommandError, match="is not a page index"):
        _record(feeds_only)
    assert (feeds_only / "pages" / "ground-truth.json").read_text() == "{not json"
