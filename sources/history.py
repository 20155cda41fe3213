"""What a source's history says about each change, built from the change's values. Pure.

A ``SourceChange`` keeps the values before and after the change (``old_values`` /
``new_values``, JSON) next to the line editors read (``old_value`` / ``new_value``). Free
readers get a line built from the values without the premium ones (:data:`PREMIUM_VALUES`),
never a cut-down copy of the editors' line, and the editor's reason only when the change
leaves every premium value as it was (:func:`reason_is_free`): the reason of a premium change
("Acquired by Zyx Holdings") says what the premium value is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sources.scales import OWN_LABEL_RATERS, BiasLabel, FactualityLabel, OwnershipCategory

# A rater's rating, in the order its history line lists them.
RATING_PARTS: tuple[tuple[str, str], ...] = (
    ("bias_label", "bias"),
    ("factuality_label", "factuality"),
    ("bias_score", "bias score"),
    ("reliability_score", "reliability score"),
    ("rated_on", "rated"),
    ("url", "url"),
    ("confidence", "confidence"),
)
# Factuality and reliability (a rater's or the combined one) and ownership are premium.
PREMIUM_VALUES = frozenset(
    {"factuality_label", "reliability_score", "factuality", "ownership_category", "owner_name"}
)
COMBINED = "combined"
OWNERSHIP = "ownership"


def json_values(values: Mapping[str, object] | None) -> dict[str, object]:
    """``values`` without empty ones, as JSON can hold them (decimals and dates as text)."""
    stored: dict[str, object] = {}
    for key, value in (values or {}).items():
        if value in ("", None):
            continue
        stored[key] = str(value) if isinstance(value, Decimal | date) else value
    return stored


def describe(field: str, values: Mapping[str, object]) -> str:
    """The history line of one side of a change to ``field`` ("rating:<rater>", "combined",
    "ownership"): e.g. "bias Lean Left · factuality High · rated 2023-05-01"."""
    if field == COMBINED:
        return _describe_combined(values)
    if field == OWNERSHIP:
        return _describe_ownership(values)
    own_labels = field.removeprefix("rating:") in OWN_LABEL_RATERS
    return " · ".join(
        f"{label} {_spelled(key, values[key]) if own_labels else values[key]}"
        for key, label in RATING_PARTS
        if key in values
    )


def _spelled(key: str, value: object) -> object:
    """Our own label spelled out ("lean_left" → "Lean Left"), as editors and the demo's rater
    publish our labels; anything else as it is."""
    choices = {"bias_label": BiasLabel, "factuality_label": FactualityLabel}.get(key)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


def free_description(field: str, values: Mapping[str, object]) -> str:
    """:func:`describe` of ``values`` without the premium ones: what free readers see."""
    return describe(field, {k: v for k, v in values.items() if k not in PREMIUM_VALUES})


def reason_is_free(
    field: str, old_values: Mapping[str, object], new_values: Mapping[str, object]
) -> bool:
    """Whether free readers may read the reason of a change to ``field`` from ``old_values``
    to ``new_values``: not for ownership, not when a premium value changed (was added,
    removed or replaced), and not when the change was recorded without its values."""
    if field == OWNERSHIP or not (old_values or new_values):
        return False
    return all(old_values.get(key) == new_values.get(key) for key in PREMIUM_VALUES)


def _describe_combined(values: Mapping[str, object]) -> str:
    parts = []
    if "bias" in values:
        parts.append(f"bias {BiasLabel(str(values['bias'])).label}")
    if "factuality" in values:
        by = f" by {values['rated_by']}" if values.get("rated_by") else ""
        parts.append(f"factuality {FactualityLabel(str(values['factuality'])).label}{by}")
    return " · ".join(parts)


def _describe_ownership(values: Mapping[str, object]) -> str:
    if "ownership_category" not in values:
        return ""
    label = OwnershipCategory(str(values["ownership_category"])).label
    owner = values.get("owner_name")
    return f"{label} ({owner})" if owner else label
