"""Combine what each rater says about an outlet into the rating the site shows.

Over 400 lines on purpose: the versioned mapping table (data, rendered on /methodology/) sits
beside the few functions that read it, so a change to one is seen with the other.

Pure: no ORM, no settings, no clock. Input is one ``RaterVerdict`` per rater (the values
exactly as the rater published them), output one ``CombinedRating``.

How it works
------------
1. Every published value is read through ``MAPPING``, a versioned table of rows
   (rater, scale, published value, our label, numeric value, note). The public methodology
   page renders this table as it is. A value the table does not list is *unknown*: the
   importer rejects it and ``combine_ratings`` ignores it. A value listed with an empty label
   is documented as *not a rating on that scale* (AllSides "Mixed", MBFC "satire" …) and is
   ignored too.
2. Bias is placed on -3 (Far Left) … +3 (Far Right), factuality on 0 (Very Low) … 5 (Very High)
   (``sources.scales``). Ad Fontes publishes numbers, read through bands (see the table).
3. For each scale the combined value is the mean of the raters' values; the label is the
   nearest point, with exact halves going toward Center (bias) or toward the lower level
   (factuality), so an outlet is never called more partisan or more factual than the mean says.
4. An Editor rating overrides the raters on each scale it gives (bias and factuality
   separately). The spread (largest minus smallest value, Editor included) still shows how much
   the raters disagree.
5. No usable value on a scale → "Unrated" with no number; it is never counted as Center.

Change ``MAPPING_VERSION`` whenever a row, band or rule here changes: stored combined ratings
record which version produced them (see ``sources.services``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sources.scales import (
    BIAS_VALUES,
    FACTUALITY_VALUES,
    OWN_LABEL_RATERS,
    BiasLabel,
    FactualityLabel,
    Rater,
)

# 1: every value used by AllSides (2019, 2023), MBFC (2024 dump, EMNLP 2018 set, 2025
#    "Objective Reporting" scores), Ad Fontes (2022 scores) and Editor.
# 2: the demo corpus's fictional rater, which publishes our own labels as editors do.
MAPPING_VERSION = "2"

BIAS = "bias"
FACTUALITY = "factuality"

# Raters' spreads of at least this many points (Lean Left vs Lean Right, Center vs Left …)
# flag the outlet as "raters disagree" in the admin and on its page.
DISAGREEMENT_THRESHOLD_POINTS = 2.0

# Ad Fontes' chart: bias -42 … +42 in columns 12 points wide, reliability 0 … 64 in rows
# 8 points wide. Bias score ÷ 12 puts the columns' centres on our -3 … +3.
AD_FONTES_BIAS_POINTS_PER_STEP = 12.0
AD_FONTES_BIAS_MAX = 42.0
AD_FONTES_RELIABILITY_MAX = 64.0
# Lowest reliability score of each factuality level, best first.
AD_FONTES_RELIABILITY_FLOORS: tuple[tuple[float, str], ...] = (
    (48.0, FactualityLabel.VERY_HIGH),
    (40.0, FactualityLabel.HIGH),
    (32.0, FactualityLabel.MOSTLY_FACTUAL),
    (24.0, FactualityLabel.MIXED),
    (16.0, FactualityLabel.LOW),
    (0.0, FactualityLabel.VERY_LOW),
)


@dataclass(frozen=True)
class MappingRow:
    """One line of the methodology table.

    ``label`` is one of our BiasLabel / FactualityLabel values, or "" when the published value
    is documented as not being a rating on this scale.
    """

    rater: str
    scale: str
    published: str
    label: str
    value: float | None
    note: str = ""


def _bias_row(rater: str, published: str, label: str, note: str = "") -> MappingRow:
    value = BIAS_VALUES.get(label)
    return MappingRow(rater, BIAS, published, label, None if value is None else float(value), note)


def _fact_row(rater: str, published: str, label: str, note: str = "") -> MappingRow:
    value = FACTUALITY_VALUES.get(label)
    return MappingRow(
        rater, FACTUALITY, published, label, None if value is None else float(value), note
    )


_NOT_A_RATING = ""
_B, _F = BiasLabel, FactualityLabel

MAPPING: tuple[MappingRow, ...] = (
    # AllSides: five points; its "Left"/"Right" are its outermost points, which we keep as Left
    # and Right (AllSides has nothing further out). The 2019 dataset spells Lean Left/Right as
    # "left-center"/"right-center" and Mixed as "allsides".
    _bias_row(Rater.ALLSIDES, "left", _B.LEFT),
    _bias_row(Rater.ALLSIDES, "lean left", _B.LEAN_LEFT),
    _bias_row(Rater.ALLSIDES, "left-center", _B.LEAN_LEFT, "2019 dataset's spelling"),
    _bias_row(Rater.ALLSIDES, "center", _B.CENTER),
    _bias_row(Rater.ALLSIDES, "lean right", _B.LEAN_RIGHT),
    _bias_row(Rater.ALLSIDES, "right-center", _B.LEAN_RIGHT, "2019 dataset's spelling"),
    _bias_row(Rater.ALLSIDES, "right", _B.RIGHT),
    _bias_row(
        Rater.ALLSIDES,
        "mixed",
        _NOT_A_RATING,
        "content from across the spectrum (aggregators); not a position",
    ),
    _bias_row(Rater.ALLSIDES, "allsides", _NOT_A_RATING, "2019 dataset's code for Mixed"),
    # MBFC bias. MBFC also files outlets under categories that are not positions
    # (pro-science, conspiracy-pseudoscience, questionable, satire); when such a value carries a
    # lean ("right conspiracy-pseudoscience", "pro-science (left-leaning)") the lean is used.
    # Spelling variants in the data ("far-right", en dashes, "psuedoscience") are reduced to
    # these rows by ``mbfc_bias_key``.
    _bias_row(Rater.MBFC, "extreme left", _B.FAR_LEFT),
    _bias_row(Rater.MBFC, "far left", _B.FAR_LEFT),
    _bias_row(Rater.MBFC, "left", _B.LEFT),
    _bias_row(Rater.MBFC, "left-center", _B.LEAN_LEFT),
    _bias_row(Rater.MBFC, "least biased", _B.CENTER, 'also MBFC\'s older "center"'),
    _bias_row(Rater.MBFC, "center", _B.CENTER, "EMNLP 2018 dataset's name for least biased"),
    _bias_row(Rater.MBFC, "right-center", _B.LEAN_RIGHT),
    _bias_row(Rater.MBFC, "right", _B.RIGHT),
    _bias_row(Rater.MBFC, "far right", _B.FAR_RIGHT, 'includes "alt-right"'),
    _bias_row(Rater.MBFC, "extreme right", _B.FAR_RIGHT),
    _bias_row(Rater.MBFC, "pro-science", _NOT_A_RATING, "a category, not a position"),
    _bias_row(
        Rater.MBFC,
        "conspiracy-pseudoscience",
        _NOT_A_RATING,
        "a category, not a position (also conspiracy, pseudoscience, quackery)",
    ),
    _bias_row(
        Rater.MBFC, "questionable", _NOT_A_RATING, 'a category, not a position (also "junk news")'
    ),
    _bias_row(Rater.MBFC, "satire", _NOT_A_RATING, "a category, not a position"),
    _bias_row(Rater.MBFC, "not rated", _NOT_A_RATING, 'also "unrated"'),
    # MBFC factual reporting: the same six levels as ours.
    _fact_row(Rater.MBFC, "very high", _F.VERY_HIGH),
    _fact_row(Rater.MBFC, "high", _F.HIGH),
    _fact_row(Rater.MBFC, "mostly factual", _F.MOSTLY_FACTUAL),
    _fact_row(Rater.MBFC, "mixed", _F.MIXED),
    _fact_row(Rater.MBFC, "low", _F.LOW),
    _fact_row(Rater.MBFC, "very low", _F.VERY_LOW),
    # MBFC's 2025 data gives "Objective Reporting" 1-6 instead of words; the counts per score
    # match the counts per word in the 2024 dump, 6 being Very High.
    _fact_row(Rater.MBFC, "objective reporting 6", _F.VERY_HIGH),
    _fact_row(Rater.MBFC, "objective reporting 5", _F.HIGH),
    _fact_row(Rater.MBFC, "objective reporting 4", _F.MOSTLY_FACTUAL),
    _fact_row(Rater.MBFC, "objective reporting 3", _F.MIXED),
    _fact_row(Rater.MBFC, "objective reporting 2", _F.LOW),
    _fact_row(Rater.MBFC, "objective reporting 1", _F.VERY_LOW),
    _fact_row(Rater.MBFC, "objective reporting n/a", _NOT_A_RATING, "satire and the like"),
    # Ad Fontes: numbers, read through bands (rendered from the constants above).
    *(
        MappingRow(
            Rater.AD_FONTES,
            BIAS,
            f"bias score {low:+g} to {high:+g}",
            label,
            float(BIAS_VALUES[label]),
            "numeric value is the score ÷ 12; the centre column includes ±6",
        )
        for low, high, label in (
            (-42, -30, _B.FAR_LEFT),
            (-30, -18, _B.LEFT),
            (-18, -6, _B.LEAN_LEFT),
            (-6, 6, _B.CENTER),
            (6, 18, _B.LEAN_RIGHT),
            (18, 30, _B.RIGHT),
            (30, 42, _B.FAR_RIGHT),
        )
    ),
    *(
        MappingRow(
            Rater.AD_FONTES,
            FACTUALITY,
            f"reliability score {floor:g} to {ceiling:g}",
            label,
            float(FACTUALITY_VALUES[label]),
            "a score on a band's lower bound belongs to that band",
        )
        for (floor, label), ceiling in zip(
            AD_FONTES_RELIABILITY_FLOORS,
            (AD_FONTES_RELIABILITY_MAX, *(f for f, _ in AD_FONTES_RELIABILITY_FLOORS[:-1])),
            strict=True,
        )
    ),
    # Editors, and the demo corpus's fictional rater, use our own labels (the stored value,
    # e.g. "lean_right").
    *(
        _bias_row(rater, label.value, label)
        for rater in OWN_LABEL_RATERS
        for label in BiasLabel
        if label in BIAS_VALUES
    ),
    *(
        _fact_row(rater, label.value, label)
        for rater in OWN_LABEL_RATERS
        for label in FactualityLabel
        if label in FACTUALITY_VALUES
    ),
)

_LOOKUP: dict[tuple[str, str, str], MappingRow] = {
    (row.rater, row.scale, row.published): row for row in MAPPING if row.rater != Rater.AD_FONTES
}


VERDICT_FIELDS = ("bias_label", "factuality_label", "bias_score", "reliability_score")


@dataclass(frozen=True)
class RaterVerdict:
    """One rater's verdict as published (labels verbatim, Ad Fontes' scores as numbers)."""

    rater: str
    bias_label: str = ""
    factuality_label: str = ""
    bias_score: float | None = None
    reliability_score: float | None = None

    @classmethod
    def from_values(cls, rater: str, values: Mapping[str, Any]) -> RaterVerdict:
        """From the values a form, a ratings file or a stored row holds (None or "" means
        absent; scores may be Decimals or strings)."""

        def score(name: str) -> float | None:
            value = values.get(name)
            return None if value is None or value == "" else float(value)

        return cls(
            rater=rater,
            bias_label=str(values.get("bias_label") or ""),
            factuality_label=str(values.get("factuality_label") or ""),
            bias_score=score("bias_score"),
            reliability_score=score("reliability_score"),
        )

    @classmethod
    def of(cls, rating: Any) -> RaterVerdict:
        """From anything with a rating's fields as attributes (a Rating, a catalogue entry)."""
        return cls.from_values(
            rating.rater, {name: getattr(rating, name) for name in VERDICT_FIELDS}
        )


