"""Canonical article URLs: one spelling per article, so the unique constraint can do its job.

Pure: no network. ``rel=canonical`` from the downloaded page is applied by the service, through
:func:`accept_rel_canonical`, which refuses a canonical that points at another site.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sources.domains import is_web_url, registered_domain

MAX_URL_LENGTH = 2000

# Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "cmpid",
        "cmp",
        "ocid",
        "smid",
        "smtyp",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "ito",
        "sr_share",
        "ref_src",
        "rss",
        "feedtype",
        "partner",
        "xtor",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "ga_")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str | None:
    """The canonical spelling of an article URL, or None when it is not a usable web URL.

    Lower-cases scheme and host, drops default ports, fragments and tracking parameters, keeps
    every other query parameter in its original order.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    netloc = host if ":" not in host else f"[{host}]"
    if port and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    canonical = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    # The query is re-encoded above, so a feed's unencoded "?q=a b" still makes a web URL.
    if len(canonical) > MAX_URL_LENGTH or not is_web_url(canonical):
        return None
    return canonical


def accept_rel_canonical(current_url: str, declared: str | None) -> str | None:
    """The page's declared canonical URL when it is safe to adopt, else None.

    A page may only move its article within its own registered domain: a canonical pointing at
    another site would let one outlet claim another's article.
    """
    if not declared:
        return None
    candidate = canonicalize_url(declared)
    if candidate is None or candidate == current_url:
        return None
    if registered_domain(candidate) != registered_domain(current_url):
        return None
    # A canonical that is just the home page is a template mistake, not the article's address.
    if urlsplit(candidate).path in ("", "/"):
        return None
    return candidate
