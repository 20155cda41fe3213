"""Read raters' files into rows to import. Pure: text in, plain data out (no ORM, no files).

Over 400 lines on purpose: one small reader per rater file format plus outlet-name matching,
all pure and tested against the real files; a module per format would repeat the scaffolding.

Formats (``FORMATS``; ``detect_format`` picks one from the header when none is given):

=====================  =========  ==========  =================================================
format                 rater      matched by  columns used
=====================  =========  ==========  =================================================
allsides_2019          allsides   name        news_source, rating, url, confidence_level
allsides_domains_2023  allsides   domain      domain, title, rating
mbfc_2024              mbfc       domain      source, bias, factual_reporting,
                                              mbfc_credibility_rating (→ confidence)
mbfc_emnlp18 (TSV)     mbfc       domain      source_url_normalized, ref (→ url), fact, bias
mbfc_factual_2025      mbfc       domain      JSON list: URL, "Rating URL", "Objective Reporting"
adfontes_2022          adfontes   name        source, bias (score), reliability (score)
generic                any        domain or   domain and/or name, plus any of bias_label,
                                  name        factuality_label, bias_score, reliability_score,
                                              rated_on (YYYY-MM-DD), url, confidence
=====================  =========  ==========  =================================================

The generic format is a UTF-8 CSV with a header row. A row is matched by ``domain`` when that
cell is filled, else by ``name``. Labels are written as the rater publishes them (Editor: our
own values such as ``lean_right``).

Each row replaces the rater's rating of the outlet for the fields the format carries; fields a
format does not carry (a column the file lacks) are left as they are, so MBFC's bias from one
file and its 2025 factuality score from another live in one rating.

What fails a whole file (``ImportFileError``): not UTF-8, not CSV/TSV/JSON of a known format,
missing columns, or a format that belongs to another rater. A bad *row* (unknown label, number
out of range, no outlet given) is rejected with its line number and the rest of the file is
imported (``import_ratings --strict`` turns any rejected row into a failed file instead).

Several files of one rater write the same Rating row: MBFC's 2024 dump and its 2025 scores
both give a factuality, and the file imported last wins. MBFC 2025's "Accuracy" column is not
imported (its scale is not documented with the data).
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sources.domains import host_of, is_web_url, registered_domain
from sources.ratings import RaterVerdict, read_bias, read_factuality
from sources.scales import (
    RATING_SCORE_DECIMAL_PLACES,
    RATING_SCORE_MAX_DIGITS,
    RATING_TEXT_MAX_LENGTHS,
    Rater,
)

RATING_FIELDS = (
    "bias_label",
    "factuality_label",
    "bias_score",
    "reliability_score",
    "rated_on",
    "url",
    "confidence",
)

# Cell values that mean "not given" in the raters' files.
_EMPTY_CELLS = {"", "na", "n/a", "null", "none"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing from it may be written."""


@dataclass(frozen=True)
class Format:
    name: str
    rater: str | None  # None: any rater (generic)
    match_by: str  # "domain", "name" or "domain or name"
    delimiter: str = ","
    required: tuple[str, ...] = ()
    description: str = ""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "allsides_2019",
            Rater.ALLSIDES,
            "name",
            required=("news_source", "rating", "url"),
            description="AllSides 2019 dataset",
        ),
        Format(
            "allsides_domains_2023",
            Rater.ALLSIDES,
            "domain",
            required=("domain", "title", "rating"),
            description="AllSides ratings by domain, 2023",
        ),
        Format(
            "mbfc_2024",
            Rater.MBFC,
            "domain",
            required=("source", "bias", "factual_reporting"),
            description="Media Bias/Fact Check dump, 2024",
        ),
        Format(
            "mbfc_emnlp18",
            Rater.MBFC,
            "domain",
            delimiter="\t",
            required=("source_url_normalized", "ref", "fact", "bias"),
            description="MBFC labels of the EMNLP 2018 fact-checking paper (TSV)",
        ),
        Format(
            "mbfc_factual_2025",
            Rater.MBFC,
            "domain",
            required=("URL", "Rating URL", "Objective Reporting"),
            description="MBFC factual scores, 2025 (JSON list)",
        ),
        Format(
            "adfontes_2022",
            Rater.AD_FONTES,
            "name",
            required=("source", "reliability", "bias"),
            description="Ad Fontes Media scores, 2022",
        ),
        Format(
            "generic",
            None,
            "domain or name",
            description="Generic CSV (see sources.importers)",
        ),
    )
}

_GENERIC_VALUE_COLUMNS = set(RATING_FIELDS)