@dataclass(frozen=True)
class Reading:
    """A published value read on our scale; ``label`` "" = documented as not a rating."""

    label: str
    value: float | None


NOTHING = Reading(_NOT_A_RATING, None)


@dataclass(frozen=True)
class CombinedRating:
    bias: str = BiasLabel.UNRATED
    bias_value: float | None = None
    bias_spread: float | None = None
    bias_raters: tuple[str, ...] = ()
    factuality: str = FactualityLabel.UNRATED
    factuality_value: float | None = None
    factuality_spread: float | None = None
    factuality_raters: tuple[str, ...] = ()
    mapping_version: str = field(default=MAPPING_VERSION)

    @property
    def raters(self) -> tuple[str, ...]:
        """Every rater used on either scale, in the order of ``Rater``."""
        used = set(self.bias_raters) | set(self.factuality_raters)
        return tuple(r for r in Rater.values if r in used)

    @property
    def raters_disagree(self) -> bool:
        return any(
            spread is not None and spread >= DISAGREEMENT_THRESHOLD_POINTS
            for spread in (self.bias_spread, self.factuality_spread)
        )


def _plain(text: str) -> str:
    """Lower case, one kind of dash, single spaces: how published values are compared."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015=]", "-", text)
    return " ".join(text.split())


_MBFC_TYPOS = (("pseusdoscience", "pseudoscience"), ("psuedoscience", "pseudoscience"))
# (pattern, key) tried in order: the outermost lean first, "left"/"right" alone last.
_MBFC_LEANS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bextreme[\s-]*left\b"), "extreme left"),
    (re.compile(r"\bfar[\s-]*left\b"), "far left"),
    (re.compile(r"\bextreme[\s-]*right\b"), "extreme right"),
    (re.compile(r"\b(far|alt)[\s-]*right\b"), "far right"),
    (re.compile(r"\bleft[\s-]*(center|leaning)\b"), "left-center"),
    (re.compile(r"\bright[\s-]*(center|leaning)\b"), "right-center"),
    (re.compile(r"\bleast\b"), "least biased"),
    (re.compile(r"\bleft\b"), "left"),
    (re.compile(r"\bright\b"), "right"),
)
_MBFC_CATEGORIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"conspiracy|pseudoscience|quackery"), "conspiracy-pseudoscience"),
    (re.compile(r"pro-? ?science"), "pro-science"),
    (re.compile(r"questionable|junk news"), "questionable"),
    (re.compile(r"satire"), "satire"),
    (re.compile(r"^(not rated|unrated)$"), "not rated"),
)


def mbfc_bias_key(published: str) -> str:
    """The MAPPING row an MBFC bias value belongs to: its lean if it has one, else its category.

    "right conspiracy-pseudoscience" → "right"; "pro-science" → "pro-science";
    "left-center (by saudi standards)" → "left-center". Unrecognised text comes back as is.
    """
    text = _plain(published)
    for typo, fixed in _MBFC_TYPOS:
        text = text.replace(typo, fixed)
    for pattern, key in (*_MBFC_LEANS, *_MBFC_CATEGORIES):
        if pattern.search(text):
            return key
    return text


def _key(rater: str, scale: str, published: str) -> str:
    if rater == Rater.MBFC and scale == BIAS:
        return mbfc_bias_key(published)
    if rater in OWN_LABEL_RATERS:
        return _plain(published).replace(" ", "_")
    return _plain(published)


def mapping_row(rater: str, scale: str, published: str) -> MappingRow | None:
    """The row that documents ``published`` (a label, not an Ad Fontes score); None if unknown."""
    return _LOOKUP.get((rater, scale, _key(rater, scale, published)))


def _bias_label_of(value: float) -> str:
    """Nearest point, exact halves toward Center."""
    step = min(3, math.ceil(abs(value) - 0.5))
    return _BIAS_BY_VALUE[int(math.copysign(step, value)) if step else 0]


def _factuality_label_of(value: float) -> str:
    """Nearest level, exact halves toward the lower level."""
    return _FACTUALITY_BY_VALUE[max(0, min(5, math.ceil(value - 0.5)))]


_BIAS_BY_VALUE = {v: label for label, v in BIAS_VALUES.items()}
_FACTUALITY_BY_VALUE = {v: label for label, v in FACTUALITY_VALUES.items()}


def ad_fontes_bias(score: float) -> Reading:
    if not -AD_FONTES_BIAS_MAX <= score <= AD_FONTES_BIAS_MAX:
        raise ValueError(f"Ad Fontes bias {score} is outside -42 … +42")
    value = round(score / AD_FONTES_BIAS_POINTS_PER_STEP, 3)
    return Reading(_bias_label_of(value), value)


def ad_fontes_reliability(score: float) -> Reading:
    if not 0 <= score <= AD_FONTES_RELIABILITY_MAX:
        raise ValueError(f"Ad Fontes reliability {score} is outside 0 … 64")
    label = next(label for floor, label in AD_FONTES_RELIABILITY_FLOORS if score >= floor)
    return Reading(label, float(FACTUALITY_VALUES[label]))


def read_bias(verdict: RaterVerdict) -> Reading | None:
    """The verdict's bias on our scale; NOTHING if it gives none; None if the value is unknown.

    Raises ValueError for an Ad Fontes score outside its published range.
    """
    if verdict.rater == Rater.AD_FONTES and verdict.bias_score is not None:
        return ad_fontes_bias(verdict.bias_score)
    return _read_label(verdict.rater, BIAS, verdict.bias_label)


def read_factuality(verdict: RaterVerdict) -> Reading | None:
    """Like ``read_bias`` for factuality (Ad Fontes: the reliability score)."""
    if verdict.rater == Rater.AD_FONTES and verdict.reliability_score is not None:
        return ad_fontes_reliability(verdict.reliability_score)
    return _read_label(verdict.rater, FACTUALITY, verdict.factuality_label)


def _read_label(rater: str, scale: str, published: str) -> Reading | None:
    if not published.strip():
        return NOTHING
    row = mapping_row(rater, scale, published)
    if row is None:
        return None
    return Reading(row.label, row.value)


def _safe(read: Callable[[RaterVerdict], Reading | None], verdict: RaterVerdict) -> Reading | None:
    try:
        return read(verdict)
    except ValueError:
        return None  # out-of-range scores count as unknown, like unknown labels


def _combine_scale(
    points: Iterable[tuple[str, float]], label_of: Callable[[float], str]
) -> tuple[str | None, float | None, float | None, tuple[str, ...]]:
    """(label, value, spread, raters) of one scale; the Editor's point wins if present."""
    points = list(points)
    if not points:
        return None, None, None, ()
    values = [v for _, v in points]
    spread = round(max(values) - min(values), 3)
    editor = [v for r, v in points if r == Rater.EDITOR]
    if editor:
        return label_of(editor[0]), editor[0], spread, (Rater.EDITOR,)
    raters = tuple(r for r in Rater.values if any(pr == r for pr, _ in points))
    mean = round(sum(values) / len(values), 3)
    return label_of(mean), mean, spread, raters


def combine_ratings(verdicts: Sequence[RaterVerdict]) -> CombinedRating:
    """The rating the site shows, from at most one verdict per rater (see module docstring)."""
    bias_points: list[tuple[str, float]] = []
    fact_points: list[tuple[str, float]] = []
    for verdict in verdicts:
        bias_reading = _safe(read_bias, verdict)
        if bias_reading is not None and bias_reading.value is not None:
            bias_points.append((verdict.rater, bias_reading.value))
        fact_reading = _safe(read_factuality, verdict)
        if fact_reading is not None and fact_reading.value is not None:
            fact_points.append((verdict.rater, fact_reading.value))
    bias, bias_value, bias_spread, bias_raters = _combine_scale(bias_points, _bias_label_of)
    fact, fact_value, fact_spread, fact_raters = _combine_scale(fact_points, _factuality_label_of)
    return CombinedRating(
        bias=bias or BiasLabel.UNRATED,
        bias_value=bias_value,
        bias_spread=bias_spread,
        bias_raters=bias_raters,
        factuality=fact or FactualityLabel.UNRATED,
        factuality_value=fact_value,
        factuality_spread=fact_spread,
        factuality_raters=fact_raters,
    )
