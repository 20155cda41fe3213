"""Hostile feeds and servers, end to end: what a poll stores, refuses or records for each kind.

The ingestion suite (tests/ingestion/test_http.py, test_services.py) covers XML bombs, external
entities, oversized and gzip-bomb bodies, slow-loris, redirect loops and chains, redirects to
loopback / metadata / decimal / IPv6 / file: and odd loopback spellings. This file adds the
kinds listed in the README's Security section, each against a real loopback server through
``services.feed_fetch`` (and the page services where the kind concerns rendering).
"""

from __future__ import annotations

import gzip
import hashlib
import socket
from html.parser import HTMLParser

import pytest
from django.test import Client

from ingestion import http, services
from ingestion.feeds import MAX_ENTRIES_PER_FEED, MAX_SUMMARY_LENGTH, MAX_TITLE_LENGTH
from sources.models import Feed, FeedStatus
from stories.models import Article
from tests.resilience import payloads
from tests.resilience.conftest import HostileServer
from tests.resilience.pipeline import ingest_hostile_outlet, serve_hostile_outlet

pytestmark = pytest.mark.django_db

STORED_TEXT_FIELDS = ("title", "feed_summary", "author", "text", "description", "url", "guid")


def poll(server: HostileServer, make_feed, body: bytes, **answer: object) -> Feed:
    """Serve ``body`` as a feed, poll it once, return the refreshed Feed row."""
    feed = make_feed(server.serve("/feed.xml", body, **answer))
    services.feed_fetch(feed_id=feed.id, queue=False)
    feed.refresh_from_db()
    return feed


def poll_url(make_feed, url: str) -> Feed:
    feed = make_feed(url)
    services.feed_fetch(feed_id=feed.id, queue=False)
    feed.refresh_from_db()
    return feed


def one_entry_feed(**fields: str) -> bytes:
    return payloads.rss([payloads.item(link="https://news.example.org/harbor", **fields)])


def stored_values() -> list[str]:
    return [str(v) for row in Article.objects.values_list(*STORED_TEXT_FIELDS) for v in row]


# --- markup and scripts in feed fields ------------------------------------------------------


def test_script_and_event_handlers_in_an_entry_title_are_stripped_before_storage(
    hostile_server, make_feed
):
    poll(hostile_server, make_feed, one_entry_feed(title=payloads.TITLE))

    assert Article.objects.get().title == "Harbor council approves flood barrier for the old port"


def test_markup_in_an_entry_summary_is_reduced_to_its_plain_text(hostile_server, make_feed):
    poll(hostile_server, make_feed, one_entry_feed(summary=payloads.SUMMARY))

    summary = Article.objects.get().feed_summary
    assert "flood barrier starts in spring" in summary
    assert not any(marker in summary for marker in ("<", "alert", "display:none"))


def test_markup_in_an_entry_author_is_reduced_to_its_plain_text(hostile_server, make_feed):
    poll(hostile_server, make_feed, one_entry_feed(author=payloads.AUTHOR))

    author = Article.objects.get().author
    assert author.startswith("Eve")
    assert "<" not in author
    assert "alert" not in author


def test_a_double_escaped_script_is_stored_as_text_and_rendered_escaped(
    hostile_server, empty_page_cache
):
    outlet = ingest_hostile_outlet(hostile_server)
    article = Article.objects.get(guid__endswith="/hostile-2")

    page = Client().get(outlet.stories[0].get_absolute_url()).content.decode()

    assert article.title.startswith("<script>alert('double')</script>")
    assert "&lt;script&gt;alert(&#x27;double&#x27;)&lt;/script&gt;" in page
    assert "<script>alert('double')" not in page


def test_template_syntax_in_a_title_is_shown_literally(hostile_server, empty_page_cache):
    outlet = ingest_hostile_outlet(hostile_server)

    page = Client().get(outlet.stories[0].get_absolute_url()).content.decode()

    assert "{{ settings.SECRET_KEY }} {% debug %} Harbor barrier costs" in page


@pytest.mark.parametrize("link", payloads.JAVASCRIPT_LINKS)
def test_an_entry_linking_to_a_script_or_data_url_is_skipped(hostile_server, make_feed, link):
    feed = poll(hostile_server, make_feed, payloads.rss([payloads.item(link=link)]))

    assert Article.objects.count() == 0
    assert "skipped 1 entries" in feed.last_error


