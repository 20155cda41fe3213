"""infra.queues on the real broker (REDIS_URL): whether a task's queue is empty."""

import pytest

from infra.queues import queue_is_empty, queue_of
from newsdesk.celery import app

pytestmark = pytest.mark.skipif(app.conf.task_always_eager, reason="needs a broker (REDIS_URL)")

QUEUE = "infra-queues-test"


@pytest.fixture
def queue():
    """A queue of its own on the real broker, emptied before and after."""
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete(QUEUE)
        yield connection.default_channel.client
        connection.default_channel.client.delete(QUEUE)


def test_a_queue_holding_a_message_is_not_empty(queue):
    queue.rpush(QUEUE, "{}")

    assert not queue_is_empty(QUEUE)


def test_a_queue_whose_messages_were_all_taken_is_empty(queue):
    queue.rpush(QUEUE, "{}")
    queue.lpop(QUEUE)

    assert queue_is_empty(QUEUE)


def test_a_task_is_routed_to_the_queue_its_route_names():
    assert queue_of("ingestion.tasks.article_extract") == "articles"
    assert queue_of("stories.tasks.story_refresh") == "clustering"
