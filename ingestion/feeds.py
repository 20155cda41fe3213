"""Feed documents → plain entries. Pure: bytes and ``now`` in, frozen dataclasses out.

The XML is checked with defusedxml before feedparser sees it: entity declarations (the
billion-laughs family) and external entities are refused outright, because feedparser would
spend hundreds of milliseconds and tens of megabytes expanding them. Feeds that are not
well-formed XML are left to feedparser's forgiving parser, after a byte-level check for entity
declarations that the strict parser never reached.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
import lxml.html
import nh3
from defusedxml import DefusedXmlException
from lxml.etree import ParserError

from ingestion.canonical import canonicalize_url
from sources.domains import is_web_url

MAX_ENTRIES_PER_FEED = 500
MAX_TITLE_LENGTH = 500
# The article text a feed carries (``content:encoded``, Atom ``content``): TIME's run to
# ~10 KB of text per item, so 20 KB keeps whole articles while bounding a hostile entry.
MAX_SUMMARY_LENGTH = 20_000
# A description is a standfirst of a sentence or two; the longest real ones are ~1 KB.
MAX_DESCRIPTION_LENGTH = 5_000
MAX_GUID_LENGTH = 2000
MAX_AUTHOR_LENGTH = 300
# Categories kept per entry and their length: real feeds file an item under up to ~15
# (NYT), each a few words; a hostile feed's thousands are cut here.
MAX_CATEGORIES = 20
MAX_CATEGORY_LENGTH = 100
MAX_IMAGE_URL_LENGTH = 2000
# The width a card shows at twice its CSS size (infra.media.RENDITIONS): the smallest picture
# at least this wide is the sharpest one that is not a needlessly large download.
PREFERRED_IMAGE_WIDTH = 640
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.I)
# A field's raw markup is cut to this many times its text limit before cleaning.
RAW_MARKUP_FACTOR = 8
# Dates outside this window are feed bugs (1970, year 9999): the article gets no date.
EARLIEST_PLAUSIBLE_DATE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
# Real UTC offsets run from -12:00 to +14:00; a date with an offset beyond them is a feed bug.
MAX_UTC_OFFSET_EAST_HOURS = 14
MAX_UTC_OFFSET_WEST_HOURS = 12
# The offset after a clock time: "10:00:00 +0200", "10:00:00.5+02:00".
_NUMERIC_UTC_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:\.\d+)?)?\s*([+-])(\d{2}):?(\d{2})$")
# C0 control characters other than tab, newline and carriage return: never text in a title.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# feedparser parses every entry before any can be counted (100k entries: ~17 s, 200 MB), so
# entries beyond twice the cap are cut from the bytes first; duplicates and linkless entries
# still leave room for MAX_ENTRIES_PER_FEED good ones.
MAX_ENTRIES_PARSED = 2 * MAX_ENTRIES_PER_FEED
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]", re.I)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_WHITESPACE = re.compile(r"\s+")
# Media RSS captions. feedparser reads <media:description> as a second <description>: as the
# entry's summary when it comes first (NDTV) or as extra "content" (NYT, El País, ABC). It
# describes the photo, never the article, so it is cut from the bytes before parsing.
_MEDIA_DESCRIPTION = re.compile(
    rb"<media:description\b[^>]*?(?:/>|>.*?</media:description\s*>)", re.I | re.S
)
# Elements that end a paragraph: their tags become line breaks before the markup is dropped,
# so "<p>By Laila Bassam</p><p>DUBAI (Reuters) - …" does not glue two lines together.
_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|section|article|header|footer|"
    r"table|tr|pre|figure|hr)\b[^>]*|br\s*/?)>",
    re.I,
)
# Elements whose text is never article text: captions, asides, embedded players, forms.
_DROPPED_ELEMENTS = {
    "script",
    "style",
    "figcaption",
    "aside",
    "nav",
    "noscript",
    "iframe",
    "template",
    "button",
    "form",
    "select",
}
# Page furniture inside content:encoded, told by a class naming what it is: TIME puts its daily
# podcast's player ("The Brief November 4, 2025 · Former Vice President Dick Cheney dies at 84
# … Podcast ID") at the top of every item, where it would read as the article's opening and
# tie unrelated articles to that day's news. A class word counts between separators only
# ("right-rail__container--ad", not "loaded").
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:podcast|player|newsletter|promo|advert|ads?|outbrain|related|share|"
    r"sharing|social|subscribe|signup)(?=$|[\s_-])",
    re.I,
)
# WordPress shortcodes left in content:encoded ("[time-brightcove videoid=…]", "[caption …]"):
# a hyphenated or underscored name, or a name followed by attributes.
_SHORTCODE = re.compile(
    r"\[/?(?:[a-z][a-z0-9]*[-_][\w-]*|caption|embed|gallery|video|audio|playlist)"
    r"(?:\s[^\]\n]{0,500})?\]|\[/?[a-z][\w-]*\s+[\w-]+=[^\]\n]{0,500}\]"
)
# Whole paragraphs a feed appends to every item: WordPress's "The post <title> appeared first
# on <site>." and "continue reading" links (El País's is "Seguir leyendo").
_FEED_BOILERPLATE = re.compile(
    r"^(?:the post .{1,600} appeared first on .{1,200}|"
    r"(?:continue reading|read more|read the full (?:story|article)|keep reading|"
    r"seguir leyendo|leer más)\b.{0,80})$",
    re.I,
)


class FeedRejectedError(Exception):
    """The document is hostile or is not a feed; ``str(error)`` says which, readably."""


@dataclass(frozen=True)
class FeedEntry:
    url: str  # as the feed gave it
    canonical_url: str
    guid: str
    title: str
    # The best clean text the feed offers: the article text of content:encoded / Atom
    # content when it is longer than the description, else the description. Paragraphs are
    # separated by blank lines.
    summary: str
    author: str
    published_at: datetime | None
    description: str = ""  # the entry's <description> / <summary> alone, as clean text
    # The entry's own categories (<category>, Atom category terms) as plain text: topics read
    # them ("Politics", "Rubio, Marco").
    categories: tuple[str, ...] = ()
    image_url: str = ""  # the entry's picture (media:content, media:thumbnail, enclosure)


@dataclass(frozen=True)
class FeedDocument:
    title: str
    link: str
    entries: tuple[FeedEntry, ...]
    skipped_entries: int  # entries without a usable link or beyond the cap
    warnings: tuple[str, ...]


def html_to_text(value: str, *, limit: int | None = None) -> str:
    """Plain text from a fragment that may contain HTML: tags dropped, scripts and styles
    dropped with their content, entities decoded, whitespace collapsed."""
    if not value:
        return ""
    if limit:
        # Cleaning deeply nested markup costs quadratic time; markup rarely outweighs its
        # text more than a few times, so what lies beyond this can't reach the output.
        value = value[: limit * RAW_MARKUP_FACTOR]
    cleaned = nh3.clean(value, tags=set(), attributes={}, strip_comments=True)
    # NULs cannot be stored (PostgreSQL refuses them) and no control character is text.
    text = _CONTROL_CHARACTERS.sub("", html.unescape(cleaned))
    text = _WHITESPACE.sub(" ", text).strip()
    # Lone surrogates from broken encodings cannot be stored either.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit] if limit else text


def html_to_paragraphs(value: str, *, limit: int) -> str:
    """Like :func:`html_to_text`, for article text: paragraphs kept (separated by a blank
    line), captions, asides, embeds and shortcodes dropped, and the paragraphs feeds append to
    every item ("The post … appeared first on …", "Continue reading") removed."""
    if not value:
        return ""
    value = _without_furniture(value[: limit * RAW_MARKUP_FACTOR])
    value = _BLOCK_TAG.sub(lambda match: match.group(0) + "\n", value)
    cleaned = nh3.clean(
        value, tags=set(), clean_content_tags=_DROPPED_ELEMENTS, attributes={}, strip_comments=True
    )
    text = _CONTROL_CHARACTERS.sub("", html.unescape(cleaned))
    text = _SHORTCODE.sub(" ", text).encode("utf-8", "replace").decode("utf-8")
    paragraphs = []
    for line in text.split("\n"):
        line = _WHITESPACE.sub(" ", line).strip()
        if line and not _FEED_BOILERPLATE.match(line):
            paragraphs.append(line)
    return "\n\n".join(paragraphs)[:limit]


def _without_furniture(markup: str) -> str:
    """``markup`` without the elements whose class marks them as page furniture."""
    if "class=" not in markup:
        return markup
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return markup  # not markup lxml can read: nh3 still cleans it as text
    furniture = [
        element
        for element in root.iter()
        if isinstance(element.tag, str) and _FURNITURE_CLASS.search(element.get("class") or "")
    ]
    if not furniture:
        return markup
    for element in furniture:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text that follows the element
    return lxml.html.tostring(root, encoding="unicode")


def entry_texts(entry: feedparser.FeedParserDict) -> tuple[str, str]:
    """(description, best text) of a parsed entry, both clean plain text.

    The best text is the longest of the description and the entry's content elements
    (``content:encoded``, Atom ``content``): the full article when the feed carries it. Some
    feeds (MercoPress, AllAfrica) put the article itself in the description, so it competes
    at the full-text limit and only the stored description is cut shorter.
    """
    description = html_to_paragraphs(
        str(entry.get("summary") or entry.get("description") or ""), limit=MAX_SUMMARY_LENGTH
    )
    best = description
    for content in entry.get("content") or []:
        text = html_to_paragraphs(str(content.get("value") or ""), limit=MAX_SUMMARY_LENGTH)
        if len(text) > len(best):
            best = text
    return description[:MAX_DESCRIPTION_LENGTH], best


def refuse_hostile_xml(data: bytes) -> None:
    """Raise :class:`FeedRejectedError` for entity bombs and external entities."""
    try:
        defusedxml.ElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise FeedRejectedError(f"refused unsafe XML: {type(error).__name__}") from error
    except (ParseError, ValueError, UnicodeError):
        # Not well-formed: feedparser may still recover it, but never with entity declarations.
        if _ENTITY_DECLARATION.search(data):
            raise FeedRejectedError(
                "refused unsafe XML: entity declaration in a malformed document"
            ) from None


def has_impossible_utc_offset(raw_date: str) -> bool:
    """True when a date string ends in a numeric offset no place on Earth uses (``+9900``).

    feedparser applies any offset it reads, so such a date would silently move by days.
    """
    match = _NUMERIC_UTC_OFFSET.search(raw_date.strip())
    if match is None:
        return False
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3))
    latest = MAX_UTC_OFFSET_EAST_HOURS if sign == "+" else MAX_UTC_OFFSET_WEST_HOURS
    return minutes >= 60 or hours * 60 + minutes > latest * 60


def _entry_date(entry: feedparser.FeedParserDict, now: datetime) -> datetime | None:
    for key in ("published", "updated", "created"):
        # dict.get, not entry.get: feedparser's own get() maps updated to published (and warns).
        parsed = dict.get(entry, f"{key}_parsed")
        if not parsed or has_impossible_utc_offset(str(dict.get(entry, key) or "")):
            continue
        try:
            value = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        except (OverflowError, ValueError, OSError):
            continue
        if EARLIEST_PLAUSIBLE_DATE <= value <= now + FUTURE_TOLERANCE:
            return value
    return None


def _entry_link(entry: feedparser.FeedParserDict) -> str:
    link = entry.get("link") or ""
    if link:
        return str(link)
    for candidate in entry.get("links") or []:
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"])
    guid = str(entry.get("id") or "")
    return guid if guid.startswith(("http://", "https://")) else ""


def entry_categories(entry: feedparser.FeedParserDict) -> tuple[str, ...]:
    """The entry's category terms as plain text, de-duplicated, in feed order (capped)."""
    found: list[str] = []
    for tag in (entry.get("tags") or [])[: MAX_CATEGORIES * 2]:
        term = html_to_text(str(tag.get("term") or ""), limit=MAX_CATEGORY_LENGTH)
        if term and term not in found:
            found.append(term)
    return tuple(found[:MAX_CATEGORIES])


