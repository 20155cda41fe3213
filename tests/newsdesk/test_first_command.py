"""The README's first command, on a fresh copy of the repo, with the network blocked."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
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
    try:
        while time.monotonic() - started < 600 and make.poll() is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=5) as response:
                    page = response.read().decode()
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
        out.write(f"{elapsed:.1f}\\n{page or ''}")
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


@pytest.mark.slow
def test_make_run_without_network_serves_the_demo_stories(tmp_path):
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.fail("this test blocks the network with `unshare -n`, which needs root")
    copy = fresh_copy(tmp_path / "newsdesk")
    (tmp_path / "driver.py").write_text(DRIVER)
    result_file, log_file = tmp_path / "result.txt", tmp_path / "make-run.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_HTTPS")
    }
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
    home, _, story = pages.partition("<!-- STORY PAGE -->")
    total = time.monotonic() - started
    print(f"first command to populated home page: {elapsed} s (test total {total:.0f} s)")

    assert home, log_file.read_text()[-3000:]
    assert "Demo data — fictional outlets and stories" in home
    corpus = load_corpus(copy / "demo" / "corpus")
    headlines = set(re.findall(r'href="/stories/[^"]+/"[^>]*>([^<]+)<', home))
    assert len(headlines) >= len(corpus.stories), headlines
    # The top story's page, served from the embedded SQLite database: several outlets, their
    # figures and the chart's data.
    sources = re.search(r"<dt>Total news sources</dt><dd>(\d+)</dd>", story)
    assert sources and int(sources.group(1)) >= 2, story[:3000]
    assert 'id="bias-chart-data"' in story
