"""`make run`: first run, then the web server, with ingestion kept going in the background."""

import io
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from embedded.first_run import demo_data_present

BACKGROUND_POLL_SECONDS = 60


def _ingest_due_feeds_forever(stop: threading.Event) -> None:
    """The embedded mode's in-process worker: what beat + workers do in services mode."""
    from django.db import close_old_connections, connection

    from ingestion.services import feed_fetch, feeds_claim_due

    # Tasks are eager in the embedded mode: each fetch extracts and clusters its new articles.
    # The first pass starts at once (the live first run only loaded the catalogue).
    try:
        while not stop.is_set():
            for feed_id in feeds_claim_due(now=timezone.now()):
                if stop.is_set():
                    break
                feed_fetch(feed_id=feed_id)
            close_old_connections()
            stop.wait(BACKGROUND_POLL_SECONDS)
    finally:
        # This thread's own database connection; nobody else would close it.
        connection.close()


class Command(BaseCommand):
    help = "Run the site at http://127.0.0.1:8000 with data in it (the README's first command)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--demo", action="store_true")
        mode.add_argument("--live", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        # Line by line even when stdout is a file or a pipe (a process manager): the address and
        # the demo passwords must show before the server runs on, not when a buffer fills.
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(line_buffering=True)
        call_command(
            "first_run", demo=options["demo"], live=options["live"], live_in_background=True
        )
        background: list[subprocess.Popen] = []
        stop = threading.Event()
        if not demo_data_present():
            settings.INGESTION_RUNNING_IN_BACKGROUND = True
            if settings.EMBEDDED:
                self.stdout.write("Ingestion keeps running in the background (in-process).")
                threading.Thread(
                    target=_ingest_due_feeds_forever, args=(stop,), daemon=True
                ).start()
            else:
                self.stdout.write("Starting a Celery worker and beat for ongoing ingestion.")
                background = self._start_celery()
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            stop.set()
            for process in background:
                process.terminate()
            for process in background:
                process.wait(timeout=30)

    def _start_celery(self) -> list[subprocess.Popen]:
        queues = ",".join(settings.CELERY_QUEUE_NAMES)
        base = [sys.executable, "-m", "celery", "-A", "newsdesk"]
        schedule = str(settings.VAR_DIR / "celerybeat-schedule")
        settings.VAR_DIR.mkdir(exist_ok=True)
        # Fixed argument lists built from settings, no user input.
        processes = [
            subprocess.Popen([*base, "worker", "-Q", queues, "--loglevel=WARNING"]),  # noqa: S603
            subprocess.Popen([*base, "beat", "--schedule", schedule, "--loglevel=WARNING"]),  # noqa: S603
        ]
        time.sleep(1)
        return processes
