"""The demo corpus (``demo/corpus``): fictional outlets and articles, rendered as real web sites.

Pure: reads the corpus files and renders, for a given ``start`` time, every feed and article
page the demo outlets would publish, keyed by (host, path). Nothing here touches the database
or the network; ``embedded.demo_server`` serves the rendered pages on loopback so the first run
can push them through the real pipeline.

Outlets use ``.example`` domains (reserved by RFC 2606), so demo data can never be mistaken for
a real outlet's, and its presence is detectable: see :func:`is_demo_domain`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from sources.domains import RESERVED_EXAMPLE_SUFFIX, is_reserved_example_host
from sources.scales import BIAS_VALUES, FACTUALITY_VALUES

DEMO_DOMAIN_SUFFIX = RESERVED_EXAMPLE_SUFFIX
FEED_PATH = "/rss.xml"
REQUIRED_HEADER_FIELDS = ("title", "published", "summary")
KNOWN_HEADER_FIELDS = (*REQUIRED_HEADER_FIELDS, "author", "wire_of", "paywalled")


class CorpusError(ValueError):
    """The corpus files are malformed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class DemoOutlet:
    slug: str
    name: str
    domain: str
    country: str
    ownership_category: str
    owner_name: str
    bias: str  # our BiasLabel value, "" for unrated
    factuality: str  # our FactualityLabel value, "" for unrated
    feed_is_broken: bool
    # What the invented "Demo Media Watch" rater says ("" where it has not rated the outlet):
    # beside the editors' rating above, which overrides it, so the demo shows several raters
    # and a disagreement without changing which side an outlet counts for.
    watch_bias: str = ""
    watch_factuality: str = ""

    @property
    def feed_url(self) -> str:
        return f"http://{self.domain}{FEED_PATH}"

    @property
    def homepage(self) -> str:
        # Plain HTTP: the demo server runs on loopback without TLS.
        return f"http://{self.domain}/"


@dataclass(frozen=True)
class DemoArticle:
    story_key: str
    outlet_slug: str
    title: str
    published_hours: float
    summary: str
    body: str
    author: str = ""
    wire_of: str = ""
    paywalled: bool = False

    @property
    def path(self) -> str:
        return f"/news/{self.story_key}/"

    def published_at(self, start: datetime) -> datetime:
        return start + timedelta(hours=self.published_hours)


@dataclass(frozen=True)
class DemoStory:
    key: str
    working_title: str
    planned_blindspot: str  # "left", "right" or ""


@dataclass(frozen=True)
class DemoCorpus:
    outlets: tuple[DemoOutlet, ...]
    stories: tuple[DemoStory, ...]
    articles: tuple[DemoArticle, ...]

    def outlet(self, slug: str) -> DemoOutlet:
        return next(o for o in self.outlets if o.slug == slug)

    def articles_of(self, outlet_slug: str) -> list[DemoArticle]:
        return [a for a in self.articles if a.outlet_slug == outlet_slug]

    @property
    def span_hours(self) -> float:
        return max((a.published_hours for a in self.articles), default=0.0)


def is_demo_domain(domain: str) -> bool:
    return is_reserved_example_host(domain)


# --- reading ---------------------------------------------------------------------------------


def load_corpus(root: Path) -> DemoCorpus:
    """Read and validate ``root`` (outlets.csv, stories.csv, stories/<key>/<outlet>.txt)."""
    outlets = tuple(_read_outlets(root / "outlets.csv"))
    stories = tuple(_read_stories(root / "stories.csv"))
    slugs = {o.slug for o in outlets}
    keys = {s.key for s in stories}
    articles = []
    for path in sorted((root / "stories").glob("*/*.txt")):
        article = parse_article(
            path.read_text(encoding="utf-8"),
            story_key=path.parent.name,
            outlet_slug=path.stem,
            origin=str(path.relative_to(root)),
        )
        if article.story_key not in keys:
            raise CorpusError(f"{path}: story {article.story_key!r} is not in stories.csv")
        if article.outlet_slug not in slugs:
            raise CorpusError(f"{path}: outlet {article.outlet_slug!r} is not in outlets.csv")
        if article.wire_of and article.wire_of not in slugs:
            raise CorpusError(f"{path}: wire_of {article.wire_of!r} is not in outlets.csv")
        articles.append(article)
    return DemoCorpus(outlets=outlets, stories=stories, articles=tuple(articles))


def _read_outlets(path: Path) -> Iterator[DemoOutlet]:
    with path.open(newline="", encoding="utf-8") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            if not row.get("slug") or not row.get("domain"):
                raise CorpusError(f"{path}:{line_number}: slug and domain are required")
            if not is_demo_domain(row["domain"]):
                raise CorpusError(
                    f"{path}:{line_number}: demo outlets must use {DEMO_DOMAIN_SUFFIX} domains"
                )
            yield DemoOutlet(
                slug=row["slug"],
                name=row["name"],
                domain=row["domain"],
                country=row["country"],
                ownership_category=row["ownership_category"],
                owner_name=row["owner_name"],
                bias=row["bias"],
                factuality=row["factuality"],
                feed_is_broken=row["feed_status"] == "broken",
                watch_bias=_label(row.get("watch_bias", ""), BIAS_VALUES, path, line_number),
                watch_factuality=_label(
                    row.get("watch_factuality", ""), FACTUALITY_VALUES, path, line_number
                ),
            )


