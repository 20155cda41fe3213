"""The demo shows several raters and a disagreement, without inventing a real rater's words."""

import re

import pytest
from django.test import override_settings

from embedded.demo import demo_outlets_load
from embedded.demo_corpus import CorpusError, load_corpus
from sources.models import Rating, Source
from sources.ratings import RaterVerdict, combine_ratings
from sources.scales import Rater
from sources.services import source_upsert_rating
from tests.conftest import REPO_ROOT
from tests.factories import SourceFactory

CORPUS_DIR = REPO_ROOT / "demo" / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS_DIR)


def combined(outlet):
    return combine_ratings(
        [
            RaterVerdict(Rater.EDITOR, outlet.bias, outlet.factuality),
            RaterVerdict(Rater.DEMO, outlet.watch_bias, outlet.watch_factuality),
        ]
    )


def test_a_second_fictional_rater_rates_many_demo_outlets(corpus):
    assert len([o for o in corpus.outlets if o.watch_bias]) >= 10


def test_the_two_demo_raters_disagree_on_at_least_one_outlet(corpus):
    rated_twice = [o for o in corpus.outlets if o.bias and o.watch_bias]

    assert [o.slug for o in rated_twice if combined(o).raters_disagree]


def test_the_second_rater_never_changes_the_side_an_outlet_counts_for(corpus):
    """The stories were written with planned splits and blindspots by the editors' labels."""
    rated_twice = [o for o in corpus.outlets if o.bias and o.watch_bias]

    assert {o.slug: combined(o).bias for o in rated_twice} == {o.slug: o.bias for o in rated_twice}


def test_a_label_the_site_does_not_know_is_rejected_with_its_line(tmp_path):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories.csv").write_text("key,working_title,planned_blindspot\n")
    (tmp_path / "outlets.csv").write_text(
        "slug,name,domain,country,ownership_category,owner_name,bias,factuality,"
        "watch_bias,watch_factuality,feed_status\n"
        "a,A,a.example,US,unknown,,center,high,centre,,ok\n"
    )

    with pytest.raises(CorpusError, match=r"outlets.csv:2: 'centre'"):
        load_corpus(tmp_path)


@pytest.mark.django_db
def test_demo_outlets_are_rated_only_by_the_editors_and_the_fictional_rater(corpus):
    demo_outlets_load(corpus=corpus)

    raters = set(Rating.objects.values_list("rater", flat=True))

    assert raters == {Rater.EDITOR, Rater.DEMO}


@pytest.mark.django_db
def test_the_source_page_of_a_demo_outlet_rated_twice_shows_both_raters_and_their_disagreement(
    client, tmp_path
):
    demo_outlets_load(corpus=load_corpus(CORPUS_DIR))
    source = Source.objects.get(slug="heartland-herald")

    with override_settings(DEMO_MODE_MARKER=tmp_path / "demo-mode"):
        (tmp_path / "demo-mode").write_text("demo\n")
        html = client.get(source.get_absolute_url()).text

    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<·]+)', html)
    assert {rater: bias.strip() for rater, bias in rows} == {
        "Newsdesk editors": "Lean Right",
        "Demo Media Watch (fictional)": "Lean Left",
    }
    assert "The raters disagree on this outlet's bias by two points or more." in html
    assert "takes precedence over the other raters" in html
    assert "Demo Media Watch (fictional) rating: (none) → bias Lean Left" in html


@pytest.mark.django_db
def test_the_fictional_rater_cannot_rate_a_real_outlet():
    real = SourceFactory(domain="real-news.org")

    with pytest.raises(ValueError, match="only demo"):
        source_upsert_rating(source=real, rater=Rater.DEMO, bias_label="center")

    assert not Rating.objects.filter(source=real).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_both_demo_raters_and_their_disagreement_on_the_source_page(
    live_server, page, settings, artifacts_dir
):
    settings.DEMO_MODE = True
    demo_outlets_load(corpus=load_corpus(CORPUS_DIR))
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(live_server.url + Source.objects.get(slug="tri-county-observer").get_absolute_url())

    table = page.locator("section[aria-labelledby=rating-heading] table")
    assert table.locator("tr", has_text="Newsdesk editors").locator("td").first.inner_text() == (
        "Center"
    )
    assert table.locator("tr", has_text="Demo Media Watch (fictional)").locator(
        "td"
    ).first.inner_text() == ("Right")
    assert page.locator(".note", has_text="The raters disagree").is_visible()
    page.screenshot(path=str(artifacts_dir / "demo-source-two-raters.png"), full_page=True)
