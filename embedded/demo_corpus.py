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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from sources.domains import RESERVED_EXAMPLE_SUFFIX, is_reserved_example_host
from sources.scales import BIAS_VALUES, FACTUALITY_VALUES

DEMO_DOMAIN_SUFFIX = RESERVED_EXAMPLE_SUFFIX
FEED_PATH = "/rss.xml"
# Pictures drawn by scripts/draw_demo_images.py: one per story, one icon per outlet (or none).
PICTURES_DIR = "images"
ICONS_DIR = "icons"
PICTURE_WIDTH, PICTURE_HEIGHT = 1200, 675
ICON_PATH = "/assets/icon.png"
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
    # Story key → its picture (JPEG bytes).
    pictures: dict[str, bytes] = field(default_factory=dict)
    # Outlet slug → (".png" or ".ico", icon bytes). An outlet without one publishes no
    # pictures either: the small outlets of a real news landscape.
    icons: dict[str, tuple[str, bytes]] = field(default_factory=dict)

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
    pictures = {
        path.stem: path.read_bytes()
        for path in sorted((root / PICTURES_DIR).glob("*.jpg"))
        if path.stem in keys
    }
    icons = {
        path.stem: (path.suffix, path.read_bytes())
        for path in sorted((root / ICONS_DIR).glob("*"))
        if path.suffix in (".png", ".ico") and path.stem in slugs
    }
    return DemoCorpus(
        outlets=outlets,
        stories=stories,
        articles=tuple(articles),
        pictures=pictures,
        icons=icons,
    )


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


def picture_path(story_key: str) -> str:
    return f"/images/{story_key}.jpg"


def _picture_url(outlet: DemoOutlet, corpus: DemoCorpus, story_key: str) -> str:
    """Where ``outlet`` publishes the story's picture, or "" when it publishes none."""
    if outlet.slug not in corpus.icons or story_key not in corpus.pictures:
        return ""
    return outlet.homepage.rstrip("/") + picture_path(story_key)


def render_site(corpus: DemoCorpus, *, start: datetime) -> dict[tuple[str, str], bytes]:
    """Every document the demo outlets publish, as {(host, path): body}.

    Feeds are RSS 2.0; a broken outlet's feed is an HTML error page, as real broken feeds often
    are. Paywalled pages carry only a teaser, so extraction falls back to the feed summary.
    Pictures come as real sites give them: each article page names its story's picture as
    og:image, and the outlets with a ``/favicon.ico`` also put it in their feed as
    ``media:content``; home pages declare a PNG icon with ``<link rel="icon">``.
    """
    documents: dict[tuple[str, str], bytes] = {}
    for outlet in corpus.outlets:
        articles = sorted(corpus.articles_of(outlet.slug), key=lambda a: -a.published_hours)
        if outlet.feed_is_broken:
            documents[(outlet.domain, FEED_PATH)] = _broken_feed(outlet).encode()
        else:
            feed = render_feed(outlet, articles, start, corpus=corpus)
            documents[(outlet.domain, FEED_PATH)] = feed.encode()
        for article in articles:
            page = render_page(
                outlet, article, start, image_url=_picture_url(outlet, corpus, article.story_key)
            )
            documents[(outlet.domain, article.path)] = page.encode()
            if _picture_url(outlet, corpus, article.story_key):
                documents[(outlet.domain, picture_path(article.story_key))] = corpus.pictures[
                    article.story_key
                ]
        icon = corpus.icons.get(outlet.slug)
        icon_href = ""
        if icon is not None and icon[0] == ".ico":
            documents[(outlet.domain, "/favicon.ico")] = icon[1]
        elif icon is not None:
            documents[(outlet.domain, ICON_PATH)] = icon[1]
            icon_href = ICON_PATH
        documents[(outlet.domain, "/")] = render_home_page(outlet, icon_href=icon_href).encode()
    return documents


def render_home_page(outlet: DemoOutlet, *, icon_href: str) -> str:
    icon = (
        f"<link rel='icon' type='image/png' sizes='96x96' href='{escape(icon_href)}'>"
        if icon_href
        else ""
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(outlet.name)}</title>{icon}</head><body>"
        f"<h1>{escape(outlet.name)}</h1><p>Latest news.</p></body></html>"
    )


def render_feed(
    outlet: DemoOutlet,
    articles: list[DemoArticle],
    start: datetime,
    *,
    corpus: DemoCorpus | None = None,
) -> str:
    with_media = corpus is not None and corpus.icons.get(outlet.slug, ("",))[0] == ".ico"
    items = []
    for article in articles:
        picture = _picture_url(outlet, corpus, article.story_key) if corpus and with_media else ""
        media = (
            f'<media:content url="{xml_escape(picture)}" medium="image" type="image/jpeg" '
            f'width="{PICTURE_WIDTH}" height="{PICTURE_HEIGHT}"/>'
            if picture
            else ""
        )
        items.append(
            "<item>"
            f"<title>{xml_escape(article.title)}</title>"
            f"<link>{xml_escape(outlet.homepage.rstrip('/') + article.path)}</link>"
            f'<guid isPermaLink="false">{xml_escape(outlet.slug)}:{article.story_key}</guid>'
            f"<pubDate>{format_datetime(article.published_at(start))}</pubDate>"
            f"<description>{xml_escape(article.summary)}</description>"
            f"{media}"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{xml_escape(outlet.name)}</title>"
        f"<link>{xml_escape(outlet.homepage)}</link>"
        f"<description>Latest stories from {xml_escape(outlet.name)}</description>"
        f"{''.join(items)}"
        "</channel></rss>\n"
    )


def render_page(
    outlet: DemoOutlet, article: DemoArticle, start: datetime, *, image_url: str = ""
) -> str:
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
        + (f"<meta property='og:image' content='{escape(image_url)}'>" if image_url else "")
        + "</head><body>"
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
