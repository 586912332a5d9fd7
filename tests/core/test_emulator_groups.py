"""Emulator order groups: OCO, OTO and brackets."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest

from brokerlink.emulator import Engine
from brokerlink.emulator.pricer import epoch_minute, round_to_tick
from brokerlink.enums import OrderStatus
from brokerlink.errors import SymbolNotFoundError
from brokerlink.models import NewOrder, OrderGroup

ACCOUNT = "EMU00001"
CENT = Decimal("0.01")


def path_range(engine: Engine, symbol: str, minutes: int) -> tuple[Decimal, Decimal]:
    inst = engine.details(symbol)
    first = epoch_minute(engine.now())
    ranges = [engine.pricer.minute_ohlc(inst, first + i) for i in range(minutes)]
    low = round_to_tick(min(r[2] for r in ranges), CENT, ROUND_CEILING)
    high = round_to_tick(max(r[1] for r in ranges), CENT, ROUND_FLOOR)
    return low, high


@pytest.fixture
def engine() -> Engine:
    return Engine()


def test_oco_fill_cancels_the_sibling(engine: Engine) -> None:
    low, high = path_range(engine, "AAPL", 120)
    orders = engine.place_group(
        ACCOUNT,
        OrderGroup.oco(
            NewOrder.limit("AAPL", "buy", 10, low),
            NewOrder.limit("AAPL", "buy", 10, low - 20),
        ),
    )
    assert [o.status for o in orders] == [OrderStatus.OPEN, OrderStatus.OPEN]
    assert orders[0].group_id == orders[1].group_id is not None
    engine.advance(timedelta(minutes=120))
    first, second = (engine.order(ACCOUNT, o.id) for o in orders)
    assert first.status is OrderStatus.FILLED
    assert second.status is OrderStatus.CANCELED
    assert high > low


def test_oco_partial_fill_also_cancels(engine: Engine) -> None:
    size = engine.quote("F").ask_size
    assert size is not None
    orders = engine.place_group(
        ACCOUNT,
        OrderGroup.oco(
            NewOrder.market("F", "buy", size + 100),
            NewOrder.limit("F", "buy", 10, "1.00"),
        ),
    )
    assert orders[0].status is OrderStatus.PARTIALLY_FILLED
    assert engine.order(ACCOUNT, orders[1].id).status is OrderStatus.CANCELED


def test_oto_child_activates_after_the_trigger_fills(engine: Engine) -> None:
    low, _ = path_range(engine, "AAPL", 120)
    orders = engine.place_group(
        ACCOUNT,
        OrderGroup.oto(
            NewOrder.limit("AAPL", "buy", 10, low),
            NewOrder.limit("AAPL", "sell", 10, low + 50),
        ),
    )
    trigger, child = orders
    assert trigger.status is OrderStatus.OPEN
    assert child.status is OrderStatus.PENDING
    assert child.parent_id == trigger.id
    engine.advance(timedelta(minutes=120))
    assert engine.order(ACCOUNT, trigger.id).status is OrderStatus.FILLED
    released = engine.order(ACCOUNT, child.id)
    assert released.status is OrderStatus.OPEN
    assert released.legs[0].effect.value == "close"  # AUTO resolved when released


def test_canceled_trigger_cancels_held_children(engine: Engine) -> None:
    trigger, child = engine.place_group(
        ACCOUNT,
        OrderGroup.oto(
            NewOrder.limit("AAPL", "buy", 10, "150.00"),
            NewOrder.limit("AAPL", "sell", 10, "300.00"),
        ),
    )
    engine.cancel(ACCOUNT, trigger.id)
    assert engine.order(ACCOUNT, child.id).status is OrderStatus.CANCELED


def test_bracket_exits_arm_after_entry_and_cancel_each_other(engine: Engine) -> None:
    low, _ = path_range(engine, "AAPL", 60)
    ask = engine.quote("AAPL").ask
    assert ask is not None
    assert low < ask
    entry, take, stop = engine.place_group(
        ACCOUNT,
        OrderGroup.bracket(
            NewOrder.limit("AAPL", "buy", 10, low, time_in_force="gtc"),
            take_profit=low + Decimal("0.50"),
            stop_loss=low - Decimal("0.50"),
        ),
    )
    assert entry.status is OrderStatus.OPEN
    assert take.status is OrderStatus.PENDING
    assert stop.status is OrderStatus.PENDING
    for _ in range(60):
        engine.advance(timedelta(minutes=1))
        if engine.order(ACCOUNT, entry.id).status is OrderStatus.FILLED:
            break
    assert engine.order(ACCOUNT, entry.id).status is OrderStatus.FILLED
    armed = {engine.order(ACCOUNT, o.id).status for o in (take, stop)}
    assert armed <= {OrderStatus.OPEN, OrderStatus.FILLED, OrderStatus.CANCELED}
    for _ in range(5 * 390):
        exits = [engine.order(ACCOUNT, o.id) for o in (take, stop)]
        if any(o.status is OrderStatus.FILLED for o in exits):
            break
        engine.advance(timedelta(minutes=10))
    exits = [engine.order(ACCOUNT, o.id) for o in (take, stop)]
    assert sorted(o.status.value for o in exits) == ["canceled", "filled"]
    assert engine.positions(ACCOUNT) == []


def test_bracket_with_market_entry_arms_exits_at_once(engine: Engine) -> None:
    ask = engine.quote("AAPL").ask
    assert ask is not None
    entry, take, stop = engine.place_group(
        ACCOUNT,
        OrderGroup.bracket(
            NewOrder.market("AAPL", "buy", 10),
            take_profit=ask + 5,
            stop_loss=ask - 5,
        ),
    )
    assert entry.status is OrderStatus.FILLED
    assert take.status is OrderStatus.OPEN
    assert stop.status is OrderStatus.OPEN
    assert take.parent_id == entry.id
    engine.cancel(ACCOUNT, take.id)  # canceling one exit leaves the other working
    assert engine.order(ACCOUNT, stop.id).status is OrderStatus.OPEN


def test_bad_member_places_nothing(engine: Engine) -> None:
    with pytest.raises(SymbolNotFoundError):
        engine.place_group(
            ACCOUNT,
            OrderGroup.oco(
                NewOrder.limit("AAPL", "buy", 1, "150.00"),
                NewOrder.limit("NOSUCH", "buy", 1, "10.00"),
            ),
        )
    assert engine.orders(ACCOUNT, status="all") == []


def test_replacing_a_trigger_keeps_the_group(engine: Engine) -> None:
    trigger, child = engine.place_group(
        ACCOUNT,
        OrderGroup.oto(
            NewOrder.limit("AAPL", "buy", 10, "150.00"),
            NewOrder.limit("AAPL", "sell", 10, "300.00"),
        ),
    )
    ask = engine.quote("AAPL").ask
    assert ask is not None
    new = engine.replace(ACCOUNT, trigger.id, limit_price=ask)
    assert new.status is OrderStatus.FILLED
    released = engine.order(ACCOUNT, child.id)
    assert released.status is OrderStatus.OPEN
    assert released.parent_id == new.id
