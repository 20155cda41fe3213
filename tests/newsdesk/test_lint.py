"""ruff, the import contracts and mypy are part of the suite, so `make test` fails on them even
when run on its own."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check_is_clean():
    result = run_tool("-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean():
    result = run_tool("-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_the_import_contracts_between_apps_are_kept():
    """The layering of pyproject.toml's [tool.importlinter] contracts."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = run_tool(str(lint_imports), "--no-cache")
    assert result.returncode == 0, result.stdout


def test_mypy_finds_no_type_errors_in_the_production_code():
    """[tool.mypy] in pyproject.toml: the apps, with django-stubs' plugin."""
    result = run_tool("-m", "mypy", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout
