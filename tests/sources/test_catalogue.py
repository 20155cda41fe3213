"""The default catalogue file, its checks, and manage.py load_catalogue."""

import csv
import json
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sources.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    CatalogueError,
    CatalogueOutlet,
    catalogue_outlet_for_url,
    parse_catalogue,
)
from sources.domains import candidate_domains
from sources.models import Feed, Rating, Source, SourceChange, SourceDomain
from sources.ratings import RaterVerdict, combine_ratings, read_bias
from sources.scales import BIAS_SIDES, BIAS_VALUES, Side
from sources.selectors import source_find_by_url
from sources.services import source_upsert_rating

# The outlet each recorded feed in ../shared/data/feeds/outlets/ was published by.
RECORDED_FEED_OUTLETS = {
    "ndtv.rss.xml": "ndtv",
    "restofworld.rss.xml": "rest-of-world",
    "theweek.rss.xml": "the-week",
    "bbc_news_world.rss.xml": "bbc-news",
    "japantoday_world.rss.xml": "japan-today",
    "csmonitor_all.rss.xml": "christian-science-monitor",
    "wsj_world.rss.xml": "wall-street-journal",
    "washingtonpost_world.rss.xml": "washington-post",
    "abc_net_au_topstories.rss.xml": "abc-news-australia",
    "time_tech.rss.xml": "time",
    "allafrica_latest.rss.xml": "allafrica",
    "elpais_english.rss.xml": "el-pais-english",
    "al_monitor.rss.xml": "al-monitor",
    "nytimes_world.rss.xml": "new-york-times",
    "economist_asia.rss.xml": "the-economist",
    "404media.rss.xml": "404-media",
    "boston_com_world.rss.xml": "boston-com",
    "foreignpolicy.rss.xml": "foreign-policy",
    "mercopress.rss.xml": "mercopress",
    "abcnews_international.rss.xml": "abc-news",
}


