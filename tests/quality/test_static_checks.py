"""The acceptance gates that are not behaviour: mypy --strict and ruff, run as part of the suite.

Running them here means the one README test command (and CI) cannot go green with a type error
or a lint failure in the tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADAPTER_PACKAGES = [str(p) for p in sorted((ROOT / "adapters").glob("*/brokerlink_*"))]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict_passes_on_the_core_and_the_adapters() -> None:
    result = _run("mypy", "--strict", "brokerlink", *ADAPTER_PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_passes() -> None:
    assert shutil.which("ruff") or _run("ruff", "--version").returncode == 0
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tree_is_formatted() -> None:
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, "run `uv run ruff format .`\n" + result.stdout + result.stderr
