"""Article pages → text and metadata, with trafilatura. Pure: bytes in, a dataclass out.

The options were chosen by measurement on ``pages/aeb`` (see ``bench/extraction.py``): leaving
out reader comments and favouring precision raises token F1 against the expected body above
trafilatura's defaults, which keep comments and lean towards recall.

Speed: trafilatura's fallback extractors (readability, jusText) cost about half of its time and
only change the result on pages where the fast pass finds little text. So the fast pass runs
first and the full pass only when it found less than ``FULL_PASS_BELOW_CHARACTERS``; on
``pages/aeb`` this gives the same F1 as always running the full pass.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import trafilatura
import trafilatura.metadata as tm
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from sources.domains import is_web_url

logger = logging.getLogger(__name__)

# Shorter than this and trafilatura has probably found a teaser or a paywall notice.
MIN_TEXT_CHARACTERS = 200
# A page that asks readers to subscribe and shows less than this is a teaser, not the article.
PAYWALL_TEASER_MAX_CHARACTERS = 600
# On pages/aeb any threshold from 500 characters up gives the full pass's F1 (0.968) while
# 200 loses a little (0.960); 800 keeps a margin and re-runs 8 of 121 pages.
FULL_PASS_BELOW_CHARACTERS = 800
MAX_TEXT_CHARACTERS = 200_000
# trafilatura works on a DOM: beyond this the page is not an article (and costs seconds).
MAX_HTML_BYTES = 5 * 1024 * 1024

_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "favor_precision": True,
    "include_tables": True,
}
_HTML_LANG = re.compile(
    rb"<html[^>]*\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)", re.I
)
_PAYWALL_HINTS = ("subscribe to continue", "subscribers only", "to continue reading")


class ExtractionFailedError(Exception):
    """No article text could be taken from the page; ``str(error)`` says why."""


@dataclass(frozen=True)
class ExtractedArticle:
    text: str
    title: str
    author: str
    published_at: datetime | None
    language: str
    image_url: str
    description: str
    canonical_url: str  # rel=canonical / og:url as the page declares it, or ""


def _clip(value: object, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    return text[:limit]


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def page_language(html: bytes) -> str:
    """The ``<html lang>`` of a page ("en-GB" → "en"), or ""."""
    match = _HTML_LANG.search(html[:8192])
    return match.group(1).decode("ascii").split("-")[0].split("_")[0].lower() if match else ""


def _body_text(html: bytes, tree: HtmlElement | None) -> str:
    document = trafilatura.bare_extraction(
        tree if tree is not None else html, fast=True, **_OPTIONS
    )
    text = (document.text or "") if isinstance(document, Document) else ""
    if len(text) < FULL_PASS_BELOW_CHARACTERS:
        # trafilatura works on a copy of a tree it is given, so the fast pass left ``tree``
        # whole and it need not be parsed again (a test holds trafilatura to that).
        document = trafilatura.bare_extraction(tree if tree is not None else html, **_OPTIONS)
        text = (document.text or "") if isinstance(document, Document) else ""
    return text


def _page_metadata(
    tree: HtmlElement, url: str | None, *, want_date: bool, want_author: bool
) -> Document:
    """The metadata we store, from trafilatura's own metadata helpers.

    Mirrors ``trafilatura.metadata.extract_metadata`` without the parts we never store
    (site name, categories, tags, licence), which cost a third of its time, and with the
    quicker date search: the feed's date is preferred anyway. The searches through the whole
    page for a byline (about 5 ms on pages/aeb) and a date run only when wanted.
    """
    metadata = tm.examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = tm.extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's JSON-LD reader has known crashes
        logger.debug("JSON-LD metadata unreadable on %s", url, exc_info=True)
    metadata.title = metadata.title or tm.extract_title(tree)
    if want_author:
        metadata.author = metadata.author or tm.extract_author(tree)
    metadata.url = metadata.url or tm.extract_url(tree, url)
    if want_date:
        date_config = tm.set_date_params(False)
        date_config["url"] = metadata.url
        metadata.date = tm.find_date(tree, **date_config)
    else:
        metadata.date = None
    return metadata


def extract_text(html: bytes, *, url: str = "") -> str:
    """The article body only, exactly as the pipeline stores it (for benchmarks)."""
    del url
    return _body_text(html, None)


def extract_article(
    html: bytes, *, url: str, want_date: bool = True, want_author: bool = True
) -> ExtractedArticle:
    """Text and metadata of one article page.

    Raises :class:`ExtractionFailedError` when the page is too large, is not HTML or yields
    less than ``MIN_TEXT_CHARACTERS`` of text (likely a paywall or a teaser). The date search
    is skipped with ``want_date=False`` (the feed already gave one, and the feed's date wins),
    and the byline search with ``want_author=False`` (the same for the feed's author); an
    author the page declares in its meta tags or JSON-LD is still returned.
    """
    if len(html) > MAX_HTML_BYTES:
        raise ExtractionFailedError(f"page of {len(html)} bytes is too large to extract")
    if b"<" not in html[:65536]:
        raise ExtractionFailedError("the page is not HTML")
    tree = load_html(html)
    if tree is None:
        raise ExtractionFailedError("the page could not be parsed as HTML")
    # Metadata first, from the untouched tree; the body extraction prunes the tree after.
    metadata = _page_metadata(tree, url, want_date=want_date, want_author=want_author)
    text = _clip(_body_text(html, tree), MAX_TEXT_CHARACTERS)
    # The headline often leads the extracted text; it says nothing about the body's length.
    body = text.removeprefix(metadata.title).strip() if metadata.title else text
    paywalled = any(h in text.lower() for h in _PAYWALL_HINTS)
    image = (metadata.image or "").strip()
    if len(body) < MIN_TEXT_CHARACTERS or (paywalled and len(body) < PAYWALL_TEASER_MAX_CHARACTERS):
        hint = " (paywall?)" if paywalled else ""
        raise ExtractionFailedError(f"only {len(body)} characters of text found{hint}")
    return ExtractedArticle(
        text=text,
        title=_clip(metadata.title, 500),
        author=_clip(metadata.author, 300),
        published_at=_date(metadata.date),
        language=page_language(html),
        # og:image comes from the page: keep it only if it is a web address.
        image_url=_clip(image, 2000) if is_web_url(image) else "",
        description=_clip(metadata.description, 5000),
        canonical_url=_clip(metadata.url, 2000),
    )
