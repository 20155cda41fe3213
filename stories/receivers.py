"""Signal receivers connected in ``StoriesConfig.ready()``."""

from __future__ import annotations

from typing import Any


def on_source_rating_changed(sender: Any, *, source_id: int, **kwargs: Any) -> None:
    """A source's combined rating or ownership changed (sent after commit): refresh stories."""
    from stories.tasks import stories_recompute_for_source

    stories_recompute_for_source.delay(source_id)
