"""The default catalogue of outlets: read and check the JSON data file. Pure; no ORM, no I/O.

The file (``sources/catalogue_data/outlets.json``, described in the README beside it)
lists outlets with their domains, feeds and what each rater's published file says about them.
``parse_catalogue`` turns its text into frozen dataclasses, or raises ``CatalogueError`` listing
every problem with the number of the outlet entry (1-based, in file order) it was found in, so
a bad file is rejected before anything is written.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sources.domains import candidate_domains, host_of, is_web_url
from sources.importers import RATING_FIELDS
from sources.scales import OwnershipCategory, Rater

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue_data" / "outlets.json"
CATALOGUE_FORMAT = "newsdesk-catalogue"
CATALOGUE_VERSION = 1

# Field sizes of the models the catalogue is loaded into (sources.models).
_MAX_NAME = 200
_MAX_SLUG = 200
_MAX_DOMAIN = 253
_MAX_HOMEPAGE = 500
_MAX_FEED_URL = 1000
_MAX_LABEL = 64
_MAX_RATING_URL = 500
_MAX_LANGUAGE = 8
# Rating scores are stored with 6 digits, 2 after the point.
_MAX_SCORE = Decimal("9999.99")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Dot-separated labels of letters, digits and inner hyphens, ending in an alphabetic TLD.
_HOST = re.compile(r"^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$")

_OUTLET_KEYS = {
    "slug",
    "name",
    "homepage",
    "domain",
    "aliases",
    "country",
    "language",
    "ownership_category",
    "owner_name",
    "feeds",
    "ratings",
}
_REQUIRED_OUTLET_KEYS = ("slug", "name", "domain", "feeds")
_RATING_KEYS = {"rater", *RATING_FIELDS, "from"}


@dataclass(frozen=True)
class RatingOrigin:
    """Where a rating was copied from: a file of ../shared/data/ratings and its row's key."""

    file: str
    key: str


@dataclass(frozen=True)
class CatalogueRating:
    rater: str
    bias_label: str = ""
    factuality_label: str = ""
    bias_score: Decimal | None = None
    reliability_score: Decimal | None = None
    rated_on: date | None = None
    url: str = ""
    confidence: str = ""
    origins: tuple[RatingOrigin, ...] = ()


@dataclass(frozen=True)
class CatalogueOutlet:
    slug: str
    name: str
    domain: str
    feeds: tuple[str, ...]
    homepage: str = ""
    aliases: tuple[str, ...] = ()
    country: str = ""
    language: str = "en"
    ownership_category: str = OwnershipCategory.UNKNOWN
    owner_name: str = ""
    ratings: tuple[CatalogueRating, ...] = ()

    @property
    def hosts(self) -> tuple[str, ...]:
        """The domain and the aliases: every host that resolves to this outlet."""
        return (self.domain, *self.aliases)


