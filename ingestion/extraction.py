"""Article pages → text and metadata, with trafilatura. Pure: bytes in, a dataclass out.

The options were chosen by measurement on ``pages/aeb`` (see ``bench/extraction.py``): leaving
out reader comments and favouring precision raises token F1 against the expected body above
trafilatura's defaults, which keep comments and lean towards recall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura

# Shorter than this and trafilatura has probably found a teaser or a paywall notice.
MIN_TEXT_CHARACTERS = 200
MAX_TEXT_CHARACTERS = 200_000
# trafilatura works on a DOM: beyond this the page is not an article (and costs seconds).
MAX_HTML_BYTES = 5 * 1024 * 1024

_OPTIONS: dict[str, bool] = {
    "include_comments": False,
    "favor_precision": True,
    "include_tables": True,
    "with_metadata": True,
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


def extract_text(html: bytes | str, *, url: str = "") -> str:
    """The article body only, with the same options the pipeline stores (for benchmarks)."""
    document = trafilatura.bare_extraction(html, url=url or None, **_OPTIONS)
    return (document.text or "") if document is not None else ""


def extract_article(html: bytes, *, url: str) -> ExtractedArticle:
    """Text and metadata of one article page.

    Raises :class:`ExtractionFailedError` when the page is too large, is not HTML or yields
    less than ``MIN_TEXT_CHARACTERS`` of text (likely a paywall or a teaser).
    """
    if len(html) > MAX_HTML_BYTES:
        raise ExtractionFailedError(f"page of {len(html)} bytes is too large to extract")
    if b"<" not in html[:65536]:
        raise ExtractionFailedError("the page is not HTML")
    document = trafilatura.bare_extraction(html, url=url, **_OPTIONS)
    if document is None:
        raise ExtractionFailedError("trafilatura found no article content")
    text = _clip(document.text, MAX_TEXT_CHARACTERS)
    if len(text) < MIN_TEXT_CHARACTERS:
        lowered = text.lower()
        hint = " (paywall?)" if any(h in lowered for h in _PAYWALL_HINTS) else ""
        raise ExtractionFailedError(f"only {len(text)} characters of text found{hint}")
    return ExtractedArticle(
        text=text,
        title=_clip(document.title, 500),
        author=_clip(document.author, 300),
        published_at=_date(document.date),
        language=_clip(document.language, 16) or page_language(html),
        image_url=_clip(document.image, 2000),
        description=_clip(document.description, 5000),
        canonical_url=_clip(document.url, 2000),
    )
