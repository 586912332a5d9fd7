"""``examples/sma_crossover.py``: the same file on every emulator trades crossovers and ends flat."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.strategy import Strategy
from tests.examples.conftest import EMULATORS


@pytest.mark.parametrize("selector", EMULATORS)
def test_it_trades_the_crosses_and_ends_flat(
    example: dict[str, type[Strategy]], selector: str
) -> None:
    run = bl.run_strategy(example["sma_crossover"], selector, parameters={"bars": "120"})

    assert run.ok
    assert run.stop_reason == "traded 120 bars"
    assert run.bars == 120
    sides = [order.side for order in run.orders]
    assert sides, "the seeded session has crossovers: the strategy must trade"
    assert sides == [bl.BUY, bl.SELL] * (len(sides) // 2)  # alternating, never short
    assert all(order.status is bl.OrderStatus.FILLED for order in run.orders)
    assert all(order.filled_quantity == 10 for order in run.orders)
    assert len(run.fills) == len(run.orders)
    assert run.is_flat
    assert run.quantity("SPY") == 0
    expected = sum(
        ((1 if o.side is bl.SELL else -1) * o.filled_quantity * o.average_fill_price)
        for o in run.orders
        if o.average_fill_price is not None
    )
    assert run.realized_pnl == expected
    assert isinstance(run.realized_pnl, Decimal)
    # No equity commissions in the emulators: flat, the equity moved by exactly the fills' cash.
    assert run.total_pnl == run.realized_pnl


@pytest.mark.parametrize("selector", ["paper:emulator", "tradestation:emulator"])
def test_the_result_is_deterministic(example: dict[str, type[Strategy]], selector: str) -> None:
    first, second = (
        bl.run_strategy(example["sma_crossover"], selector, parameters={"bars": 90})
        for _ in range(2)
    )

    assert first.realized_pnl == second.realized_pnl
    assert [f.price for f in first.fills] == [f.price for f in second.fills]
    assert [o.client_id for o in first.orders] == [o.client_id for o in second.orders]


def test_fast_must_be_shorter_than_slow(example: dict[str, type[Strategy]]) -> None:
    with pytest.raises(bl.ConfigError, match="need 0 < fast < slow"):
        bl.run_strategy(
            example["sma_crossover"], "paper:emulator", parameters={"fast": 30, "slow": 10}
        )
