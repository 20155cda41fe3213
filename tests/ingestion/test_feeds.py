"""Feed parsing on real recorded feeds and on hostile documents. No database, no network."""

from datetime import UTC, datetime

import pytest

from ingestion.feeds import (
    MAX_CATEGORIES,
    MAX_ENTRIES_PARSED,
    MAX_ENTRIES_PER_FEED,
    FeedRejectedError,
    cut_excess_entries,
    has_impossible_utc_offset,
    html_to_text,
    parse_feed,
)
from tests.conftest import SHARED_DATA
from tests.ingestion.conftest import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    HTML_NOT_FEED,
    INVALID_UTF8,
)

NOW = datetime(2026, 2, 20, tzinfo=UTC)
RECORDED_FEEDS = sorted(
    p
    for folder in ("outlets", "edge")
    for p in (SHARED_DATA / "feeds" / folder).iterdir()
    if p.suffix != ".csv"
)


@pytest.mark.parametrize("path", RECORDED_FEEDS, ids=lambda p: p.name)
def test_every_recorded_feed_yields_entries_with_titles_and_canonical_links(path):
    document = parse_feed(path.read_bytes(), now=NOW)

    assert document.entries
    assert all(e.title and e.canonical_url.startswith("http") for e in document.entries)


def test_a_latin1_feed_declared_as_utf8_is_recovered_with_a_warning(shared_data):
    document = parse_feed((shared_data / "feeds/edge/uolNoticias.rss").read_bytes(), now=NOW)

    assert len(document.entries) == 15
    assert any("windows-1252" in w for w in document.warnings)


def test_duplicate_links_in_one_feed_give_one_entry(shared_data):
    document = parse_feed((shared_data / "feeds/outlets/al_monitor.rss.xml").read_bytes(), now=NOW)

    urls = [e.canonical_url for e in document.entries]
    assert len(urls) == len(set(urls))


def test_billion_laughs_is_refused_before_feedparser():
    with pytest.raises(FeedRejectedError, match="EntitiesForbidden"):
        parse_feed(BILLION_LAUGHS, now=NOW)


def test_an_external_entity_is_refused():
    with pytest.raises(FeedRejectedError, match="unsafe XML"):
        parse_feed(EXTERNAL_ENTITY, now=NOW)


def test_an_entity_declaration_in_malformed_xml_is_refused():
    # The comment with "--" breaks the strict parser before it reaches the DTD.
    malformed = BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b"<!-- a -- b -->")

    with pytest.raises(FeedRejectedError, match="malformed"):
        parse_feed(malformed, now=NOW)


def test_an_html_page_is_reported_as_not_a_feed():
    with pytest.raises(FeedRejectedError, match="HTML page"):
        parse_feed(HTML_NOT_FEED, now=NOW, content_type="text/html")


def test_an_empty_body_is_reported():
    with pytest.raises(FeedRejectedError, match="empty"):
        parse_feed(b"  \n", now=NOW)


def test_invalid_utf8_still_yields_the_entry_as_text():
    document = parse_feed(INVALID_UTF8, now=NOW)

    assert [e.canonical_url for e in document.entries] == ["https://news.example.org/cafe"]
    assert "opens" in document.entries[0].title


def test_tracking_parameters_are_stripped_from_entry_links():
    feed = b"""<rss version="2.0"><channel><title>t</title><item><title>a</title>
    <link>https://News.Example.org/a?id=3&amp;utm_source=rss&amp;fbclid=x#top</link></item>
    </channel></rss>"""

    document = parse_feed(feed, now=NOW)

    assert document.entries[0].canonical_url == "https://news.example.org/a?id=3"


def test_html_and_scripts_in_fields_become_plain_text():
    feed = b"""<rss version="2.0"><channel><title>t</title><item>
    <title>&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;claim</title>
    <link>https://news.example.org/x</link>
    <description><![CDATA[<p onclick="x()">Para &amp; more</p><style>p{}</style>]]></description>
    </item></channel></rss>"""

    entry = parse_feed(feed, now=NOW).entries[0]

    assert entry.title == "Bold claim"
    assert entry.summary == "Para & more"


def test_absurd_dates_are_dropped():
    feed = b"""<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><link>https://n.example.org/a</link>
    <pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>
    <item><title>b</title><link>https://n.example.org/b</link>
    <pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item></channel></rss>"""

    entries = parse_feed(feed, now=NOW).entries

    assert [e.published_at for e in entries] == [None, None]


def test_entries_without_a_web_link_are_skipped():
    feed = b"""<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><link>javascript:alert(1)</link></item>
    <item><title>b</title><link>https://n.example.org/b</link></item></channel></rss>"""

    document = parse_feed(feed, now=NOW)

    assert [e.canonical_url for e in document.entries] == ["https://n.example.org/b"]
    assert document.skipped_entries == 1


