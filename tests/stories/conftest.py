from collections.abc import Iterator

import pytest

from newsdesk.celery import app as celery_app


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run queued tasks in-process (tests that do not start a real worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
