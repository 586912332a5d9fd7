"""Fixtures for the CLI tests: an isolated environment and a runner that returns the result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from brokerlink.cli import app
from brokerlink.cli.options import reset_emulators

# Env vars that would change what the CLI does if the developer running the tests has them set.
_ISOLATE = ("BROKERLINK_PROFILE", "BROKERLINK_CONFIG", "BROKERLINK_DEBUG", "COLUMNS")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test runs in an empty directory, with no profile env vars and fresh emulators."""
    for name in _ISOLATE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    reset_emulators()
    yield tmp_path
    reset_emulators()


class Cli:
    """``cli("orders", "--all")`` runs the app in-process and returns the click result."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input)

    @staticmethod
    def rows(output: str) -> list[list[str]]:
        """The body rows of the tables in ``output``, each as its stripped cells."""
        return [
            [cell.strip() for cell in line.split("│")[1:-1]]
            for line in output.splitlines()
            if line.startswith("│")
        ]


@pytest.fixture
def cli() -> Cli:
    """Run ``brokerlink`` commands in-process."""
    return Cli()
