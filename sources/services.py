"""Writes to sources: the only place that mixes the ORM with sources.ratings.

Every change to a Rating row or to ownership goes through here so that it is recorded in
SourceChange (who, when, old → new, why) and, when the combined rating or ownership really
changes, ``sources.signals.source_rating_changed`` is sent after commit.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from sources import history
from sources.domains import is_reserved_example_host
from sources.importers import (
    ImportReport,
    ParsedFile,
    RatingRow,
    RejectedRow,
    RowOutcome,
    UnmatchedRow,
    UpsertResult,
    build_name_index,
    match_name,
)
from sources.models import Rating, Source, SourceChange, SourceDomain
from sources.ratings import MAPPING_VERSION, CombinedRating, RaterVerdict, combine_ratings
from sources.scales import OwnershipCategory, Rater
from sources.selectors import source_map_by_hosts, source_name_entries
from sources.signals import send_source_rating_changed_on_commit

# What the stored combined rating consists of; a change to the first four is what stories
# care about (labels and the numbers they average), the rest only what the admin shows.
_COMBINED_FIELDS_STORIES_USE = ("bias", "bias_value", "factuality", "factuality_value")
_COMBINED_FIELDS = (
    *_COMBINED_FIELDS_STORIES_USE,
    "bias_spread",
    "factuality_spread",
    "raters_disagree",
    "rated_by",
)
_SCORE_STEP = Decimal("0.01")
# A Rating row's own fields and their empty values.
_BLANK_RATING: dict[str, object] = {
    "bias_label": "",
    "factuality_label": "",
    "bias_score": None,
    "reliability_score": None,
    "rated_on": None,
    "url": "",
    "confidence": "",
}


def _score(value: float | Decimal | str | None) -> Decimal | None:
    """Scores as stored (2 decimal places), so re-imports compare equal."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(_SCORE_STEP)


def _change_values(
    field: str, old: Mapping[str, object] | None, new: Mapping[str, object] | None
) -> dict[str, object]:
    """A SourceChange's two sides: the structured values and the editors' lines."""
    old_values, new_values = history.json_values(old), history.json_values(new)
    return {
        "old_values": old_values,
        "new_values": new_values,
        "old_value": history.describe(field, old_values),
        "new_value": history.describe(field, new_values),
    }


def _combined_history_values(source: Source) -> dict[str, object]:
    return {"bias": source.bias, "factuality": source.factuality, "rated_by": source.rated_by}


def _combined_values(combined: CombinedRating) -> dict[str, object]:
    return {
        "bias": combined.bias,
        "bias_value": combined.bias_value,
        "bias_spread": combined.bias_spread,
        "factuality": combined.factuality,
        "factuality_value": combined.factuality_value,
        "factuality_spread": combined.factuality_spread,
        "raters_disagree": combined.raters_disagree,
        "rated_by": ",".join(combined.raters),
    }


def source_refresh_combined_rating(*, source: Source, changed_by: User | None = None) -> bool:
    """Recompute and store ``source``'s combined rating. Returns True if it changed.

    Records a "combined" history row and sends ``source_rating_changed`` on commit when the
    labels or values that stories use changed (a spread-only change sends nothing).
    """
    combined = combine_ratings([RaterVerdict.of(r) for r in source.ratings.all()])
    new_values = _combined_values(combined)
    changed = {k: v for k, v in new_values.items() if getattr(source, k) != v}
    if not changed:
        return False
    old_values = _combined_history_values(source)
    for key, value in changed.items():
        setattr(source, key, value)
    with transaction.atomic():
        source.save(update_fields=[*changed, "updated_at"])
        if any(key in changed for key in _COMBINED_FIELDS_STORIES_USE):
            SourceChange.objects.create(
                source=source,
                field=history.COMBINED,
                **_change_values(history.COMBINED, old_values, _combined_history_values(source)),
                reason=f"derived from the ratings (mapping version {MAPPING_VERSION})",
                changed_by=changed_by,
            )
            send_source_rating_changed_on_commit(source_id=source.pk)
    return True


