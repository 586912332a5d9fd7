"""``examples/sma_crossover.py``: the strategy users copy, run on the paper emulator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import brokerlink as bl
from brokerlink.cli.demo import find_example, load_example

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sma_crossover.py"


@pytest.fixture(scope="module")
def strategy() -> ModuleType:
    return load_example(find_example(EXAMPLE.parents[1]))


@pytest.fixture
def broker() -> Iterator[bl.Broker]:
    with bl.connect("paper:emulator", account="EMU00001") as connected:
        yield connected


def cash_flow(order: bl.Order) -> Decimal:
    """What the order's fills paid (-) or brought in (+): average price x filled quantity."""
    assert order.average_fill_price is not None
    sign = 1 if order.side is bl.SELL else -1
    return sign * order.average_fill_price * order.filled_quantity


def test_a_full_session(strategy: ModuleType, broker: bl.Broker) -> None:
    result: Any = strategy.run(broker)

    assert result.symbol == "SPY"
    sides = [order.side for order in result.orders]
    assert sides, "the seeded session has crossovers: the strategy must trade"
    assert sides == [bl.BUY, bl.SELL] * (len(sides) // 2)  # alternating, never short
    assert all(order.status is bl.OrderStatus.FILLED for order in result.orders)
    assert all(order.quantity == 10 for order in result.orders)
    assert result.final_quantity == 0
    assert broker.positions() == []
    assert len(result.fills) == len(result.orders)
    assert result.trades == len(sides) // 2


def test_pnl_is_the_exact_sum_over_the_fills(strategy: ModuleType, broker: bl.Broker) -> None:
    start = broker.balances().equity

    result: Any = strategy.run(broker)

    expected = sum((cash_flow(order) for order in result.orders), Decimal(0))
    assert isinstance(result.realized_pnl, Decimal)
    assert result.realized_pnl == expected
    assert str(result.realized_pnl) == str(expected)  # same digits: nothing was rounded
    assert result.realized_pnl == sum((f.gross_amount for f in result.fills), Decimal(0))
    # Flat at the end, and the emulator charges no equity commission: equity moved by exactly
    # the realized P&L.
    assert result.total_pnl == broker.balances().equity - start == result.realized_pnl


@pytest.mark.parametrize("bars", [31, 45, 60, 90, 120])
def test_always_flat_at_the_end(strategy: ModuleType, broker: bl.Broker, bars: int) -> None:
    result: Any = strategy.run(broker, bars=bars, quantity=3)

    assert result.final_quantity == 0
    sides = [order.side for order in result.orders]
    assert sides == [bl.BUY, bl.SELL] * (len(sides) // 2)
    assert all(order.filled_quantity == 3 for order in result.orders)


def test_the_result_is_deterministic(strategy: ModuleType) -> None:
    results = []
    for _ in range(2):
        with bl.connect("paper:emulator", account="EMU00001") as broker:
            results.append(strategy.run(broker, bars=120))

    first, second = results
    assert first.realized_pnl == second.realized_pnl
    assert [f.price for f in first.fills] == [f.price for f in second.fills]


def test_fast_must_be_shorter_than_slow(strategy: ModuleType, broker: bl.Broker) -> None:
    with pytest.raises(ValueError, match="fast < slow"):
        strategy.run(broker, fast=30, slow=10)


def test_it_runs_as_a_script(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--profile", "paper:emulator", "--bars", "120"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SPY on paper:emulator: ")
    assert "final position 0" in done.stdout
    assert "realized P&L " in done.stdout