@dataclass(frozen=True)
class RatingRow:
    """One row to import: where it is, which outlet it names, the Rating fields it gives."""

    line: int
    name: str = ""
    host: str = ""
    # A URL path under the host ("mlive.com/saginaw-bay-city"): the row rates a section.
    path: str = ""
    values: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.host + self.path if self.host else self.name


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True)
class ParsedFile:
    format: str
    rater: str
    rows: tuple[RatingRow, ...]
    rejected: tuple[RejectedRow, ...]


def detect_format(text: str) -> str:
    """The format whose columns the file's header has; ImportFileError if none fits."""
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith("["):
        return "mbfc_factual_2025"
    first_line = stripped.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line else ","
    header = {c.strip() for c in next(csv.reader([first_line], delimiter=delimiter), [])}
    for fmt in FORMATS.values():
        if fmt.required and fmt.delimiter == delimiter and set(fmt.required) <= header:
            # adfontes_2022 and mbfc_2024 both have source+bias: the required sets differ.
            return fmt.name
    if delimiter == "," and header & {"domain", "name"} and header & _GENERIC_VALUE_COLUMNS:
        return "generic"
    raise ImportFileError(f"unrecognised file: header {sorted(header)} fits no known format")


def parse_ratings_file(
    text: str, *, rater: str, format_name: str | None = None, rated_on: date | None = None
) -> ParsedFile:
    """Parse a whole file; raises ImportFileError if the file as a whole is unusable.

    ``rated_on`` (when given) is set on every row, as the files carry no dates.
    """
    if rater not in Rater.values:
        raise ImportFileError(f"unknown rater {rater!r}; one of {', '.join(Rater.values)}")
    fmt_name = format_name or detect_format(text)
    fmt = FORMATS.get(fmt_name)
    if fmt is None:
        raise ImportFileError(f"unknown format {fmt_name!r}; one of {', '.join(FORMATS)}")
    if fmt.rater is not None and fmt.rater != rater:
        raise ImportFileError(f"format {fmt.name} holds {fmt.rater} ratings, not {rater}")

    records = (
        _json_records(text, fmt) if fmt.name == "mbfc_factual_2025" else _csv_records(text, fmt)
    )
    rows: list[RatingRow] = []
    rejected: list[RejectedRow] = []
    for line, record in records:
        try:
            row = _ROW_READERS[fmt.name](line, record)
            if rated_on is not None:
                row.values["rated_on"] = rated_on
            _check_values(rater, row)
        except RowError as error:
            rejected.append(RejectedRow(line, str(error)))
            continue
        rows.append(row)
    return ParsedFile(fmt.name, rater, tuple(rows), tuple(rejected))


class RowError(ValueError):
    """Why one row is rejected (the message is shown to the editor)."""


def _csv_records(text: str, fmt: Format) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=fmt.delimiter)
    header = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in fmt.required if c not in header]
    if fmt.name == "generic" and not {"domain", "name"} & set(header):
        missing.append("domain or name")
    if missing:
        raise ImportFileError(f"missing columns for {fmt.name}: {', '.join(missing)}")
    unknown = set(header) - _GENERIC_VALUE_COLUMNS - {"domain", "name"}
    if fmt.name == "generic" and unknown:
        # A misspelt column would otherwise be ignored and its values silently lost.
        raise ImportFileError(f"unknown columns for the generic format: {sorted(unknown)}")
    return _numbered(reader)


