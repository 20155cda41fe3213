"""The labels the site shows for an outlet: 7-point bias, 6-level factuality, ownership.

Plain choices with no ORM behind them, shared by the pure rating module, the models and the
templates. Numeric values are what the combined rating averages over.
"""

from django.db import models


class Side(models.TextChoices):
    LEFT = "left", "Left"
    CENTER = "center", "Center"
    RIGHT = "right", "Right"


class BiasLabel(models.TextChoices):
    FAR_LEFT = "far_left", "Far Left"
    LEFT = "left", "Left"
    LEAN_LEFT = "lean_left", "Lean Left"
    CENTER = "center", "Center"
    LEAN_RIGHT = "lean_right", "Lean Right"
    RIGHT = "right", "Right"
    FAR_RIGHT = "far_right", "Far Right"
    UNRATED = "unrated", "Unrated"


# -3 (Far Left) … +3 (Far Right); Unrated has no value and is never counted as Center.
BIAS_VALUES: dict[str, int] = {
    BiasLabel.FAR_LEFT: -3,
    BiasLabel.LEFT: -2,
    BiasLabel.LEAN_LEFT: -1,
    BiasLabel.CENTER: 0,
    BiasLabel.LEAN_RIGHT: 1,
    BiasLabel.RIGHT: 2,
    BiasLabel.FAR_RIGHT: 3,
}

BIAS_SIDES: dict[str, Side] = {
    BiasLabel.FAR_LEFT: Side.LEFT,
    BiasLabel.LEFT: Side.LEFT,
    BiasLabel.LEAN_LEFT: Side.LEFT,
    BiasLabel.CENTER: Side.CENTER,
    BiasLabel.LEAN_RIGHT: Side.RIGHT,
    BiasLabel.RIGHT: Side.RIGHT,
    BiasLabel.FAR_RIGHT: Side.RIGHT,
}


class FactualityLabel(models.TextChoices):
    VERY_HIGH = "very_high", "Very High"
    HIGH = "high", "High"
    MOSTLY_FACTUAL = "mostly_factual", "Mostly Factual"
    MIXED = "mixed", "Mixed"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very Low"
    UNRATED = "unrated", "Unrated"


# 5 (Very High) … 0 (Very Low).
FACTUALITY_VALUES: dict[str, int] = {
    FactualityLabel.VERY_HIGH: 5,
    FactualityLabel.HIGH: 4,
    FactualityLabel.MOSTLY_FACTUAL: 3,
    FactualityLabel.MIXED: 2,
    FactualityLabel.LOW: 1,
    FactualityLabel.VERY_LOW: 0,
}


class OwnershipCategory(models.TextChoices):
    INDEPENDENT = "independent", "Independent"
    MEDIA_CONGLOMERATE = "media_conglomerate", "Media Conglomerate"
    CORPORATION = "corporation", "Corporation"
    PRIVATE_EQUITY = "private_equity", "Private Equity"
    INDIVIDUAL = "individual", "Billionaire / Individual"
    GOVERNMENT = "government", "Government / State"
    PUBLIC_BROADCASTER = "public_broadcaster", "Public Broadcaster"
    NON_PROFIT = "non_profit", "Non-profit"
    UNKNOWN = "unknown", "Other / Unknown"


class Rater(models.TextChoices):
    ALLSIDES = "allsides", "AllSides"
    MBFC = "mbfc", "Media Bias/Fact Check"
    AD_FONTES = "adfontes", "Ad Fontes Media"
    EDITOR = "editor", "Editor"
    # An invented rater for the demo corpus's invented outlets, so demo mode can show how
    # several raters and their disagreements look without putting words in a real rater's
    # mouth. Only demo (.example) outlets may carry its ratings (sources.services).
    DEMO = "demo", "Demo Media Watch (fictional)"


# Raters whose published values are our own labels ("lean_right"), read without translation.
OWN_LABEL_RATERS: tuple[str, ...] = (Rater.EDITOR, Rater.DEMO)
# Raters whose files editors import; the demo's invented rater has none.
IMPORTABLE_RATERS: tuple[str, ...] = tuple(r for r in Rater.values if r != Rater.DEMO)


# What a rater's stored rating (sources.models.Rating) can hold; the admin form and the
# ratings import check values against these before anything is written.
RATING_TEXT_MAX_LENGTHS = {"bias_label": 64, "factuality_label": 64, "url": 500, "confidence": 64}
RATING_SCORE_MAX_DIGITS = 6
RATING_SCORE_DECIMAL_PLACES = 2
