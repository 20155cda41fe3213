"""The one Celery task policy of every app: ``@policy_task(soft_time_limit=…, time_limit=…)``.

* Acknowledged late: a task whose worker is killed returns to the queue.
* Soft and hard time limits, chosen per task (the soft one lets a task record why it stopped).
* A lost database or broker connection (``OperationalError`` / ``InterfaceError`` /
  ``ConnectionError``: PostgreSQL restarting, a failover, a dropped connection, Redis
  restarting) is retried with exponential backoff, 2 s doubling to 256 s, ± 10 % jitter,
  ``MAX_RETRIES`` times: about 25 minutes. Nothing is recorded (the database is what is
  missing), and every task is idempotent, so running again from the start is safe. Celery's
  Django fixup closes the connection around every task, so each attempt opens a fresh one.
  Should an outage outlast the retries, each app's periodic sweep re-queues the lost work.

A task with transient errors of its own (ingestion's fetches) retries them itself with
``self.retry`` and :func:`retry_countdown`; both kinds count in ``request.retries``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

RETRY_ON: tuple[type[Exception], ...] = (OperationalError, InterfaceError, ConnectionError)
RETRY_BASE_SECONDS = 2
RETRY_MAX_SECONDS = 256
# 2 s, 4 s … 256 s, then 256 s each time: 12 retries span about 25 minutes.
MAX_RETRIES = 12
JITTER_FRACTION = 0.1


def retry_countdown(
    *,
    retries: int,
    jitter: float,
    base_seconds: int = RETRY_BASE_SECONDS,
    max_seconds: int = RETRY_MAX_SECONDS,
) -> int:
    """Seconds before retry number ``retries + 1``: ``base_seconds`` doubling up to
    ``max_seconds``; ``jitter`` in [0, 1) spreads it over ± ``JITTER_FRACTION``."""
    seconds = min(base_seconds * 2 ** min(retries, 32), max_seconds)
    return int(seconds * (1 + JITTER_FRACTION * (2 * jitter - 1)))


class PolicyTask(Task):
    """Retries the lost-connection errors of :data:`RETRY_ON` as the module docstring says."""

    acks_late = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except RETRY_ON as error:
            countdown = retry_countdown(
                retries=self.request.retries,
                jitter=random.random(),  # noqa: S311 (spreading retries, not a secret)
            )
            raise self.retry(exc=error, countdown=countdown, max_retries=MAX_RETRIES) from error


def policy_task(
    *, soft_time_limit: int, time_limit: int, **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """``shared_task`` with the site's policy; ``options`` are further Celery task options."""
    return shared_task(
        base=PolicyTask, soft_time_limit=soft_time_limit, time_limit=time_limit, **options
    )
