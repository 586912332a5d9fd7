"""``brokerlink demo``: offline, every emulator, one table, exit 0."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from brokerlink.cli import demo

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

STUB = """
import brokerlink as bl


class Stub(bl.Strategy):
    symbol: str = "STUB"

    def on_start(self, ctx):
        ctx.stop("nothing to do")
"""


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every connection attempt beyond loopback (and refuse it): the demo must make none.

    Loopback is allowed: an in-process emulator serves its websockets (tastytrade's DxLink, for
    bars) on an ephemeral 127.0.0.1 port.
    """
    attempts: list[object] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guarded(original: Any) -> Any:
        def check(self: socket.socket, address: Any) -> Any:
            host = address[0] if isinstance(address, tuple) else address
            if host not in _LOOPBACK:
                attempts.append(address)
                raise OSError("the demo must not open a network connection")
            return original(self, address)

        return check

    monkeypatch.setattr(socket.socket, "connect", guarded(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(connect_ex))
    return attempts


def test_demo_runs_offline_and_prints_one_table(cli: Cli, no_network: list[object]) -> None:
    result = cli("demo")

    assert result.exit_code == 0, result.output
    assert no_network == []
    assert result.output.count("sma_crossover.py on every emulator") == 1
    rows = {row[0]: row for row in cli.rows(result.output)}
    paper = rows["paper"]
    assert paper[1] == "SPY"
    orders, fills, trades = (int(cell) for cell in paper[2:5])
    assert orders == fills == 2 * trades > 0
    assert paper[5] == "0"  # flat at the end
    assert paper[6] == paper[7]  # no fees on equities in the emulator: P&L = equity change
    assert paper[8] == "ok"
    # The same strategy file, unchanged, on every broker's emulator: each trades and ends flat.
    for name in ("tradestation", "tradier", "tastytrade"):
        row = rows[name]
        assert row[1] == "SPY", row
        orders, fills, trades = (int(cell) for cell in row[2:5])
        assert orders == fills == 2 * trades > 0, row
        assert row[5] == "0", row
        assert row[8] == "ok", row


# Brokers whose bar stream the client pulls (chunked HTTP): the emulator's clock moves only as
# bars are read, so every run fills at the same simulated times. tastytrade's bars arrive over
# DxLink, a websocket the server pushes on its own clock, so its fills depend on how fast the
# strategy reacts: its row trades and ends flat every time, but its prices may differ.
PULLED = ("paper", "tradestation", "tradier")


def test_demo_is_deterministic(cli: Cli) -> None:
    first, second = cli("demo"), cli("demo")

    assert first.exit_code == second.exit_code == 0
    rows = [{row[0]: row for row in cli.rows(run.output)} for run in (first, second)]
    for name in PULLED:
        assert rows[0][name] == rows[1][name]
    assert rows[0]["tastytrade"][5] == rows[1]["tastytrade"][5] == "0"


def test_the_example_in_the_working_directory_comes_first(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "sma_crossover.py").write_text(STUB, encoding="utf-8")

    result = cli("demo")

    assert result.exit_code == 0, result.output
    paper = next(row for row in cli.rows(result.output) if row[0] == "paper")
    assert paper[1:8] == ["STUB", "0", "0", "0", "0", "0.00", "0.00"]


def test_the_example_next_to_the_package_is_found_from_anywhere(tmp_path: Path) -> None:
    found = demo.find_example(tmp_path)

    assert found == Path(__file__).resolve().parents[2] / "examples" / "sma_crossover.py"


def test_a_missing_example_is_a_clear_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "EXAMPLE", Path("examples") / "no_such_strategy.py")

    result = cli("demo")

    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "no_such_strategy.py was not found" in lines[0]


def test_a_failing_emulator_run_is_reported_in_its_row(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    failing = (
        "import brokerlink as bl\n\n"
        "class Failing(bl.Strategy):\n"
        "    def on_start(self, ctx):\n"
        "        ctx.cancel('424242')\n"
    )
    (tmp_path / "examples" / "sma_crossover.py").write_text(failing, encoding="utf-8")

    result = cli("demo")

    assert result.exit_code == 1
    paper = next(row for row in cli.rows(result.output) if row[0] == "paper")
    assert paper[8].startswith("failed: [paper]")


def test_a_broker_without_what_the_strategy_needs_gets_a_note(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    needs = (
        "import brokerlink as bl\n\n"
        "class NeedsFutures(bl.Strategy):\n"
        "    def on_start(self, ctx):\n"
        "        ctx.require('futures')\n"
        "        ctx.stop('ok')\n"
    )
    (tmp_path / "examples" / "sma_crossover.py").write_text(needs, encoding="utf-8")

    result = cli("demo")

    assert result.exit_code == 0, result.output  # not a failure: the broker says what it lacks
    tradier = next(row for row in cli.rows(result.output) if row[0] == "tradier")
    assert tradier[8].startswith("not supported by tradier emulator: futures")
    paper = next(row for row in cli.rows(result.output) if row[0] == "paper")
    assert paper[8] == "ok"
