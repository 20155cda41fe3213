"""Host and domain arithmetic for matching URLs to outlets. Pure; no network.

An outlet is known by a registered domain ("bbc.co.uk") and aliases ("bbc.com",
"feeds.bbci.co.uk"). Some outlets live on a shared registered domain ("abcnews.go.com"), so
matching tries the most specific host first and walks up to the registered domain.
"""

from urllib.parse import urlsplit

import tldextract

# The public-suffix list bundled with the package: never fetched at run time.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


WEB_SCHEMES = frozenset({"http", "https"})
# RFC 2606 reserves this top-level domain: such a host never resolves on the web. The demo
# corpus's fictional outlets live there.
RESERVED_EXAMPLE_SUFFIX = ".example"


def is_web_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host: the only addresses taken from outside.

    Feeds, pages and rating files decide these, so ``javascript:``/``data:`` URLs, relative or
    scheme-relative ones, anything with whitespace or control characters and anything
    :func:`urllib.parse.urlsplit` cannot read (``http://[bad/x``, a port out of range) are
    refused. Callers strip surrounding whitespace first when they mean to keep the address.
    """
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host)


def is_reserved_example_host(url_or_host: str) -> bool:
    """True for a host (or a URL's host) under ``.example``: fictional, never on the web."""
    return host_of(url_or_host).endswith(RESERVED_EXAMPLE_SUFFIX)


def host_of(url_or_host: str) -> str:
    """Lower-case host without "www." or port: "https://WWW.BBC.co.uk:443/x" → "bbc.co.uk"."""
    text = url_or_host.strip()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = host.rstrip(".").lower()
    return host.removeprefix("www.")


def registered_domain(url_or_host: str) -> str:
    """The eTLD+1 ("feeds.bbci.co.uk" → "bbci.co.uk"); the bare host when there is none."""
    host = host_of(url_or_host)
    return _extract(host).top_domain_under_public_suffix or host


def candidate_domains(url_or_host: str) -> list[str]:
    """Hosts to look up, most specific first, ending at the registered domain.

    "edition.cnn.com" → ["edition.cnn.com", "cnn.com"]
    """
    host = host_of(url_or_host)
    if not host:
        return []
    registered = registered_domain(host)
    candidates = [host]
    labels = host.split(".")
    for start in range(1, len(labels)):
        parent = ".".join(labels[start:])
        if len(parent) < len(registered):
            break
        candidates.append(parent)
    return list(dict.fromkeys(candidates))
