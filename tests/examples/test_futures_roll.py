"""``examples/futures_roll.py``: rolled on the brokers that trade futures, refused on Tradier."""

from __future__ import annotations

import pytest

import brokerlink as bl
from brokerlink.strategy import Strategy


@pytest.mark.parametrize(
    "selector", ["tradestation:emulator", "tastytrade:emulator", "paper:emulator"]
)
def test_the_front_contract_rolls_to_the_next(
    example: dict[str, type[Strategy]], selector: str
) -> None:
    run = bl.run_strategy(example["futures_roll"], selector)

    assert run.stop_reason == "rolled and held"
    # The emulators start on 2025-01-06: March is the front quarterly, June the next.
    trades = [(o.side, str(o.instrument)) for o in run.orders]
    assert trades == [
        (bl.BUY, "/ESH25"),
        (bl.SELL, "/ESH25"),
        (bl.BUY, "/ESM25"),
        (bl.SELL, "/ESM25"),
    ]
    assert all(o.status is bl.OrderStatus.FILLED for o in run.orders)
    assert {str(f.instrument) for f in run.fills} == {"/ESH25", "/ESM25"}
    assert all(f.instrument.multiplier == 50 for f in run.fills)  # the broker's /ES details
    assert run.is_flat
    assert run.realized_pnl == sum((f.gross_amount for f in run.fills), start=run.realized_pnl * 0)


def test_tradier_refuses_at_start(example: dict[str, type[Strategy]]) -> None:
    run = bl.run_strategy(example["futures_roll"], "tradier:emulator")

    assert run.not_supported is not None
    assert run.not_supported.startswith("not supported by tradier emulator: futures")
    assert run.orders == ()
