"""Celery interface to newsletters.services (routed to the "mail" queue).

Beat runs ``newsletters_enqueue_due`` every ``PLANNER_INTERVAL_SECONDS``; it queues one
``newsletter_send_batch`` per batch, spaced so the mail goes out at
``NEWSLETTERS_MESSAGES_PER_SECOND`` on average. Both are idempotent: a batch task claims what
is still queued, and a planner that runs twice makes no second delivery.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from infra.tasks import policy_task
from newsletters import schedule, services

# Matches the beat schedule's entry in settings: the planner queues batches for this long.
PLANNER_INTERVAL_SECONDS = 120
# A batch of 100 messages over loopback or a nearby relay takes seconds; the soft limit leaves
# room for a slow relay (SMTP_TIMEOUT_SECONDS per exchange) before the row sweep takes over.
BATCH_SOFT_TIME_LIMIT_SECONDS = 150
BATCH_HARD_TIME_LIMIT_SECONDS = 180


@policy_task(soft_time_limit=90, time_limit=120)
def newsletters_enqueue_due() -> int:
    """Make the due deliveries and queue their paced batches; the number of batches queued."""
    queued = 0
    for plan in services.newsletters_enqueue_due(now=timezone.now()):
        countdowns = schedule.batch_countdowns(
            queued=plan.queued,
            batch_size=settings.NEWSLETTERS_BATCH_SIZE,
            messages_per_second=settings.NEWSLETTERS_MESSAGES_PER_SECOND,
            horizon_seconds=PLANNER_INTERVAL_SECONDS,
        )
        for countdown in countdowns:
            newsletter_send_batch.apply_async((plan.issue_id,), countdown=countdown)
        queued += len(countdowns)
    return queued


@policy_task(
    soft_time_limit=BATCH_SOFT_TIME_LIMIT_SECONDS, time_limit=BATCH_HARD_TIME_LIMIT_SECONDS
)
def newsletter_send_batch(issue_id: int) -> int:
    """Send one batch of one issue's queued copies; the number sent."""
    result = services.delivery_send_batch(
        issue_id=issue_id, batch_size=settings.NEWSLETTERS_BATCH_SIZE
    )
    return result.sent
