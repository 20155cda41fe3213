"""manage.py import_ratings FILE --rater NAME [--format F] [--dry-run] [--strict] [--rated-on D]

Imports one rater's file (the formats and the generic CSV are described in sources.importers)
into the catalogue's Rating rows, matching outlets by domain (aliases and subdomains) or by
normalised name, and prints: created, updated, unchanged, unmatched, and every rejected row with
its line number and reason.

- Idempotent: importing the same file again reports everything unchanged and writes nothing.
- One transaction per file. A *failed file* (not UTF-8, unknown format, missing columns, a
  format of another rater) changes nothing and exits with an error. Rejected *rows* (unknown
  label, bad number, ambiguous name) are skipped and reported; with --strict they fail the file.
- --dry-run performs the same work and rolls it back: the report is a preview.
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.importers import FORMATS, ImportFileError, ImportReport, parse_ratings_file
from sources.scales import IMPORTABLE_RATERS
from sources.services import source_import_ratings

GENERIC_HELP = (
    "Generic CSV: UTF-8, header row; a 'domain' and/or 'name' column (rows are matched by "
    "domain when filled, else by name) plus any of bias_label, factuality_label, bias_score, "
    "reliability_score, rated_on (YYYY-MM-DD), url, confidence. Labels as the rater publishes "
    "them (Editor: our values, e.g. lean_right, very_high). Columns the file lacks leave the "
    "stored values as they are."
)


class Command(BaseCommand):
    help = (
        "Import a rater's ratings file (AllSides, MBFC, Ad Fontes files in their published "
        "formats, or the generic CSV). Re-running changes nothing; a failed file changes "
        "nothing; rejected rows are listed with line numbers. " + GENERIC_HELP
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--rater", required=True, choices=IMPORTABLE_RATERS)
        parser.add_argument(
            "--format",
            choices=list(FORMATS),
            help="the file's format; detected from its header when omitted",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument(
            "--strict", action="store_true", help="any rejected row fails the whole file"
        )
        parser.add_argument(
            "--rated-on", type=date.fromisoformat, help="date the ratings were published"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"{path}: cannot read ({error.strerror})") from error
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path}: not UTF-8 ({error.reason} at byte {error.start})"
            ) from error
        try:
            parsed = parse_ratings_file(
                text,
                rater=options["rater"],
                format_name=options["format"],
                rated_on=options["rated_on"],
            )
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}; nothing was imported") from error
        report = source_import_ratings(
            parsed=parsed,
            dry_run=bool(options["dry_run"]),
            strict=bool(options["strict"]),
            reason=f"imported from {path.name} ({parsed.format})",
        )
        self._print(path, report, verbosity=int(options["verbosity"]))
        if options["strict"] and report.rejected:
            raise CommandError(f"{path}: {len(report.rejected)} rejected rows; nothing imported")

    def _print(self, path: Path, report: ImportReport, *, verbosity: int) -> None:
        prefix = "[dry run, nothing written] " if report.dry_run else ""
        self.stdout.write(f"{prefix}{path.name}: {report.summary()}")
        for rejected in report.rejected:
            self.stdout.write(f"  rejected line {rejected.line}: {rejected.reason}")
        if verbosity >= 2:
            for outcome in report.outcomes:
                self.stdout.write(
                    f"  {outcome.result} line {outcome.line}: {outcome.label} → "
                    f"{outcome.source_name}"
                )
            for unmatched in report.unmatched:
                self.stdout.write(
                    f"  unmatched line {unmatched.line}: {unmatched.label} ({unmatched.why})"
                )