def _label(value: str, known: Mapping[str, object], path: Path, line_number: int) -> str:
    """``value`` if it is one of our labels (or empty); a typo would silently mean "unrated"."""
    value = value.strip()
    if value and value not in known:
        raise CorpusError(f"{path}:{line_number}: {value!r} is not one of our labels")
    return value


def _read_stories(path: Path) -> Iterator[DemoStory]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield DemoStory(
                key=row["key"],
                working_title=row["working_title"],
                planned_blindspot=row["planned_blindspot"],
            )


def parse_article(text: str, *, story_key: str, outlet_slug: str, origin: str) -> DemoArticle:
    """Parse one ``name: value`` header, a ``---`` line, then the body."""
    header_text, separator, body = text.partition("\n---\n")
    if not separator:
        raise CorpusError(f"{origin}: no '---' line between header and body")
    header: dict[str, str] = {}
    for line in header_text.strip().splitlines():
        name, colon, value = line.partition(":")
        if not colon or name.strip() not in KNOWN_HEADER_FIELDS:
            raise CorpusError(f"{origin}: unexpected header line {line!r}")
        header[name.strip()] = value.strip()
    missing = [f for f in REQUIRED_HEADER_FIELDS if not header.get(f)]
    if missing:
        raise CorpusError(f"{origin}: missing {', '.join(missing)}")
    try:
        published_hours = float(header["published"])
    except ValueError as error:
        raise CorpusError(f"{origin}: published must be a number of hours") from error
    return DemoArticle(
        story_key=story_key,
        outlet_slug=outlet_slug,
        title=header["title"],
        published_hours=published_hours,
        summary=header["summary"],
        body=body.strip(),
        author=header.get("author", ""),
        wire_of=header.get("wire_of", ""),
        paywalled=header.get("paywalled", "").lower() == "yes",
    )


# --- rendering -------------------------------------------------------------------------------


def render_site(corpus: DemoCorpus, *, start: datetime) -> dict[tuple[str, str], bytes]:
    """Every document the demo outlets publish, as {(host, path): body}.

    Feeds are RSS 2.0; a broken outlet's feed is an HTML error page, as real broken feeds often
    are. Paywalled pages carry only a teaser, so extraction falls back to the feed summary.
    """
    documents: dict[tuple[str, str], bytes] = {}
    for outlet in corpus.outlets:
        articles = sorted(corpus.articles_of(outlet.slug), key=lambda a: -a.published_hours)
        if outlet.feed_is_broken:
            documents[(outlet.domain, FEED_PATH)] = _broken_feed(outlet).encode()
        else:
            documents[(outlet.domain, FEED_PATH)] = render_feed(outlet, articles, start).encode()
        for article in articles:
            page = render_page(outlet, article, start)
            documents[(outlet.domain, article.path)] = page.encode()
    return documents


def render_feed(outlet: DemoOutlet, articles: list[DemoArticle], start: datetime) -> str:
    items = []
    for article in articles:
        items.append(
            "<item>"
            f"<title>{xml_escape(article.title)}</title>"
            f"<link>{xml_escape(outlet.homepage.rstrip('/') + article.path)}</link>"
            f'<guid isPermaLink="false">{xml_escape(outlet.slug)}:{article.story_key}</guid>'
            f"<pubDate>{format_datetime(article.published_at(start))}</pubDate>"
            f"<description>{xml_escape(article.summary)}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{xml_escape(outlet.name)}</title>"
        f"<link>{xml_escape(outlet.homepage)}</link>"
        f"<description>Latest stories from {xml_escape(outlet.name)}</description>"
        f"{''.join(items)}"
        "</channel></rss>\n"
    )


def render_page(outlet: DemoOutlet, article: DemoArticle, start: datetime) -> str:
    published = article.published_at(start).isoformat()
    url = outlet.homepage.rstrip("/") + article.path
    paragraphs = [p.strip() for p in article.body.split("\n\n") if p.strip()]
    if article.paywalled:
        # A teaser and a subscription wall: nothing a reader could call the article.
        body_html = (
            f"<p class='teaser'>{escape(paragraphs[0][:140])}…</p>"
            "<div class='paywall'><p>Subscribe to continue reading.</p></div>"
        )
    else:
        body_html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    byline = f"<p class='byline'>By {escape(article.author)}</p>" if article.author else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(article.title)} | {escape(outlet.name)}</title>"
        f"<link rel='canonical' href='{escape(url)}'>"
        f"<meta property='og:title' content='{escape(article.title)}'>"
        f"<meta name='description' content='{escape(article.summary)}'>"
        f"<meta property='article:published_time' content='{published}'>"
        f"<meta name='author' content='{escape(article.author)}'>"
        "</head><body>"
        f"<header><a href='/'>{escape(outlet.name)}</a><nav><a href='/world/'>World</a> "
        "<a href='/politics/'>Politics</a> <a href='/business/'>Business</a></nav></header>"
        f"<main><article><h1>{escape(article.title)}</h1>{byline}"
        f"<time datetime='{published}'>{published}</time>{body_html}</article></main>"
        f"<footer><p>&copy; {escape(outlet.name)}. All rights reserved.</p></footer>"
        "</body></html>"
    )


def _broken_feed(outlet: DemoOutlet) -> str:
    return (
        "<!doctype html><html><head><title>Page moved</title></head><body>"
        f"<h1>{escape(outlet.name)} has a new website</h1><p>Our feeds have moved.</p>"
        "</body></html>"
    )