def source_upsert_rating(
    *,
    source: Source,
    rater: str,
    bias_label: str = "",
    factuality_label: str = "",
    bias_score: float | Decimal | str | None = None,
    reliability_score: float | Decimal | str | None = None,
    rated_on: date | None = None,
    url: str = "",
    confidence: str = "",
    changed_by: User | None = None,
    reason: str = "",
) -> UpsertResult:
    """Set what ``rater`` says about ``source``, exactly as published; returns what happened.

    The arguments replace the whole Rating row (an argument left at its default clears that
    field). Returns what happened (an :class:`UpsertResult`). A real change is recorded in
    SourceChange and the combined rating is refreshed (which may send
    ``source_rating_changed`` on commit). The source row is locked for the duration, so
    concurrent edits of one outlet's ratings are serialised.

    Raises ValueError for an unknown rater, a verdict that says nothing (use
    ``source_delete_rating`` to remove one), or the demo's fictional rater on a real outlet.
    """
    if rater not in Rater.values:
        raise ValueError(f"unknown rater {rater!r}")
    if rater == Rater.DEMO and not is_reserved_example_host(source.domain):
        # The demo's invented rater must never appear to have rated a real outlet.
        raise ValueError(f"{Rater.DEMO.label} rates only demo (.example) outlets")
    new: dict[str, object] = {
        "bias_label": bias_label.strip(),
        "factuality_label": factuality_label.strip(),
        "bias_score": _score(bias_score),
        "reliability_score": _score(reliability_score),
        "rated_on": rated_on,
        "url": url.strip(),
        "confidence": confidence.strip(),
    }
    if not new["bias_label"] and not new["factuality_label"] and new["bias_score"] is None:
        raise ValueError("a rating needs a bias label, a factuality label or a bias score")

    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        rating = Rating.objects.filter(source=locked, rater=rater).first()
        if rating is None:
            Rating.objects.create(source=locked, rater=rater, **new)
            result, old = UpsertResult.CREATED, None
        else:
            old = {key: getattr(rating, key) for key in new}
            if old == new:
                return UpsertResult.UNCHANGED
            for key, value in new.items():
                setattr(rating, key, value)
            rating.save()
            result = UpsertResult.UPDATED
        SourceChange.objects.create(
            source=locked,
            field=f"rating:{rater}",
            **_change_values(f"rating:{rater}", old, new),
            reason=reason,
            changed_by=changed_by,
        )
        source_refresh_combined_rating(source=locked, changed_by=changed_by)
    _copy_combined(locked, into=source)
    return result


def source_delete_rating(
    *, source: Source, rater: str, changed_by: User | None = None, reason: str = ""
) -> bool:
    """Remove ``rater``'s rating of ``source`` with history. Returns False if there was none."""
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        rating = Rating.objects.filter(source=locked, rater=rater).first()
        if rating is None:
            return False
        old = {key: getattr(rating, key) for key in _BLANK_RATING}
        rating.delete()
        SourceChange.objects.create(
            source=locked,
            field=f"rating:{rater}",
            **_change_values(f"rating:{rater}", old, None),
            reason=reason,
            changed_by=changed_by,
        )
        source_refresh_combined_rating(source=locked, changed_by=changed_by)
    _copy_combined(locked, into=source)
    return True


def _copy_combined(locked: Source, *, into: Source) -> None:
    """Keep the caller's instance in step with the row the service wrote."""
    for key in _COMBINED_FIELDS:
        setattr(into, key, getattr(locked, key))


def source_set_ownership(
    *,
    source: Source,
    ownership_category: str,
    owner_name: str = "",
    changed_by: User | None = None,
    reason: str = "",
) -> bool:
    """Set who owns ``source``; returns True if it changed.

    A change is recorded in SourceChange (field "ownership") and sends
    ``source_rating_changed`` on commit, since stories show ownership breakdowns too.
    """
    if ownership_category not in OwnershipCategory.values:
        raise ValueError(f"unknown ownership category {ownership_category!r}")
    owner_name = owner_name.strip()
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        if (locked.ownership_category, locked.owner_name) == (ownership_category, owner_name):
            return False
        old = {"ownership_category": locked.ownership_category, "owner_name": locked.owner_name}
        locked.ownership_category = ownership_category
        locked.owner_name = owner_name
        locked.save(update_fields=["ownership_category", "owner_name", "updated_at"])
        SourceChange.objects.create(
            source=locked,
            field=history.OWNERSHIP,
            **_change_values(
                history.OWNERSHIP,
                old,
                {"ownership_category": ownership_category, "owner_name": owner_name},
            ),
            reason=reason,
            changed_by=changed_by,
        )
        send_source_rating_changed_on_commit(source_id=locked.pk)
    source.ownership_category = ownership_category
    source.owner_name = owner_name
    return True


def _match_rows(
    parsed: ParsedFile,
) -> tuple[list[tuple[RatingRow, Source]], list[UnmatchedRow], list[RejectedRow]]:
    """Find each row's outlet: by domain (aliases, subdomains) or by normalised name."""
    by_host = source_map_by_hosts(row.host for row in parsed.rows if row.host)
    needs_names = any(not row.host for row in parsed.rows)
    name_index = build_name_index(source_name_entries()) if needs_names else None
    sources_by_id = {s.pk: s for s in by_host.values()}
    if name_index is not None:
        sources_by_id |= {s.pk: s for s in Source.objects.all()}

    matched: list[tuple[RatingRow, Source]] = []
    unmatched: list[UnmatchedRow] = []
    rejected: list[RejectedRow] = []
    for row in parsed.rows:
        if row.host:
            source = by_host.get(row.host)
            if source is not None and row.path:
                # "mlive.com/saginaw-bay-city" rates one section, not the outlet as a whole.
                unmatched.append(UnmatchedRow(row.line, row.label, "rates a section of an outlet"))
            elif source is None:
                unmatched.append(UnmatchedRow(row.line, row.label))
            else:
                matched.append((row, source))
            continue
        assert name_index is not None
        ids = match_name(name_index, row.name)
        if not ids:
            unmatched.append(UnmatchedRow(row.line, row.label))
        elif len(ids) > 1:
            names = ", ".join(sorted(sources_by_id[i].name for i in ids))
            rejected.append(RejectedRow(row.line, f"{row.name!r} is ambiguous: {names}"))
        else:
            matched.append((row, sources_by_id[next(iter(ids))]))

    kept, more_unmatched, more_rejected = _one_row_per_outlet(matched)
    return kept, unmatched + more_unmatched, rejected + more_rejected


