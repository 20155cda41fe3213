"""Private PostgreSQL, Redis and web servers that a test may stop and start at will.

The suite's own PostgreSQL and Redis are shared with every other test run on the machine, so
the restart tests never touch them: they start their own servers on free loopback ports in a
temporary directory, and remove everything afterwards, even when a test fails.

* :class:`PrivateRedis`: ``redis-server`` keeping nothing on disk, so a restart loses every
  queued message, as a Redis without persistence does in production.
* :class:`PrivatePostgres`: a throw-away cluster (``initdb``, ``pg_ctl``), trust auth on
  127.0.0.1, ``fsync`` off; a restart keeps the data. Run as the ``postgres`` OS user when the
  tests run as root (PostgreSQL refuses to run as root), as in CI.
* :class:`WebProcess`: gunicorn serving the site against them.
* :class:`BeatProcess`: celery beat running the site's schedule against them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO_ROOT

REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, *, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not listen on port {port}\n{tail}")


def _stop_process_group(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


# --- Redis ----------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    directory: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.directory / "redis.log"
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(log),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_until_listening(self.port, what="redis-server", log=log)

    def stop(self) -> None:
        """Stop the server; with nothing saved, every queue and key is gone."""
        if self.process is not None:
            _stop_process_group(self.process)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    directory = Path(tempfile.mkdtemp(prefix="newsdesk-redis-"))
    server = PrivateRedis(directory=directory, port=free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- PostgreSQL -----------------------------------------------------------------------------


def _postgres_bin_dir() -> Path:
    """The newest installed server's binaries (Debian keeps each major version apart)."""
    candidates = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    if not candidates:
        raise RuntimeError("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    return max(candidates, key=lambda bin_dir: float(bin_dir.parent.name))


@dataclass
class PrivatePostgres:
    directory: Path
    port: int
    bin_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        # PostgreSQL refuses to run as root; CI and this machine run the suite as root.
        # runuser lives in /usr/sbin, which a clean PATH (/usr/local/bin:/usr/bin:/bin) lacks.
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        as_postgres = [runuser, "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*as_postgres, *command],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=START_TIMEOUT_SECONDS * 2,
        )

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "--pgdata",
            str(self.data_dir),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.directory}",
                # Durability is not under test: nothing here survives the machine.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "--pgdata",
            str(self.data_dir),
            "--log",
            str(self.log),
            "--options",
            options,
            "--wait",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` disconnects every client (a restart), ``immediate`` is a
        crash. The data directory stays."""
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "--pgdata",
            str(self.data_dir),
            "--mode",
            mode,
            "--wait",
            "stop",
        )

    def is_running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def create_database(self, name: str, *, template: str = "template1") -> str:
        """Create ``name`` (a copy of ``template``); its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    directory = Path(tempfile.mkdtemp(prefix="newsdesk-postgres-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(directory, postgres.pw_uid, postgres.pw_gid)
    server = PrivatePostgres(directory=directory, port=free_port(), bin_dir=_postgres_bin_dir())
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.is_running():
            with suppress(subprocess.SubprocessError):
                server.stop(mode="immediate")
        shutil.rmtree(directory, ignore_errors=True)


# --- Django processes -----------------------------------------------------------------------


def services_env(*, database_url: str, redis_url: str) -> dict[str, str]:
    """Environment for a Django process (web, worker, manage.py) on the private servers."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "private-servers-test-key",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The worker fetches the recorded feeds and pages from the suite's loopback server.
        "INGESTION_ALLOW_LOOPBACK": "1",
    }


def manage(*arguments: str, env: dict[str, str]) -> str:
    """Run ``manage.py`` against the private servers; its standard output."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"manage.py {arguments[0]} failed:\n{completed.stderr[-4000:]}")
    return completed.stdout


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: str


class WebProcess:
    """gunicorn serving the site (one sync worker), as in the services mode's README."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                str(REPO_ROOT / ".venv" / "bin" / "gunicorn"),
                "newsdesk.wsgi:application",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_until_listening(self.port, what="gunicorn")

    def get(self, path: str) -> Response:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read().decode())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        _stop_process_group(self.process)
        self.log.close()


class BeatProcess:
    """``celery beat`` with the site's own schedule (settings.CELERY_BEAT_SCHEDULE)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="newsdesk-beat-"))
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "newsdesk",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.directory / "schedule"),
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        _stop_process_group(self.process)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