@pytest.fixture(scope="module")
def catalogue() -> tuple[CatalogueOutlet, ...]:
    return parse_catalogue(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def _outlet_entry(**fields: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "slug": "example-news",
        "name": "Example News",
        "homepage": "https://www.example-news.org/",
        "domain": "example-news.org",
        "country": "GB",
        "ownership_category": "independent",
        "feeds": ["https://www.example-news.org/feed/"],
        "ratings": [
            {
                "rater": "allsides",
                "bias_label": "Center",
                "from": [{"file": "allsides_domains_2023.csv", "key": "example-news.org"}],
            }
        ],
    }
    entry.update(fields)
    return entry


def _catalogue_text(*entries: dict[str, object]) -> str:
    return json.dumps({"format": "newsdesk-catalogue", "version": 1, "outlets": list(entries)})


# --- the shipped file ------------------------------------------------------------------------


def test_the_shipped_catalogue_passes_its_checks_with_at_least_150_outlets(catalogue):
    assert len(catalogue) >= 150


def test_an_outlet_is_found_by_its_domain_or_an_alias(catalogue):
    """NDTV's feed channel links to feeds.ndtv.com, an alias of ndtv.com."""
    assert catalogue_outlet_for_url(catalogue, "https://feeds.ndtv.com/").name == "NDTV"
    assert catalogue_outlet_for_url(catalogue, "https://www.ndtv.com/world-news").name == "NDTV"
    assert catalogue_outlet_for_url(catalogue, "https://news.example.org/") is None


def test_no_two_outlets_share_a_slug_a_host_or_a_feed(catalogue):
    slugs = Counter(o.slug for o in catalogue)
    hosts = Counter(host for o in catalogue for host in o.hosts)
    feeds = Counter(feed for o in catalogue for feed in o.feeds)

    assert [s for s, n in slugs.items() if n > 1] == []
    assert [h for h, n in hosts.items() if n > 1] == []
    assert [f for f, n in feeds.items() if n > 1] == []


def test_left_center_and_right_are_each_well_represented_in_the_combined_ratings(catalogue):
    sides = Counter()
    for outlet in catalogue:
        combined = combine_ratings([RaterVerdict.of(r) for r in outlet.ratings])
        if combined.bias in BIAS_SIDES:
            sides[BIAS_SIDES[combined.bias]] += 1

    assert all(sides[side] >= 30 for side in Side), sides


def test_some_rater_places_an_outlet_on_each_of_the_seven_bias_points(catalogue):
    points = set()
    for outlet in catalogue:
        for rating in outlet.ratings:
            reading = read_bias(RaterVerdict.of(rating))
            if reading is not None and reading.label:
                points.add(reading.label)

    assert points >= set(BIAS_VALUES)


def test_outlets_come_from_the_main_english_speaking_countries_and_beyond(catalogue):
    countries = Counter(o.country for o in catalogue)

    assert {"US", "GB", "CA", "AU", "IN", "IE", "NZ", "ZA"} <= set(countries)
    assert len(countries) >= 15
    assert countries["US"] < len(catalogue) * 0.6


def test_every_rating_names_a_shared_rating_file_that_has_the_row_it_came_from(
    catalogue, shared_data
):
    ratings_dir = shared_data / "ratings"
    text = {path.name: path.read_text(encoding="utf-8") for path in ratings_dir.iterdir()}
    for outlet in catalogue:
        for rating in outlet.ratings:
            for origin in rating.origins:
                assert origin.file in text, (outlet.slug, origin.file)
                assert origin.key in text[origin.file], (outlet.slug, origin)


def test_ad_fontes_scores_are_copied_exactly_as_published(catalogue, shared_data):
    with (shared_data / "ratings" / "adfontes_2022.csv").open(encoding="utf-8") as handle:
        published = {row["source"]: row for row in csv.DictReader(handle)}
    copied = [
        (rating, published[rating.origins[0].key])
        for outlet in catalogue
        for rating in outlet.ratings
        if rating.rater == "adfontes"
    ]

    assert len(copied) >= 50
    for rating, row in copied:
        assert rating.bias_score == Decimal(row["bias"])
        assert rating.reliability_score == Decimal(row["reliability"])


def test_allsides_labels_are_copied_exactly_as_published_in_the_2023_file(catalogue, shared_data):
    path = shared_data / "ratings" / "allsides_domains_2023.csv"
    with path.open(encoding="utf-8") as handle:
        published = {row["domain"]: row["rating"] for row in csv.DictReader(handle)}
    copied = [
        (rating.bias_label, published[rating.origins[0].key])
        for outlet in catalogue
        for rating in outlet.ratings
        if rating.rater == "allsides" and rating.origins[0].file == path.name
    ]

    assert len(copied) >= 50
    assert all(ours == theirs for ours, theirs in copied)


def test_a_recorded_feeds_channel_link_host_is_a_catalogue_host_or_under_one(
    catalogue, shared_data
):
    """Pure counterpart of the database test below: no host is left without an outlet."""
    hosts = {host: o.slug for o in catalogue for host in o.hosts}
    with (shared_data / "feeds" / "outlets" / "index.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    assert {row["file"] for row in rows} == set(RECORDED_FEED_OUTLETS)
    for row in rows:
        matches = [hosts[h] for h in candidate_domains(row["channel_link"]) if h in hosts]
        assert matches[:1] == [RECORDED_FEED_OUTLETS[row["file"]]], row["channel_link"]


# --- checks on a malformed file --------------------------------------------------------------


def test_a_bad_entry_is_reported_with_its_number_and_slug():
    text = _catalogue_text(_outlet_entry(), _outlet_entry(slug="second", domain="https://x.org/"))

    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(text)

    assert raised.value.errors[0].startswith("outlet 2 (second): domain")


def test_an_alias_shared_by_two_outlets_is_reported_on_the_later_one():
    first = _outlet_entry(aliases=["feeds.example-news.org"])
    second = _outlet_entry(
        slug="other",
        domain="other.org",
        homepage="https://other.org/",
        aliases=["feeds.example-news.org"],
        feeds=["https://other.org/rss"],
    )

    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(_catalogue_text(first, second))

    assert raised.value.errors == [
        "outlet 2 (other): domain or alias 'feeds.example-news.org' is already used by outlet 1"
    ]


def test_a_rating_that_says_nothing_is_rejected():
    entry = _outlet_entry(ratings=[{"rater": "mbfc", "from": [{"file": "f.csv", "key": "k"}]}])

    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(_catalogue_text(entry))

    assert "outlet 1 (example-news): rating 1: says nothing" in str(raised.value)


def test_invalid_json_is_reported_with_its_line():
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue('{\n  "outlets": [\n    {,\n  ]\n}')

    assert "line 3" in str(raised.value)


# --- loading into the database ---------------------------------------------------------------


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_catalogue", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Source, SourceDomain, Feed, Rating, SourceChange)
    }


@pytest.mark.django_db
def test_every_recorded_feeds_channel_link_resolves_to_its_outlet_after_loading(shared_data):
    _load()
    with (shared_data / "feeds" / "outlets" / "index.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    found = {row["file"]: source_find_by_url(row["channel_link"]) for row in rows}

    assert {file: s.slug if s else None for file, s in found.items()} == RECORDED_FEED_OUTLETS


@pytest.mark.django_db
def test_loading_writes_every_outlet_alias_feed_and_rating_of_the_file(catalogue):
    output = _load()

    assert _row_counts()["Source"] == len(catalogue)
    assert f"sources: {len(catalogue)} created" in output
    assert SourceDomain.objects.count() == sum(len(o.aliases) for o in catalogue)
    assert Feed.objects.count() == sum(len(o.feeds) for o in catalogue)
    assert Rating.objects.count() == sum(len(o.ratings) for o in catalogue)


@pytest.mark.django_db
def test_loading_a_second_time_creates_and_changes_nothing():
    _load()
    before = _row_counts()

    output = _load()

    assert _row_counts() == before
    assert output.count("0 created, 0 updated") == 4
    assert "Nothing changed" in output


@pytest.mark.django_db
def test_loading_restores_a_rating_changed_since_and_records_it(catalogue):
    _load()
    bbc = Source.objects.get(slug="bbc-news")
    Rating.objects.filter(source=bbc, rater="allsides").update(bias_label="Right")

    output = _load()

    assert "ratings: 0 created, 1 updated" in output
    shipped = next(
        r for o in catalogue if o.slug == "bbc-news" for r in o.ratings if r.rater == "allsides"
    )
    assert Rating.objects.get(source=bbc, rater="allsides").bias_label == shipped.bias_label
    assert bbc.changes.filter(field="rating:allsides").count() == 2


@pytest.mark.django_db
def test_a_malformed_file_fails_with_the_entry_number_and_writes_nothing(tmp_path: Path):
    bad = tmp_path / "catalogue.json"
    bad.write_text(
        _catalogue_text(_outlet_entry(), _outlet_entry(slug="bad", country="United Kingdom")),
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"outlet 2 \(bad\): country"):
        _load("--file", str(bad))

    assert _row_counts() == dict.fromkeys(_row_counts(), 0)


@pytest.mark.django_db
def test_a_clash_with_an_existing_source_fails_and_writes_nothing(tmp_path: Path):
    Source.objects.create(slug="someone-else", name="Someone Else", domain="feeds.example.org")
    path = tmp_path / "catalogue.json"
    path.write_text(_catalogue_text(_outlet_entry(aliases=["feeds.example.org"])), encoding="utf-8")

    with pytest.raises(CommandError, match=r"alias feeds\.example\.org is the domain of"):
        _load("--file", str(path))

    assert _row_counts() == {**dict.fromkeys(_row_counts(), 0), "Source": 1}


@pytest.mark.django_db
def test_a_rating_the_catalogue_wrote_and_then_dropped_is_removed(tmp_path: Path):
    path = tmp_path / "catalogue.json"
    path.write_text(_catalogue_text(_outlet_entry()), encoding="utf-8")
    _load("--file", str(path))
    path.write_text(_catalogue_text(_outlet_entry(ratings=[])), encoding="utf-8")

    output = _load("--file", str(path))

    assert "1 deleted" in output
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_a_rating_changed_by_someone_else_stays_when_the_catalogue_drops_it(tmp_path: Path):
    path = tmp_path / "catalogue.json"
    path.write_text(_catalogue_text(_outlet_entry()), encoding="utf-8")
    _load("--file", str(path))
    source = Source.objects.get(slug="example-news")
    source_upsert_rating(
        source=source, rater="allsides", bias_label="Lean Left", reason="checked by an editor"
    )
    path.write_text(_catalogue_text(_outlet_entry(ratings=[])), encoding="utf-8")

    output = _load("--file", str(path))

    assert "deleted" not in output
    assert Rating.objects.get(source=source).bias_label == "Lean Left"
