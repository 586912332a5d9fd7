"""``quote`` and ``bars``: tables, CSV, JSON and chunked downloads."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

import brokerlink as bl
from brokerlink.cli import market_cmds
from brokerlink.cli.market_cmds import download_bars, plan_chunks
from brokerlink.timeframes import Timeframe

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

COLUMNS = ["time", "open", "high", "low", "close", "volume"]
# Four regular sessions (30 Dec, 31 Dec, 2 Jan, 3 Jan; 1 Jan is a holiday) of 390 minutes.
RANGE = ("--start", "2024-12-30", "--end", "2025-01-06")
RANGE_BARS = 4 * 390


def test_quote_table(cli: Cli) -> None:
    result = cli("quote", "SPY", "AAPL")

    assert result.exit_code == 0, result.output
    rows = {row[0]: row for row in cli.rows(result.output)}
    assert set(rows) == {"SPY", "AAPL"}
    bid, ask = Decimal(rows["SPY"][1]), Decimal(rows["SPY"][2])
    assert bid < ask
    assert rows["SPY"][1].split(".")[1].__len__() == 2  # cents, exactly as quoted


def test_quote_json_matches_the_broker(cli: Cli) -> None:
    result = cli("quote", "SPY", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    with bl.connect("paper:emulator") as broker:
        expected = broker.quotes("SPY")["SPY"]
    assert Decimal(data["SPY"]["bid"]) == expected.bid
    assert Decimal(data["SPY"]["ask"]) == expected.ask
    assert data["SPY"]["instrument"] == "SPY"


def test_an_unknown_symbol_is_one_line(cli: Cli) -> None:
    result = cli("quote", "NOSUCH")

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: [paper] ")


def test_bars_csv_to_a_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "spy.csv"

    result = cli("bars", "SPY", "--timeframe", "1min", *RANGE, "--csv", str(target))

    assert result.exit_code == 0, result.output
    assert f"wrote {RANGE_BARS} bars to {target}" in result.output
    rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + RANGE_BARS
    assert rows[1][0] == "2024-12-30T14:30:00Z"  # the first minute of the session, in UTC
    assert rows[-1][0] == "2025-01-03T20:59:00Z"
    times = [row[0] for row in rows[1:]]
    assert times == sorted(set(times))  # oldest first, no duplicates across day chunks
    for row in rows[1:]:
        low, high = Decimal(row[3]), Decimal(row[2])
        assert low <= Decimal(row[1]) <= high
        assert low <= Decimal(row[4]) <= high


def test_bars_csv_and_json_agree(cli: Cli, tmp_path: Path) -> None:
    as_json = tmp_path / "spy.json"
    result = cli("bars", "SPY", *RANGE, "--json", str(as_json), "--csv", "-")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[: 1 + RANGE_BARS]))))
    bars = json.loads(as_json.read_text(encoding="utf-8"))
    assert len(bars) == len(rows) == RANGE_BARS
    assert list(bars[0]) == COLUMNS
    assert bars == rows  # the same text, value for value: exact decimals in both


def test_bars_json_to_stdout_with_a_limit(cli: Cli) -> None:
    result = cli("bars", "SPY", "--limit", "5", "--json", "-")

    assert result.exit_code == 0, result.output
    bars = json.loads(result.output)
    assert len(bars) == 5
    assert all(set(bar) == set(COLUMNS) for bar in bars)
    assert all(isinstance(bar["close"], str) for bar in bars)  # Decimal as text, never a float


def test_bars_table(cli: Cli) -> None:
    result = cli("bars", "SPY", "-t", "5min", "--limit", "3")

    assert result.exit_code == 0, result.output
    assert "SPY 5min bars (3)" in result.output
    rows = cli.rows(result.output)
    assert len(rows) == 3
    assert all(row[0].endswith(":00Z") for row in rows)


def test_csv_and_json_cannot_both_use_stdout(cli: Cli) -> None:
    result = cli("bars", "SPY", "--csv", "-", "--json", "-")

    assert result.exit_code == 2
    assert "stdout" in result.output


def test_start_must_come_before_end(cli: Cli) -> None:
    result = cli("bars", "SPY", "--start", "2025-01-02", "--end", "2025-01-01")

    assert result.exit_code == 2
    assert "must be before --end" in result.output


def test_a_bad_timeframe_is_one_line(cli: Cli) -> None:
    result = cli("bars", "SPY", "--timeframe", "1m")

    assert result.exit_code == 1
    assert result.output.startswith("error: timeframe '1m' is not recognised")
    assert len(result.output.strip().splitlines()) == 1


def test_chunks_are_utc_days_for_intraday_bars() -> None:
    start = datetime(2025, 1, 2, 15, 0, tzinfo=UTC)
    end = datetime(2025, 1, 4, 12, 0, tzinfo=UTC)

    chunks = plan_chunks(Timeframe.parse("1min"), start, end)

    assert chunks == [
        (start, datetime(2025, 1, 3, tzinfo=UTC)),
        (datetime(2025, 1, 3, tzinfo=UTC), datetime(2025, 1, 4, tzinfo=UTC)),
        (datetime(2025, 1, 4, tzinfo=UTC), end),
    ]


def test_chunks_are_years_for_daily_bars() -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    end = datetime(2022, 6, 1, tzinfo=UTC)

    chunks = plan_chunks(Timeframe.parse("1d"), start, end)

    assert len(chunks) == 3
    assert chunks[0][0] == start
    assert chunks[-1][1] == end
    assert all(a[1] == b[0] for a, b in itertools.pairwise(chunks))
    assert plan_chunks(Timeframe.parse("1d"), end, end) == []


def test_a_chunked_download_equals_one_request() -> None:
    start = datetime(2024, 12, 30, 14, 30, tzinfo=UTC)
    end = datetime(2025, 1, 3, 21, 0, tzinfo=UTC)
    frame = Timeframe.parse("1min")
    steps: list[int] = []

    with bl.connect("paper:emulator") as broker:
        whole = broker.bars("SPY", frame, start=start, end=end)
        chunked = download_bars(
            broker, "SPY", frame, plan_chunks(frame, start, end), lambda: steps.append(1)
        )

    assert chunked == whole
    assert len(steps) == 5


def test_the_progress_bar_advances_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(market_cmds, "err_console", lambda: terminal)

    result = cli("bars", "SPY", *RANGE, "--csv", str(tmp_path / "out.csv"))

    assert result.exit_code == 0, result.output
    assert "SPY 1min (days)" in screen.getvalue()
    assert "7/7" in screen.getvalue()  # seven UTC days from 30 Dec to 6 Jan
    assert "SPY 1min (days)" not in result.output  # never mixed into the data