def _declared_width(item: dict) -> int:
    value = str(item.get("width") or "")
    return int(value) if value.isdigit() else 0


def _is_picture(item: dict, *, url_key: str = "url") -> bool:
    """An image by its declared medium or type; by its file name when it declares neither."""
    medium = str(item.get("medium") or "").lower()
    kind = str(item.get("type") or "").lower()
    if medium or kind:
        return (medium in ("", "image")) and (kind == "" or kind.startswith("image/"))
    path = urlsplit(str(item.get(url_key) or "")).path
    return bool(_IMAGE_PATH.search(path))


def entry_image_url(entry: feedparser.FeedParserDict) -> str:
    """The picture of a feed entry, or "".

    ``media:content`` images come first (the outlet's chosen picture, often in several sizes:
    the smallest at least ``PREFERRED_IMAGE_WIDTH`` wide wins, else the widest; a tie goes to
    the one marked ``isDefault``), then ``media:thumbnail`` (the widest), then an image
    ``enclosure``. Only absolute http(s) URLs are kept: the feed decides them.
    """
    contents = [
        item
        for item in entry.get("media_content") or []
        if _is_picture(item) and is_web_url(str(item.get("url") or "").strip())
    ]
    if contents:
        best = min(
            enumerate(contents),
            key=lambda pair: (
                _declared_width(pair[1]) < PREFERRED_IMAGE_WIDTH,
                _declared_width(pair[1])
                if _declared_width(pair[1]) >= PREFERRED_IMAGE_WIDTH
                else -_declared_width(pair[1]),
                str(pair[1].get("isdefault") or "").lower() != "true",
                pair[0],
            ),
        )[1]
        return str(best["url"]).strip()[:MAX_IMAGE_URL_LENGTH]
    thumbnails = [
        item
        for item in entry.get("media_thumbnail") or []
        if is_web_url(str(item.get("url") or "").strip())
    ]
    if thumbnails:
        widest = max(thumbnails, key=_declared_width)
        return str(widest["url"]).strip()[:MAX_IMAGE_URL_LENGTH]
    for enclosure in entry.get("enclosures") or []:
        href = str(enclosure.get("href") or "").strip()
        if str(enclosure.get("type") or "").lower().startswith("image/") and is_web_url(href):
            return href[:MAX_IMAGE_URL_LENGTH]
    return ""


