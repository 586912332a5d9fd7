"""``examples/bracket.py``: entry, take-profit and stop-loss; one exit fills, the other is canceled."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.strategy import Strategy
from tests.examples.conftest import EMULATORS


@pytest.mark.parametrize("selector", EMULATORS)
def test_one_exit_fills_and_the_run_ends_flat(
    example: dict[str, type[Strategy]], selector: str
) -> None:
    run = bl.run_strategy(example["bracket"], selector)

    entry, take_profit, stop_loss = run.orders
    assert entry.status is bl.OrderStatus.FILLED
    assert entry.side is bl.BUY
    assert take_profit.type is bl.OrderType.LIMIT
    assert stop_loss.type is bl.OrderType.STOP
    exits = {take_profit.status, stop_loss.status}
    assert exits == {bl.OrderStatus.FILLED, bl.OrderStatus.CANCELED}
    filled = take_profit if take_profit.status is bl.OrderStatus.FILLED else stop_loss
    name = "take-profit" if filled is take_profit else "stop-loss"
    assert run.stop_reason == f"{name} filled"
    assert [(f.side, f.quantity) for f in run.fills] == [
        (bl.BUY, Decimal(10)),
        (bl.SELL, Decimal(10)),
    ]
    assert run.is_flat
    assert run.total_pnl == run.realized_pnl
    assert (run.realized_pnl > 0) == (filled is take_profit)
