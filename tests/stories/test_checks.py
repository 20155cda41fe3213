"""System checks for the stories settings."""

import pytest

from stories.checks import check_clustering_and_blindspot_settings


def test_the_declared_settings_pass():
    assert check_clustering_and_blindspot_settings() == []


@pytest.mark.parametrize("name", ["STORY_CLUSTER_LINK_THRESHOLD", "STORY_CLUSTER_MEANING_LINK"])
@pytest.mark.parametrize("threshold", [0, 1.5, "0.4"])
def test_a_link_threshold_that_is_not_a_cosine_is_an_error(settings, name, threshold):
    setattr(settings, name, threshold)

    assert [e.id for e in check_clustering_and_blindspot_settings()] == ["stories.E002"]


def test_a_window_of_no_hours_is_an_error(settings):
    settings.STORY_CLUSTER_WINDOW_HOURS = 0

    assert [e.id for e in check_clustering_and_blindspot_settings()] == ["stories.E001"]
