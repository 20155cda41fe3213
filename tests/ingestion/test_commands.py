"""``manage.py ingest``: the whole pipeline once, in-process, here from a replay folder."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from stories.models import Article, ArticleStatus

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Replay Times</title>
<link>https://news.example.org/</link>
<item><title>Recorded</title><link>https://news.example.org/story-1?utm_source=rss</link>
<pubDate>Tue, 19 Nov 2019 12:00:00 GMT</pubDate></item>
<item><title>Not recorded</title><link>https://news.example.org/story-2</link>
<pubDate>Tue, 19 Nov 2019 12:00:00 GMT</pubDate></item>
</channel></rss>"""


@pytest.fixture
def replay_dir(tmp_path, shared_data):
    truth = json.loads((shared_data / "pages/aeb/ground-truth.json").read_text())
    page_id = sorted(truth)[0]
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "replay.xml").write_text(FEED)
    (tmp_path / "news.example.org").mkdir()
    html = gzip.decompress((shared_data / f"pages/aeb/html/{page_id}.html.gz").read_bytes())
    (tmp_path / "news.example.org" / "story-1").write_bytes(html)
    return tmp_path


def _ingest(*args: str) -> str:
    out = io.StringIO()
    call_command("ingest", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_replay_ingests_recorded_feeds_and_pages_through_the_http_client(replay_dir):
    output = _ingest("--replay", str(replay_dir))

    statuses = dict(Article.objects.values_list("canonical_url", "status"))
    assert statuses == {
        "https://news.example.org/story-1": ArticleStatus.EXTRACTED,
        "https://news.example.org/story-2": ArticleStatus.FEED_ONLY,
    }
    assert "2 articles: 1 extracted, 1 feed_only" in output


@pytest.mark.django_db
def test_a_replayed_feed_is_attached_to_an_outlet_for_its_channel_domain(replay_dir):
    _ingest("--replay", str(replay_dir))

    assert {a.source.domain for a in Article.objects.select_related("source")} == {"example.org"}


@pytest.mark.django_db
def test_since_leaves_older_articles_pending(replay_dir):
    _ingest("--replay", str(replay_dir), "--since", "2020-01-01")

    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.PENDING}


@pytest.mark.django_db
def test_a_replay_twice_adds_nothing(replay_dir):
    _ingest("--replay", str(replay_dir))

    _ingest("--replay", str(replay_dir))

    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_an_unknown_feed_is_an_error():
    with pytest.raises(CommandError, match="no feed matches"):
        _ingest("--feed", "999999")


@pytest.mark.django_db
def test_a_feed_is_ingested_by_id(server, make_feed):
    feed = make_feed(server.url("/generated/aeb.xml?n=2"))
    make_feed(server.url("/small.xml"))

    _ingest("--feed", str(feed.id))

    assert (
        list(Article.objects.values_list("feed_id", "status"))
        == [(feed.id, ArticleStatus.EXTRACTED)] * 2
    )
