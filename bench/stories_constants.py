"""How far the link constants could move the real-stories figures, and whether constants that
suit some feeds suit others.

    .venv/bin/python bench/stories_constants.py [FEEDS_DIR GOLD_DIR]

``bench/stories.py`` measures the configured code through the real pipeline. This asks the
question the issue's "feeds never seen" target raises: if the constants were tuned, how much
would the figures gain, and would constants tuned on one set of feeds carry to another? It
replays in memory so it can try many constants:

1. The feeds are ingested into a throw-away SQLite file exactly as ``bench/stories.py`` does,
   and each matched article's clustering features (terms and sentence embedding) are read once
   with ``stories.services.index.features_of``, as placement reads them.
2. A replay places the articles in publication order with ``stories.clustering.place_article``
   over a ``MemoryIndex`` and runs the merge pass (``plan_merges``) on the beat entry's interval
   in simulated time, with the same tick rule as ``bench/stories.py``'s simulated beat. With the
   configured constants it prints the same figures as ``bench/stories.py`` (checked: F1 0.822,
   pairwise precision 0.941 on the shared labels, and the same per-half figures).
3. A grid over the three link constants (word link, meaning link, same-day margin) is replayed
   on all feeds and on each half of the feeds (sorted by name, dealt alternately: the halves
   of ``bench/stories.py``). For each it prints the figures with the configured constants, the
   best F1 any grid point reaches at pairwise precision >= 0.90 (the issue's floor), and what
   the other half's best constants give here: a constant set tuned on ten feeds, met by ten
   feeds it never saw.

Prints, last, ``constants: configured F1=… best F1=… (at …)`` for all feeds.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stories import clustering  # noqa: E402  (pure: no Django needed)

# Loaded by path: bench/ on sys.path as the script's folder would shadow the stories package.
_SPEC = importlib.util.spec_from_file_location("bench_stories", ROOT / "bench" / "stories.py")
assert _SPEC is not None and _SPEC.loader is not None
bench_stories = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_stories"] = bench_stories  # dataclasses look their module up by name
_SPEC.loader.exec_module(bench_stories)

# The grid: each constant's configured value and points on either side of it, wide enough that
# the best point is inside, not on the edge (checked on the shared labels).
WORD_LINKS = (0.30, 0.33, 0.36, 0.40, 0.45)
MEANING_LINKS = (0.60, 0.65, 0.70, 0.75, 0.80)
SAME_DAY_MARGINS = (0.0, 0.05, 0.10)
# The floor: a mixed story costs a reader more than a split one.
PRECISION_FLOOR = 0.90
MERGE_PASS_TASK = "stories.tasks.stories_merge_pass"


@dataclass(frozen=True)
class Figures:
    f1: float
    precision: float


Constants = tuple[float, float, float]


def params_for(constants: Constants) -> clustering.ClusterParams:
    word_link, meaning_link, margin = constants
    return replace(
        clustering.ClusterParams(),
        link_threshold=word_link,
        meaning_link=meaning_link,
        same_day_meaning_margin=margin,
    )


def configured() -> Constants:
    params = clustering.ClusterParams()
    return (params.link_threshold, params.meaning_link, params.same_day_meaning_margin)


def replay(
    features: Sequence[clustering.ArticleFeatures],
    *,
    params: clustering.ClusterParams,
    merge_every: timedelta,
) -> dict[int, int]:
    """Article id -> story id after placing ``features`` in publication order, the merge pass
    ticking every ``merge_every`` from the first publication (run at a tick when an article was
    placed since its last run or that run merged something, else once at the last tick before
    the next article, as bench/stories.py's simulated beat does), and once after the last."""
    order = sorted(features, key=lambda f: (f.published_at, f.article_id))
    index = clustering.MemoryIndex()
    next_tick = order[0].published_at + merge_every
    placed_since = merged = False

    def merge_pass(now: datetime) -> bool:
        active = index.active_stories(now - params.window)
        plan = clustering.plan_merges(index, active, now=now, params=params)
        for absorbed, into in plan:
            index.merge(absorbed, into)
        return bool(plan)

    for article in order:
        while next_tick <= article.published_at:
            if not (placed_since or merged):
                # Idle: only the last tick before the article can still see something new.
                skipped = (article.published_at - next_tick) // merge_every
                next_tick += skipped * merge_every
            merged = merge_pass(next_tick)
            placed_since = False
            next_tick += merge_every
        index.record(article, clustering.place_article(index, article, params=params))
        placed_since = True
    merge_pass(order[-1].published_at)
    return {article.article_id: index.story_of(article.article_id) for article in order}


def figures(
    story_of: Mapping[int, int], gold: bench_stories.Gold, article_of_row: Mapping[str, int]
) -> Figures:
    rows = [n for n, article_id in article_of_row.items() if article_id in story_of]
    mean = bench_stories.score({n: story_of[article_of_row[n]] for n in rows}, gold.only(rows))[
        "mean"
    ]
    return Figures(f1=mean.bcubed.f1, precision=mean.pairs.precision)


def best(results: Mapping[Constants, Figures]) -> tuple[Constants, Figures] | None:
    """The grid point with the highest F1 at pairwise precision >= the floor."""
    allowed = [item for item in results.items() if item[1].precision >= PRECISION_FLOOR]
    return max(allowed, key=lambda item: (item[1].f1, item[1].precision), default=None)


def _shown(constants: Constants) -> str:
    word_link, meaning_link, margin = constants
    return f"words {word_link:.2f}, meaning {meaning_link:.2f}, same-day margin {margin:.2f}"


def _cell(result: Figures) -> str:
    return f"F1 {result.f1:.3f} / pairwise precision {result.precision:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feeds", nargs="?", type=Path, default=bench_stories.DEFAULT_FEEDS)
    parser.add_argument("gold", nargs="?", type=Path, default=bench_stories.DEFAULT_GOLD)
    args = parser.parse_args()
    gold = bench_stories.read_gold(args.gold.resolve())

    workdir = Path(tempfile.mkdtemp(prefix="nd-constants-"))
    try:
        database = bench_stories.setup_django(workdir)
        bench_stories.build_template(args.feeds.resolve(), database, workdir / "template.sqlite3")
        matching = bench_stories.match_gold(gold, bench_stories.stored_articles())
        from stories.models import Article
        from stories.services.index import features_of

        matched = Article.objects.filter(id__in=matching.article_of_row.values())
        features = {article.id: features_of(article) for article in matched.order_by("id")}
        (merge_entry,) = [
            entry for entry in bench_stories.periodic_entries() if entry.task == MERGE_PASS_TASK
        ]
        halves = bench_stories.feed_halves(gold, matching)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    sets = {"all feeds": frozenset(features), "half 1": halves[0], "half 2": halves[1]}
    grid = list(itertools.product(WORD_LINKS, MEANING_LINKS, SAME_DAY_MARGINS))
    if configured() not in grid:
        grid.append(configured())
    results: dict[str, dict[Constants, Figures]] = {}
    for name, kept in sets.items():
        chosen = [features[article_id] for article_id in sorted(kept)]
        results[name] = {
            constants: figures(
                replay(chosen, params=params_for(constants), merge_every=merge_entry.interval),
                gold,
                matching.article_of_row,
            )
            for constants in grid
        }

    print(
        f"in-memory replays, publication order, merge pass every "
        f"{merge_entry.interval.total_seconds():g} s; {len(grid)} constant sets; best = highest "
        f"non-trivial F1 at pairwise precision >= {PRECISION_FLOOR:.2f}"
    )
    print(f"configured: {_shown(configured())}")
    best_of = {name: best(result) for name, result in results.items()}
    for name, result in results.items():
        count = len(sets[name])
        print(f"\n{name} ({count} articles)")
        print(f"  configured constants       {_cell(result[configured()])}")
        found = best_of[name]
        if found is None:
            print("  best                       none reaches the precision floor")
        else:
            print(f"  best                       {_cell(found[1])}  ({_shown(found[0])})")
        other = {"half 1": "half 2", "half 2": "half 1"}.get(name)
        tuned_elsewhere = best_of.get(other) if other else None
        if tuned_elsewhere is not None:
            print(f"  {other}'s best, applied here {_cell(result[tuned_elsewhere[0]])}")
    overall = best_of["all feeds"]
    line = f"constants: configured F1={results['all feeds'][configured()].f1:.3f}"
    if overall is not None:
        line += f" best F1={overall[1].f1:.3f} (at {_shown(overall[0])})"
    print(line)


if __name__ == "__main__":
    main()
