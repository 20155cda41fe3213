"""The README's first command, on a fresh copy of the repo, with the network blocked."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from embedded.demo_corpus import load_corpus
from tests.conftest import REPO_ROOT

# Runs inside the network namespace: start `make run`, wait for the home page, save it.
DRIVER = textwrap.dedent(
    """
    import os, re, signal, subprocess, sys, time, urllib.request
    log = open(sys.argv[2], "w")
    started = time.monotonic()
    make = subprocess.Popen(["make", "run"], cwd=sys.argv[3], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    page = None
    log_while_serving = ""
    try:
        while time.monotonic() - started < 600 and make.poll() is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=5) as response:
                    page = response.read().decode()
                # What the log file held while the site was up, before anything stopped.
                with open(sys.argv[2]) as written:
                    log_while_serving = written.read()
                break
            except OSError:
                time.sleep(0.5)
        # The first story on the home page, as a reader would open it next.
        first = re.search(r'href="(/stories/[^"]+/)"', page or "")
        if first:
            with urllib.request.urlopen("http://127.0.0.1:8000" + first.group(1)) as response:
                page += "\\n<!-- STORY PAGE -->\\n" + response.read().decode()
    finally:
        elapsed = time.monotonic() - started
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
    with open(sys.argv[1], "w") as out:
        out.write(f"{elapsed:.1f}\\n{page or ''}\\n<!-- LOG -->\\n{log_while_serving}")
    """
)


def fresh_copy(destination: Path) -> Path:
    """A git clone, sharing the already-downloaded packages (installing needs the registry)."""
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(destination)], check=True)
    for installed in (".venv", "node_modules"):
        (destination / installed).symlink_to(REPO_ROOT / installed)
    # The clone's files are newer than the install stamps; the packages are the same.
    for stamp in (REPO_ROOT / ".venv" / ".installed", REPO_ROOT / "node_modules" / ".installed"):
        stamp.touch()
    return destination


@dataclass(frozen=True)
class FirstCommand:
    """What a reader saw after `make run` on a fresh clone with the network blocked."""

    copy: Path
    home: str
    story: str
    # The log file's contents when the home page first answered, before the server stopped.
    log_while_serving: str
    full_log: str


@pytest.fixture(scope="module")
def first_command(tmp_path_factory) -> FirstCommand:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.fail("this test blocks the network with `unshare -n`, which needs root")
    tmp_path = tmp_path_factory.mktemp("first-command")
    copy = fresh_copy(tmp_path / "newsdesk")
    (tmp_path / "driver.py").write_text(DRIVER)
    result_file, log_file = tmp_path / "result.txt", tmp_path / "make-run.log"
    # A fresh shell's environment: no services, and Python's output buffering left as it is
    # (a developer shell or a CI runner may have set PYTHONUNBUFFERED; a process manager not).
    unset = ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_HTTPS", "PYTHONUNBUFFERED")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    started = time.monotonic()
    subprocess.run(
        [
            "unshare",
            "-n",
            "sh",
            "-c",
            f'ip link set lo up && exec "{sys.executable}" driver.py '
            f'"{result_file}" "{log_file}" "{copy}"',
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        timeout=900,
    )
    elapsed, _, pages = result_file.read_text().partition("\n")
    pages, _, log_while_serving = pages.partition("\n<!-- LOG -->\n")
    home, _, story = pages.partition("<!-- STORY PAGE -->")
    total = time.monotonic() - started
    print(f"first command to populated home page: {elapsed} s (test total {total:.0f} s)")
    return FirstCommand(copy, home, story, log_while_serving, log_file.read_text())


@pytest.mark.slow
def test_make_run_without_network_serves_the_demo_stories(first_command):
    home, story = first_command.home, first_command.story
    assert home, first_command.full_log[-3000:]
    assert "Demo data — fictional outlets and stories" in home
    corpus = load_corpus(first_command.copy / "demo" / "corpus")
    headlines = set(re.findall(r'href="/stories/[^"]+/"[^>]*>([^<]+)<', home))
    assert len(headlines) >= len(corpus.stories), headlines
    # The top story's page, served from the embedded SQLite database: several outlets, their
    # figures and the chart's data.
    sources = re.search(r"<dt>Total news sources</dt><dd>(\d+)</dd>", story)
    assert sources and int(sources.group(1)) >= 2, story[:3000]
    assert 'id="bias-chart-data"' in story


@pytest.mark.slow
def test_make_run_into_a_log_file_shows_the_address_and_passwords_while_serving(first_command):
    # The log is a file, not a terminal: block buffering would hold these back while the
    # server runs on.
    log = first_command.log_while_serving
    assert "Newsdesk: http://127.0.0.1:8000/" in log
    assert re.search(r"user: admin  password: \S+", log), log[-2000:]
    assert re.search(r"user: premium-reader  password: \S+", log)
    assert re.search(r"user: free-reader  password: \S+", log)


@pytest.mark.slow
def test_make_run_in_the_embedded_mode_logs_no_kombu_hostname_warning(first_command):
    assert "No hostname was supplied" not in first_command.log_while_serving