def _numbered(reader: csv.DictReader) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with the line each starts on (a quoted cell may span lines)."""
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(f"line {reader.line_num}: {error}") from error
        if None in record:
            raise ImportFileError(f"line {start}: more cells than columns")
        yield start, {k: (v or "").strip() for k, v in record.items()}
        start = reader.line_num + 1


def _json_records(text: str, fmt: Format) -> list[tuple[int, dict]]:
    """The objects of a JSON list with the line each starts on."""
    decoder = json.JSONDecoder()
    text = text.lstrip("\ufeff")
    pos = _skip_space(text, 0)
    if text[pos : pos + 1] != "[":
        raise ImportFileError("expected a JSON list of objects")
    pos = _skip_space(text, pos + 1)
    records: list[tuple[int, dict]] = []
    line, counted_to = 1, 0
    while text[pos : pos + 1] != "]":
        # Count newlines incrementally: counting from the start each time is quadratic.
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            raise ImportFileError(f"line {error.lineno}: invalid JSON ({error.msg})") from error
        if not isinstance(obj, dict):
            raise ImportFileError(f"line {line}: expected an object")
        missing = [c for c in fmt.required if c not in obj]
        if missing:
            raise ImportFileError(f"line {line}: missing keys {', '.join(missing)}")
        records.append((line, obj))
        pos = _skip_space(text, pos)
        if text[pos : pos + 1] == ",":
            pos = _skip_space(text, pos + 1)
        elif text[pos : pos + 1] != "]":
            raise ImportFileError(f"line {text.count(chr(10), 0, pos) + 1}: expected , or ]")
    return records


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _cell(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text.lower() in _EMPTY_CELLS else text


def _score(value: str, what: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise RowError(f"{what} {value!r} is not a number") from None


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(f"rated_on {value!r} is not a YYYY-MM-DD date") from None


def _place(line: int, url_or_host: str, *, name: str = "", values: dict) -> RatingRow:
    """A row matched by domain: split "mlive.com/saginaw-bay-city" into host and path."""
    text = url_or_host.strip()
    host = host_of(text)
    if not host or "." not in host:
        raise RowError(f"no usable domain in {url_or_host!r}")
    after_host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text, flags=re.I).split("/", 1)
    path = after_host[1].split("?")[0].strip("/") if len(after_host) > 1 else ""
    return RatingRow(line, name=name, host=host, path=f"/{path}" if path else "", values=values)


def _named(line: int, name: str, values: dict) -> RatingRow:
    if not name:
        raise RowError("no outlet name")
    return RatingRow(line, name=name, values=values)


def _allsides_2019(line: int, r: dict) -> RatingRow:
    values = {
        "bias_label": _cell(r["rating"]),
        "url": _cell(r["url"]),
        "confidence": _cell(r.get("confidence_level")),
    }
    return _named(line, _cell(r["news_source"]), values)


def _allsides_domains_2023(line: int, r: dict) -> RatingRow:
    values = {"bias_label": _cell(r["rating"])}
    return _place(line, _cell(r["domain"]), name=_cell(r["title"]), values=values)


def _mbfc_2024(line: int, r: dict) -> RatingRow:
    values = {
        "bias_label": _cell(r["bias"]),
        "factuality_label": _cell(r["factual_reporting"]),
        "confidence": _cell(r.get("mbfc_credibility_rating")),
    }
    return _place(line, _cell(r["source"]), values=values)


def _mbfc_emnlp18(line: int, r: dict) -> RatingRow:
    values = {
        "bias_label": _cell(r["bias"]),
        "factuality_label": _cell(r["fact"]),
        "url": _cell(r["ref"]),
    }
    return _place(
        line, _cell(r["source_url_normalized"]) or _cell(r.get("source_url")), values=values
    )


def _mbfc_factual_2025(line: int, r: dict) -> RatingRow:
    score = r["Objective Reporting"]
    # Kept as published, with the scale's name so the number is not mistaken for another scale.
    published = "N/A" if _cell(score) == "" else str(score).strip()
    values = {"factuality_label": f"Objective Reporting {published}", "url": _cell(r["Rating URL"])}
    return _place(line, _cell(r["URL"]), values=values)


def _adfontes_2022(line: int, r: dict) -> RatingRow:
    values = {
        "bias_score": _score(_cell(r["bias"]), "bias"),
        "reliability_score": _score(_cell(r["reliability"]), "reliability"),
    }
    if values["bias_score"] is None:
        raise RowError("no bias score")
    return _named(line, _cell(r["source"]), values)


def _generic(line: int, r: dict) -> RatingRow:
    values: dict[str, object] = {}
    for column, cell in r.items():
        if column in ("bias_score", "reliability_score"):
            values[column] = _score(_cell(cell), column)
        elif column == "rated_on":
            values[column] = _date(_cell(cell))
        elif column in _GENERIC_VALUE_COLUMNS:
            values[column] = _cell(cell)
    domain = _cell(r.get("domain"))
    if domain:
        return _place(line, domain, name=_cell(r.get("name")), values=values)
    return _named(line, _cell(r.get("name")), values)


_ROW_READERS = {
    "allsides_2019": _allsides_2019,
    "allsides_domains_2023": _allsides_domains_2023,
    "mbfc_2024": _mbfc_2024,
    "mbfc_emnlp18": _mbfc_emnlp18,
    "mbfc_factual_2025": _mbfc_factual_2025,
    "adfontes_2022": _adfontes_2022,
    "generic": _generic,
}


# The largest score a rating holds once rounded to its decimal places (9999.99).
_SCORE_LIMIT = (
    Decimal(10) ** (RATING_SCORE_MAX_DIGITS - RATING_SCORE_DECIMAL_PLACES)
    - Decimal(10) ** -RATING_SCORE_DECIMAL_PLACES
)


def _check_fits(row: RatingRow) -> None:
    """Reject values a stored rating cannot hold (too long, control characters, a score out of
    range or not a number), so that no row reaches the database to fail there."""
    for key, limit in RATING_TEXT_MAX_LENGTHS.items():
        text = str(row.values.get(key) or "")
        if len(text) > limit:
            raise RowError(f"{key} is longer than {limit} characters")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
            raise RowError(f"{key} holds control characters")
    for key in ("bias_score", "reliability_score"):
        score = row.values.get(key)
        if isinstance(score, Decimal) and not (score.is_finite() and abs(score) <= _SCORE_LIMIT):
            raise RowError(f"{key} {score} is out of range (±{_SCORE_LIMIT})")


def _check_values(rater: str, row: RatingRow) -> None:
    """Reject values a rating cannot hold or the mapping table does not document, and rows
    that say nothing."""
    _check_fits(row)
    verdict = RaterVerdict.from_values(rater, row.values)
    try:
        bias, factuality = read_bias(verdict), read_factuality(verdict)
    except ValueError as error:  # an Ad Fontes score off the chart
        raise RowError(str(error)) from None
    rater_name = Rater(rater).label
    if bias is None:
        raise RowError(f"unknown {rater_name} bias value {verdict.bias_label!r}")
    if factuality is None:
        raise RowError(f"unknown {rater_name} factuality value {verdict.factuality_label!r}")
    if not verdict.bias_label and not verdict.factuality_label and verdict.bias_score is None:
        raise RowError("the row gives no rating")
    url = str(row.values.get("url") or "")
    if url and not is_web_url(url):
        raise RowError(f"url {url!r} is not an http(s) address")


# --- Matching outlets by name -------------------------------------------------------------

_LEADING_THE = re.compile(r"^the ")
_TRAILING_WORDS = re.compile(r" (news|online|\.com)$")


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation folded, "&" → "and": "Le Monde!" → "le monde"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    return " ".join(text.replace(" .", " ").split()).strip(" .")


def name_keys(name: str) -> tuple[str, ...]:
    """Keys an outlet name is known by, strictest first.

    "The Guardian" → ("the guardian", "guardian", "theguardian"); "Fox News" → ("fox news",
    "foxnews"). The squashed forms let a name meet a domain label ("foxnews.com").
    """
    full = normalise_name(name)
    if not full:
        return ()
    loose = _TRAILING_WORDS.sub("", _LEADING_THE.sub("", full))
    keys = [full, loose, full.replace(" ", ""), loose.replace(" ", "")]
    return tuple(dict.fromkeys(k for k in keys if k))


def domain_key(domain: str) -> str:
    """The label before the public suffix, as a name key: "theguardian.com" → "theguardian"."""
    return registered_domain(domain).split(".", 1)[0]


@dataclass(frozen=True)
class NameIndex:
    """Outlet ids by name key: exact names first, then looser keys and domain labels."""

    exact: dict[str, frozenset[int]]
    loose: dict[str, frozenset[int]]


def build_name_index(outlets: list[tuple[int, str, list[str]]]) -> NameIndex:
    """``outlets``: (id, name, [domain, alias domains …])."""
    exact: dict[str, set[int]] = {}
    loose: dict[str, set[int]] = {}
    for outlet_id, name, domains in outlets:
        keys = name_keys(name)
        if keys:
            exact.setdefault(keys[0], set()).add(outlet_id)
        for key in (*keys[1:], *(domain_key(d) for d in domains)):
            loose.setdefault(key, set()).add(outlet_id)
    return NameIndex(
        {k: frozenset(v) for k, v in exact.items()}, {k: frozenset(v) for k, v in loose.items()}
    )


def match_name(index: NameIndex, name: str) -> frozenset[int]:
    """Ids of the outlets ``name`` can mean: the exact name if any, else the loose keys."""
    keys = name_keys(name)
    if not keys:
        return frozenset()
    if keys[0] in index.exact:
        return index.exact[keys[0]]
    found: set[int] = set()
    for key in keys:
        found |= index.loose.get(key, frozenset())
        found |= index.exact.get(key, frozenset())
    return frozenset(found)


# --- The report of one import --------------------------------------------------------------


class UpsertResult(StrEnum):
    """What writing one rating (or catalogue row) did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowOutcome:
    """What happened (or, in a dry run, would happen) to one imported row."""

    line: int
    label: str  # the outlet as the file names it
    source_name: str
    result: UpsertResult


@dataclass(frozen=True)
class UnmatchedRow:
    line: int
    label: str
    why: str = "no outlet in the catalogue"


@dataclass
class ImportReport:
    format: str
    rater: str
    dry_run: bool = False
    # True when nothing was kept: a dry run, or --strict with rejected rows.
    rolled_back: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    def count(self, result: UpsertResult) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def created(self) -> int:
        return self.count(UpsertResult.CREATED)

    @property
    def updated(self) -> int:
        return self.count(UpsertResult.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UpsertResult.UNCHANGED)

    def summary(self) -> str:
        return (
            f"{self.format} ({self.rater}): created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, unmatched {len(self.unmatched)}, "
            f"rejected {len(self.rejected)}"
        )
