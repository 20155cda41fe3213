"""Hostile feed documents and article pages, built per test around the loopback server's URL.

Every script payload calls ``alert`` (a browser test listens for dialogs) and carries a marker,
so a test can tell which field leaked. The feed is well-formed RSS 2.0: markup reaches
feedparser either escaped (``&lt;script&gt;``) or in CDATA, as real feeds send it.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

# Strings that must never reach a reader's browser as markup or as a link target.
DANGEROUS_MARKUP = (
    "<script",
    "onerror=",
    "onload=",
    "onclick=",
    "onmouseover=",
    "<iframe",
    "<svg",
    "javascript:",
)

CHANNEL_TITLE = "<script>alert('channel')</script>Harbor <b>Gazette</b>"
TITLE = (
    "<script>alert('title')</script>Harbor council approves "
    "<img src=x onerror=alert('title-img')> flood barrier for the old port"
)
# Escaped twice: feedparser undoes one level, so the stored title holds the markup as text.
DOUBLE_ESCAPED_TITLE = "&lt;script&gt;alert('double')&lt;/script&gt; Harbor flood barrier vote"
SUMMARY = (
    "<p onclick=alert('summary')>The harbor council voted for the flood barrier.</p>"
    "<iframe src=\"javascript:alert('summary-frame')\"></iframe>"
    "<svg onload=alert('summary-svg')></svg><style>body{display:none}</style>"
    "Construction of the flood barrier starts in spring."
)
AUTHOR = "<b onmouseover=alert('author')>Eve</b>\"><script>alert('author-2')</script>"
TEMPLATE_SYNTAX_TITLE = "{{ settings.SECRET_KEY }} {% debug %} Harbor barrier costs"
JAVASCRIPT_LINKS = (
    "javascript:alert('link')",
    "JaVaScRiPt:alert('link-case')",
    " \tjavascript:alert('link-space')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+",
    "vbscript:msgbox('link')",
)

ARTICLE_TEXT = (
    "The harbor council voted on Tuesday to build a flood barrier across the old port. "
    "Engineers say the barrier will protect two thousand homes from storm surges. "
    "Construction starts in spring and is expected to last three years, the council said. "
    "Residents who spoke at the meeting welcomed the vote but asked about the cost."
)


def rss(items: list[str], *, channel_title: str = "Hostile outlet", link: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{escape(channel_title)}</title><link>{escape(link)}</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


def item(
    *,
    link: str,
    title: str = "Harbor council approves the flood barrier",
    summary: str = "",
    author: str = "",
    guid: str = "",
    pub_date: str = "",
    extra: str = "",
) -> str:
    """One RSS item; text fields are XML-escaped, so markup in them arrives as markup."""
    parts = [f"<title>{escape(title)}</title>", f"<link>{escape(link)}</link>"]
    if summary:
        parts.append(f"<description>{escape(summary)}</description>")
    if author:
        parts.append(f"<author>{escape(author)}</author>")
    if guid:
        parts.append(f"<guid>{escape(guid)}</guid>")
    if pub_date:
        parts.append(f"<pubDate>{escape(pub_date)}</pubDate>")
    return f"<item>{''.join(parts)}{extra}</item>"


def hostile_items(base_url: str) -> list[str]:
    """Items with a script payload in every field, linking to pages on ``base_url``."""
    enclosure = (
        '<enclosure url="javascript:alert(\'enclosure\')" type="image/jpeg" length="1"/>'
        '<media:content url="javascript:alert(\'media\')" medium="image"/>'
    )
    return [
        item(
            link=f"{base_url}/article/1",
            title=TITLE,
            summary=SUMMARY,
            author=AUTHOR,
            guid="hostile-1",
            pub_date="Tue, 19 Nov 2024 10:00:00 GMT",
            extra=enclosure,
        ),
        item(
            link=f"{base_url}/article/2?q=%22%3E%3Cscript%3Ealert('query')%3C/script%3E",
            title=DOUBLE_ESCAPED_TITLE,
            summary=SUMMARY,
            author=AUTHOR,
            guid="hostile-2",
            pub_date="Tue, 19 Nov 2024 10:30:00 GMT",
        ),
        item(
            link=f"{base_url}/article/3",
            title=TEMPLATE_SYNTAX_TITLE,
            summary=SUMMARY,
            guid="hostile-3",
            pub_date="Tue, 19 Nov 2024 11:00:00 GMT",
        ),
        *(
            item(link=link, title=f"Harbor barrier link {n}", guid=f"hostile-link-{n}")
            for n, link in enumerate(JAVASCRIPT_LINKS)
        ),
    ]


def hostile_page(n: int) -> bytes:
    """An article page whose metadata carries scripts too (title, description, image, canonical)."""
    return (
        '<!DOCTYPE html><html lang="en"><head>'
        f"<title>&lt;script&gt;alert('page-title-{n}')&lt;/script&gt;Harbor barrier</title>"
        '<meta name="description" content="&lt;img src=x onerror=alert(\'page-desc\')&gt;">'
        '<meta property="og:image" content="javascript:alert(\'og-image\')">'
        '<meta name="author" content="&lt;script&gt;alert(\'page-author\')&lt;/script&gt;">'
        "<script>alert('inline-page-script')</script>"
        "</head><body><article>"
        "<h1>Harbor council approves the flood barrier</h1>"
        f"<p>{ARTICLE_TEXT}</p><p>{ARTICLE_TEXT}</p>"
        "<p><img src=x onerror=\"alert('body-img')\">The mayor called it a historic day.</p>"
        "</article></body></html>"
    ).encode()
