"""Fixtures shared by the whole suite: real worker processes, a browser, artifact paths."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent


def _find_shared_data() -> Path:
    """The recorded test data: $NEWSDESK_SHARED_DATA, else ../shared/data beside the checkout,
    else the workplace's copy (a fresh clone in a temporary directory has no sibling)."""
    candidates = [
        os.environ.get("NEWSDESK_SHARED_DATA", ""),
        REPO_ROOT.parent / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return (REPO_ROOT.parent / "shared" / "data").resolve()


SHARED_DATA = _find_shared_data()
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"recorded test data not found at {SHARED_DATA}")
    return SHARED_DATA


def database_url_for_current_test_db() -> str:
    """The URL of the database this test session uses (pytest-django's test_ copy)."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("worker processes need a shared server database (set DATABASE_URL)")
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    """A real `celery worker` subprocess pointed at the test database and broker."""

    def __init__(self, queues: str, extra_env: dict[str, str] | None = None) -> None:
        if not settings.REDIS_URL:
            pytest.skip("worker processes need a broker (set REDIS_URL)")
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_current_test_db(),
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            **(extra_env or {}),
        }
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        # A file, not a pipe: nobody drains a pipe, and a full one would block the worker.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed with the worker)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "newsdesk",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queues,
                "-n",
                self.name,
                "--loglevel=INFO",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # A warm shutdown waits for the running task; tests do not.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.log.close()

    def output(self) -> str:
        """What the worker logged so far (for failure messages)."""
        self.log.seek(0)
        return self.log.read()


@pytest.fixture
def start_worker() -> Iterator:
    """Start real worker processes: ``start_worker(queues="default,clustering")``."""
    workers: list[WorkerProcess] = []

    def start(queues: str = ",".join(settings.CELERY_QUEUE_NAMES), **env: str) -> WorkerProcess:
        worker = WorkerProcess(queues, env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill(signal.SIGTERM)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.1, message: str = ""):
    """Poll ``predicate`` until it returns something truthy; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message or predicate}")


@pytest.fixture
def empty_page_cache() -> Iterator[None]:
    """Reader pages are cached (Redis in services mode, plus each process's own copies):
    start and end with none."""
    from django.core.cache import cache

    from stories.page_cache import forget_local_copies

    cache.clear()
    forget_local_copies()
    yield
    cache.clear()
    forget_local_copies()


# Counts the canvas pixels that are not fully transparent: whether a chart was drawn.
DRAWN_PIXELS = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { drawn += 1; } }
  return drawn;
}"""


@pytest.fixture(autouse=True)
def media_outside_the_checkout(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pictures a test's ingestion stores land in the session's temporary folder, never in
    the checkout's var/media (tests that look at them set their own MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def demo_mode_off_unless_a_test_turns_it_on(settings, tmp_path_factory) -> None:
    """A developer's own ``make run`` leaves var/demo-mode in the checkout (the demo is its
    default); the suite must not read it, or outbound links turn into demo reader links."""
    settings.DEMO_MODE_MARKER = tmp_path_factory.getbasetemp() / "demo-mode-not-set"


@pytest.fixture(autouse=True)
def unhashed_static_files_for_live_server(request: pytest.FixtureRequest) -> None:
    """The live server serves static files from the finders, which know no hashed names."""
    if "live_server" not in request.fixturenames:
        return
    settings_fixture = request.getfixturevalue("settings")
    settings_fixture.STORAGES = {
        **settings_fixture.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run queued tasks in-process, as the embedded mode does (no worker started)."""
    from newsdesk.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
