"""ruff is part of the suite, so `make test` fails on lint even when run on its own."""

import subprocess
import sys

from tests.conftest import REPO_ROOT


def run_ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ruff_check_is_clean():
    result = run_ruff("check")
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean():
    result = run_ruff("format", "--check")
    assert result.returncode == 0, result.stdout