def _one_row_per_outlet(
    matched: list[tuple[RatingRow, Source]],
) -> tuple[list[tuple[RatingRow, Source]], list[UnmatchedRow], list[RejectedRow]]:
    """Settle rows that reach the same outlet.

    A row naming the outlet's own domain or alias beats rows that reached it from a sub-site
    ("latino.foxnews.com" for Fox News): those are reported unmatched. Among the rest, rows
    that agree on the rating import once (later ones are reported as repeats); rows that
    disagree are all rejected, since we cannot tell which one the rater meant.
    """
    exact_domains = _exact_domains({source.pk for _, source in matched})
    by_source: dict[int, list[RatingRow]] = {}
    for row, source in matched:
        by_source.setdefault(source.pk, []).append(row)

    kept: list[tuple[RatingRow, Source]] = []
    unmatched: list[UnmatchedRow] = []
    rejected: list[RejectedRow] = []
    for row, source in matched:
        rows = by_source[source.pk]
        exact = [r for r in rows if not r.host or r.host in exact_domains[source.pk]]
        if exact and row not in exact:
            why = f"a sub-site of {source}; line {exact[0].line} rates the outlet itself"
            unmatched.append(UnmatchedRow(row.line, row.label, why))
            continue
        contenders = exact or rows
        first = contenders[0]
        if all(_rating_of(r) == _rating_of(first) for r in contenders):
            if row is first:
                kept.append((row, source))
            else:
                rejected.append(RejectedRow(row.line, f"repeats line {first.line} ({source})"))
        else:
            lines = ", ".join(str(r.line) for r in contenders)
            rejected.append(
                RejectedRow(row.line, f"conflicting ratings of {source} on lines {lines}")
            )
    return kept, unmatched, rejected


def _rating_of(row: RatingRow) -> tuple[object, ...]:
    """What two rows must agree on to be the same verdict (not url or confidence)."""
    keys = ("bias_label", "factuality_label", "bias_score", "reliability_score")
    return tuple(row.values.get(key) for key in keys)


def _exact_domains(source_ids: set[int]) -> dict[int, set[str]]:
    domains: dict[int, set[str]] = {pk: set() for pk in source_ids}
    for pk, domain in Source.objects.filter(pk__in=source_ids).values_list("pk", "domain"):
        domains[pk].add(domain)
    for pk, domain in SourceDomain.objects.filter(source__in=source_ids).values_list(
        "source_id", "domain"
    ):
        domains[pk].add(domain)
    return domains


def source_import_ratings(
    *,
    parsed: ParsedFile,
    dry_run: bool = False,
    strict: bool = False,
    changed_by: User | None = None,
    reason: str = "",
) -> ImportReport:
    """Write a parsed rater file in one transaction; returns the per-row report.

    Matched rows go through ``source_upsert_rating`` (history, combined rating, signal), with
    the fields the file's format does not carry kept from the stored rating. ``dry_run`` runs
    exactly the same writes and rolls them back, so the preview is what a real run would do.
    ``strict``: any rejected row rolls the whole file back.
    """
    matched, unmatched, rejected = _match_rows(parsed)
    report = ImportReport(
        format=parsed.format,
        rater=parsed.rater,
        dry_run=dry_run,
        unmatched=unmatched,
        rejected=sorted([*parsed.rejected, *rejected], key=lambda r: r.line),
    )
    reason = reason or f"imported ({parsed.format})"
    with transaction.atomic():
        stored = {
            r.source_id: r
            for r in Rating.objects.filter(
                rater=parsed.rater, source__in=[source for _, source in matched]
            )
        }
        for row, source in matched:
            current = stored.get(source.pk)
            values: dict[str, Any] = {
                key: getattr(current, key) if current else _BLANK_RATING[key]
                for key in _BLANK_RATING
            }
            values.update(row.values)
            result = source_upsert_rating(
                source=source, rater=parsed.rater, changed_by=changed_by, reason=reason, **values
            )
            report.outcomes.append(RowOutcome(row.line, row.label, source.name, result))
        if dry_run or (strict and report.rejected):
            report.rolled_back = True
            transaction.set_rollback(True)
    return report
