"""The source directory and source pages."""

import pytest

from sources.models import SourceChange
from sources.scales import BiasLabel, Rater
from tests.factories import RatingFactory, SourceFactory, story_with_articles

pytestmark = pytest.mark.django_db


def test_the_directory_filters_by_bias(client):
    SourceFactory(name="Lefty Times", bias=BiasLabel.LEFT)
    SourceFactory(name="Centre Post", bias=BiasLabel.CENTER)

    html = client.get("/sources/", {"bias": "left"}).content.decode()

    assert "Lefty Times" in html
    assert "Centre Post" not in html


def test_the_directory_filters_by_country(client):
    SourceFactory(name="Maple Daily", country="CA")
    SourceFactory(name="Thames Post", country="GB")

    html = client.get("/sources/", {"country": "ca"}).content.decode()

    assert "Maple Daily" in html
    assert "Thames Post" not in html


def test_the_directory_runs_two_queries(client, django_assert_num_queries):
    SourceFactory.create_batch(10)

    with django_assert_num_queries(2):
        assert client.get("/sources/").status_code == 200


def test_a_source_page_shows_the_combined_rating_and_each_raters_own_value(client):
    source = SourceFactory(bias=BiasLabel.LEAN_LEFT, rated_by="allsides,mbfc")
    RatingFactory(source=source, rater=Rater.ALLSIDES, bias_label="Lean Left")
    RatingFactory(source=source, rater=Rater.MBFC, bias_label="left-center")

    html = client.get(source.get_absolute_url()).content.decode()

    assert '<span class="chip chip-left">Lean Left</span>' in html
    assert "<td>left-center" in html
    assert "CC BY-NC 4.0" in html
    assert f'href="https://rater.example/{source.slug}"' in html


def test_a_source_page_hides_factuality_and_ownership_from_free_readers(client):
    source = SourceFactory(
        factuality="very_high", ownership_category="private_equity", owner_name="Birchstone"
    )
    RatingFactory(source=source, rater=Rater.MBFC, factuality_label="very high")

    html = client.get(source.get_absolute_url()).content.decode()

    assert "To view factuality data please" in html
    assert "To view ownership data please" in html
    for gated in ("Very High", "very high", "Private Equity", "Birchstone"):
        assert gated not in html


def test_a_source_page_shows_factuality_and_ownership_to_premium_readers(client, premium_viewer):
    source = SourceFactory(factuality="very_high", owner_name="Birchstone")

    html = client.get(source.get_absolute_url()).content.decode()

    assert "Very High" in html
    assert "Birchstone" in html


def test_the_rating_history_keeps_bias_changes_but_drops_factuality_for_free_readers(client):
    source = SourceFactory()
    SourceChange.objects.create(
        source=source,
        field="rating:allsides",
        old_value="bias Center · factuality High",
        new_value="bias Lean Left · factuality Mixed",
        old_values={"bias_label": "Center", "factuality_label": "High"},
        new_values={"bias_label": "Lean Left", "factuality_label": "Mixed"},
        reason="AllSides review",
    )

    html = client.get(source.get_absolute_url()).content.decode()

    assert "bias Center → bias Lean Left" in html
    assert "Mixed" not in html


def ownership_change(source, reason: str) -> SourceChange:
    return SourceChange.objects.create(
        source=source,
        field="ownership",
        old_value="Independent",
        new_value="Corporate (Zyx Holdings)",
        old_values={"ownership_category": "independent"},
        new_values={"ownership_category": "corporate", "owner_name": "Zyx Holdings"},
        reason=reason,
    )


def rating_change(source, field: str, *, old: dict, new: dict, reason: str) -> SourceChange:
    """A rater's rating change as the services record it (values only; the lines are unused)."""
    return SourceChange.objects.create(
        source=source, field=field, old_values=old, new_values=new, reason=reason
    )


def test_free_readers_do_not_see_the_reason_of_an_ownership_change(client):
    source = SourceFactory()
    ownership_change(source, reason="Acquired by Zyx Holdings")

    html = client.get(source.get_absolute_url()).content.decode()

    assert "To view ownership data please" in html
    assert "Zyx" not in html


def test_free_readers_do_not_see_the_reason_of_a_factuality_change(client):
    source = SourceFactory()
    rating_change(
        source,
        "rating:mbfc",
        old={"bias_label": "left-center", "factuality_label": "high"},
        new={"bias_label": "left-center", "factuality_label": "mixed"},
        reason="Failed three fact checks in 2024",
    )

    html = client.get(source.get_absolute_url()).content.decode()

    assert "fact checks" not in html


def test_free_readers_see_the_reason_of_a_bias_only_change(client):
    source = SourceFactory()
    rating_change(
        source,
        "rating:allsides",
        old={"bias_label": "Center"},
        new={"bias_label": "Lean Left"},
        reason="AllSides blind survey",
    )

    html = client.get(source.get_absolute_url()).content.decode()

    assert "AllSides blind survey" in html


def test_premium_readers_see_the_reason_of_an_ownership_change(client, premium_viewer):
    source = SourceFactory()
    ownership_change(source, reason="Acquired by Zyx Holdings")

    html = client.get(source.get_absolute_url()).content.decode()

    assert "Acquired by Zyx Holdings" in html


def test_a_source_page_lists_recent_stories_it_covers(client):
    source = SourceFactory()
    story_with_articles(2, sources=[source], headline="Covered story")
    story_with_articles(2, headline="Other story")

    html = client.get(source.get_absolute_url()).content.decode()

    assert "Covered story" in html
    assert "Other story" not in html


def test_a_source_page_escapes_hostile_names(client):
    source = SourceFactory(name='"><img src=x onerror=alert(1)>')

    html = client.get(source.get_absolute_url()).content.decode()

    assert "<img src=x" not in html


def test_a_source_page_runs_four_queries(client, django_assert_num_queries):
    source = SourceFactory()
    RatingFactory(source=source, rater=Rater.ALLSIDES)
    RatingFactory(source=source, rater=Rater.MBFC, bias_label="left-center")
    story_with_articles(5, sources=[source])

    with django_assert_num_queries(4):
        assert client.get(source.get_absolute_url()).status_code == 200


def test_an_unknown_source_is_not_found(client):
    assert client.get("/sources/nobody/").status_code == 404
