"""`manage.py serve` keeps live ingestion going in the embedded mode, beside the web server."""

import threading

import pytest

from embedded.management.commands.serve import _ingest_due_feeds_forever
from stories.models import Article
from tests.conftest import wait_for


@pytest.mark.django_db(transaction=True)
def test_the_background_loop_ingests_due_feeds_at_once(server, make_feed, eager_tasks):
    make_feed(server.url("/small.xml"))
    stop = threading.Event()
    loop = threading.Thread(target=_ingest_due_feeds_forever, args=(stop,), daemon=True)

    loop.start()
    try:
        wait_for(lambda: Article.objects.count() == 2, timeout=30, message="the feed's entries")
    finally:
        stop.set()
        loop.join(timeout=30)

    assert not loop.is_alive()
