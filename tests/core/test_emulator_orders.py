"""Emulator order lifecycle: fills at the touch, partial fills, limits, stops, trailing stops,
cancel, replace, IOC/FOK, DAY expiry, rejections, multi-leg orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest

from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.pricer import epoch_minute, round_to_tick
from brokerlink.enums import OrderStatus, OrderType, PositionEffect
from brokerlink.errors import (
    InsufficientFundsError,
    InvalidOrderError,
    OrderNotFoundError,
    RejectedError,
    SymbolNotFoundError,
)
from brokerlink.models import Leg, NewOrder

ACCOUNT = "EMU00001"
CASH = "EMU00002"
CENT = Decimal("0.01")


def path_range(engine: Engine, symbol: str, minutes: int) -> tuple[Decimal, Decimal]:
    """The lowest low and highest high of the next ``minutes`` minutes (peeking ahead)."""
    inst = engine.details(symbol)
    first = epoch_minute(engine.now())
    ranges = [engine.pricer.minute_ohlc(inst, first + i) for i in range(minutes)]
    low = round_to_tick(min(r[2] for r in ranges), CENT, ROUND_CEILING)
    high = round_to_tick(max(r[1] for r in ranges), CENT, ROUND_FLOOR)
    return low, high


def statuses(engine: Engine, order_id: str) -> list[OrderStatus]:
    events, _ = engine.events_since(0, include_hidden=True)
    return [
        e.event.order.status
        for e in events
        if hasattr(e.event, "order") and e.event.order.id == order_id  # type: ignore[union-attr]
    ]


@pytest.fixture
def engine() -> Engine:
    return Engine()


def test_market_order_fills_at_the_touch(engine: Engine) -> None:
    quote = engine.quote("AAPL")
    order = engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 10))
    assert order.id == "1001"
    assert order.status is OrderStatus.FILLED
    assert order.average_fill_price == quote.ask
    assert order.legs[0].effect is PositionEffect.OPEN
    assert statuses(engine, order.id) == [OrderStatus.PENDING, OrderStatus.OPEN, OrderStatus.FILLED]
    sell = engine.place(ACCOUNT, NewOrder.market("AAPL", "sell", 10))
    assert sell.average_fill_price == quote.bid
    assert sell.legs[0].effect is PositionEffect.CLOSE  # AUTO closed the long
    assert engine.positions(ACCOUNT) == []


def test_partial_fill_then_fill_over_advances(engine: Engine) -> None:
    size = engine.quote("AAPL").ask_size
    assert size is not None
    assert size < 500
    order = engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 500))
    assert order.status is OrderStatus.PARTIALLY_FILLED
    assert order.filled_quantity == size
    seen = [order.filled_quantity]
    for _ in range(10):
        engine.advance(timedelta(minutes=1))
        now = engine.order(ACCOUNT, order.id)
        seen.append(now.filled_quantity)
        if now.status is OrderStatus.FILLED:
            break
    final = engine.order(ACCOUNT, order.id)
    assert final.status is OrderStatus.FILLED
    assert final.filled_quantity == 500
    assert seen == sorted(seen)
    assert len(seen) > 2
    events, _ = engine.events_since(0)
    fills = [e.event.fill for e in events if e.is_fill]  # type: ignore[union-attr]
    assert sum(f.quantity for f in fills if f is not None) == 500
    total = sum(f.quantity * f.price for f in fills if f is not None)
    assert final.average_fill_price == (total / 500).quantize(Decimal("0.000001"))


def test_max_fill_per_step() -> None:
    engine = Engine(EmulatorConfig(max_fill_per_step=Decimal(3)))
    order = engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 10))
    assert order.filled_quantity == 3
    engine.advance(timedelta(minutes=3))
    assert engine.order(ACCOUNT, order.id).status is OrderStatus.FILLED


def test_limit_rests_then_fills_when_crossed(engine: Engine) -> None:
    ask = engine.quote("AAPL").ask
    low, _ = path_range(engine, "AAPL", 120)
    assert ask is not None
    assert low < ask
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, low))
    assert order.status is OrderStatus.OPEN
    engine.advance(timedelta(minutes=120))
    filled = engine.order(ACCOUNT, order.id)
    assert filled.status is OrderStatus.FILLED
    assert filled.average_fill_price is not None
    assert filled.average_fill_price <= low
    assert filled.updated_at is not None
    assert filled.updated_at <= engine.now()


def test_marketable_limit_fills_at_the_touch(engine: Engine) -> None:
    ask = engine.quote("AAPL").ask
    assert ask is not None
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, ask + 5))
    assert order.status is OrderStatus.FILLED
    assert order.average_fill_price == ask


def test_stop_triggers_when_crossed(engine: Engine) -> None:
    engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 10))
    bid = engine.quote("AAPL").bid
    low, _ = path_range(engine, "AAPL", 120)
    assert bid is not None
    assert low < bid
    stop = engine.place(ACCOUNT, NewOrder.stop("AAPL", "sell", 10, low))
    assert stop.status is OrderStatus.OPEN
    engine.advance(timedelta(minutes=120))
    done = engine.order(ACCOUNT, stop.id)
    assert done.status is OrderStatus.FILLED
    assert done.average_fill_price is not None
    assert done.average_fill_price <= low
    assert engine.positions(ACCOUNT) == []


def test_stop_limit_becomes_a_limit(engine: Engine) -> None:
    ask = engine.quote("MSFT").ask
    _, high = path_range(engine, "MSFT", 120)
    assert ask is not None
    assert high > ask
    order = engine.place(ACCOUNT, NewOrder.stop_limit("MSFT", "buy", 5, high, high + 1))
    engine.advance(timedelta(minutes=120))
    done = engine.order(ACCOUNT, order.id)
    assert done.status is OrderStatus.FILLED
    assert done.average_fill_price is not None
    assert done.average_fill_price <= high + 1


def test_trailing_stop_follows_the_high_water_mark(engine: Engine) -> None:
    engine.place(ACCOUNT, NewOrder.market("NVDA", "buy", 10))
    order = engine.place(ACCOUNT, NewOrder.trailing_stop("NVDA", "sell", 10, trail_amount="0.50"))
    first_stop = order.stop_price
    assert first_stop is not None
    stops = [first_stop]
    for _ in range(390):
        engine.advance(timedelta(minutes=1))
        now = engine.order(ACCOUNT, order.id)
        if now.status is OrderStatus.FILLED:
            break
        assert now.stop_price is not None
        stops.append(now.stop_price)
    assert stops == sorted(stops)  # a sell trailing stop only ever rises
    done = engine.order(ACCOUNT, order.id)
    assert done.status is OrderStatus.FILLED
    assert done.average_fill_price is not None
    assert done.average_fill_price <= stops[-1]


def test_cancel(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00"))
    canceled = engine.cancel(ACCOUNT, order.id)
    assert canceled.status is OrderStatus.CANCELED
    assert engine.orders(ACCOUNT) == []
    assert [o.id for o in engine.orders(ACCOUNT, status="all")] == [order.id]
    with pytest.raises(RejectedError):
        engine.cancel(ACCOUNT, order.id)
    with pytest.raises(OrderNotFoundError):
        engine.cancel(ACCOUNT, "999999")
    with pytest.raises(OrderNotFoundError):
        engine.order(CASH, order.id)  # another account's order is not found


def test_replace_creates_a_new_order(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00", client_id="mine-1"))
    new = engine.replace(ACCOUNT, order.id, limit_price="151.00", quantity=20)
    assert new.id != order.id
    assert new.limit_price == Decimal("151.00")
    assert new.quantity == 20
    assert new.status is OrderStatus.OPEN
    assert engine.order(ACCOUNT, order.id).status is OrderStatus.REPLACED
    assert new.client_id == "mine-1"
    found = engine.find_by_client_id(ACCOUNT, "mine-1")
    assert found is not None
    assert found.id == new.id
    assert engine.find_by_client_id(ACCOUNT, "nope") is None
    with pytest.raises(InvalidOrderError) as info:
        engine.replace(ACCOUNT, new.id, limit_price="151.005")
    assert info.value.field == "limit_price"
    with pytest.raises(RejectedError):
        engine.replace(ACCOUNT, order.id, limit_price="152.00")  # already replaced


def test_replace_to_marketable_fills(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00"))
    ask = engine.quote("AAPL").ask
    assert ask is not None
    new = engine.replace(ACCOUNT, order.id, limit_price=ask)
    assert new.status is OrderStatus.FILLED


def test_ioc_and_fok(engine: Engine) -> None:
    far = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00", time_in_force="ioc"))
    assert far.status is OrderStatus.CANCELED
    assert far.filled_quantity == 0
    size = engine.quote("F").ask_size
    assert size is not None
    ioc = engine.place(ACCOUNT, NewOrder.market("F", "buy", size + 100, time_in_force="ioc"))
    assert ioc.status is OrderStatus.CANCELED
    assert ioc.filled_quantity == size
    size = engine.quote("T").ask_size
    assert size is not None
    fok = engine.place(ACCOUNT, NewOrder.market("T", "buy", size + 100, time_in_force="fok"))
    assert fok.status is OrderStatus.CANCELED
    assert fok.filled_quantity == 0
    ok = engine.place(ACCOUNT, NewOrder.market("MSFT", "buy", 1, time_in_force="fok"))
    assert ok.status is OrderStatus.FILLED


def test_day_order_expires_at_the_close(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00"))
    gtc = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00", time_in_force="gtc"))
    engine.advance_to(datetime(2025, 1, 6, 22, 0, tzinfo=UTC))
    expired = engine.order(ACCOUNT, order.id)
    assert expired.status is OrderStatus.EXPIRED
    assert expired.updated_at == datetime(2025, 1, 6, 21, 0, tzinfo=UTC)  # 16:00 New York
    assert engine.order(ACCOUNT, gtc.id).status is OrderStatus.OPEN


def test_gtd_expires_at_its_time(engine: Engine) -> None:
    at = engine.now() + timedelta(minutes=30)
    order = engine.place(
        ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "150.00", time_in_force="gtd", expires_at=at)
    )
    engine.advance(timedelta(hours=1))
    done = engine.order(ACCOUNT, order.id)
    assert done.status is OrderStatus.EXPIRED
    assert done.updated_at == at


def test_order_placed_while_closed_queues_until_the_open() -> None:
    engine = Engine()
    engine.advance_to(datetime(2025, 1, 7, 2, 0, tzinfo=UTC))  # overnight
    ask = engine.quote("AAPL").ask
    assert ask is not None
    preview = engine.preview(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, ask + 10))
    assert "market closed: order will queue until the open" in preview.warnings
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, ask + 10))
    assert order.status is OrderStatus.OPEN
    engine.advance_to(datetime(2025, 1, 7, 14, 29, tzinfo=UTC))
    assert engine.order(ACCOUNT, order.id).status is OrderStatus.OPEN  # not in the pre-market
    engine.advance_to(datetime(2025, 1, 7, 14, 31, tzinfo=UTC))
    filled = engine.order(ACCOUNT, order.id)
    assert filled.status is OrderStatus.FILLED
    assert filled.updated_at == datetime(2025, 1, 7, 14, 31, tzinfo=UTC)


def test_market_orders_outside_regular_hours() -> None:
    engine = Engine()
    engine.advance_to(datetime(2025, 1, 7, 12, 0, tzinfo=UTC))  # pre-market
    with pytest.raises(InvalidOrderError) as info:
        engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 1))
    assert info.value.field == "type"
    rejected = engine.orders(ACCOUNT, status="all")
    assert [o.status for o in rejected] == [OrderStatus.REJECTED]
    with pytest.raises(InvalidOrderError):
        engine.place(ACCOUNT, NewOrder.stop("AAPL", "buy", 1, "300.00", time_in_force="day_ext"))
    ext = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "300.00", time_in_force="day_ext"))
    assert ext.status is OrderStatus.FILLED  # extended-hours limit trades in the pre-market


def test_rejections(engine: Engine) -> None:
    with pytest.raises(SymbolNotFoundError):
        engine.place(ACCOUNT, NewOrder.market("NOSUCH", "buy", 1))
    with pytest.raises(InvalidOrderError) as info:
        engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "150.005"))
    assert info.value.field == "limit_price"
    with pytest.raises(InvalidOrderError) as info:
        engine.place(ACCOUNT, NewOrder.stop("/ESH25", "buy", 1, "6000.10"))
    assert info.value.field == "stop_price"
    with pytest.raises(InvalidOrderError) as info:
        engine.place(ACCOUNT, NewOrder.market("AAPL", "sell", 5, effect="close"))
    assert info.value.field == "quantity"
    engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 5))
    with pytest.raises(InvalidOrderError) as info:
        engine.place(ACCOUNT, NewOrder.market("AAPL", "sell", 6, effect="close"))
    assert info.value.field == "quantity"
    with pytest.raises(InvalidOrderError) as info:
        engine.place(ACCOUNT, NewOrder.market("AAPL", "sell", 1, effect="open"))
    assert info.value.field == "effect"
    with pytest.raises(InsufficientFundsError):
        engine.place(ACCOUNT, NewOrder.market("BRK.B", "buy", 1000))
    rejected = [o for o in engine.orders(ACCOUNT, status="all") if o.status is OrderStatus.REJECTED]
    assert len(rejected) == 1
    assert rejected[0].reject_reason
    with pytest.raises(RejectedError) as unknown:
        engine.balance("NOPE")
    assert unknown.value.code == "account_not_found"


def test_fractional_equity_depends_on_personality() -> None:
    from brokerlink.emulator import Personality

    assert Engine().place(
        ACCOUNT, NewOrder.market("AAPL", "buy", "0.5")
    ).filled_quantity == Decimal("0.5")
    strict = Engine(personality=Personality(allow_fractional_equity=False))
    with pytest.raises(InvalidOrderError) as info:
        strict.place(ACCOUNT, NewOrder.market("AAPL", "buy", "0.5"))
    assert info.value.field == "quantity"


def test_vertical_spread_fills_all_legs_at_the_net_price(engine: Engine) -> None:
    chain = engine.option_chain("AAPL").expiration("2025-01-17")
    spot = engine.quote("AAPL").mid
    assert spot is not None
    near = chain.nearest(spot)
    index = chain.strikes.index(near)
    long_call, short_call = near.call, chain.strikes[index + 2].call
    assert long_call is not None
    assert short_call is not None
    legs = [Leg.buy(long_call, 2), Leg.sell(short_call, 2)]
    long_mid, short_mid = engine.quote(long_call).mid, engine.quote(short_call).mid
    assert long_mid is not None
    assert short_mid is not None
    net_mid = long_mid - short_mid
    rest = engine.place(ACCOUNT, NewOrder.multi_leg(legs, OrderType.LIMIT, limit_price="0.05"))
    assert rest.status is OrderStatus.OPEN
    engine.cancel(ACCOUNT, rest.id)
    limit = (net_mid + Decimal("0.10")).quantize(CENT)
    order = engine.place(ACCOUNT, NewOrder.multi_leg(legs, OrderType.LIMIT, limit_price=limit))
    assert order.status is OrderStatus.FILLED
    assert order.quantity == 2
    assert order.average_fill_price is not None
    assert order.average_fill_price <= limit
    leg_prices = [leg.average_fill_price for leg in order.legs]
    assert leg_prices[0] is not None
    assert leg_prices[1] is not None
    assert leg_prices[0] - leg_prices[1] == order.average_fill_price
    positions = {str(p.instrument): p.quantity for p in engine.positions(ACCOUNT)}
    assert positions == {str(long_call): 2, str(short_call): -2}
    fees = [e.event.fill.fees for e in engine.events_since(0)[0] if e.is_fill]  # type: ignore[union-attr]
    assert fees == [Decimal("1.30"), Decimal("1.30")]


def test_credit_spread_limit_is_negative(engine: Engine) -> None:
    chain = engine.option_chain("SPY").expiration("2025-01-17")
    spot = engine.quote("SPY").mid
    assert spot is not None
    near = chain.nearest(spot)
    index = chain.strikes.index(near)
    short_put, long_put = near.put, chain.strikes[index - 2].put
    assert short_put is not None
    assert long_put is not None
    credit = engine.quote(short_put).mid - engine.quote(long_put).mid  # type: ignore[operator]
    limit = -(credit - Decimal("0.10")).quantize(CENT)
    order = engine.place(
        ACCOUNT,
        NewOrder.multi_leg(
            [Leg.sell(short_put, 1), Leg.buy(long_put, 1)], "limit", limit_price=limit
        ),
    )
    assert order.status is OrderStatus.FILLED
    assert order.average_fill_price is not None
    assert order.average_fill_price <= limit < 0


def test_orders_since_and_listing(engine: Engine) -> None:
    first = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "150.00"))
    engine.advance(timedelta(minutes=5))
    mark = engine.now()
    second = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "151.00"))
    assert [o.id for o in engine.orders(ACCOUNT)] == [first.id, second.id]
    assert [o.id for o in engine.orders(ACCOUNT, since=mark)] == [second.id]
    with pytest.raises(ValueError, match="status"):
        engine.orders(ACCOUNT, status="closed")  # type: ignore[arg-type]


def test_same_calls_same_results() -> None:
    def run() -> list[object]:
        engine = Engine()
        engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 700, client_id="a"))
        engine.place(
            ACCOUNT, NewOrder.trailing_stop("AAPL", "sell", 100, trail_percent="0.2", client_id="b")
        )
        engine.advance(timedelta(hours=3))
        return [
            engine.orders(ACCOUNT, status="all"),
            engine.positions(ACCOUNT),
            engine.events_since(0),
        ]

    assert run() == run()


def test_crypto_trades_on_weekends() -> None:
    engine = Engine()
    engine.advance_to(datetime(2025, 1, 11, 15, 0, tzinfo=UTC))  # Saturday
    order = engine.place(ACCOUNT, NewOrder.market("BTC/USD", "buy", "0.05"))
    assert order.status is OrderStatus.FILLED
    assert order.filled_quantity == Decimal("0.05")
    with pytest.raises(InsufficientFundsError):
        engine.place(ACCOUNT, NewOrder.market("ETH/USD", "sell", 1))  # no crypto short sales


def test_futures_daily_break() -> None:
    engine = Engine()
    engine.advance_to(datetime(2025, 1, 7, 22, 30, tzinfo=UTC))  # 17:30 New York: the break
    with pytest.raises(InvalidOrderError):
        engine.place(ACCOUNT, NewOrder.market("/ESH25", "buy", 1))
    bid = engine.quote("/ESH25").bid
    assert bid is not None
    order = engine.place(ACCOUNT, NewOrder.limit("/ESH25", "buy", 1, bid + 50, time_in_force="gtc"))
    assert order.status is OrderStatus.OPEN  # queued for the 18:00 reopen
    engine.advance_to(datetime(2025, 1, 7, 23, 5, tzinfo=UTC))
    filled = engine.order(ACCOUNT, order.id)
    assert filled.status is OrderStatus.FILLED
    assert filled.updated_at == datetime(2025, 1, 7, 23, 1, tzinfo=UTC)
