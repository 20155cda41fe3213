"""Reads from sources: batch domain matching agrees with the one-URL selector; history."""

import pytest

from sources.models import SourceDomain
from sources.scales import Rater
from sources.selectors import source_find_by_url, source_history, source_map_by_hosts
from sources.services import source_upsert_rating
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlets():
    abc = SourceFactory(name="ABC News", domain="abcnews.go.com")
    disney = SourceFactory(name="Go Network", domain="go.com")
    bbc = SourceFactory(name="BBC News", domain="bbc.co.uk")
    SourceDomain.objects.create(source=bbc, domain="bbci.co.uk")
    return {"abc": abc, "go": disney, "bbc": bbc}


HOSTS = [
    "abcnews.go.com",
    "www.abcnews.go.com",
    "espn.go.com",
    "feeds.bbci.co.uk",
    "bbc.co.uk",
    "unknown.example",
]


def test_batch_matching_agrees_with_matching_one_url_at_a_time(outlets):
    found = source_map_by_hosts(HOSTS)
    for host in HOSTS:
        assert found.get(host) == source_find_by_url(host), host


def test_batch_matching_prefers_the_most_specific_domain(outlets):
    found = source_map_by_hosts(["abcnews.go.com", "espn.go.com"])
    assert found == {"abcnews.go.com": outlets["abc"], "espn.go.com": outlets["go"]}


def test_batch_matching_finds_an_alias_through_a_subdomain(outlets):
    assert source_map_by_hosts(["feeds.bbci.co.uk"]) == {"feeds.bbci.co.uk": outlets["bbc"]}


def test_history_lists_the_newest_change_first(outlets):
    source = outlets["bbc"]
    source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Center")
    source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Lean Left")
    history = source_history(source=source, limit=1)
    assert len(history) == 1
    assert history[0].field == "combined"
    assert history[0].new_value.startswith("bias Lean Left")
