"""`make run`: first run, then the web server, with ingestion kept going in the background."""

import io
import logging
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string

from embedded.beat import InProcessBeat, periodic_entries
from embedded.first_run import demo_data_present

logger = logging.getLogger(__name__)


def background_beat(*, demo: bool) -> InProcessBeat:
    """The beat entries the embedded mode runs in-process.

    Live: the whole schedule, as beat would. Demo: only the newsletters. The demo is a fixed
    corpus (no feed is fetched, nothing arrives), so story upkeep has nothing to do and
    retention would erase the article text the demo shows; its members are real, though, and
    a briefing they sign up for goes out at the time they chose (to the console mail backend).
    """
    if demo:
        return InProcessBeat(
            periodic_entries(
                settings.CELERY_BEAT_SCHEDULE, include=lambda task: task.startswith("newsletters.")
            )
        )
    return InProcessBeat(periodic_entries(settings.CELERY_BEAT_SCHEDULE))


def _run_beat_forever(stop: threading.Event, beat: InProcessBeat) -> None:
    """The embedded mode's in-process beat and worker: what beat + workers do in services mode.

    Tasks are eager here, so a feed fetch extracts and clusters its new articles in this thread.
    Every entry runs once at start (the live first run only loaded the catalogue).
    """
    from django.db import close_old_connections, connection

    try:
        while not stop.is_set():
            for entry in beat.due(timezone.now()):
                if stop.is_set():
                    break
                task = import_string(entry.task)
                result = task.apply(args=entry.args, kwargs=dict(entry.kwargs))
                if result.failed():
                    # One failing entry must not stop the others or the thread; beat and the
                    # workers would log it and go on the same way.
                    logger.error("%s failed: %s", entry.name, result.traceback)
                close_old_connections()
            stop.wait(beat.poll_interval().total_seconds())
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
        demo = demo_data_present()
        if settings.EMBEDDED:
            if not demo:
                settings.INGESTION_RUNNING_IN_BACKGROUND = True
                self.stdout.write("Ingestion keeps running in the background (in-process).")
            threading.Thread(
                target=_run_beat_forever, args=(stop, background_beat(demo=demo)), daemon=True
            ).start()
        elif not demo:
            settings.INGESTION_RUNNING_IN_BACKGROUND = True
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
