"""Writes to sources: the only place that mixes the ORM with sources.ratings."""

from sources.models import Source
from sources.ratings import RaterVerdict, combine_ratings


def source_refresh_combined_rating(*, source: Source) -> bool:
    """Recompute and store ``source``'s combined rating. Returns True if it changed."""
    verdicts = [
        RaterVerdict(
            rater=r.rater,
            bias_label=r.bias_label,
            factuality_label=r.factuality_label,
            bias_score=float(r.bias_score) if r.bias_score is not None else None,
            reliability_score=float(r.reliability_score)
            if r.reliability_score is not None
            else None,
        )
        for r in source.ratings.all()
    ]
    combined = combine_ratings(verdicts)
    new_values = {
        "bias": combined.bias,
        "bias_value": combined.bias_value,
        "bias_spread": combined.bias_spread,
        "factuality": combined.factuality,
        "factuality_value": combined.factuality_value,
        "factuality_spread": combined.factuality_spread,
        "raters_disagree": combined.raters_disagree,
        "rated_by": ",".join(combined.raters),
    }
    changed = {k: v for k, v in new_values.items() if getattr(source, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(source, key, value)
    source.save(update_fields=[*changed, "updated_at"])
    return True