def test_script_urls_in_enclosures_and_media_elements_are_never_stored(hostile_server, make_feed):
    serve_hostile_outlet(hostile_server)
    feed = make_feed(hostile_server.url("/hostile.xml"))
    services.feed_fetch(feed_id=feed.id, queue=False)

    values = stored_values()
    assert Article.objects.count() == 3
    assert not any("enclosure" in v or "media')" in v for v in values)


def test_a_script_og_image_on_an_article_page_is_not_stored(hostile_server, make_feed):
    serve_hostile_outlet(hostile_server)
    feed = make_feed(hostile_server.url("/hostile.xml"))
    services.feed_fetch(feed_id=feed.id, queue=False)

    services.article_extract(article_id=Article.objects.get(guid__endswith="/hostile-1").id)

    article = Article.objects.get(guid__endswith="/hostile-1")
    assert article.status == "extracted"
    assert article.image_url == ""


class _ActiveMarkup(HTMLParser):
    """Collects what could run in a browser: scripts, handlers, frames, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            ours = (values.get("src") or "").startswith("/static/")
            data = values.get("type") == "application/json"
            if not (ours or data):
                self.found.append(f"<script {values}>")
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            url = (value or "").strip().lower()
            # The base template's empty favicon (<link rel=icon href="data:,">) is ours.
            if (tag, url) == ("link", "data:,"):
                continue
            if name in ("href", "src", "action", "formaction") and url.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"<{tag} {name}={value}>")


def active_markup(html: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("page", ["home", "story", "source"])
def test_pages_built_from_a_hostile_feed_hold_no_active_markup(
    hostile_server, empty_page_cache, page
):
    outlet = ingest_hostile_outlet(hostile_server)
    path = {
        "home": "/",
        "story": outlet.stories[0].get_absolute_url(),
        "source": f"/sources/{outlet.source.slug}/",
    }[page]

    response = Client().get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbor" in html  # the hostile outlet's content is on the page
    assert active_markup(html) == []


def test_the_outlet_created_from_a_hostile_channel_has_a_plain_text_name(
    hostile_server, empty_page_cache
):
    outlet = ingest_hostile_outlet(hostile_server)

    assert outlet.source.name == "Harbor Gazette"


def test_a_script_channel_link_does_not_become_the_outlets_homepage(
    hostile_server, empty_page_cache
):
    outlet = ingest_hostile_outlet(hostile_server)

    assert outlet.source.homepage == ""


# --- absurd dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pub_date",
    [
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Fri, 01 Jan 2100 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Tue, 31 Feb 2024 10:00:00 GMT",
        "the day before yesterday",
    ],
    ids=["year-0001", "year-9999", "far-future", "epoch", "no-such-day", "unparseable"],
)
def test_an_absurd_date_leaves_the_article_undated_but_stored(hostile_server, make_feed, pub_date):
    feed = poll(hostile_server, make_feed, one_entry_feed(pub_date=pub_date))

    assert feed.status == FeedStatus.OK
    assert Article.objects.get().published_at is None


# --- size and volume ----------------------------------------------------------------------


def test_a_one_megabyte_title_is_cut_to_the_column_limit(hostile_server, make_feed):
    feed = poll(hostile_server, make_feed, one_entry_feed(title="Harbor " * 150_000))

    assert feed.status == FeedStatus.OK
    assert len(Article.objects.get().title) == MAX_TITLE_LENGTH


def test_a_one_megabyte_summary_is_cut_to_the_summary_limit(hostile_server, make_feed):
    poll(hostile_server, make_feed, one_entry_feed(summary="<p>Flood</p> " * 80_000))

    assert len(Article.objects.get().feed_summary) == MAX_SUMMARY_LENGTH


def test_a_feed_with_100k_entries_stores_only_the_capped_number(hostile_server, make_feed):
    items = [
        f"<item><title>Entry {n}</title><link>https://news.example.org/e/{n}</link></item>"
        for n in range(100_000)
    ]

    feed = poll(hostile_server, make_feed, payloads.rss(items))

    assert feed.status == FeedStatus.OK
    assert Article.objects.count() == MAX_ENTRIES_PER_FEED
    assert f"skipped {100_000 - MAX_ENTRIES_PER_FEED} entries" in feed.last_error


def test_entries_sharing_a_guid_are_kept_apart_by_their_links(hostile_server, make_feed):
    items = [
        payloads.item(link=f"https://news.example.org/story-{n}", guid="same-guid")
        for n in range(3)
    ]

    poll(hostile_server, make_feed, payloads.rss(items))

    assert Article.objects.count() == 3


def test_one_link_repeated_with_tracking_parameters_becomes_one_article(hostile_server, make_feed):
    items = [
        payloads.item(link=f"https://news.example.org/story?utm_source=rss&n={0}&fbclid={n}")
        for n in range(1000)
    ]

    feed = poll(hostile_server, make_feed, payloads.rss(items))

    assert Article.objects.count() == 1
    assert "skipped 999 entries" in feed.last_error


def test_an_entry_link_with_credentials_is_skipped(hostile_server, make_feed):
    poll(
        hostile_server,
        make_feed,
        payloads.rss([payloads.item(link="https://admin:hunter2@news.example.org/story")]),
    )

    assert Article.objects.count() == 0


def test_an_entry_link_longer_than_the_column_is_skipped(hostile_server, make_feed):
    link = "https://news.example.org/" + "a" * 3000

    poll(hostile_server, make_feed, payloads.rss([payloads.item(link=link)]))

    assert Article.objects.count() == 0


def test_control_characters_in_a_title_are_dropped(hostile_server, make_feed):
    # \x08 and \x1b are legal in XML 1.0 only as character references.
    body = (
        one_entry_feed(title="Harbor BSMARK barrier ESCMARK[31m")
        .replace(b"BSMARK", b"&#x8;")
        .replace(b"ESCMARK", b"&#x1b;")
    )

    feed = poll(hostile_server, make_feed, body)

    assert feed.status == FeedStatus.OK
    assert Article.objects.get().title == "Harbor barrier [31m"


def test_a_date_with_an_impossible_utc_offset_leaves_the_article_undated(hostile_server, make_feed):
    feed = poll(
        hostile_server, make_feed, one_entry_feed(pub_date="Mon, 02 Nov 2026 10:00:00 +9900")
    )

    assert feed.status == FeedStatus.OK
    # Read as given it would move the article 99 hours back; no place on Earth is UTC+99.
    assert Article.objects.get().published_at is None


def test_a_nul_byte_in_a_title_is_dropped_before_postgresql_sees_it(hostile_server, make_feed):
    body = one_entry_feed(title="Harbor NULMARK barrier").replace(b"NULMARK", b"\x00")

    feed = poll(hostile_server, make_feed, body)

    assert feed.status == FeedStatus.OK
    assert Article.objects.get().title == "Harbor barrier"


def test_deeply_nested_markup_in_a_summary_is_flattened(hostile_server, make_feed):
    nested = "<div>" * 10_000 + "Flood barrier" + "</div>" * 10_000

    poll(hostile_server, make_feed, one_entry_feed(summary=nested))

    assert Article.objects.get().feed_summary == "Flood barrier"


# --- XML tricks not covered by the ingestion suite ----------------------------------------


def test_an_external_parameter_entity_is_refused_without_fetching_it(hostile_server, make_feed):
    dtd_url = hostile_server.serve("/evil.dtd", b'<!ENTITY leak SYSTEM "file:///etc/passwd">')
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % remote SYSTEM "{dtd_url}"> %remote;]>'
        '<rss version="2.0"><channel><title>x</title></channel></rss>'
    ).encode()

    feed = poll(hostile_server, make_feed, body)

    assert feed.status == FeedStatus.FAILING
    assert "refused unsafe XML" in feed.last_error
    assert hostile_server.hits["/evil.dtd"] == 0


def test_an_external_dtd_is_never_fetched(hostile_server, make_feed):
    dtd_url = hostile_server.serve("/evil.dtd", b'<!ENTITY leak SYSTEM "file:///etc/passwd">')
    body = one_entry_feed().replace(
        b'<rss version="2.0"', f'<!DOCTYPE rss SYSTEM "{dtd_url}"><rss version="2.0"'.encode()
    )

    feed = poll(hostile_server, make_feed, body)

    assert feed.status == FeedStatus.OK
    assert hostile_server.hits["/evil.dtd"] == 0


def test_an_xinclude_of_a_local_file_is_not_expanded(hostile_server, make_feed):
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
    body = payloads.rss(
        [
            payloads.item(
                link="https://news.example.org/x", extra=f"<description>{include}</description>"
            )
        ]
    )

    poll(hostile_server, make_feed, body)

    assert not any("root:" in v for v in stored_values())


def test_a_quadratic_blowup_entity_is_refused(hostile_server, make_feed):
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"x" * 50_000}">]>'
        f'<rss version="2.0"><channel><title>{"&a;" * 5000}</title></channel></rss>'
    ).encode()

    feed = poll(hostile_server, make_feed, body)

    assert feed.status == FeedStatus.FAILING
    assert "EntitiesForbidden" in feed.last_error


# --- encodings and lying headers ----------------------------------------------------------


def _cafe_feed(encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>c</title>'
        "<item><title>Café opens by the harbor</title>"
        "<link>https://news.example.org/cafe</link></item></channel></rss>"
    )


def test_a_utf16_feed_with_a_byte_order_mark_is_read(hostile_server, make_feed):
    poll(hostile_server, make_feed, _cafe_feed("utf-16").encode("utf-16"))

    assert Article.objects.get().title == "Café opens by the harbor"


def test_a_utf8_byte_order_mark_is_ignored(hostile_server, make_feed):
    poll(hostile_server, make_feed, b"\xef\xbb\xbf" + _cafe_feed().encode())

    assert Article.objects.get().title == "Café opens by the harbor"


def test_a_feed_served_as_an_image_is_still_read_with_a_note(hostile_server, make_feed):
    feed = poll(hostile_server, make_feed, _cafe_feed().encode(), content_type="image/png")

    assert Article.objects.get().canonical_url == "https://news.example.org/cafe"
    assert "not an XML media type" in feed.last_error


def test_an_html_page_served_as_rss_is_rejected(hostile_server, make_feed):
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body>News</body></html>"

    feed = poll(hostile_server, make_feed, page, content_type="application/rss+xml")

    assert feed.status == FeedStatus.FAILING
    assert "not a feed: the document is an HTML page" in feed.last_error


def test_a_binary_body_is_rejected_as_not_a_feed(hostile_server, make_feed):
    png = b"\x89PNG\r\n\x1a\n" + bytes(4096)

    feed = poll(hostile_server, make_feed, png, content_type="image/png")

    assert feed.status == FeedStatus.FAILING
    assert "not a feed" in feed.last_error


def test_an_empty_body_is_rejected(hostile_server, make_feed):
    feed = poll(hostile_server, make_feed, b"")

    assert feed.status == FeedStatus.FAILING
    assert "empty document" in feed.last_error


def test_a_charset_header_that_contradicts_the_body_is_overruled_with_a_note(
    hostile_server, make_feed
):
    feed = poll(
        hostile_server,
        make_feed,
        _cafe_feed().encode(),
        content_type="application/rss+xml; charset=utf-16",
    )

    assert Article.objects.get().title == "Café opens by the harbor"
    assert "declared as utf-16, but parsed as utf-8" in feed.last_error


ENTRY_COUNT = 200
ENTRY_LINKS = {f"https://news.example.org/entry-{n}" for n in range(ENTRY_COUNT)}


def _entries_feed() -> bytes:
    """Entries with varied titles, so that half of its gzip stream decodes to half the text."""
    return payloads.rss(
        [
            payloads.item(link=link, title=hashlib.sha256(link.encode()).hexdigest())
            for link in sorted(ENTRY_LINKS)
        ]
    )


def assert_failed_as_transient_and_stored_nothing(feed: Feed) -> None:
    assert feed.status == FeedStatus.FAILING
    assert feed.last_error.startswith("connection:")
    assert feed.next_fetch_at is not None  # polled again later, with backoff
    assert Article.objects.count() == 0


def test_a_truncated_gzip_body_is_a_transient_failure_not_a_shorter_feed(hostile_server, make_feed):
    compressed = gzip.compress(_entries_feed())

    feed = poll(
        hostile_server,
        make_feed,
        compressed[: len(compressed) // 2],
        headers={"Content-Encoding": "gzip"},
    )

    assert_failed_as_transient_and_stored_nothing(feed)
    assert "gzip body ends before its stream does" in feed.last_error

    # The next poll gets the whole document and keeps every entry.
    hostile_server.serve("/feed.xml", compressed, headers={"Content-Encoding": "gzip"})
    services.feed_fetch(feed_id=feed.id, queue=False)
    assert set(Article.objects.values_list("canonical_url", flat=True)) == ENTRY_LINKS


def test_a_truncated_body_is_retried_by_the_task_not_recorded(hostile_server, make_feed):
    body = _entries_feed()
    feed = make_feed(
        hostile_server.serve(
            "/feed.xml", body[: len(body) // 2], headers={"Content-Length": str(len(body))}
        )
    )

    with pytest.raises(services.TransientIngestionError):
        services.feed_fetch(feed_id=feed.id, queue=False, retry=True)

    feed.refresh_from_db()
    assert feed.consecutive_failures == 0  # the task retries before anything is recorded
    assert Article.objects.count() == 0


def test_a_corrupt_gzip_body_is_refused(hostile_server, make_feed):
    feed = poll(
        hostile_server,
        make_feed,
        b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8,
        headers={"Content-Encoding": "gzip"},
    )

    assert feed.status == FeedStatus.FAILING
    assert "bad_encoding" in feed.last_error


def test_an_unsupported_content_encoding_is_refused(hostile_server, make_feed):
    feed = poll(hostile_server, make_feed, b"\x0b\x02\x80", headers={"Content-Encoding": "br"})

    assert feed.status == FeedStatus.FAILING
    assert "unsupported Content-Encoding 'br'" in feed.last_error


def test_a_body_shorter_than_its_content_length_is_a_transient_failure(hostile_server, make_feed):
    body = _entries_feed()

    feed = poll(
        hostile_server,
        make_feed,
        body[: len(body) // 2],
        headers={"Content-Length": str(len(body))},
    )

    # The server hung up mid-body: half a feed is not taken for the whole one.
    assert_failed_as_transient_and_stored_nothing(feed)
    assert "bytes before the declared end" in feed.last_error


def test_a_content_length_shorter_than_the_body_reads_only_what_was_declared(
    hostile_server, make_feed
):
    body = _entries_feed()

    poll(hostile_server, make_feed, body, headers={"Content-Length": str(len(body) // 2)})

    stored = set(Article.objects.values_list("canonical_url", flat=True))
    assert 0 < len(stored) < ENTRY_COUNT
    assert stored <= ENTRY_LINKS


# --- servers that misbehave at the HTTP level ---------------------------------------------


def test_a_server_that_accepts_and_never_answers_is_recorded_as_a_timeout(silent_port, make_feed):
    feed = poll_url(make_feed, f"http://{silent_port}/feed.xml")

    assert feed.status == FeedStatus.FAILING
    assert feed.last_error.startswith("timeout:")


def _hang_up(handler) -> None:
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def test_a_server_that_hangs_up_without_answering_is_a_transient_failure(hostile_server, make_feed):
    feed = make_feed(hostile_server.serve_raw("/feed.xml", _hang_up))

    with pytest.raises(services.TransientIngestionError) as caught:
        services.feed_fetch(feed_id=feed.id, retry=True, queue=False)

    assert isinstance(caught.value.error, http.ConnectionFetchError)


def _not_http(handler) -> None:
    handler.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n" + bytes(range(256)))
    handler.close_connection = True


def test_a_server_speaking_another_protocol_is_recorded_as_a_connection_error(
    hostile_server, make_feed
):
    feed = poll_url(make_feed, hostile_server.serve_raw("/feed.xml", _not_http))

    assert feed.status == FeedStatus.FAILING
    assert feed.last_error.startswith("connection:")
    assert "BadStatusLine" in feed.last_error


def _endless_headers(handler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    try:
        for n in range(100_000):
            handler.wfile.write(f"X-Filler-{n}: {'a' * 50}\r\n".encode())
    except OSError:
        pass  # the client gave up, as it should
    handler.close_connection = True


def test_a_response_with_endless_headers_is_refused(hostile_server, make_feed):
    feed = poll_url(make_feed, hostile_server.serve_raw("/feed.xml", _endless_headers))

    assert feed.status == FeedStatus.FAILING
    assert "more than 100 headers" in feed.last_error


def _overlong_header(handler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 200_000 + b"\r\n\r\n")
    handler.close_connection = True


def test_a_header_line_longer_than_64_kib_is_refused(hostile_server, make_feed):
    feed = poll_url(make_feed, hostile_server.serve_raw("/feed.xml", _overlong_header))

    assert feed.status == FeedStatus.FAILING
    assert "LineTooLong" in feed.last_error


def test_a_redirect_without_a_location_is_refused(hostile_server, make_feed):
    feed = poll(hostile_server, make_feed, b"", status=302)

    assert feed.status == FeedStatus.FAILING
    assert "redirect without Location" in feed.last_error


# --- addresses and schemes ----------------------------------------------------------------


def test_a_feed_on_localhost_by_name_is_refused_in_production(hostile_server, make_feed, settings):
    settings.INGESTION_ALLOW_LOOPBACK = False
    port = hostile_server.host_port.rsplit(":", 1)[1]
    hostile_server.serve("/feed.xml", _cafe_feed().encode())

    feed = poll_url(make_feed, f"http://localhost:{port}/feed.xml")

    assert feed.status == FeedStatus.FAILING
    assert "loopback address" in feed.last_error
    assert hostile_server.hits["/feed.xml"] == 0


def test_a_feed_on_a_localhost_subdomain_never_reaches_loopback(
    hostile_server, make_feed, settings
):
    settings.INGESTION_ALLOW_LOOPBACK = False
    port = hostile_server.host_port.rsplit(":", 1)[1]
    hostile_server.serve("/feed.xml", _cafe_feed().encode())

    feed = poll_url(make_feed, f"http://feeds.localhost:{port}/feed.xml")

    # RFC 6761: refused by name, permanently, whatever the resolver would answer.
    assert feed.status == FeedStatus.FAILING
    assert "localhost name is a loopback address" in feed.last_error
    assert hostile_server.hits["/feed.xml"] == 0


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://[::ffff:169.254.169.254]/latest/meta-data/", "cloud metadata address"),
        ("http://[::ffff:7f00:1]:9/feed.xml", "loopback address"),
        ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "cloud metadata address"),
        ("http://[2002:a00:1::]/feed.xml", "private address"),
    ],
    ids=["ipv4-mapped-metadata", "ipv4-mapped-loopback-hex", "nat64-metadata", "6to4-private"],
)
def test_a_redirect_to_ipv6_embedding_a_refused_ipv4_is_refused(
    hostile_server, make_feed, location, reason
):
    feed = poll(hostile_server, make_feed, b"", status=302, headers={"Location": location})

    assert feed.status == FeedStatus.FAILING
    assert reason in feed.last_error


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://10.0.0.1/feed.xml", "private address"),
        ("http://192.168.1.1/feed.xml", "private address"),
        ("http://0.0.0.0:9/feed.xml", "reserved address"),
        ("http://[fe80::1]/feed.xml", "link-local address"),
    ],
    ids=["10/8", "192.168/16", "unspecified", "ipv6-link-local"],
)
def test_a_redirect_into_a_private_network_is_refused(hostile_server, make_feed, location, reason):
    feed = poll(hostile_server, make_feed, b"", status=301, headers={"Location": location})

    assert feed.status == FeedStatus.FAILING
    assert reason in feed.last_error


@pytest.mark.parametrize(
    "url",
    [
        "ftp://news.example.org/feed.xml",
        "gopher://news.example.org:70/1",
        "data:application/rss+xml;base64,PHJzcy8+",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ],
    ids=["ftp", "gopher", "data", "javascript", "file"],
)
def test_a_feed_url_with_a_non_http_scheme_is_refused(hostile_server, make_feed, url):
    feed = poll_url(make_feed, url)

    assert feed.status == FeedStatus.FAILING
    assert "unsupported_scheme" in feed.last_error


@pytest.mark.parametrize(
    "location",
    ["ftp://news.example.org/feed.xml", "gopher://news.example.org:70/1", "data:,<rss/>"],
    ids=["ftp", "gopher", "data"],
)
def test_a_redirect_to_a_non_http_scheme_is_refused(hostile_server, make_feed, location):
    feed = poll(hostile_server, make_feed, b"", status=302, headers={"Location": location})

    assert feed.status == FeedStatus.FAILING
    assert "only http and https" in feed.last_error


def test_a_feed_url_with_an_out_of_range_port_is_refused(hostile_server, make_feed):
    feed = poll_url(make_feed, "http://news.example.org:99999/feed.xml")

    assert feed.status == FeedStatus.FAILING
    assert "bad port" in feed.last_error
