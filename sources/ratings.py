"""Combine what each rater says about an outlet into the rating the site shows.

Pure: no ORM, no settings, no clock. Input is one ``RaterVerdict`` per rater, output one
``CombinedRating``. (First version: Editor override, otherwise AllSides labels only; the full
versioned mapping of every rater's scale replaces this.)
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sources.scales import BIAS_VALUES, BiasLabel, FactualityLabel, Rater

MAPPING_VERSION = "0"


@dataclass(frozen=True)
class RaterVerdict:
    rater: str
    bias_label: str = ""
    factuality_label: str = ""
    bias_score: float | None = None
    reliability_score: float | None = None


@dataclass(frozen=True)
class CombinedRating:
    bias: str = BiasLabel.UNRATED
    bias_value: float | None = None
    bias_spread: float | None = None
    factuality: str = FactualityLabel.UNRATED
    factuality_value: float | None = None
    factuality_spread: float | None = None
    raters: tuple[str, ...] = ()

    @property
    def raters_disagree(self) -> bool:
        return (self.bias_spread or 0) >= 2


_ALLSIDES_BIAS = {
    "left": BiasLabel.LEFT,
    "lean left": BiasLabel.LEAN_LEFT,
    "center": BiasLabel.CENTER,
    "lean right": BiasLabel.LEAN_RIGHT,
    "right": BiasLabel.RIGHT,
}


def combine_ratings(verdicts: Sequence[RaterVerdict]) -> CombinedRating:
    by_rater = {v.rater: v for v in verdicts}
    editor = by_rater.get(Rater.EDITOR)
    if editor and editor.bias_label in BIAS_VALUES:
        return CombinedRating(
            bias=editor.bias_label,
            bias_value=BIAS_VALUES[editor.bias_label],
            raters=(Rater.EDITOR,),
        )
    allsides = by_rater.get(Rater.ALLSIDES)
    label = _ALLSIDES_BIAS.get(allsides.bias_label.strip().lower()) if allsides else None
    if label is None:
        return CombinedRating()
    return CombinedRating(bias=label, bias_value=BIAS_VALUES[label], raters=(Rater.ALLSIDES,))
