"""manage.py load_catalogue [--file PATH]

Loads the default catalogue (sources/catalogue_data/outlets.json, see the README there): outlets,
their alias domains, their feeds and the ratings the shared rating files give them, and prints
created / updated / unchanged counts for each.

- Idempotent: a second run changes nothing and says so.
- One transaction: a file that fails its checks (every problem is listed with the number of the
  outlet entry) or a clash with the database changes nothing.
- The catalogue adds and corrects. The only thing it removes is a rating it wrote itself and
  no longer lists, when no one has changed that rating since. Aliases, feeds and ratings that
  editors added, Editor ratings, a source's active flag and notes, and feeds' fetch state are
  left alone.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sources.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    CatalogueError,
    CatalogueOutlet,
    parse_catalogue,
)
from sources.importers import UpsertResult
from sources.models import Feed, Source, SourceChange, SourceDomain
from sources.scales import Rater
from sources.services import source_delete_rating, source_set_ownership, source_upsert_rating

KINDS = ("sources", "aliases", "feeds", "ratings")
OUTCOMES = tuple(UpsertResult)
# The history reason of every change the catalogue makes; how a later load recognises them.
REASON = "default catalogue"


class CatalogueClash(Exception):
    """The catalogue contradicts the database in a way a load must not paper over."""


@dataclass
class LoadReport:
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {kind: Counter() for kind in KINDS}
    )

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def lines(self) -> list[str]:
        lines = []
        for kind in KINDS:
            parts = [f"{self.counts[kind][o]} {o}" for o in OUTCOMES]
            if self.counts[kind]["deleted"]:
                parts.append(f"{self.counts[kind]['deleted']} deleted")
            lines.append(f"{kind}: " + ", ".join(parts))
        return lines

    @property
    def changed_anything(self) -> bool:
        return any(
            c[UpsertResult.CREATED] or c[UpsertResult.UPDATED] or c["deleted"]
            for c in self.counts.values()
        )


def catalogue_load(
    *, outlets: tuple[CatalogueOutlet, ...], changed_by: User | None = None
) -> LoadReport:
    """Create or update every outlet of the catalogue, its aliases, feeds and ratings.

    One transaction. Sources are found by slug, else by domain (an outlet an editor added
    before keeps its slug). Ratings go through ``source_upsert_rating`` so that each change
    is in the history and the combined rating is refreshed. Raises CatalogueClash (and
    writes nothing) when a domain or alias of one outlet belongs to another source.
    """
    report = LoadReport()
    with transaction.atomic():
        by_slug = {s.slug: s for s in Source.objects.all()}
        by_domain = {s.domain: s for s in by_slug.values()}
        aliases = {a.domain: a for a in SourceDomain.objects.all()}
        feeds = {f.url: f for f in Feed.objects.all()}
        for outlet in outlets:
            source = _load_source(outlet, by_slug, by_domain, aliases, report, changed_by)
            for host in outlet.aliases:
                _load_alias(source, host, aliases, by_domain, report)
            for url in outlet.feeds:
                _load_feed(source, url, feeds, report)
            for rating in outlet.ratings:
                files = ", ".join(dict.fromkeys(o.file for o in rating.origins))
                outcome = source_upsert_rating(
                    source=source,
                    rater=rating.rater,
                    bias_label=rating.bias_label,
                    factuality_label=rating.factuality_label,
                    bias_score=rating.bias_score,
                    reliability_score=rating.reliability_score,
                    rated_on=rating.rated_on,
                    url=rating.url,
                    confidence=rating.confidence,
                    changed_by=changed_by,
                    reason=f"{REASON}, from {files}",
                )
                report.add("ratings", outcome)
            _drop_ratings_no_longer_listed(source, outlet, report, changed_by)
    return report


def _drop_ratings_no_longer_listed(
    source: Source,
    outlet: CatalogueOutlet,
    report: LoadReport,
    changed_by: User | None,
) -> None:
    """Delete ratings the catalogue wrote and has since dropped (a corrected mis-match).

    Only when the rating's latest history entry is the catalogue's own: a rating an editor
    or an import has touched since is theirs, and stays.
    """
    listed = {rating.rater for rating in outlet.ratings} | {Rater.EDITOR}
    for rater in source.ratings.exclude(rater__in=listed).values_list("rater", flat=True):
        latest = (
            SourceChange.objects.filter(source=source, field=f"rating:{rater}")
            .order_by("-changed_at", "-id")
            .values_list("reason", flat=True)
            .first()
        )
        if latest is not None and latest.startswith(REASON):
            source_delete_rating(
                source=source,
                rater=rater,
                changed_by=changed_by,
                reason=f"{REASON} no longer lists it",
            )
            report.add("ratings", "deleted")


def _load_source(
    outlet: CatalogueOutlet,
    by_slug: dict[str, Source],
    by_domain: dict[str, Source],
    aliases: dict[str, SourceDomain],
    report: LoadReport,
    changed_by: User | None,
) -> Source:
    # The fields the catalogue owns; ownership goes through its service, for the history.
    wanted = {
        "name": outlet.name,
        "homepage": outlet.homepage,
        "domain": outlet.domain,
        "country": outlet.country,
        "language": outlet.language,
    }
    source = by_slug.get(outlet.slug) or by_domain.get(outlet.domain)
    alias = aliases.get(outlet.domain)
    if alias is not None and (source is None or alias.source_id != source.pk):
        raise CatalogueClash(
            f"{outlet.slug}: domain {outlet.domain} is an alias of source "
            f"{alias.source_id}; move or delete that alias first"
        )
    if source is None:
        source = Source.objects.create(
            slug=outlet.slug,
            ownership_category=outlet.ownership_category,
            owner_name=outlet.owner_name,
            **wanted,
        )
        by_slug[source.slug] = by_domain[source.domain] = source
        report.add("sources", UpsertResult.CREATED)
        return source

    holder = by_domain.get(outlet.domain)
    if holder is not None and holder.pk != source.pk:
        raise CatalogueClash(
            f"{outlet.slug}: domain {outlet.domain} belongs to source {holder.slug!r}"
        )
    changed = [key for key, value in wanted.items() if getattr(source, key) != value]
    if changed:
        by_domain.pop(source.domain, None)
        for key in changed:
            setattr(source, key, wanted[key])
        source.save(update_fields=[*changed, "updated_at"])
        by_domain[source.domain] = source
    ownership_changed = source_set_ownership(
        source=source,
        ownership_category=outlet.ownership_category,
        owner_name=outlet.owner_name,
        changed_by=changed_by,
        reason=REASON,
    )
    if ownership_changed:
        source.refresh_from_db(fields=["ownership_category", "owner_name"])
    report.add(
        "sources",
        UpsertResult.UPDATED if changed or ownership_changed else UpsertResult.UNCHANGED,
    )
    return source


def _load_alias(
    source: Source,
    host: str,
    aliases: dict[str, SourceDomain],
    by_domain: dict[str, Source],
    report: LoadReport,
) -> None:
    holder = by_domain.get(host)
    if holder is not None:
        raise CatalogueClash(f"{source.slug}: alias {host} is the domain of source {holder.slug!r}")
    alias = aliases.get(host)
    if alias is None:
        aliases[host] = SourceDomain.objects.create(source=source, domain=host)
        report.add("aliases", UpsertResult.CREATED)
    elif alias.source_id != source.pk:
        alias.source = source
        alias.save(update_fields=["source"])
        report.add("aliases", UpsertResult.UPDATED)
    else:
        report.add("aliases", UpsertResult.UNCHANGED)


def _load_feed(source: Source, url: str, feeds: dict[str, Feed], report: LoadReport) -> None:
    feed = feeds.get(url)
    if feed is None:
        feeds[url] = Feed.objects.create(source=source, url=url)
        report.add("feeds", UpsertResult.CREATED)
    elif feed.source_id != source.pk:
        feed.source = source
        feed.save(update_fields=["source"])
        report.add("feeds", UpsertResult.UPDATED)
    else:
        report.add("feeds", UpsertResult.UNCHANGED)


class Command(BaseCommand):
    help = (
        "Load the default catalogue of outlets, feeds and ratings (or --file PATH in the same "
        "format). Re-running changes nothing; a bad file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_CATALOGUE_PATH,
            help="catalogue JSON file (default: the one shipped in sources/catalogue_data/)",
        )

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: cannot read ({error.strerror})") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 ({error.reason})") from error
        try:
            outlets = parse_catalogue(text)
        except CatalogueError as error:
            raise CommandError(
                f"{path}: {len(error.errors)} problem(s); nothing was loaded:\n{error}"
            ) from error
        try:
            report = catalogue_load(outlets=outlets)
        except CatalogueClash as error:
            raise CommandError(f"{path}: {error}; nothing was loaded") from error
        for line in report.lines():
            self.stdout.write(line)
        if report.changed_anything:
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(outlets)} outlets from {path}."))
        else:
            self.stdout.write(f"Nothing changed: the database already matches {path}.")
