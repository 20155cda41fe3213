"""Which picture a story shows. Pure: plain values in, a picture key out.

A story shows the picture of its earliest original report that has one:

* the earliest, because the first outlet to report set the story's picture, and because it
  stays put as coverage grows: a card whose picture changed with every new article would look
  like another story each visit (and would re-render every cached page for nothing);
* an original report before a wire copy, because a copy's picture is the agency's or a stock
  one chosen by a republisher, not the reporting outlet's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PictureCandidate:
    article_id: int
    image: str  # the stored picture's key ("" when the article has none)
    is_wire_copy: bool
    seen_at: datetime  # published, else first seen


def story_picture(candidates: Iterable[PictureCandidate]) -> str:
    """The key of the picture the story shows, "" when no article has one."""
    with_picture = [c for c in candidates if c.image]
    if not with_picture:
        return ""
    best = min(with_picture, key=lambda c: (c.is_wire_copy, c.seen_at, c.article_id))
    return best.image