class CatalogueError(ValueError):
    """The catalogue file is unusable; ``errors`` says where and why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_catalogue(text: str) -> tuple[CatalogueOutlet, ...]:
    """Parse and check the catalogue; raises CatalogueError with every problem found."""
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise CatalogueError(
            [f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from error
    if not isinstance(document, dict):
        raise CatalogueError(['the file must hold a JSON object with an "outlets" list'])
    errors: list[str] = []
    if document.get("format") != CATALOGUE_FORMAT:
        errors.append(f'"format" must be "{CATALOGUE_FORMAT}"')
    if document.get("version") != CATALOGUE_VERSION:
        errors.append(f'"version" must be {CATALOGUE_VERSION}')
    entries = document.get("outlets")
    if not isinstance(entries, list) or not entries:
        errors.append('"outlets" must be a non-empty list')
        raise CatalogueError(errors)

    outlets: list[CatalogueOutlet] = []
    for number, entry in enumerate(entries, start=1):
        outlet_errors: list[str] = []
        outlet = _outlet(entry, outlet_errors)
        where = _where(number, entry)
        errors.extend(f"{where}: {message}" for message in outlet_errors)
        if outlet is not None and not outlet_errors:
            outlets.append(outlet)
    if not errors:
        errors.extend(_duplicates(outlets))
    if errors:
        raise CatalogueError(errors)
    return tuple(outlets)


def _where(number: int, entry: object) -> str:
    slug = entry.get("slug") if isinstance(entry, dict) else None
    return f"outlet {number} ({slug})" if isinstance(slug, str) and slug else f"outlet {number}"


def _duplicates(outlets: list[CatalogueOutlet]) -> list[str]:
    """Slugs, hosts and feed URLs must each belong to one outlet only."""
    errors: list[str] = []
    seen: dict[str, dict[str, int]] = {"slug": {}, "domain or alias": {}, "feed": {}}
    for number, outlet in enumerate(outlets, start=1):
        values = {
            "slug": [outlet.slug],
            "domain or alias": list(outlet.hosts),
            "feed": list(outlet.feeds),
        }
        for kind, items in values.items():
            for item in items:
                first = seen[kind].setdefault(item, number)
                if first != number:
                    errors.append(
                        f"outlet {number} ({outlet.slug}): {kind} {item!r} "
                        f"is already used by outlet {first}"
                    )
    return errors


def _text(
    entry: dict[str, Any], key: str, errors: list[str], *, max_length: int, default: str = ""
) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        errors.append(f"{key} must be a string")
        return default
    value = value.strip()
    if len(value) > max_length:
        errors.append(f"{key} is longer than {max_length} characters")
    return value


def _host(value: object, what: str, errors: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{what} must be a host name such as example.com")
        return ""
    host = value.strip()
    if host != host_of(host) or not _HOST.match(host) or len(host) > _MAX_DOMAIN:
        errors.append(
            f"{what} {host!r} must be a bare lower-case host (no scheme, path or www.), "
            f"e.g. {host_of(host)!r}"
        )
    return host


def _web_url(value: object, what: str, errors: list[str], *, max_length: int) -> str:
    if not isinstance(value, str):
        errors.append(f"{what} must be a string")
        return ""
    url = value.strip()
    if not is_web_url(url):
        errors.append(f"{what} {url!r} must be an http(s) URL")
    elif len(url) > max_length:
        errors.append(f"{what} is longer than {max_length} characters")
    return url


def _string_list(entry: dict[str, Any], key: str, errors: list[str]) -> list[object]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        errors.append(f"{key} must be a list")
        return []
    return value


def _outlet(entry: object, errors: list[str]) -> CatalogueOutlet | None:
    if not isinstance(entry, dict):
        errors.append("must be a JSON object")
        return None
    unknown = sorted(set(entry) - _OUTLET_KEYS)
    if unknown:
        errors.append(f"unknown field(s): {', '.join(unknown)}")
    missing = [key for key in _REQUIRED_OUTLET_KEYS if key not in entry]
    if missing:
        errors.append(f"missing field(s): {', '.join(missing)}")
        return None

    slug = _text(entry, "slug", errors, max_length=_MAX_SLUG)
    if not _SLUG.match(slug):
        errors.append(f"slug {slug!r} must be lower-case letters, digits and single hyphens")
    name = _text(entry, "name", errors, max_length=_MAX_NAME)
    if not name:
        errors.append("name must not be empty")
    domain = _host(entry["domain"], "domain", errors)

    aliases: list[str] = []
    for position, value in enumerate(_string_list(entry, "aliases", errors), start=1):
        alias = _host(value, f"alias {position}", errors)
        if alias == domain or alias in aliases:
            errors.append(f"alias {alias!r} is listed twice or repeats the domain")
        aliases.append(alias)

    homepage = ""
    if entry.get("homepage"):
        homepage = _web_url(entry["homepage"], "homepage", errors, max_length=_MAX_HOMEPAGE)
        resolves_to = set(candidate_domains(homepage)) & {domain, *aliases}
        if homepage and domain and not resolves_to:
            errors.append(f"homepage {homepage!r} is not on the domain or an alias")

    country = _text(entry, "country", errors, max_length=2)
    if country and not _COUNTRY.match(country):
        errors.append(f"country {country!r} must be an ISO 3166-1 alpha-2 code such as GB")
    language = _text(entry, "language", errors, max_length=_MAX_LANGUAGE, default="en")
    ownership = _text(
        entry, "ownership_category", errors, max_length=32, default=OwnershipCategory.UNKNOWN
    )
    if ownership not in OwnershipCategory.values:
        errors.append(
            f"ownership_category {ownership!r} must be one of {', '.join(OwnershipCategory.values)}"
        )
    owner_name = _text(entry, "owner_name", errors, max_length=_MAX_NAME)

    feeds: list[str] = []
    for position, value in enumerate(_string_list(entry, "feeds", errors), start=1):
        feed = _web_url(value, f"feed {position}", errors, max_length=_MAX_FEED_URL)
        if feed in feeds:
            errors.append(f"feed {feed!r} is listed twice")
        feeds.append(feed)
    if not feeds:
        errors.append("needs at least one feed URL")

    ratings: list[CatalogueRating] = []
    for position, value in enumerate(_string_list(entry, "ratings", errors), start=1):
        rating_errors: list[str] = []
        rating = _rating(value, rating_errors)
        errors.extend(f"rating {position}: {message}" for message in rating_errors)
        if rating is not None:
            if any(other.rater == rating.rater for other in ratings):
                errors.append(f"rating {position}: a second rating by {rating.rater}")
            ratings.append(rating)

    return CatalogueOutlet(
        slug=slug,
        name=name,
        domain=domain,
        feeds=tuple(feeds),
        homepage=homepage,
        aliases=tuple(aliases),
        country=country,
        language=language,
        ownership_category=ownership,
        owner_name=owner_name,
        ratings=tuple(ratings),
    )


def _score(value: object, what: str, errors: list[str]) -> Decimal | None:
    if value is None:
        return None
    # bool is an int to Python, and never a score.
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        errors.append(f"{what} must be a number")
        return None
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{what} {value!r} must be a number")
        return None
    if not score.is_finite() or abs(score) > _MAX_SCORE:
        errors.append(f"{what} {value!r} is out of range")
        return None
    return score


def _rating(value: object, errors: list[str]) -> CatalogueRating | None:
    if not isinstance(value, dict):
        errors.append("must be a JSON object")
        return None
    unknown = sorted(set(value) - _RATING_KEYS)
    if unknown:
        errors.append(f"unknown field(s): {', '.join(unknown)}")
    rater = value.get("rater")
    if rater not in Rater.values:
        errors.append(f"rater {rater!r} must be one of {', '.join(Rater.values)}")
        return None
    bias_label = _text(value, "bias_label", errors, max_length=_MAX_LABEL)
    factuality_label = _text(value, "factuality_label", errors, max_length=_MAX_LABEL)
    bias_score = _score(value.get("bias_score"), "bias_score", errors)
    reliability_score = _score(value.get("reliability_score"), "reliability_score", errors)
    if not bias_label and not factuality_label and bias_score is None:
        errors.append("says nothing: give a bias_label, a factuality_label or a bias_score")

    rated_on = None
    if value.get("rated_on") is not None:
        try:
            rated_on = date.fromisoformat(str(value["rated_on"]))
        except ValueError:
            errors.append(f"rated_on {value['rated_on']!r} must be a date such as 2024-05-01")
    url = ""
    if value.get("url"):
        url = _web_url(value["url"], "url", errors, max_length=_MAX_RATING_URL)
    confidence = _text(value, "confidence", errors, max_length=_MAX_LABEL)

    origins: list[RatingOrigin] = []
    raw_origins = value.get("from")
    if not isinstance(raw_origins, list) or not raw_origins:
        errors.append('"from" must list the file(s) the rating was copied from')
    else:
        for origin in raw_origins:
            if (
                not isinstance(origin, dict)
                or not isinstance(origin.get("file"), str)
                or not isinstance(origin.get("key"), str)
                or not origin["file"]
                or not origin["key"]
            ):
                errors.append('each "from" entry needs a "file" and the row\'s "key"')
                continue
            origins.append(RatingOrigin(file=origin["file"], key=origin["key"]))

    return CatalogueRating(
        rater=rater,
        bias_label=bias_label,
        factuality_label=factuality_label,
        bias_score=bias_score,
        reliability_score=reliability_score,
        rated_on=rated_on,
        url=url,
        confidence=confidence,
        origins=tuple(origins),
    )


def catalogue_outlet_for_url(
    outlets: tuple[CatalogueOutlet, ...], url_or_host: str
) -> CatalogueOutlet | None:
    """The catalogue outlet a URL or host belongs to, by domain or alias (most specific wins)."""
    by_host = {host: outlet for outlet in outlets for host in outlet.hosts}
    for host in candidate_domains(url_or_host):
        if host in by_host:
            return by_host[host]
    return None
