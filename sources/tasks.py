"""Celery interface of sources: load by id, call one service (policy: infra.tasks)."""

from django.conf import settings

from infra.tasks import policy_task
from sources.models import Source
from sources.services import source_refresh_combined_rating


@policy_task(
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.CELERY_TASK_HARD_TIME_LIMIT_SECONDS,
)
def source_refresh_rating(source_id: int) -> None:
    """Recompute one source's combined rating from its Rating rows (idempotent).

    Used after Rating rows were written without the services (fixtures, bulk SQL); a change
    sends ``source_rating_changed`` like any other.
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is not None:
        source_refresh_combined_rating(source=source)
