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
def test_an_outlet_the_catalogue_does_not_list_is_named_by_its_channel(replay_dir):
    _ingest("--replay", str(replay_dir))

    assert {a.source.name for a in Article.objects.select_related("source")} == {"Replay Times"}


@pytest.mark.django_db
def test_an_outlet_the_catalogue_lists_is_named_as_the_catalogue_names_it(tmp_path, shared_data):
    """NDTV's channel title is "NDTV News Search Records Found 1000", which the story pages of
    a replay without the catalogue loaded showed as the outlet's name."""
    (tmp_path / "ndtv.rss.xml").write_bytes(
        (shared_data / "feeds" / "outlets" / "ndtv.rss.xml").read_bytes()
    )

    _ingest("--replay", str(tmp_path))

    assert {a.source.name for a in Article.objects.select_related("source")} == {"NDTV"}


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


def _feed(outlet: str, items: list[tuple[str, str]]) -> str:
    """An RSS document of ``outlet`` with (slug, pubDate) items; an empty date is left out."""
    entries = "".join(
        f"<item><title>{outlet} {slug} report</title>"
        f"<link>https://www.{outlet}.org/{slug}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for slug, date in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<link>https://www.{outlet}.org/</link>{entries}</channel></rss>"
    )


@pytest.fixture
def interleaved_feeds(tmp_path):
    """Two outlets whose entries alternate in time; the first feed file also has an undated
    entry. Read feed by feed, the order would be first's 08:00, 10:00, 12:00, then second's."""
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "a-first.xml").write_text(
        _feed(
            "first",
            [
                ("undated", ""),
                ("noon", "Tue, 17 Feb 2026 12:00:00 GMT"),
                ("eight", "Tue, 17 Feb 2026 08:00:00 GMT"),
                ("ten", "Tue, 17 Feb 2026 10:00:00 GMT"),
            ],
        )
    )
    (tmp_path / "feeds" / "b-second.xml").write_text(
        _feed(
            "second",
            [
                ("nine", "Tue, 17 Feb 2026 09:00:00 GMT"),
                ("eleven", "Tue, 17 Feb 2026 11:00:00 GMT"),
                ("one", "Tue, 17 Feb 2026 13:00:00 GMT"),
            ],
        )
    )
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_articles_are_placed_in_publication_order_across_feeds(interleaved_feeds, eager_tasks):
    """Placing feed by feed made stories depend on which feed came first."""
    _ingest("--replay", str(interleaved_feeds))

    assert not Article.objects.filter(clustered_at__isnull=True).exists()
    placed = Article.objects.order_by("clustered_at").values_list("url", flat=True)
    assert [url.rsplit("/", 1)[1] for url in placed] == [
        "eight",
        "nine",
        "ten",
        "eleven",
        "noon",
        "one",
        "undated",
    ]
