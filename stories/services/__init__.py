"""Writes on stories: clustering an article, refreshing a story, merges and editors' moves.

Locking
-------
* Placing articles (``article_cluster``) and the merge pass run under one transaction-level
  PostgreSQL advisory lock (``AdvisoryLock.CLUSTERING``), so two workers never decide about the same
  event at once and the streaming document-frequency table stays exact. The lock's hold time
  bounds placements per second for all workers together (``bench/scale.py`` prints it), so the
  article's features are worked out before it is taken, and the placement task places the
  articles waiting then in one batch under one hold (``articles_cluster_waiting``); the slow
  part, refreshing figures, headline and summary, is a task of its own, queued a few seconds
  on (one refresh for the articles joining a story meanwhile). SQLite (embedded mode) runs
  tasks in-process and serialises writers.
* ``story_refresh`` locks the story row (``select_for_update``) and recomputes everything from
  the database, so whatever order refreshes run in, the last one sees every committed change.
  Its related stories (``related``) are recomputed under that lock: only the story's own
  rows are written, naming the others without a constraint, so no other story's lock is taken.

Lost work
---------
The database, not the queue, says what is left to do. A worker killed between two steps loses
its task (with late acknowledgement Redis redelivers it only after the visibility timeout), so
``stories_sweep_lost_work`` (beat, every minute) re-queues what the database shows
undone: extracted or feed-only articles without a story, and stories whose
``refresh_requested_at`` is set. Every change to a story's articles sets that field in the same
transaction, under the story's row lock; ``story_refresh`` clears it under the same lock, so a
refresh can only clear what it has seen.

Settings read (declared in ``newsdesk.settings``, checked by ``stories.checks``):
``STORY_CLUSTER_WINDOW_HOURS``, ``STORY_CLUSTER_LINK_THRESHOLD``,
``STORY_CLUSTER_MEANING_LINK`` and the ``BLINDSPOT_*``
thresholds; see ``stories.clustering`` and ``stories.coverage``.

Modules: ``placement`` (an article into a story), ``refresh`` (a story's figures, headline,
summary), ``related`` (the stories its page lists beside it), ``editorial`` (merges and
moves), ``sweeps`` (periodic passes), ``index`` (the clustering index in the database) and
``parameters`` (the settings in force). Reads live in
``stories.selectors``.
"""

from stories.services.editorial import article_move, stories_merge
from stories.services.index import CLUSTER_LEAD_CHARS, opening_headline
from stories.services.parameters import blindspot_thresholds, cluster_params
from stories.services.placement import (
    CLUSTERABLE_STATUSES,
    PLACEMENT_BATCH,
    article_cluster,
    articles_cluster_waiting,
)
from stories.services.refresh import story_compute_figures, story_refresh, story_refresh_image
from stories.services.related import story_related_recompute
from stories.services.retention import RETENTION_BATCH, articles_drop_old_text
from stories.services.sweeps import (
    BLINDSPOT_RECHECK_HOURS,
    LOST_WORK_BATCH,
    LOST_WORK_MINUTES,
    LostWorkSweep,
    stories_figures_drift,
    stories_merge_pass,
    stories_recheck_blindspots,
    stories_recompute_for_source,
    stories_sweep_lost_work,
)

__all__ = [
    "BLINDSPOT_RECHECK_HOURS",
    "CLUSTERABLE_STATUSES",
    "CLUSTER_LEAD_CHARS",
    "LOST_WORK_BATCH",
    "LOST_WORK_MINUTES",
    "PLACEMENT_BATCH",
    "RETENTION_BATCH",
    "LostWorkSweep",
    "article_cluster",
    "article_move",
    "articles_cluster_waiting",
    "articles_drop_old_text",
    "blindspot_thresholds",
    "cluster_params",
    "opening_headline",
    "stories_figures_drift",
    "stories_merge",
    "stories_merge_pass",
    "stories_recheck_blindspots",
    "stories_recompute_for_source",
    "stories_sweep_lost_work",
    "story_compute_figures",
    "story_refresh",
    "story_refresh_image",
    "story_related_recompute",
]