def test_a_feed_with_thousands_of_entries_is_capped():
    items = b"".join(
        b"<item><title>t</title><link>https://n.example.org/%d</link></item>" % n
        for n in range(5000)
    )
    feed = b'<rss version="2.0"><channel><title>t</title>' + items + b"</channel></rss>"

    document = parse_feed(feed, now=NOW)

    assert len(document.entries) == 500
    assert document.skipped_entries == 4500


def test_an_enormous_title_is_truncated():
    feed = (
        b'<rss version="2.0"><channel><title>t</title><item><title>'
        + b"A" * 100_000
        + b"</title><link>https://n.example.org/a</link></item></channel></rss>"
    )

    assert len(parse_feed(feed, now=NOW).entries[0].title) == 500


def test_html_to_text_decodes_entities_once():
    assert html_to_text("Tom &amp;amp; Jerry &lt;3") == "Tom &amp; Jerry <3"


def test_entries_beyond_twice_the_cap_are_cut_before_feedparser_sees_them():
    items = "".join(f"<item><link>https://n.example.org/{n}</link></item>" for n in range(5))
    data = f"<rss><channel>{items}</channel></rss>".encode()

    kept, cut = cut_excess_entries(data, keep=3)

    assert cut == 2
    assert kept.count(b"<item>") == 3
    assert kept.endswith(b"</item>")


def test_namespaced_and_atom_entries_count_towards_the_cut():
    data = b"<feed><entry/><atom:entry>x</atom:entry><entry >y</entry></feed>"

    assert cut_excess_entries(data, keep=1)[1] == 2


def test_a_feed_cut_for_size_still_reports_every_skipped_entry():
    total = MAX_ENTRIES_PARSED + 50
    items = "".join(
        f"<item><title>t{n}</title><link>https://n.example.org/{n}</link></item>"
        for n in range(total)
    )
    data = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    document = parse_feed(data, now=NOW)

    assert len(document.entries) == MAX_ENTRIES_PER_FEED
    assert document.skipped_entries == total - MAX_ENTRIES_PER_FEED


@pytest.mark.parametrize(
    ("raw_date", "impossible"),
    [
        ("Mon, 02 Nov 2026 10:00:00 +9900", True),
        ("Mon, 02 Nov 2026 10:00:00 -1300", True),
        ("2026-11-02T10:00:00.25+15:00", True),
        ("Mon, 02 Nov 2026 10:00:00 +0575", True),  # no hour has 75 minutes
        ("2026-11-02T10:00:00+14:00", False),  # Kiribati
        ("2026-11-02T10:00-12:00", False),
        ("Mon, 02 Nov 2026 10:00:00 +0530", False),
        ("Mon, 02 Nov 2026 10:00:00 GMT", False),
        ("2026-11-02T10:00:00Z", False),
        ("02-11-2026", False),  # a day-month-year date, not an offset
    ],
)
def test_only_utc_offsets_no_place_uses_are_impossible(raw_date, impossible):
    assert has_impossible_utc_offset(raw_date) is impossible


def _entries(shared_data, name):
    return parse_feed((shared_data / f"feeds/outlets/{name}.rss.xml").read_bytes(), now=NOW).entries


def test_times_content_encoded_is_kept_as_the_article_text(shared_data):
    """TIME carries ~10 KB of article per item in content:encoded; the description is 130."""
    entry = _entries(shared_data, "time_tech")[1]

    assert len(entry.summary) > 5000
    assert len(entry.description) < 300
    assert "[time-brightcove" not in entry.summary
    assert "\n\n" in entry.summary  # paragraphs kept for sentence splitting


def test_times_podcast_player_is_not_taken_for_the_article_text(shared_data):
    """Every TIME item opens with the day's podcast player ("The Brief November 4, 2025 ·
    Former Vice President Dick Cheney dies at 84 …"): that is not what the article says."""
    entries = [e for e in _entries(shared_data, "time_tech") if "AI Village" in e.title]

    assert entries
    for entry in entries:
        assert "Podcast ID" not in entry.summary
        assert "Dick Cheney" not in entry.summary
        assert entry.summary.startswith("\u201cI need human intervention.")


def test_markup_without_furniture_classes_is_cleaned_as_before():
    from ingestion.feeds import html_to_paragraphs

    markup = '<p class="loaded lead">Kept <b>text</b>.</p><div class="ad-slot">Buy now</div>'

    assert html_to_paragraphs(markup, limit=1000) == "Kept text."


def test_the_wordpress_footer_is_dropped_from_boston_com_entries(shared_data):
    entries = _entries(shared_data, "boston_com_world")

    assert all("appeared first on" not in e.summary + e.description for e in entries)
    assert all(e.summary for e in entries)


