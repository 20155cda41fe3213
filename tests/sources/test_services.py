"""Writes to sources: history of every change, combined rating, signal after commit."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from sources.models import Rating, Source, SourceChange
from sources.scales import BiasLabel, FactualityLabel, OwnershipCategory, Rater
from sources.services import (
    source_delete_rating,
    source_refresh_combined_rating,
    source_set_ownership,
    source_upsert_rating,
)
from sources.signals import source_rating_changed
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source() -> Source:
    return SourceFactory(
        name="ABC News",
        domain="abcnews.go.com",
        bias=BiasLabel.UNRATED,
        factuality=FactualityLabel.UNRATED,
        ownership_category=OwnershipCategory.UNKNOWN,
        owner_name="",
    )


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password="x")


@pytest.fixture
def sent() -> list[int]:
    """Source ids ``source_rating_changed`` was sent for, in order."""
    received: list[int] = []

    def receiver(sender, source_id, **kwargs):
        received.append(source_id)

    source_rating_changed.connect(receiver)
    yield received
    source_rating_changed.disconnect(receiver)


def test_a_new_rating_is_created_and_sets_the_combined_rating(source):
    result = source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Lean Left")
    source.refresh_from_db()
    assert result == "created"
    assert (source.bias, source.bias_value, source.rated_by) == (
        BiasLabel.LEAN_LEFT,
        -1,
        "allsides",
    )


def test_the_same_rating_again_is_unchanged_and_adds_no_history(source):
    source_upsert_rating(source=source, rater=Rater.MBFC, bias_label="left", bias_score=None)
    before = SourceChange.objects.count()
    result = source_upsert_rating(source=source, rater=Rater.MBFC, bias_label="left")
    assert result == "unchanged"
    assert SourceChange.objects.count() == before


def test_scores_compare_at_two_decimals_so_reimports_are_unchanged(source):
    source_upsert_rating(
        source=source, rater=Rater.AD_FONTES, bias_score=-4.66, reliability_score="46.64"
    )
    again = source_upsert_rating(
        source=source, rater=Rater.AD_FONTES, bias_score=Decimal("-4.660"), reliability_score=46.64
    )
    assert again == "unchanged"


def test_a_changed_rating_is_recorded_with_who_old_new_and_why(source, editor):
    source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Lean Left")
    result = source_upsert_rating(
        source=source,
        rater=Rater.ALLSIDES,
        bias_label="Center",
        changed_by=editor,
        reason="AllSides re-rated it in 2024",
    )
    change = SourceChange.objects.filter(field="rating:allsides").first()
    assert result == "updated"
    assert (change.old_value, change.new_value) == ("bias Lean Left", "bias Center")
    assert (change.changed_by, change.reason) == (editor, "AllSides re-rated it in 2024")
    assert change.changed_at is not None


def test_a_change_of_the_combined_rating_is_recorded_too(source):
    source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Right")
    change = SourceChange.objects.get(field="combined")
    assert change.old_value == "bias Unrated · factuality Unrated"
    assert change.new_value == "bias Right · factuality Unrated by allsides"


def test_a_rating_that_says_nothing_is_refused(source):
    with pytest.raises(ValueError, match="needs a bias label"):
        source_upsert_rating(source=source, rater=Rater.MBFC, url="https://mbfc.example")


def test_an_unknown_rater_is_refused(source):
    with pytest.raises(ValueError, match="unknown rater"):
        source_upsert_rating(source=source, rater="newsguard", bias_label="Left")


def test_deleting_the_only_rating_makes_the_source_unrated_again(source, editor):
    source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Left")
    assert source_delete_rating(source=source, rater=Rater.ALLSIDES, changed_by=editor)
    source.refresh_from_db()
    assert source.bias == BiasLabel.UNRATED
    assert source.bias_value is None
    assert SourceChange.objects.filter(field="rating:allsides", new_value="").exists()


def test_the_signal_is_sent_after_commit_when_the_combined_bias_changes(
    source, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Left")
        assert sent == []  # not before commit
    for callback in callbacks:
        callback()
    assert sent == [source.pk]


def test_no_signal_when_a_new_rating_leaves_the_combined_rating_as_it_was(
    source, sent, django_capture_on_commit_callbacks
):
    source_upsert_rating(source=source, rater=Rater.EDITOR, bias_label=BiasLabel.CENTER)
    with django_capture_on_commit_callbacks(execute=True):
        # The Editor overrides, so AllSides' view changes only the spread.
        result = source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Right")
    assert result == "created"
    assert sent == []


def test_no_signal_when_the_change_is_rolled_back(source, sent, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Left")
        raise RuntimeError("the surrounding work failed")
    assert sent == []
    assert not Rating.objects.filter(source=source).exists()


def test_an_ownership_change_is_recorded_and_signalled(
    source, editor, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        changed = source_set_ownership(
            source=source,
            ownership_category=OwnershipCategory.MEDIA_CONGLOMERATE,
            owner_name="The Walt Disney Company",
            changed_by=editor,
            reason="annual report",
        )
    change = SourceChange.objects.get(field="ownership")
    assert changed
    assert change.old_value == "Other / Unknown"
    assert change.new_value == "Media Conglomerate (The Walt Disney Company)"
    assert sent == [source.pk]


def test_setting_the_same_ownership_again_changes_nothing(source, sent):
    source_set_ownership(source=source, ownership_category=OwnershipCategory.UNKNOWN)
    assert not SourceChange.objects.exists()
    assert sent == []


def test_refresh_reads_an_editor_rating_created_directly(source):
    Rating.objects.create(source=source, rater=Rater.EDITOR, bias_label=BiasLabel.LEAN_RIGHT)
    assert source_refresh_combined_rating(source=source)
    source.refresh_from_db()
    assert source.bias == BiasLabel.LEAN_RIGHT
