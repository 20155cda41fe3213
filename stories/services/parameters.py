"""The clustering and blindspot parameters in force: the settings declared in newsdesk.settings."""

from __future__ import annotations

from django.conf import settings

from stories import clustering, coverage


def cluster_params() -> clustering.ClusterParams:
    """Clustering parameters, with the settings that override the module defaults."""
    return clustering.ClusterParams(
        window_hours=float(settings.STORY_CLUSTER_WINDOW_HOURS),
        link_threshold=float(settings.STORY_CLUSTER_LINK_THRESHOLD),
        meaning_link=float(settings.STORY_CLUSTER_MEANING_LINK),
    )


def blindspot_thresholds() -> coverage.BlindspotParams:
    """The blindspot thresholds in force: the ``BLINDSPOT_*`` settings."""
    return coverage.BlindspotParams(
        min_rated_sources=settings.BLINDSPOT_MIN_RATED_SOURCES,
        max_side_share=settings.BLINDSPOT_MAX_SIDE_SHARE,
        min_side_articles=settings.BLINDSPOT_MIN_SIDE_ARTICLES,
        window_padding_hours=settings.BLINDSPOT_WINDOW_PADDING_HOURS,
    )
