"""Story clustering on real outlet feeds, scored against two labellers' gold events.

    .venv/bin/python bench/stories.py [FEEDS_DIR GOLD_DIR] [--orders N] [--jitter-minutes M]
                                      [--jobs J] [--no-halves]

FEEDS_DIR (default ``../shared/data/feeds/outlets``, or under ``$NEWSDESK_SHARED_DATA``) is laid
out as ``manage.py ingest --replay`` reads it; GOLD_DIR (default ``../shared/data/stories``)
holds ``articles.tsv`` and one ``labels_<name>.tsv`` per labeller, scored as its README says
(``stories.evaluation``).

How the feeds are replayed, as a live site would meet them:

1. Once: ``manage.py ingest --replay FEEDS_DIR`` into a throw-away SQLite file (the embedded
   mode; a configured DATABASE_URL is never touched). Feeds are fetched over loopback and every
   article goes through extraction: an article whose page ``manage.py record_pages`` recorded
   in FEEDS_DIR is extracted from it, the others end feed-only (the shared feeds have no
   recorded pages). Their hand-offs to clustering go to an in-memory broker and are dropped:
   nothing is placed yet.
   Each article is then stamped as stored at its publication time (undated ones at the last
   article's time), which is when a live site would have met it. The file is the template of
   every run below.
2. Each run starts from a copy of the template and places the articles one by one in arrival
   order with ``stories.services.article_cluster`` then ``story_refresh``, the clock
   (``time-machine``) at the arrival time. Beat's periodic work runs on its schedule in that
   simulated time: every entry of ``settings.CELERY_BEAT_SCHEDULE`` whose task belongs to the
   stories app (the merge pass, the lost-work sweep, and any pass added later), at its own
   interval from the first publication (in every run), through the Celery task as beat would
   send it (tasks run eagerly, so the refreshes a merge queues run too). After the last
   article every such task runs once more at that article's time.
   Idle stretches (the feeds span years) are fast-forwarded: a tick is run when an article was
   placed since that task last ran, when its last run changed the stories (count, merges,
   versions, placed articles), and always at the last tick before the next arrival; the
   others would see the same stories at a later time. So a pass that acts on time alone (one
   that retires stale stories, say) still runs before the next article is placed.
3. Runs: publication order with periodic passes (the figures), publication order without them
   (streaming placement only, to show what the passes change), each half of the feeds alone
   (``--halves``, on by default: the feeds sorted by name and dealt alternately into two
   halves, each replayed as if the other did not exist; how far the figures move with the
   mix of outlets, the nearest this benchmark comes to feeds never seen), and ``--orders`` shuffled
   orders (default 5). The shuffle models concurrent workers: each article reaches placement
   a uniform random delay of 0 to ``--jitter-minutes`` (default 10) after its publication
   (seeded, reproducible), so articles published minutes apart swap; the clock follows the
   arrival times, the beat ticks as in the publication-order run. Runs go ``--jobs`` at a time
   (default 2), each in its own process on its own copy of the template.

App articles are matched to gold rows by canonical link, else by title. Prints, per labeller
and averaged: non-trivial B-cubed precision / recall / F1 and pairwise precision / recall /
F1, for streaming placement alone, with the periodic passes, and for "every article alone";
the ceiling the window sets (each labeller's events cut where their articles lie further apart
than the clustering window: no judge of events that keeps a story only while its articles
come within the window of one another scores more); the five worst mixed stories and worst
split events (by the first labeller's events); each shuffled order's pairwise F1 against the
publication-order stories and their minimum; and the placement speed. The last line is
``real stories F1=0.xxx pairwise-precision=0.xxx`` (means over the labellers, publication
order, after the periodic passes).
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embedded.beat import PeriodicEntry  # noqa: E402  (pure: no Django needed)
from stories import evaluation  # noqa: E402  (pure: no Django needed)


def _shared_data() -> Path:
    configured = os.environ.get("NEWSDESK_SHARED_DATA", "")
    return Path(configured) if configured else ROOT.parent / "shared" / "data"


DEFAULT_FEEDS = _shared_data() / "feeds" / "outlets"
DEFAULT_GOLD = _shared_data() / "stories"
WORST_SHOWN = 5
SHUFFLE_SEED = 13


# --- gold ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldRow:
    n: str
    feed: str
    title: str
    link: str


@dataclass(frozen=True)
class Gold:
    rows: dict[str, GoldRow]
    labellers: dict[str, dict[str, str]]  # labeller name -> {n: event}

    def only(self, rows: Iterable[str]) -> Gold:
        """The gold of ``rows`` alone (its labellers' labels of them)."""
        kept = list(rows)
        return Gold(
            rows={n: self.rows[n] for n in kept},
            labellers={
                name: {n: labels[n] for n in kept} for name, labels in self.labellers.items()
            },
        )


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        # Fields holding quotes are quoted CSV-style (""), as the shared files write them.
        return list(csv.DictReader(handle, delimiter="\t"))


def read_gold(gold_dir: Path) -> Gold:
    rows = {
        record["n"]: GoldRow(record["n"], record["feed"], record["title"], record["link"])
        for record in _read_tsv(gold_dir / "articles.tsv")
    }
    labellers = {}
    for path in sorted(gold_dir.glob("labels_*.tsv")):
        labels = {record["n"]: record["event"] for record in _read_tsv(path)}
        if labels.keys() != rows.keys():
            raise SystemExit(f"{path} does not label exactly the rows of articles.tsv")
        labellers[path.stem.removeprefix("labels_")] = labels
    if not labellers:
        raise SystemExit(f"no labels_*.tsv in {gold_dir}")
    return Gold(rows=rows, labellers=labellers)


# --- the template database ---------------------------------------------------------------


@dataclass(frozen=True)
class StoredArticle:
    id: int
    title: str
    url: str
    canonical_url: str
    published_at: datetime | None


def setup_django(workdir: Path) -> Path:
    """Django on a throw-away SQLite file in ``workdir``; the path of that file."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    database = workdir / "stories.sqlite3"
    os.environ["SQLITE_PATH"] = str(database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    return database


def _close_database(database: Path) -> None:
    from django.db import connection

    if connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def build_template(feeds_dir: Path, database: Path, template: Path) -> str:
    """Ingest ``feeds_dir`` into ``database`` without clustering and save it as ``template``;
    the ingest command's summary line."""
    from django.core.management import call_command
    from django.db.models import F, Max

    from newsdesk.celery import app
    from stories.models import Article

    call_command("migrate", verbosity=0)
    # Hand-offs to clustering go to the in-memory broker and stay there: the runs place.
    app.conf.task_always_eager = False
    out = io.StringIO()
    call_command("ingest", "--replay", str(feeds_dir), stdout=out)
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge("clustering")
    last = Article.objects.aggregate(last=Max("published_at"))["last"]
    Article.objects.filter(published_at__isnull=False).update(
        created_at=F("published_at"), updated_at=F("published_at")
    )
    Article.objects.filter(published_at__isnull=True).update(created_at=last, updated_at=last)
    _close_database(database)
    shutil.copyfile(database, template)
    return out.getvalue().strip().splitlines()[-1]


def stored_articles() -> list[StoredArticle]:
    """The articles clustering places (extracted or feed-only), by id."""
    from stories.models import Article
    from stories.services import CLUSTERABLE_STATUSES

    return [
        StoredArticle(*row)
        for row in Article.objects.filter(status__in=CLUSTERABLE_STATUSES)
        .order_by("id")
        .values_list("id", "title", "url", "canonical_url", "published_at")
    ]


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class Matching:
    article_of_row: dict[str, int]
    by_link: int
    by_title: int
    unmatched_rows: list[str]
    articles_without_row: int


def match_gold(gold: Gold, articles: Sequence[StoredArticle]) -> Matching:
    """Each gold row's article: same canonical link, else the same title."""
    from ingestion.canonical import canonicalize_url

    by_link: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for article in articles:
        for url in (article.canonical_url, canonicalize_url(article.url)):
            if url:
                by_link.setdefault(url, article.id)
        by_title.setdefault(_title_key(article.title), article.id)
    article_of_row: dict[str, int] = {}
    link_count = title_count = 0
    unmatched = []
    for n, row in gold.rows.items():
        article_id = by_link.get(canonicalize_url(row.link) or row.link)
        if article_id is not None:
            link_count += 1
        else:
            article_id = by_title.get(_title_key(row.title))
            title_count += article_id is not None
        if article_id is None:
            unmatched.append(n)
        else:
            article_of_row[n] = article_id
    matched = set(article_of_row.values())
    return Matching(
        article_of_row=article_of_row,
        by_link=link_count,
        by_title=title_count,
        unmatched_rows=unmatched,
        articles_without_row=sum(article.id not in matched for article in articles),
    )


# --- the simulated beat ----------------------------------------------------------------------


def periodic_entries() -> list[PeriodicEntry]:
    """The beat entries whose task belongs to the stories app, with their intervals."""
    from django.conf import settings

    from embedded.beat import UnsupportedSchedule
    from embedded.beat import periodic_entries as schedule_entries

    try:
        return schedule_entries(
            settings.CELERY_BEAT_SCHEDULE, include=lambda task: task.startswith("stories.")
        )
    except UnsupportedSchedule as error:
        raise SystemExit(f"{error}; only interval schedules are simulated") from error


def stories_signature() -> tuple:
    """Changes whenever a pass changes the stories: count, merges, refreshes, placements."""
    from django.db.models import Count, Sum

    from stories.models import Article, Story

    figures = Story.objects.aggregate(
        stories=Count("id"), merged=Count("merged_into"), versions=Sum("version")
    )
    placed = Article.objects.filter(story__isnull=False).count()
    return (figures["stories"], figures["merged"], figures["versions"], placed)


class SimulatedBeat:
    """Runs the periodic entries on their intervals in simulated time (see the module)."""

    def __init__(self, entries: Sequence[PeriodicEntry], start: datetime) -> None:
        from newsdesk.celery import app

        app.loader.import_default_modules()
        self.entries = list(entries)
        self.tasks: dict[str, Callable[..., object]] = {e.name: app.tasks[e.task] for e in entries}
        self.next_due = {entry.name: start + entry.interval for entry in entries}
        self.placed_since = dict.fromkeys(self.next_due, False)
        self.changed = dict.fromkeys(self.next_due, False)
        self.runs = dict.fromkeys(self.next_due, 0)

    def article_placed(self) -> None:
        self.placed_since = dict.fromkeys(self.placed_since, True)

    def run_until(self, until: datetime) -> None:
        """Run every tick due at or before ``until`` that can change something."""
        while True:
            due = [(self.next_due[e.name], n, e) for n, e in enumerate(self.entries)]
            due = [tick for tick in due if tick[0] <= until]
            if not due:
                return
            at, _, entry = min(due)
            if self.placed_since[entry.name] or self.changed[entry.name]:
                self.next_due[entry.name] = at + entry.interval
                self.run(entry, at)
                continue
            # Idle: skip to the last tick before ``until``.
            last = at + ((until - at) // entry.interval) * entry.interval
            self.next_due[entry.name] = last + entry.interval
            self.run(entry, last)

    def run_all(self, at: datetime) -> None:
        for entry in self.entries:
            self.run(entry, at)

    def run(self, entry: PeriodicEntry, at: datetime) -> None:
        import time_machine

        before = stories_signature()
        with time_machine.travel(at, tick=False):
            self.tasks[entry.name](*entry.args, **entry.kwargs)
        self.changed[entry.name] = stories_signature() != before
        self.placed_since[entry.name] = False
        self.runs[entry.name] += 1


# --- one replay ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    at: datetime
    article_id: int


@dataclass(frozen=True)
class RunResult:
    story_of: dict[int, int]  # article id -> story id
    unplaced: int
    placement_seconds: float
    # Of placement_seconds, the articles' sentence embeddings: worked out before the
    # clustering lock, in each article's own task, so workers do them side by side.
    embedding_seconds: float
    refresh_seconds: float
    total_seconds: float
    beat_runs: dict[str, int]


def arrivals(
    articles: Sequence[StoredArticle], *, jitter: timedelta, rng: random.Random | None
) -> list[Arrival]:
    """Articles in arrival order: publication time plus a uniform delay in [0, jitter) drawn
    from ``rng`` (none: publication order); undated articles last, at the latest time."""
    dated = [a.published_at for a in articles if a.published_at is not None]
    last = max(dated) if dated else datetime.now(UTC)
    result = []
    for article in articles:
        at = article.published_at or last
        if rng is not None:
            at += rng.random() * jitter
        undated = article.published_at is None
        result.append((undated, at, article.id))
    result.sort()
    return [Arrival(at=at, article_id=article_id) for _undated, at, article_id in result]


def replay(
    order: Sequence[Arrival],
    *,
    database: Path,
    template: Path,
    periodic: bool,
    beat_start: datetime,
) -> RunResult:
    """Place the articles of a fresh copy of ``template`` in ``order`` (see the module)."""
    import time_machine
    from django.db import connection

    from newsdesk.celery import app
    from stories import clustering, services
    from stories.models import Article

    _close_database(database)
    _remove_database(database)
    shutil.copyfile(template, database)
    connection.settings_dict["NAME"] = str(database)
    # A run of some of the feeds (a half) must not meet the others' articles: left in the
    # copy, the lost-work sweep would find them unplaced and place them.
    Article.objects.filter(status__in=services.CLUSTERABLE_STATUSES).exclude(
        id__in=[arrival.article_id for arrival in order]
    ).delete()
    # As in the embedded mode: what a pass queues (a merge's refresh) runs in-process.
    app.conf.task_always_eager = True
    beat = SimulatedBeat(periodic_entries() if periodic else [], beat_start)
    placement = refresh = 0.0
    embedding = [0.0]
    # A pool process runs several replays: time the original, not the last run's wrapper.
    embedding_of = getattr(clustering.embedding_of, "__wrapped__", clustering.embedding_of)

    def timed_embedding_of(title: str, lead: str):  # type: ignore[no-untyped-def]
        clock = time.perf_counter()
        try:
            return embedding_of(title, lead)
        finally:
            embedding[0] += time.perf_counter() - clock

    timed_embedding_of.__wrapped__ = embedding_of  # type: ignore[attr-defined]
    clustering.embedding_of = timed_embedding_of  # type: ignore[assignment]
    started = time.perf_counter()
    for arrival in order:
        beat.run_until(arrival.at)
        with time_machine.travel(arrival.at, tick=False):
            clock = time.perf_counter()
            story_id = services.article_cluster(article_id=arrival.article_id)
            placement += time.perf_counter() - clock
            if story_id is not None:
                clock = time.perf_counter()
                services.story_refresh(story_id=story_id)
                refresh += time.perf_counter() - clock
        beat.article_placed()
    beat.run_all(order[-1].at)
    total = time.perf_counter() - started
    ids = [arrival.article_id for arrival in order]
    story_of = dict(
        Article.objects.filter(id__in=ids, story__isnull=False).values_list("id", "story_id")
    )
    return RunResult(
        story_of=story_of,
        unplaced=len(ids) - len(story_of),
        placement_seconds=placement,
        embedding_seconds=embedding[0],
        refresh_seconds=refresh,
        total_seconds=total,
        beat_runs=beat.runs,
    )


@dataclass(frozen=True)
class Job:
    kind: str  # "streaming" (no periodic passes), "publication", "half" or "shuffled"
    seed: int = 0


# Set by main() before the worker processes fork: what every run starts from.
_JOB_CONTEXT: dict[str, object] = {}


def feed_halves(gold: Gold, matching: Matching) -> tuple[frozenset[int], frozenset[int]]:
    """The matched articles of each half of the feeds: feeds sorted by name, dealt alternately."""
    feeds = sorted({gold.rows[n].feed for n in matching.article_of_row})
    first = set(feeds[::2])
    halves: tuple[set[int], set[int]] = (set(), set())
    for n, article_id in matching.article_of_row.items():
        halves[gold.rows[n].feed not in first].add(article_id)
    return frozenset(halves[0]), frozenset(halves[1])


def run_job(job: Job) -> RunResult:
    articles = _JOB_CONTEXT["articles"]
    if job.kind == "half":
        kept = _JOB_CONTEXT["halves"][job.seed]
        articles = [article for article in articles if article.id in kept]
    rng = random.Random(job.seed) if job.kind == "shuffled" else None
    order = arrivals(articles, jitter=_JOB_CONTEXT["jitter"], rng=rng)
    # Every run's beat ticks at the same times, so runs differ only in the order of arrivals.
    beat_start = arrivals(articles, jitter=timedelta(0), rng=None)[0].at
    database = _JOB_CONTEXT["workdir"] / f"run-{job.kind}-{job.seed}.sqlite3"
    try:
        return replay(
            order,
            database=database,
            template=_JOB_CONTEXT["template"],
            periodic=job.kind != "streaming",
            beat_start=beat_start,
        )
    finally:
        _close_database(database)
        _remove_database(database)


# --- report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledScores:
    bcubed: evaluation.Scores
    pairs: evaluation.Scores
    pair_counts: str = ""


def score(predicted: Mapping[str, object], gold: Gold) -> dict[str, LabelledScores]:
    """Scores per labeller and their mean (key ``"mean"``)."""
    result = {}
    for name, labels in gold.labellers.items():
        pairs = evaluation.pairwise(predicted, labels)
        result[name] = LabelledScores(
            bcubed=evaluation.bcubed_non_trivial(predicted, labels),
            pairs=pairs,
            pair_counts=f"{pairs.correct_pairs}/{pairs.predicted_pairs} of {pairs.gold_pairs}",
        )
    result["mean"] = LabelledScores(
        bcubed=evaluation.mean_scores(s.bcubed for s in result.values()),
        pairs=evaluation.mean_scores(s.pairs for s in result.values()),
    )
    return result


def print_scores(title: str, scores: dict[str, LabelledScores]) -> None:
    print(f"\n{title}")
    print("               non-trivial B-cubed       pairwise")
    print("               P      R      F1          P      R      F1     right/put of gold pairs")
    for name, s in scores.items():
        label = "mean" if name == "mean" else f"labeller {name}"
        b, p = s.bcubed, s.pairs
        print(
            f"  {label:12} {b.precision:.3f}  {b.recall:.3f}  {b.f1:.3f}       "
            f"{p.precision:.3f}  {p.recall:.3f}  {p.f1:.3f}  {s.pair_counts}"
        )


def print_window_ceiling(gold: Gold, matching: Matching, articles: Sequence[StoredArticle]) -> None:
    """What a judge that knew each labeller's events would score if, like the clustering, it
    kept a story only while its articles come within the window of one another: the most the
    clustering's window lets any judge of events reach on these labels."""
    from stories.services.parameters import cluster_params

    window = cluster_params().window
    published = {article.id: article.published_at for article in articles}
    times = {
        n: published[a] or datetime.min.replace(tzinfo=UTC)
        for n, a in matching.article_of_row.items()
    }
    figures = []
    for name, labels in gold.labellers.items():
        cut = evaluation.cut_at_gaps({n: labels[n] for n in times}, times, window)
        mean = score(cut, gold)["mean"]
        figures.append(f"{name}'s events {mean.bcubed.f1:.3f} / {mean.pairs.precision:.3f}")
    print(
        f"\neach labeller's events cut where their articles lie over "
        f"{window.total_seconds() / 3600:g} h apart (the window's ceiling), non-trivial F1 / "
        f"pairwise precision against both labellers: {'; '.join(figures)}"
    )


def print_worst(predicted: Mapping[str, int], gold: Gold) -> None:
    names = list(gold.labellers)
    first = gold.labellers[names[0]]

    def events(n: str) -> str:
        shown = [first[n]]
        shown += [f"{name}: {gold.labellers[name][n]}" for name in names[1:]]
        return shown[0] if len(set(gold.labellers[x][n] for x in names)) == 1 else " | ".join(shown)

    def line(n: str, tag: str) -> str:
        row = gold.rows[n]
        return f"      [{tag}] {row.title[:90]} ({row.feed})"

    print(f"\nfive worst mixed stories (most pairs of different events; labeller {names[0]}):")
    for mixed in evaluation.mixed_clusters(predicted, first, limit=WORST_SHOWN):
        print(
            f"  story {mixed.label}: {len(mixed.members)} articles, {mixed.wrong_pairs} wrong pairs"
        )
        for n in sorted(mixed.members, key=lambda n: (first[n], int(n) if n.isdigit() else n)):
            print(line(n, events(n)))
    print(f"\nfive worst split events (spread over the most stories; labeller {names[0]}):")
    for split in evaluation.split_events(predicted, first, limit=WORST_SHOWN):
        print(
            f"  {split.event}: {len(split.members)} articles in {split.cluster_count} stories, "
            f"{split.missed_pairs} pairs apart"
        )
        for n in sorted(split.members, key=lambda n: (predicted[n], n)):
            print(line(n, f"story {predicted[n]}"))


def story_sizes(story_of: Mapping[int, int]) -> str:
    sizes: dict[int, int] = {}
    for story in story_of.values():
        sizes[story] = sizes.get(story, 0) + 1
    multi = [size for size in sizes.values() if size > 1]
    return (
        f"{len(sizes)} stories, {len(multi)} with 2+ articles holding {sum(multi)} articles, "
        f"largest {max(sizes.values(), default=0)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feeds", nargs="?", type=Path, default=DEFAULT_FEEDS)
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--orders", type=int, default=5, help="shuffled orders (0: none)")
    parser.add_argument("--jitter-minutes", type=float, default=10.0)
    parser.add_argument(
        "--halves",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also replay each half of the feeds alone (default: on)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="replays run at once, one process each (default: 2, or 1 on one core)",
    )
    args = parser.parse_args()
    feeds_dir, gold_dir = args.feeds.resolve(), args.gold.resolve()
    gold = read_gold(gold_dir)
    began = time.perf_counter()

    workdir = Path(tempfile.mkdtemp(prefix="nd-stories-"))
    try:
        database = setup_django(workdir)
        template = workdir / "template.sqlite3"
        from embedded import replay as replay_files

        feed_count = len(replay_files.feed_files(feeds_dir))
        ingested = build_template(feeds_dir, database, template)
        articles = stored_articles()
        matching = match_gold(gold, articles)
        halves = feed_halves(gold, matching)
        jobs = (
            [Job("streaming"), Job("publication")]
            + ([Job("half", seed=0), Job("half", seed=1)] if args.halves else [])
            + [Job("shuffled", seed=SHUFFLE_SEED + k) for k in range(args.orders)]
        )
        _close_database(database)
        _JOB_CONTEXT.update(
            articles=articles,
            halves=halves,
            template=template,
            workdir=workdir,
            jitter=timedelta(minutes=args.jitter_minutes),
        )
        if args.jobs > 1:
            # Runs are independent (each on its own copy of the template): one process each,
            # forked after the template is built, as many at once as asked.
            with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
                results = pool.map(run_job, jobs, chunksize=1)
        else:
            results = [run_job(job) for job in jobs]
        streaming, full, *rest = results
        half_runs, shuffled = (rest[:2], rest[2:]) if args.halves else ([], rest)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"feeds: {feeds_dir} ({feed_count} feeds); gold: {gold_dir}")
    print(f"ingest: {ingested}")
    print(
        f"gold rows: {len(gold.rows)}, labellers: {', '.join(gold.labellers)}; matched "
        f"{len(matching.article_of_row)} ({matching.by_link} by link, {matching.by_title} by "
        f"title); unmatched rows: {len(matching.unmatched_rows)}; placed articles without a "
        f"gold row: {matching.articles_without_row}"
    )
    for n in matching.unmatched_rows[:10]:
        print(f"  unmatched: {n} {gold.rows[n].title[:80]} {gold.rows[n].link}")
    entries = periodic_entries()
    print(
        "periodic passes (settings.CELERY_BEAT_SCHEDULE, stories tasks): "
        + ", ".join(f"{e.name} every {e.interval.total_seconds():g}s" for e in entries)
    )
    print(f"beat runs in the publication-order replay: {full.beat_runs}")
    if full.unplaced or streaming.unplaced:
        print(f"WARNING: articles left without a story: {full.unplaced} / {streaming.unplaced}")

    # Gold rows not matched are scored out: the figures cover the matched rows only.
    gold = gold.only(matching.article_of_row)

    def by_row(run: RunResult) -> dict[str, int]:
        return {n: run.story_of.get(a, -a) for n, a in matching.article_of_row.items()}

    before = score(by_row(streaming), gold)
    after = score(by_row(full), gold)
    print_scores(
        f"publication order, streaming placement only (no periodic passes): "
        f"{story_sizes(streaming.story_of)}",
        before,
    )
    print_scores(
        f"publication order, with the periodic passes: {story_sizes(full.story_of)}", after
    )
    print_scores("every article alone", score(evaluation.every_item_alone(gold.rows), gold))
    print_window_ceiling(gold, matching, articles)
    drop = after["mean"].pairs.precision - before["mean"].pairs.precision
    print(
        f"\nperiodic passes change mean pairwise precision by {drop:+.3f} "
        f"({'lowered' if drop < 0 else 'not lowered'}), non-trivial F1 by "
        f"{after['mean'].bcubed.f1 - before['mean'].bcubed.f1:+.3f}"
    )
    print_worst(by_row(full), gold)

    if half_runs:
        print(
            "\neach half of the feeds alone (sorted by name, dealt alternately), with the "
            "periodic passes:"
        )
        for k, (run, kept) in enumerate(zip(half_runs, halves, strict=True)):
            rows = {n for n, a in matching.article_of_row.items() if a in kept}
            half = score(
                {
                    n: run.story_of.get(a, -a)
                    for n, a in matching.article_of_row.items()
                    if n in rows
                },
                gold.only(rows),
            )["mean"]
            feeds = sorted({gold.rows[n].feed for n in rows})
            print(
                f"  half {k + 1} ({len(feeds)} feeds, {len(rows)} articles): non-trivial F1 "
                f"{half.bcubed.f1:.3f}, pairwise precision {half.pairs.precision:.3f}; "
                f"{', '.join(feeds)}"
            )

    if shuffled:
        print(
            f"\norder robustness: {len(shuffled)} orders, each article placed a uniform "
            f"0-{args.jitter_minutes:g} min after publication (seeds {SHUFFLE_SEED}.."
            f"{SHUFFLE_SEED + len(shuffled) - 1}); pairwise F1 of all placed articles' stories "
            "against the publication-order run"
        )
        agreements = []
        for k, run in enumerate(shuffled):
            common = full.story_of.keys() & run.story_of.keys()
            agreement = evaluation.pairwise(
                {a: run.story_of[a] for a in common}, {a: full.story_of[a] for a in common}
            )
            agreements.append(agreement.f1)
            print(
                f"  order {k + 1}: pairwise F1 {agreement.f1:.3f} "
                f"(P {agreement.precision:.3f} R {agreement.recall:.3f}); "
                f"{story_sizes(run.story_of)}"
            )
        print(f"  minimum pairwise F1 {min(agreements):.3f}")

    placed = len(full.story_of)
    print(
        f"\nspeed (publication order with passes, {args.jobs} replays at once): placement "
        f"{placed / full.placement_seconds:.0f} articles/s (article_cluster alone, SQLite, "
        f"{full.placement_seconds:.1f} s, of which the articles' embeddings "
        f"{1000 * full.embedding_seconds / placed:.0f} ms/article; without them "
        f"{placed / (full.placement_seconds - full.embedding_seconds):.0f} articles/s); "
        f"story_refresh {placed / full.refresh_seconds:.0f}/s; the whole replay "
        f"{full.total_seconds:.1f} s; everything {time.perf_counter() - began:.0f} s"
    )
    mean = after["mean"]
    print(f"real stories F1={mean.bcubed.f1:.3f} pairwise-precision={mean.pairs.precision:.3f}")


if __name__ == "__main__":
    main()
