"""Every facade method of the paper adapter, end to end, through the sync and the async facade.

The whole pipeline runs for real: facade -> operation generators -> drivers -> transport -> paper
front -> engine -> JSON -> parse -> models. Only the network is missing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.emulator import Engine
from brokerlink.enums import AccountType, GroupKind, OrderStatus, OrderType, PositionEffect
from brokerlink.errors import (
    InsufficientFundsError,
    InvalidOrderError,
    OrderNotFoundError,
    SymbolNotFoundError,
)
from brokerlink.instruments import Equity, Future, Option
from brokerlink.models import Leg, NewOrder, OrderGroup

from .conftest import ACCOUNT, CASH_ACCOUNT, Either, Recording

START = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)


async def test_accounts_balances_and_positions(either: Either) -> None:
    accounts = await either.accounts()
    assert [(a.id, a.type) for a in accounts] == [
        (ACCOUNT, AccountType.MARGIN),
        (CASH_ACCOUNT, AccountType.CASH),
    ]
    assert accounts[0].raw == {
        "id": ACCOUNT,
        "type": "margin",
        "status": "active",
        "currency": "USD",
    }
    balance = await either.balances()
    assert balance.account == ACCOUNT
    assert balance.cash == Decimal("100000.00")
    assert balance.buying_power == Decimal("200000.00")
    assert balance.time == START
    assert (await either.balances(CASH_ACCOUNT)).cash == Decimal("25000.00")
    assert await either.positions() == []
    await either.place(NewOrder.market("AAPL", bl.BUY, 10))
    await either.place(NewOrder.market("MSFT", bl.SELL, 5))  # a short sale in the margin account
    held = {str(p.instrument): p for p in await either.positions()}
    assert held["AAPL"].quantity == 10
    assert held["MSFT"].quantity == -5
    assert held["MSFT"].is_short
    assert held["AAPL"].average_price > 0


async def test_every_single_order_type(either: Either) -> None:
    market = await either.place(NewOrder.market("AAPL", bl.BUY, 10))
    assert market.status is OrderStatus.FILLED
    assert market.filled_quantity == 10
    assert market.average_fill_price is not None
    assert market.raw["id"] == market.id
    placed = [
        await either.place(NewOrder.limit("AAPL", bl.BUY, 5, "200.00")),
        await either.place(NewOrder.stop("AAPL", bl.SELL, 5, "200")),
        await either.place(NewOrder.stop_limit("AAPL", bl.SELL, 5, "200", "199.50")),
        await either.place(NewOrder.trailing_stop("AAPL", bl.SELL, 5, trail_amount="5")),
    ]
    assert [o.type for o in placed] == [
        OrderType.LIMIT,
        OrderType.STOP,
        OrderType.STOP_LIMIT,
        OrderType.TRAILING_STOP,
    ]
    assert all(o.status is OrderStatus.OPEN for o in placed)
    assert placed[0].limit_price == Decimal("200.00")
    assert placed[1].stop_price == Decimal("200")
    assert placed[3].trail_amount == Decimal("5")
    working = await either.orders()
    assert [o.id for o in working] == [o.id for o in placed]
    every = await either.orders(status="all", since=START)
    assert [o.id for o in every] == [market.id] + [o.id for o in placed]
    later = await either.orders(status="all", since=START + timedelta(hours=1))
    assert later == []
    fetched = await either.order(placed[0].id)
    assert fetched == placed[0]
    assert fetched.client_id == placed[0].client_id


async def test_the_client_id_travels_and_comes_back(either: Either) -> None:
    order = await either.place(NewOrder.limit("AAPL", bl.BUY, 1, "150", client_id="my-order-1"))
    assert order.client_id == "my-order-1"


async def test_preview_places_nothing(either: Either, engine: Engine) -> None:
    new = NewOrder.limit("AAPL", bl.BUY, 10, "200.00")
    preview = await either.preview(new)
    assert preview.order is new
    assert preview.estimated_cost == Decimal("2000.00")
    assert preview.buying_power_effect is not None
    assert engine.orders(ACCOUNT, "all") == []


async def test_order_groups(either: Either) -> None:
    await either.place(NewOrder.market("AAPL", bl.BUY, 10))
    oco = await either.place(
        OrderGroup.oco(
            NewOrder.limit("AAPL", bl.SELL, 10, "300"), NewOrder.stop("AAPL", bl.SELL, 10, "100")
        )
    )
    assert [o.status for o in oco] == [OrderStatus.OPEN, OrderStatus.OPEN]
    assert oco[0].group_id == oco[1].group_id is not None
    oto = await either.place(
        OrderGroup.oto(
            NewOrder.limit("MSFT", bl.BUY, 10, "300"), NewOrder.limit("MSFT", bl.SELL, 10, "500")
        )
    )
    assert [o.status for o in oto] == [OrderStatus.OPEN, OrderStatus.PENDING]
    assert oto[1].parent_id == oto[0].id
    bracket = await either.place(
        OrderGroup.bracket(
            NewOrder.limit("SPY", bl.BUY, 10, "500"), take_profit="700", stop_loss="450"
        )
    )
    assert [o.type for o in bracket] == [OrderType.LIMIT, OrderType.LIMIT, OrderType.STOP]
    assert [o.status for o in bracket] == [
        OrderStatus.OPEN,
        OrderStatus.PENDING,
        OrderStatus.PENDING,
    ]
    assert all(o.parent_id == bracket[0].id for o in bracket[1:])
    assert bracket[1].legs[0].effect is PositionEffect.CLOSE


async def test_replace_and_cancel(either: Either) -> None:
    working = await either.place(NewOrder.limit("AAPL", bl.BUY, 10, "200.00"))
    replaced = await either.replace(working.id, limit_price="201.00", quantity=12)
    assert replaced.limit_price == Decimal("201.00")
    assert replaced.quantity == 12
    assert replaced.client_id == working.client_id
    keeps_id = either.capabilities.replace.keeps_id
    assert (replaced.id == working.id) is keeps_id
    if not keeps_id:
        assert (await either.order(working.id)).status is OrderStatus.REPLACED
    canceled = await either.cancel(replaced.id)
    assert canceled.status is OrderStatus.CANCELED
    assert await either.orders() == []


async def test_close_position_and_flatten(either: Either) -> None:
    await either.place(NewOrder.market("AAPL", bl.BUY, 10))
    await either.place(NewOrder.market("MSFT", bl.SELL, 4))
    await either.place(NewOrder.limit("SPY", bl.BUY, 1, "500"))
    closed = await either.close_position("AAPL", 4)
    assert len(closed) == 1
    assert closed[0].side is bl.SELL
    assert closed[0].quantity == 4
    assert closed[0].legs[0].effect is PositionEffect.CLOSE
    held = {str(p.instrument): p.quantity for p in await either.positions()}
    assert held == {"AAPL": 6, "MSFT": -4}
    flattened = await either.flatten()
    assert sorted((str(o.instrument), o.side) for o in flattened) == [
        ("AAPL", bl.SELL),
        ("MSFT", bl.BUY),
    ]
    assert await either.positions() == []
    assert await either.orders() == []


async def test_quotes_option_chain_and_instrument(either: Either) -> None:
    quotes = await either.quotes(["AAPL", "SPY", Future("ES", 3, 2025)])
    assert list(quotes) == ["AAPL", "SPY", "/ESH25"]
    aapl = quotes["AAPL"]
    assert aapl.bid is not None
    assert aapl.ask is not None
    assert aapl.bid < aapl.ask
    assert aapl.time == START
    assert aapl.instrument == Equity("AAPL")
    chain = await either.option_chain("AAPL")
    assert chain.underlying == Equity("AAPL")
    assert len(chain.expirations) > 1
    first = chain.expirations[0]
    assert all(isinstance(c, Option) for c in first.contracts())
    assert [s.strike for s in first.strikes] == sorted(s.strike for s in first.strikes)
    one = await either.option_chain("AAPL", first.date)
    assert one.dates == (first.date,)
    details = (await either.instrument("/ESH25")).details
    assert details is not None
    assert details.multiplier == 50
    assert details.tick_size == Decimal("0.25")
    assert (await either.instrument("AAPL")).details.tradable  # type: ignore[union-attr]


async def test_bars_follow_pages_oldest_first_without_duplicates(
    either: Either, recording: Recording
) -> None:
    bars = await either.bars("SPY", "1min", limit=2500)
    assert len(bars) == 2500
    times = [b.time for b in bars]
    assert times == sorted(set(times))
    assert times[-1] < START  # only completed minutes before the emulator's now
    assert len(recording.sent("GET", "/bars")) == 3  # 1000 + 1000 + 500
    assert all(b.low <= b.open <= b.high and b.low <= b.close <= b.high for b in bars)


async def test_bars_in_a_window(either: Either) -> None:
    start, end = datetime(2025, 1, 2, 14, 30, tzinfo=UTC), datetime(2025, 1, 2, 15, 30, tzinfo=UTC)
    bars = await either.bars("SPY", "5min", start=start, end=end)
    assert [b.time for b in bars] == [start + timedelta(minutes=5 * i) for i in range(12)]
    daily = await either.bars("SPY", "1d", start=datetime(2024, 12, 23, tzinfo=UTC))
    assert [b.time.date() for b in daily] == [
        date(2024, 12, 23), date(2024, 12, 24), date(2024, 12, 26), date(2024, 12, 27),
        date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2), date(2025, 1, 3),
    ]  # fmt: skip
    assert len(await either.bars("SPY", "1d", start=datetime(2024, 1, 1, tzinfo=UTC), limit=5)) == 5


async def test_broker_errors_arrive_as_core_errors(either: Either) -> None:
    with pytest.raises(OrderNotFoundError):
        await either.order("999999")
    with pytest.raises(SymbolNotFoundError):
        await either.quotes("ZZZZ")
    with pytest.raises(InsufficientFundsError):
        await either.place(NewOrder.market("AAPL", bl.BUY, 1000, account=CASH_ACCOUNT))
    with pytest.raises(InvalidOrderError) as info:
        await either.place(NewOrder.market("AAPL", bl.SELL, 5, effect="close"))
    assert info.value.broker == "paper"


async def test_multi_leg_option_order(either: Either) -> None:
    chain = await either.option_chain("AAPL")
    strikes = chain.expirations[0].strikes
    low, high = strikes[len(strikes) // 2].call, strikes[len(strikes) // 2 + 1].call
    assert low is not None
    assert high is not None
    spread = NewOrder.multi_leg(
        [Leg.buy(low, 1), Leg.sell(high, 1)], OrderType.LIMIT, limit_price="0.50"
    )
    placed = await either.place(spread)
    assert [leg.instrument for leg in placed.legs] == [low, high]
    assert placed.group_id is None
    assert placed.type is OrderType.LIMIT
    assert placed.is_multi_leg
    assert GroupKind.OCO in either.capabilities.groups