def cut_excess_entries(data: bytes, *, keep: int) -> tuple[bytes, int]:
    """``data`` cut before its ``keep + 1``-th entry, and how many entries were cut off."""
    starts = [match.start() for match in _ENTRY_START.finditer(data)]
    if len(starts) <= keep:
        return data, 0
    return data[: starts[keep]], len(starts) - keep


def parse_feed(
    data: bytes, *, now: datetime, content_type: str = "", base_url: str = ""
) -> FeedDocument:
    """Parse a feed document into entries with canonical URLs and plain-text fields.

    Raises :class:`FeedRejectedError` for hostile XML, for HTML pages and for anything
    feedparser cannot read as a feed.
    """
    if not data.strip():
        raise FeedRejectedError("empty document")
    refuse_hostile_xml(data)
    headers = {"content-type": content_type} if content_type else {}
    if base_url:
        headers["content-location"] = base_url
    data, cut_entries = cut_excess_entries(data, keep=MAX_ENTRIES_PARSED)
    data = _MEDIA_DESCRIPTION.sub(b"", data)
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        if _HTML_START.match(data[:4096]) or "html" in content_type:
            raise FeedRejectedError("not a feed: the document is an HTML page")
        reason = parsed.get("bozo_exception")
        raise FeedRejectedError(f"not a feed: {reason or 'no RSS, RDF or Atom elements found'}")

    warnings: list[str] = []
    if parsed.get("bozo") and not cut_entries:
        warnings.append(f"recovered from: {str(parsed.get('bozo_exception'))[:300]}")

    entries: list[FeedEntry] = []
    seen: set[str] = set()
    skipped = cut_entries
    for raw in parsed.entries:
        if len(entries) >= MAX_ENTRIES_PER_FEED:
            skipped += 1
            continue
        link = _entry_link(raw)
        canonical = canonicalize_url(link)
        if canonical is None or canonical in seen:
            skipped += 1
            continue
        seen.add(canonical)
        title = html_to_text(str(raw.get("title") or ""), limit=MAX_TITLE_LENGTH)
        description, summary = entry_texts(raw)
        entries.append(
            FeedEntry(
                url=link.strip()[:2000],
                canonical_url=canonical,
                guid=str(raw.get("id") or "")[:MAX_GUID_LENGTH],
                title=title or canonical[:MAX_TITLE_LENGTH],
                summary=summary,
                description=description,
                author=html_to_text(str(raw.get("author") or ""), limit=MAX_AUTHOR_LENGTH),
                published_at=_entry_date(raw, now),
                categories=entry_categories(raw),
                image_url=entry_image_url(raw),
            )
        )
    if skipped:
        warnings.append(f"skipped {skipped} entries: no usable link, duplicated or over the cap")
    feed_info = parsed.get("feed") or {}
    return FeedDocument(
        title=html_to_text(str(feed_info.get("title") or ""), limit=300),
        link=str(feed_info.get("link") or "")[:1000],
        entries=tuple(entries),
        skipped_entries=skipped,
        warnings=tuple(warnings),
    )
