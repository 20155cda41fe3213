"""Refresh the ratings in sources/catalogue_data/outlets.json from the shared rating files.

A development tool, not used at run time. The outlet facts (names, domains, aliases, feeds,
owners) are curated by hand in the JSON file; this script only re-joins what each rater's file
says about every outlet and writes the file back, so the join is repeatable and reviewable:

    .venv/bin/python scripts/build_catalogue.py [--data ../shared/data/ratings] [--check]

Joining rules (see sources/catalogue_data/README.md):

* Domain files (AllSides 2023, MBFC 2024, MBFC factual 2025) match a row whose host resolves to
  the outlet the way the site resolves URLs: the row's host, then its parents, against each
  outlet's domain and aliases. Rows with a path ("mlive.com/saginaw-bay-city") rate one section
  of a site and are skipped.
* Name-only files (AllSides 2019, Ad Fontes 2022) match only through NAME_MATCHES below, chosen
  by hand: AllSides 2019 also lists authors and think tanks, and Ad Fontes rates TV and radio
  shows ("ABC This Week") beside outlets, so automatic name matching would mis-assign.
* One rating per rater: AllSides' 2023 label wins over its 2019 label; MBFC's bias comes from
  the 2024 file and its factual reporting from the 2025 file where that has one (its 1-6 scale
  is MBFC's own six words), else from the 2024 file.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sources.domains import candidate_domains, host_of  # noqa: E402

CATALOGUE = REPO_ROOT / "sources" / "catalogue_data" / "outlets.json"
RATINGS_DIR = (REPO_ROOT / ".." / "shared" / "data" / "ratings").resolve()

ALLSIDES_2023 = "allsides_domains_2023.csv"
ALLSIDES_2019 = "allsides_2019.csv"
MBFC_2024 = "mbfc_2024.csv"
MBFC_2025 = "mbfc_factual_2025.json"
ADFONTES_2022 = "adfontes_2022.csv"

# MBFC's own words for the 1-6 "Objective Reporting" codes of the 2025 file.
MBFC_2025_FACTUAL_WORDS = {
    1: "very low",
    2: "low",
    3: "mixed",
    4: "mostly factual",
    5: "high",
    6: "very high",
}

# slug → the exact name in each name-only file. Checked by hand against each file's other
# columns (AllSides' type "News Media"; Ad Fontes' outlet rather than a show of the outlet).
NAME_MATCHES: dict[str, dict[str, str]] = {
    "abc-news": {ALLSIDES_2019: "ABC News", ADFONTES_2022: "ABC News"},
    "the-nation": {ALLSIDES_2019: "The Nation", ADFONTES_2022: "The Nation"},
    "jacobin": {ALLSIDES_2019: "Jacobin", ADFONTES_2022: "Jacobin"},
    "mother-jones": {ALLSIDES_2019: "Mother Jones", ADFONTES_2022: "Mother Jones"},
    "democracy-now": {ALLSIDES_2019: "Democracy Now", ADFONTES_2022: "Democracy Now"},
    "the-intercept": {ALLSIDES_2019: "The Intercept", ADFONTES_2022: "The Intercept"},
    "common-dreams": {ADFONTES_2022: "Common Dreams"},
    "huffpost": {ALLSIDES_2019: "HuffPost", ADFONTES_2022: "HuffPost"},
    "msnbc": {ALLSIDES_2019: "MSNBC", ADFONTES_2022: "MSNBC"},
    "vox": {ALLSIDES_2019: "Vox", ADFONTES_2022: "Vox"},
    "slate": {ALLSIDES_2019: "Slate", ADFONTES_2022: "Slate"},
    "salon": {ALLSIDES_2019: "Salon", ADFONTES_2022: "Salon"},
    "the-new-republic": {ALLSIDES_2019: "New Republic", ADFONTES_2022: "New Republic"},
    "the-atlantic": {ALLSIDES_2019: "The Atlantic", ADFONTES_2022: "The Atlantic"},
    "the-new-yorker": {ALLSIDES_2019: "The New Yorker", ADFONTES_2022: "The New Yorker"},
    "alternet": {ALLSIDES_2019: "AlterNet", ADFONTES_2022: "AlterNet"},
    "raw-story": {ALLSIDES_2019: "Raw Story", ADFONTES_2022: "Raw Story"},
    "daily-kos": {ALLSIDES_2019: "Daily Kos", ADFONTES_2022: "Daily Kos"},
    "truthout": {ALLSIDES_2019: "TruthOut", ADFONTES_2022: "Truthout"},
    "the-daily-beast": {ALLSIDES_2019: "Daily Beast", ADFONTES_2022: "Daily Beast"},
    "the-american-prospect": {ADFONTES_2022: "American Prospect"},
    "in-these-times": {ADFONTES_2022: "In These Times"},
    "counterpunch": {ADFONTES_2022: "CounterPunch"},
    "mediaite": {ALLSIDES_2019: "Mediaite", ADFONTES_2022: "MEDIAite"},
    "cnn": {ALLSIDES_2019: "CNN (Web News)", ADFONTES_2022: "CNN"},
    "nbc-news": {ALLSIDES_2019: "NBCNews.com", ADFONTES_2022: "NBC News"},
    "cbs-news": {ALLSIDES_2019: "CBS News", ADFONTES_2022: "CBS News"},
    "new-york-times": {
        ALLSIDES_2019: "New York Times - News",
        ADFONTES_2022: "The New York Times",
    },
    "washington-post": {ALLSIDES_2019: "Washington Post", ADFONTES_2022: "Washington Post"},
    "npr": {ALLSIDES_2019: "NPR Online News", ADFONTES_2022: "NPR"},
    "pbs-newshour": {ALLSIDES_2019: "PBS NewsHour", ADFONTES_2022: "PBS Newshour"},
    "los-angeles-times": {ALLSIDES_2019: "Los Angeles Times", ADFONTES_2022: "LA Times"},
    "usa-today": {ALLSIDES_2019: "USA TODAY", ADFONTES_2022: "USA Today"},
    "politico": {ALLSIDES_2019: "Politico", ADFONTES_2022: "Politico"},
    "axios": {ALLSIDES_2019: "Axios", ADFONTES_2022: "Axios"},
    "the-hill": {ALLSIDES_2019: "The Hill", ADFONTES_2022: "The Hill"},
    "reuters": {ALLSIDES_2019: "Reuters", ADFONTES_2022: "Reuters"},
    "associated-press": {ALLSIDES_2019: "Associated Press", ADFONTES_2022: "AP"},
    "bloomberg": {ALLSIDES_2019: "Bloomberg", ADFONTES_2022: "Bloomberg News"},
    "wall-street-journal": {
        ALLSIDES_2019: "Wall Street Journal - News",
        ADFONTES_2022: "Wall Street Journal",
    },
    "marketwatch": {ALLSIDES_2019: "MarketWatch", ADFONTES_2022: "MarketWatch"},
    "christian-science-monitor": {
        ALLSIDES_2019: "Christian Science Monitor",
        ADFONTES_2022: "Christian Science Monitor",
    },
    "time": {ALLSIDES_2019: "Time Magazine", ADFONTES_2022: "Time Magazine"},
    "newsweek": {ALLSIDES_2019: "Newsweek", ADFONTES_2022: "Newsweek"},
    "forbes": {ALLSIDES_2019: "Forbes", ADFONTES_2022: "Forbes"},
    "business-insider": {ALLSIDES_2019: "Business Insider", ADFONTES_2022: "Insider"},
    "cnbc": {ALLSIDES_2019: "CNBC", ADFONTES_2022: "CNBC"},
    "upi": {ADFONTES_2022: "UPI"},
    "newsnation": {ADFONTES_2022: "NewsNation Now"},
    "propublica": {ALLSIDES_2019: "ProPublica", ADFONTES_2022: "ProPublica"},
    "the-19th": {ADFONTES_2022: "19th News"},
    "vice": {ALLSIDES_2019: "Vice", ADFONTES_2022: "Vice"},
    "the-verge": {ALLSIDES_2019: "The Verge", ADFONTES_2022: "The Verge"},
    "wired": {ADFONTES_2022: "WIRED"},
    "ars-technica": {ADFONTES_2022: "ARS Technica"},
    "foreign-policy": {ADFONTES_2022: "Foreign Policy"},
    "the-week": {ALLSIDES_2019: "The Week - News", ADFONTES_2022: "The Week"},
    "boston-globe": {ALLSIDES_2019: "The Boston Globe", ADFONTES_2022: "Boston Globe"},
    "chicago-tribune": {ALLSIDES_2019: "Chicago Tribune", ADFONTES_2022: "Chicago Tribune"},
    "deseret-news": {ALLSIDES_2019: "Deseret News", ADFONTES_2022: "Deseret News"},
    "yahoo-news": {ALLSIDES_2019: "Yahoo! News"},
    "the-bulwark": {ADFONTES_2022: "The Bulwark"},
    "the-dispatch": {ADFONTES_2022: "The Dispatch"},
    "real-clear-politics": {
        ALLSIDES_2019: "RealClearPolitics",
        ADFONTES_2022: "RealClear Politics",
    },
    "reason": {ALLSIDES_2019: "Reason", ADFONTES_2022: "Reason"},
    "washington-examiner": {
        ALLSIDES_2019: "Washington Examiner",
        ADFONTES_2022: "Washington Examiner",
    },
    "washington-times": {ALLSIDES_2019: "Washington Times", ADFONTES_2022: "Washington Times"},
    "fox-news": {ALLSIDES_2019: "Fox Online News", ADFONTES_2022: "Fox News"},
    "fox-business": {ADFONTES_2022: "Fox Business"},
    "new-york-post": {ALLSIDES_2019: "New York Post", ADFONTES_2022: "New York Post"},
    "national-review": {ALLSIDES_2019: "National Review", ADFONTES_2022: "National Review"},
    "the-american-conservative": {
        ALLSIDES_2019: "The American Conservative",
        ADFONTES_2022: "The American Conservative",
    },
    "the-american-spectator": {
        ALLSIDES_2019: "American Spectator",
        ADFONTES_2022: "The American Spectator",
    },
    "washington-free-beacon": {
        ALLSIDES_2019: "Washington Free Beacon",
        ADFONTES_2022: "Washington Free Beacon",
    },
    "the-daily-signal": {ALLSIDES_2019: "The Daily Signal", ADFONTES_2022: "Daily Signal"},
    "the-federalist": {ALLSIDES_2019: "The Federalist", ADFONTES_2022: "The Federalist"},
    "the-daily-wire": {ALLSIDES_2019: "The Daily Wire", ADFONTES_2022: "Daily Wire"},
    "the-daily-caller": {ALLSIDES_2019: "The Daily Caller", ADFONTES_2022: "Daily Caller"},
    "breitbart": {ALLSIDES_2019: "Breitbart News", ADFONTES_2022: "Breitbart"},
    "newsmax": {ALLSIDES_2019: "Newsmax", ADFONTES_2022: "Newsmax"},
    "the-blaze": {ALLSIDES_2019: "TheBlaze.com"},
    "one-america-news": {
        ALLSIDES_2019: "One America News Network",
        ADFONTES_2022: "OAN Network",
    },
    "the-epoch-times": {ALLSIDES_2019: "The Epoch Times", ADFONTES_2022: "Epoch Times"},
    # The Western Journal was called Western Journalism until 2018: one outlet.
    "the-western-journal": {
        ALLSIDES_2019: "Western Journalism",
        ADFONTES_2022: "Western Journal",
    },
    "zerohedge": {ADFONTES_2022: "ZeroHedge"},
    "the-gateway-pundit": {
        ALLSIDES_2019: "The Gateway Pundit",
        ADFONTES_2022: "The Gateway Pundit",
    },
    "wnd": {ALLSIDES_2019: "WND.com", ADFONTES_2022: "WND"},
    "infowars": {ALLSIDES_2019: "InfoWars", ADFONTES_2022: "InfoWars"},
    "bbc-news": {ALLSIDES_2019: "BBC News", ADFONTES_2022: "BBC"},
    "the-guardian": {ALLSIDES_2019: "The Guardian", ADFONTES_2022: "The Guardian"},
    "the-independent": {ALLSIDES_2019: "The Independent", ADFONTES_2022: "The Independent"},
    "the-telegraph": {ALLSIDES_2019: "The Telegraph - UK"},
    "financial-times": {ALLSIDES_2019: "Financial Times", ADFONTES_2022: "Financial Times"},
    "the-economist": {ALLSIDES_2019: "The Economist", ADFONTES_2022: "The Economist"},
    "daily-mail": {ALLSIDES_2019: "Daily Mail", ADFONTES_2022: "Daily Mail"},
    "daily-mirror": {ADFONTES_2022: "The Mirror"},
    "new-statesman": {ADFONTES_2022: "New Statesman"},
    "the-conversation": {ADFONTES_2022: "The Conversation"},
    "global-news": {ADFONTES_2022: "Global News"},
    "al-jazeera": {ALLSIDES_2019: "Al Jazeera", ADFONTES_2022: "Al Jazeera"},
    "rt": {ADFONTES_2022: "RT"},
    "south-china-morning-post": {ADFONTES_2022: "South China Morning Post"},
    "the-jerusalem-post": {ALLSIDES_2019: "The Jerusalem Post"},
    "the-post-millennial": {ALLSIDES_2019: "The Post Millennial"},
    "mintpress-news": {ADFONTES_2022: "MintPress News"},
    "occupy-democrats": {ADFONTES_2022: "Occupy Democrats"},
    "bipartisan-report": {ADFONTES_2022: "Bipartisan Report"},
    "palmer-report": {ADFONTES_2022: "Palmer Report"},
    "wonkette": {ADFONTES_2022: "Wonkette"},
    "pj-media": {ALLSIDES_2019: "PJ Media", ADFONTES_2022: "PJ Media"},
    "townhall": {ALLSIDES_2019: "Townhall", ADFONTES_2022: "Townhall"},
    "hot-air": {ALLSIDES_2019: "HotAir", ADFONTES_2022: "HotAir"},
    "redstate": {ALLSIDES_2019: "Red State", ADFONTES_2022: "RedState"},
    "american-thinker": {ALLSIDES_2019: "American Thinker", ADFONTES_2022: "American Thinker"},
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# MBFC's country names for the catalogue's ISO codes: where one domain has rows for two
# outlets (thestar.com: Toronto Star and Malaysia's The Star) the outlet's country decides.
MBFC_COUNTRY_NAMES = {
    "US": "usa",
    "GB": "united kingdom",
    "CA": "canada",
    "AU": "australia",
    "NZ": "new zealand",
    "IE": "ireland",
    "IN": "india",
    "ZA": "south africa",
    "SG": "singapore",
    "IL": "israel",
    "JP": "japan",
}

# Rows picked by hand where a domain has several rows that disagree and the rules above cannot
# choose: (file, slug) → column values the chosen row has.
ROW_CHOICES: dict[tuple[str, str], dict[str, str]] = {
    # "WesternJournal.com" is also listed for Conservative Tribune, a former brand of the same
    # company; the outlet's own review is "western-journalism", and its 2024 row is the one
    # with the same verdict (the other is a stale low-traffic duplicate).
    (MBFC_2025, "the-western-journal"): {
        "Rating URL": "https://mediabiasfactcheck.com/western-journalism/"
    },
    (MBFC_2024, "the-western-journal"): {"bias": "far right", "factual_reporting": "mixed"},
}


class DomainIndex:
    """Resolves a rater's domain to a catalogue slug the way sources.selectors does."""

    def __init__(self, outlets: list[dict[str, Any]]) -> None:
        self.by_host: dict[str, tuple[str, int]] = {}
        self.country: dict[str, str] = {}
        for outlet in outlets:
            self.country[outlet["slug"]] = outlet.get("country", "")
            for rank, host in enumerate([outlet["domain"], *outlet.get("aliases", [])]):
                self.by_host[host] = (outlet["slug"], min(rank, 1))

    def resolve(self, rater_domain: str) -> tuple[str, tuple[int, int]] | None:
        """(slug, rank): rank (0, 0) when the row names the outlet's own domain."""
        if "/" in rater_domain.strip().strip("/").split("//")[-1]:
            return None
        for depth, candidate in enumerate(candidate_domains(rater_domain)):
            match = self.by_host.get(candidate)
            if match is not None:
                return match[0], (depth, match[1])
        return None


