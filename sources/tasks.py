from celery import shared_task

from sources.models import Source
from sources.services import source_refresh_combined_rating


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True)
def source_refresh_rating(source_id: int) -> None:
    """Recompute one source's combined rating from its Rating rows."""
    source = Source.objects.filter(pk=source_id).first()
    if source is not None:
        source_refresh_combined_rating(source=source)
