"""A task goes through the real Redis broker to a real worker process and changes the DB."""

import pytest

from sources.models import Rating, Source
from sources.scales import BiasLabel, Rater
from sources.tasks import source_refresh_rating
from tests.conftest import wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_through_redis_is_run_by_a_worker_process(start_worker):
    source = Source.objects.create(name="Example Daily", slug="example-daily", domain="ex.org")
    Rating.objects.create(source=source, rater=Rater.EDITOR, bias_label=BiasLabel.LEAN_RIGHT)
    worker = start_worker(queues="default")

    source_refresh_rating.delay(source.pk)

    def refreshed() -> bool:
        source.refresh_from_db()
        return source.bias == BiasLabel.LEAN_RIGHT

    wait_for(refreshed, timeout=60, message="the worker to store the combined rating")
    assert worker.process.poll() is None, "the worker process exited early"