def best_rows(
    rows: list[dict[str, Any]],
    key: str,
    index: DomainIndex,
    label: str,
    used: tuple[str, ...],
    country_key: str | None = None,
) -> dict[str, dict[str, Any]]:
    """slug → the best matching row: most specific host, then the outlet's own country.

    Conflicting rows that remain tied are reported and the first one is used.
    """
    found: dict[str, list[tuple[tuple[int, int], dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        match = index.resolve(str(row[key]))
        if match is not None:
            found[match[0]].append((match[1], row))
    chosen: dict[str, dict[str, Any]] = {}
    for slug, candidates in found.items():
        best_rank = min(rank for rank, _ in candidates)
        best = [row for rank, row in candidates if rank == best_rank]
        wanted_country = MBFC_COUNTRY_NAMES.get(index.country[slug])
        if country_key and wanted_country:
            same_country = [
                row for row in best if row[country_key].lower().startswith(wanted_country)
            ]
            best = same_country or best
        by_hand = ROW_CHOICES.get((label, slug), {})
        best = [row for row in best if all(row[k] == v for k, v in by_hand.items())]
        if not best:
            raise SystemExit(f"{label}: no row for {slug} has {by_hand}")
        if len({tuple(row[k] for k in used) for row in best}) > 1:
            print(f"note: {label}: rows for {slug} disagree; using the first: {best}")
        chosen[slug] = best[0]
    return chosen


def build_ratings(outlets: list[dict[str, Any]], data: Path) -> None:
    index = DomainIndex(outlets)
    allsides_2023 = best_rows(
        read_csv(data / ALLSIDES_2023), "domain", index, ALLSIDES_2023, used=("rating",)
    )
    mbfc_2024 = best_rows(
        [row for row in read_csv(data / MBFC_2024) if row["bias"] or row["factual_reporting"]],
        "source",
        index,
        MBFC_2024,
        used=("bias", "factual_reporting"),
        country_key="country",
    )
    mbfc_2025_rows = json.loads((data / MBFC_2025).read_text(encoding="utf-8"))
    mbfc_2025 = best_rows(
        [row for row in mbfc_2025_rows if row["Objective Reporting"] in MBFC_2025_FACTUAL_WORDS],
        "URL",
        index,
        MBFC_2025,
        used=("Objective Reporting", "Rating URL"),
        country_key="Country",
    )
    allsides_2019 = {row["news_source"]: row for row in read_csv(data / ALLSIDES_2019)}
    # A row of 0.0 / 0.0 ("Sky News") is a scraping gap, not a score: reliability 0 would
    # put the outlet at the very bottom of the chart.
    adfontes = {
        row["source"]: row
        for row in read_csv(data / ADFONTES_2022)
        if (row["bias"], row["reliability"]) != ("0.0", "0.0")
    }

    slugs = {outlet["slug"] for outlet in outlets}
    for slug, names in NAME_MATCHES.items():
        if slug not in slugs:
            raise SystemExit(f"NAME_MATCHES names {slug!r}, which is not in the catalogue")
        for file, name in names.items():
            table = allsides_2019 if file == ALLSIDES_2019 else adfontes
            if name not in table:
                raise SystemExit(f"{file} has no row named {name!r} (for {slug})")
            if file == ALLSIDES_2019 and table[name]["type"] != "News Media":
                raise SystemExit(f"{file}: {name!r} is a {table[name]['type']}, not an outlet")

    for outlet in outlets:
        slug = outlet["slug"]
        names = NAME_MATCHES.get(slug, {})
        ratings: list[dict[str, Any]] = []

        as_2019 = allsides_2019.get(names.get(ALLSIDES_2019, ""))
        as_2023 = allsides_2023.get(slug)
        if as_2023 is not None:
            rating: dict[str, Any] = {"rater": "allsides", "bias_label": as_2023["rating"]}
            if as_2019 is not None:
                rating["url"] = as_2019["url"]
            rating["from"] = [{"file": ALLSIDES_2023, "key": as_2023["domain"]}]
            if as_2019 is not None:
                rating["from"].append({"file": ALLSIDES_2019, "key": as_2019["news_source"]})
            ratings.append(rating)
        elif as_2019 is not None and as_2019["rating"]:
            rating = {"rater": "allsides", "bias_label": as_2019["rating"], "url": as_2019["url"]}
            if as_2019["confidence_level"] not in ("", "NA"):
                rating["confidence"] = as_2019["confidence_level"]
            rating["from"] = [{"file": ALLSIDES_2019, "key": as_2019["news_source"]}]
            ratings.append(rating)

        m24, m25 = mbfc_2024.get(slug), mbfc_2025.get(slug)
        if m24 is not None or m25 is not None:
            rating = {"rater": "mbfc"}
            if m24 is not None and m24["bias"]:
                rating["bias_label"] = m24["bias"]
            if m25 is not None:
                rating["factuality_label"] = MBFC_2025_FACTUAL_WORDS[m25["Objective Reporting"]]
                rating["url"] = m25["Rating URL"]
            elif m24 is not None and m24["factual_reporting"]:
                rating["factuality_label"] = m24["factual_reporting"]
            rating["from"] = []
            if m24 is not None:
                rating["from"].append({"file": MBFC_2024, "key": m24["source"]})
            if m25 is not None:
                rating["from"].append({"file": MBFC_2025, "key": m25["URL"]})
            if "bias_label" in rating or "factuality_label" in rating:
                ratings.append(rating)

        af = adfontes.get(names.get(ADFONTES_2022, ""))
        if af is not None:
            ratings.append(
                {
                    "rater": "adfontes",
                    "bias_score": Decimal(af["bias"]),
                    "reliability_score": Decimal(af["reliability"]),
                    "from": [{"file": ADFONTES_2022, "key": af["source"]}],
                }
            )
        outlet["ratings"] = ratings


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # shortest repr: "-4.66" stays "-4.66"
    raise TypeError(type(value))


def dump(catalogue: dict[str, Any]) -> str:
    return json.dumps(catalogue, indent=2, ensure_ascii=False, default=to_json) + "\n"


def report(outlets: list[dict[str, Any]]) -> None:
    by_rater: dict[str, int] = defaultdict(int)
    for outlet in outlets:
        for rating in outlet["ratings"]:
            by_rater[rating["rater"]] += 1
        if not outlet["ratings"]:
            print(f"unrated: {outlet['slug']}")
    print(f"{len(outlets)} outlets; ratings: {dict(by_rater)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=RATINGS_DIR)
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument(
        "--check", action="store_true", help="fail if the file is not up to date; write nothing"
    )
    args = parser.parse_args(argv)

    text = args.catalogue.read_text(encoding="utf-8")
    catalogue = json.loads(text, parse_float=Decimal)
    outlets = catalogue["outlets"]
    for outlet in outlets:
        outlet["domain"] = host_of(outlet["domain"])
    build_ratings(outlets, args.data)
    report(outlets)
    new_text = dump(catalogue)
    if args.check:
        if new_text != text:
            print(f"{args.catalogue} is out of date: run scripts/build_catalogue.py")
            return 1
        return 0
    args.catalogue.write_text(new_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
