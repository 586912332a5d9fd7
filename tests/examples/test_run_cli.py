"""``brokerlink run``: the examples through the real command, and a record/replay round trip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from brokerlink.cli import app
from tests.examples.conftest import EXAMPLES


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and no profile env vars."""
    for name in ("BROKERLINK_PROFILE", "BROKERLINK_CONFIG", "BROKERLINK_DEBUG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["run", *args])


def rows(output: str) -> dict[str, list[list[str]]]:
    """The body rows of each table, by table title (the line before the table)."""
    tables: dict[str, list[list[str]]] = {}
    title = ""
    for line in output.splitlines():
        if line.startswith("│"):
            tables.setdefault(title, []).append([c.strip() for c in line.split("│")[1:-1]])
        elif line.strip() and line.lstrip()[0] not in "┏┃┡└┌├╇━─":
            title = line.strip()
    return tables


def test_the_sma_example_through_the_cli() -> None:
    result = run(str(EXAMPLES / "sma_crossover.py"), "--profile", "tradestation:emulator",
                 "-p", "bars=120", "-p", "quantity=5")  # fmt: skip

    assert result.exit_code == 0, result.output
    tables = rows(result.stdout)
    summary = dict(tables["SmaCrossover on tradestation:emulator"])
    assert summary["stopped"] == "traded 120 bars"
    assert summary["parameters"] == "symbol=SPY, fast=10, slow=30, bars=120, quantity=5"
    assert summary["final positions"] == "flat"
    orders = tables["orders"]
    assert orders, "the strategy traded"
    assert [row[1] for row in orders] == ["buy 5 SPY", "sell 5 SPY"] * (len(orders) // 2)
    assert {row[3] for row in orders} == {"filled"}


def test_futures_on_tradier_is_one_line_and_exit_1() -> None:
    result = run(str(EXAMPLES / "futures_roll.py"), "--profile", "tradier:emulator")

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == ["not supported by tradier emulator: futures (it trades equity, option)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "fats=5"], "unknown parameter 'fats'"),
        (["-p", "fast=five"], "parameter 'fast' takes a int"),
        (["--record", "--replay"], "--record and --replay exclude each other"),
        (["--replay"], "there is no recorded session to replay"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(str(EXAMPLES / "sma_crossover.py"), "--profile", "paper:emulator", *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_file_without_a_strategy_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("x = 1\n", encoding="utf-8")

    result = run(str(tmp_path / "empty.py"))

    assert result.exit_code == 2
    assert "defines no brokerlink.Strategy subclass" in result.stderr


@pytest.mark.parametrize(
    ("example", "profile", "params"),
    [
        ("sma_crossover", "tradestation:emulator", ["-p", "bars=45"]),
        # A spread closed as one multi-leg order, under the run's client ids.
        ("vertical_spread", "tastytrade:emulator", []),
    ],
)
def test_record_then_replay_gives_the_same_run(
    tmp_path: Path, example: str, profile: str, params: list[str]
) -> None:
    args = [str(EXAMPLES / f"{example}.py"), "--profile", profile, *params,
            "--cassettes", str(tmp_path / "cas")]  # fmt: skip
    stem = f"{example}-{profile.replace(':', '-')}"

    recorded = run(*args, "--record")
    assert recorded.exit_code == 0, recorded.output
    cassette = tmp_path / "cas" / f"{stem}.stream.jsonl"
    assert cassette.is_file()
    assert (tmp_path / "cas" / f"{stem}.run.json").is_file()

    replayed = run(*args, "--replay")

    assert replayed.exit_code == 0, replayed.output  # 1 if the replay asked for anything new
    assert "does not hold" not in replayed.stderr
    first, second = rows(recorded.stdout), rows(replayed.stdout)
    # Everything but the count of order events, whose interleaving with bars is timing.
    for table in (first, second):
        (title,) = [key for key in table if key.endswith(f" on {profile}")]
        table["summary"] = [r for r in table.pop(title) if r[0] != "events"]
    assert first == second
    assert first["orders"], "the recorded run traded"
    summary = dict(first["summary"])
    assert summary["final positions"] == "flat"
    assert summary["session"] == str(cassette)


def test_an_example_runs_as_a_script(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "bracket.py"), "--profile", "paper:emulator"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    summary = dict(rows(done.stdout)["Bracket on paper:emulator"])
    assert summary["stopped"] in {"take-profit filled", "stop-loss filled"}
    assert summary["final positions"] == "flat"
