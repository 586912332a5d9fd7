"""``examples/vertical_spread.py``: a bull call vertical opened and closed as two-leg orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.strategy import Strategy
from tests.examples.conftest import EMULATORS


@pytest.mark.parametrize("selector", EMULATORS)
def test_the_spread_opens_and_closes_as_one_order_each(
    example: dict[str, type[Strategy]], selector: str
) -> None:
    run = bl.run_strategy(example["vertical_spread"], selector)

    assert run.stop_reason == "spread opened and closed"
    opening, closing = run.orders
    assert len(opening.legs) == len(closing.legs) == 2
    long, short = (leg.instrument for leg in opening.legs)
    assert isinstance(long, bl.Option)
    assert isinstance(short, bl.Option)
    assert (long.right, short.right) == (bl.OptionRight.CALL, bl.OptionRight.CALL)
    assert long.strike < short.strike  # bull call: buy the lower strike, sell the higher
    assert long.expiration == short.expiration
    assert [(leg.side, leg.instrument) for leg in opening.legs] == [
        (bl.BUY, long),
        (bl.SELL, short),
    ]
    assert {(leg.side, leg.instrument) for leg in closing.legs} == {
        (bl.SELL, long),
        (bl.BUY, short),
    }
    assert all(leg.effect is bl.PositionEffect.CLOSE for leg in closing.legs)
    assert opening.status is closing.status is bl.OrderStatus.FILLED
    assert len(run.fills) == 4  # one per leg of each order
    assert run.is_flat
    # Each leg bought once and sold once, 100 shares per contract.
    per_leg: dict[bl.Instrument, Decimal] = {}
    for fill in run.fills:
        per_leg[fill.instrument] = per_leg.get(fill.instrument, Decimal(0)) + fill.gross_amount
    assert run.realized_pnl == sum(per_leg.values())