def test_a_photo_caption_is_never_taken_for_the_entry_text(shared_data):
    """NDTV puts <media:description> (the photo caption) before <description>."""
    entry = _entries(shared_data, "ndtv")[1]

    assert entry.description.startswith("Iran announced the temporary closure of the Strait")
    assert "It was the first time Iran" not in entry.summary


def test_a_byline_paragraph_is_not_glued_to_the_dateline(shared_data):
    """Al-Monitor's "<p>By Laila Bassam and Tala Ramadan</p><p>DUBAI, Feb 17 (Reuters) …"."""
    texts = [e.summary for e in _entries(shared_data, "al_monitor")]

    assert any("Tala Ramadan\n\nDUBAI, Feb 17 (Reuters)" in text for text in texts)
    assert not any("RamadanDUBAI" in text for text in texts)


def test_entry_texts_prefer_the_longer_content_to_the_description():
    feed = b"""<?xml version="1.0"?><rss version="2.0"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>
    <item><title>One</title><link>https://news.example.org/one</link>
    <description>Short standfirst.</description>
    <content:encoded><![CDATA[<p>First paragraph of the article.</p><figure><img src="x.jpg">
    <figcaption>A caption.</figcaption></figure><script>alert(1)</script>
    <p>Second paragraph.</p><p>Continue reading</p>]]></content:encoded></item>
    </channel></rss>"""

    (entry,) = parse_feed(feed, now=NOW).entries

    assert entry.description == "Short standfirst."
    assert entry.summary == "First paragraph of the article.\n\nSecond paragraph."


def test_an_entrys_own_categories_are_kept_as_plain_text(shared_data):
    document = parse_feed(
        (shared_data / "feeds/outlets/foreignpolicy.rss.xml").read_bytes(), now=NOW
    )

    categories = {category for entry in document.entries for category in entry.categories}
    assert {"Donald Trump", "Foreign & Public Diplomacy", "United States"} <= categories


def test_markup_in_a_category_becomes_plain_text_and_hostile_counts_are_capped():
    items = "".join(f"<category>&lt;b&gt;c{n}&lt;/b&gt;</category>" for n in range(500))
    feed = (
        "<rss version='2.0'><channel><title>t</title><item><title>a</title>"
        f"<link>https://news.example/a</link>{items}</item></channel></rss>"
    ).encode()

    (entry,) = parse_feed(feed, now=NOW).entries

    assert entry.categories[:2] == ("c0", "c1")
    assert len(entry.categories) == MAX_CATEGORIES


# Pictures named by real feeds: media:content (several sizes, videos among them),
# media:thumbnail, an image enclosure, or none at all.
def recorded_entries(name: str) -> list:
    folder = "edge" if name.endswith((".rss", ".atom")) else "outlets"
    return list(parse_feed((SHARED_DATA / "feeds" / folder / name).read_bytes(), now=NOW).entries)


def test_nyt_entries_take_their_media_content_picture():
    entries = recorded_entries("nytimes_world.rss.xml")

    assert entries[0].image_url.startswith("https://static01.nyt.com/images/2026/02/17/")
    assert sum(1 for e in entries if e.image_url) == 51  # six obituaries and notes carry none


def test_of_the_guardians_140_and_460_pixel_sizes_the_larger_is_taken():
    entry = recorded_entries("guardian.rss")[0]

    assert "w=460" in entry.image_url


def test_abc_australia_takes_the_crop_it_marks_as_default_among_equal_widths():
    entry = recorded_entries("abc_net_au_topstories.rss.xml")[0]

    assert "width=862&height=575" in entry.image_url


def test_bbc_entries_take_their_media_thumbnail():
    entry = recorded_entries("bbc_news_world.rss.xml")[0]

    assert entry.image_url.startswith("https://ichef.bbci.co.uk/ace/standard/240/")


def test_foreign_policy_entries_take_their_image_enclosure():
    entry = recorded_entries("foreignpolicy.rss.xml")[0]

    assert entry.image_url == (
        "https://foreignpolicy.com/wp-content/uploads/2026/02/china-work-GettyImages-2178546979.jpg"
    )


def test_a_video_in_media_content_is_never_taken_for_the_picture():
    entries = recorded_entries("elpais_english.rss.xml")

    assert all(e.image_url and not e.image_url.endswith(".mp4") for e in entries)


def test_a_feed_that_names_no_picture_gives_its_entries_none():
    assert not any(e.image_url for e in recorded_entries("wsj_world.rss.xml"))


def test_a_script_address_in_media_content_is_dropped_for_the_next_picture():
    document = parse_feed(
        b'<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        b"<channel><title>t</title><item><title>One</title><link>https://n.example.org/1</link>"
        b'<media:content url="javascript:alert(1)" medium="image"/>'
        b'<enclosure url="https://img.example.org/1.jpg" type="image/jpeg" length="1"/>'
        b"</item></channel></rss>",
        now=NOW,
    )

    assert document.entries[0].image_url == "https://img.example.org/1.jpg"
