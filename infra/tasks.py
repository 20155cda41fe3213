"""The one Celery task policy of every app: ``@policy_task(soft_time_limit=…, time_limit=…)``.

* Acknowledged late: a task whose worker is killed returns to the queue.
* Soft and hard time limits, chosen per task (the soft one lets a task record why it stopped).
* A lost database or broker connection (``OperationalError`` / ``InterfaceError`` /
  ``ConnectionError``: PostgreSQL restarting, a failover, a dropped connection, Redis
  restarting) is retried with exponential backoff, 2 s doubling to 60 s, ± 10 % jitter,
  ``MAX_RETRIES`` times: about 25 minutes. Nothing is recorded (the database is what is
  missing), and every task is idempotent, so running again from the start is safe. Celery's
  Django fixup closes the connection around every task, so each attempt opens a fresh one.
  Should an outage outlast the retries, each app's periodic sweep re-queues the lost work.

A task with transient errors of its own (ingestion's fetches) retries them itself with
``self.retry`` and :func:`retry_countdown`; both kinds count in ``request.retries``.

Follow-up tasks are queued with :func:`enqueue_on_commit` (or :func:`enqueue`): a broker that
cannot be reached (Redis restarting) is retried in place for about 20 seconds, and past that the
queueing task still succeeds: its work is committed, the database marks what is left to do, and
the recovery sweeps queue it once the broker answers again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

RETRY_ON: tuple[type[Exception], ...] = (OperationalError, InterfaceError, ConnectionError)
RETRY_BASE_SECONDS = 2
# A minute at most between two tries: a task resumes within a minute of the database's
# return, however long it was away.
RETRY_MAX_SECONDS = 60
# 2 s, 4 s … 32 s, then 60 s each time: 29 retries span about 25 minutes.
MAX_RETRIES = 29
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


# Publishing to a broker that is away: 1 s, 2 s, then 3 s apart, 8 retries (about 20 s): long
# enough for a Redis restart, short against the tasks' time limits (60 s and more).
ENQUEUE_RETRY_POLICY = {
    "max_retries": 8,
    "interval_start": 1.0,
    "interval_step": 1.0,
    "interval_max": 3.0,
}
# After one publish gave up, this process tries the next ones once only for this long, so a
# task queueing hundreds of follow-ups does not wait 20 s for each.
BROKER_DOWN_SECONDS = 30.0
_broker_down_until = 0.0


def enqueue(task: Task, *args: Any, countdown: float | None = None) -> bool:
    """Queue ``task(*args)`` (to run ``countdown`` seconds from now, if given); whether the
    broker took it.

    A broker that cannot be reached is retried as :data:`ENQUEUE_RETRY_POLICY` says; should it
    stay away, the failure is logged and swallowed: callers queue only work the database
    already marks as left to do, which the recovery sweeps queue again.
    """
    global _broker_down_until
    retry = time.monotonic() >= _broker_down_until
    try:
        options: dict[str, Any] = {} if countdown is None else {"countdown": countdown}
        task.apply_async(args=args, retry=retry, retry_policy=ENQUEUE_RETRY_POLICY, **options)
    except (BrokerOperationalError, ConnectionError) as error:
        _broker_down_until = time.monotonic() + BROKER_DOWN_SECONDS
        logger.warning("broker unavailable, %s%r left to the sweeps: %s", task.name, args, error)
        return False
    _broker_down_until = 0.0
    return True


def enqueue_on_commit(task: Task, *args: Any, countdown: float | None = None) -> None:
    """:func:`enqueue` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task, *args, countdown=countdown))
