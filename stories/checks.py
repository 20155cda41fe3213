"""System checks for the stories settings (ids stories.E001, stories.E002)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from infra.checks import numbers_out_of_range


@register()
def check_clustering_and_blindspot_settings(**kwargs: Any) -> list[Error]:
    """The clustering window, blindspot thresholds and text retention are positive; the link
    threshold is a cosine, above 0 and at most 1."""
    errors = numbers_out_of_range(
        [
            "STORY_CLUSTER_WINDOW_HOURS",
            "BLINDSPOT_MIN_RATED_SOURCES",
            "BLINDSPOT_MAX_SIDE_SHARE",
            "ARTICLE_TEXT_RETENTION_DAYS",
        ],
        check_id="stories.E001",
        whole=True,
    )
    errors += numbers_out_of_range(
        ["BLINDSPOT_MIN_SIDE_ARTICLES", "BLINDSPOT_WINDOW_PADDING_HOURS"],
        check_id="stories.E001",
        whole=True,
        allow_zero=True,
    )
    threshold = settings.STORY_CLUSTER_LINK_THRESHOLD
    if numbers_out_of_range(["STORY_CLUSTER_LINK_THRESHOLD"], check_id="") or threshold > 1:
        errors.append(
            Error(
                "STORY_CLUSTER_LINK_THRESHOLD must be above 0 and at most 1 "
                f"(it is {threshold!r}).",
                id="stories.E002",
            )
        )
    return errors
