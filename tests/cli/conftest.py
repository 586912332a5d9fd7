"""Fixtures for the CLI tests: an isolated environment and a runner that returns the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from brokerlink.cli import app
from brokerlink.cli.options import Settings

# Env vars that would change what the CLI does if the developer running the tests has them set.
_ISOLATE = ("BROKERLINK_PROFILE", "BROKERLINK_CONFIG", "BROKERLINK_DEBUG", "COLUMNS")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in an empty directory, with no profile env vars."""
    for name in _ISOLATE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


class Cli:
    """``cli("orders", "--all")`` runs the app in-process and returns the click result.

    The commands of one test share one :class:`Settings`, so they talk to one emulator.
    """

    def __init__(self) -> None:
        self.runner = CliRunner()
        self.settings = Settings()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input, obj=self.settings)

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
