"""close_position and flatten on every emulator, asserted on the wire requests they send.

Each emulator's engine starts on a Monday at 14:30 UTC (the regular session is open), so market
orders fill on placement; where a test needs time to move (tastytrade's asynchronous cancels) it
advances the engine, as the adapter tests do.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

import attrs
import orjson
import pytest
from closing_kit import Emulated, wire_actions

import brokerlink as bl
from brokerlink.broker.closing_combos import ComboPricing, combo_pricing
from brokerlink.capabilities import Feature
from brokerlink.enums import AssetClass, OrderStatus, OrderType, PositionEffect
from brokerlink.instruments import Future, Instrument
from brokerlink.models import Leg, NewOrder, Position

# How each broker writes a closing leg (see brokerlink.broker.closing): long equity, short
# equity, long option, short option.
WIRE = {
    "paper": ("sell+close", "buy+close", "sell+close", "buy+close"),
    "tradier": ("sell", "buy_to_cover", "sell_to_close", "buy_to_close"),
    "tradestation": ("SELL", "BUYTOCOVER", "SELLTOCLOSE", "BUYTOCLOSE"),
    "tastytrade": ("Sell to Close", "Buy to Close", "Sell to Close", "Buy to Close"),
}
ES = Future("ES", 3, 2025)


def near_money(broker: bl.Broker) -> tuple[Instrument, Instrument, Instrument]:
    """Two calls next to each other near the money and the put below them (first expiration)."""
    chain = broker.option_chain("SPY")
    expiration = chain.expirations[0]
    last = broker.quotes("SPY")["SPY"].last
    assert last is not None
    near = expiration.strikes.index(expiration.nearest(last))
    low, high = expiration.strikes[near].call, expiration.strikes[near + 1].call
    put = expiration.strikes[near - 1].put
    assert low is not None
    assert high is not None
    assert put is not None
    return low, high, put


def held(broker: bl.Broker) -> dict[str, Decimal]:
    return {str(p.instrument): p.quantity for p in broker.positions()}


def position(broker: bl.Broker, symbol: object) -> Position:
    return next(p for p in broker.positions() if str(p.instrument) == str(symbol))


def open_vertical(broker: bl.Broker, spreads: int) -> tuple[Instrument, Instrument]:
    low, high, _put = near_money(broker)
    legs = [Leg.buy(low, spreads, "open"), Leg.sell(high, spreads, "open")]
    if OrderType.MARKET in broker.capabilities.multi_leg_order_types:
        spread = NewOrder.multi_leg(legs, OrderType.MARKET)
    else:
        # tastytrade takes no market combo: a net debit up to the long leg's ask is marketable.
        ask = broker.quotes([low])[str(low)].ask
        spread = NewOrder.multi_leg(legs, OrderType.LIMIT, limit_price=ask)
    opened = broker.place(spread)
    assert opened.status is OrderStatus.FILLED
    return low, high


def test_long_equity_is_closed_with_a_sell(emulated: Emulated) -> None:
    broker, recording = emulated.broker, emulated.recording
    broker.place(NewOrder.market("AAPL", bl.BUY, 10))
    recording.requests.clear()
    (closed,) = broker.close_position("AAPL")
    assert (closed.side, closed.quantity) == (bl.SELL, Decimal(10))
    # Tradier reports an equity sell as plain "sell", which does not say open or close.
    assert closed.legs[0].effect is (
        PositionEffect.AUTO if emulated.name == "tradier" else PositionEffect.CLOSE
    )
    assert closed.status is OrderStatus.FILLED
    (preview,), (placement,) = recording.previews(), recording.placements()
    assert recording.requests.index(preview) < recording.requests.index(placement)
    assert wire_actions(emulated.name, placement) == [WIRE[emulated.name][0]]
    assert "AAPL" not in held(broker)


def test_short_equity_is_bought_to_cover(emulated: Emulated) -> None:
    broker, recording = emulated.broker, emulated.recording
    broker.place(NewOrder.market("MSFT", bl.SELL, 5, effect="open"))
    short = position(broker, "MSFT")
    assert short.quantity == -5
    recording.requests.clear()
    (closed,) = broker.close_position(short)
    assert (closed.side, closed.quantity) == (bl.BUY, Decimal(5))
    (placement,) = recording.placements()
    assert wire_actions(emulated.name, placement) == [WIRE[emulated.name][1]]
    assert "MSFT" not in held(broker)


def test_vertical_closes_as_one_multi_leg_order(emulated: Emulated) -> None:
    broker, recording, name = emulated.broker, emulated.recording, emulated.name
    low, high = open_vertical(broker, 2)
    legs = [position(broker, low), position(broker, high)]
    recording.requests.clear()
    (closed,) = broker.close_position(legs)
    assert [(str(leg.instrument), leg.side, leg.effect, leg.quantity) for leg in closed.legs] == [
        (str(low), bl.SELL, PositionEffect.CLOSE, Decimal(2)),
        (str(high), bl.BUY, PositionEffect.CLOSE, Decimal(2)),
    ]
    assert closed.status is OrderStatus.FILLED
    (placement,) = recording.placements()
    assert wire_actions(name, placement) == [WIRE[name][2], WIRE[name][3]]
    assert closed.type is OrderType(
        "market" if combo_pricing(broker.capabilities) is ComboPricing.MARKET else "limit"
    )
    assert str(low) not in held(broker)
    assert str(high) not in held(broker)


def test_tastytrade_prices_a_closing_spread_at_the_mid_on_the_tick() -> None:
    made = Emulated("tastytrade:emulator")
    with made.broker as broker:
        low, high = open_vertical(broker, 1)
        quotes = broker.quotes([low, high])
        mids = {
            symbol: ((q.bid or Decimal(0)) + (q.ask or Decimal(0))) / 2
            for symbol, q in quotes.items()
        }
        details = [broker.instrument(leg).details for leg in (low, high)]
        tick = max(  # the coarsest tick of the legs, a cent when the broker names none
            [Decimal("0.01")]
            + [d.tick_size for d in details if d is not None and d.tick_size is not None]
        )
        net = mids[str(high)] - mids[str(low)]  # buy back the short, sell the long: a credit
        expected = (net / tick).to_integral_value(rounding=ROUND_CEILING) * tick
        made.recording.requests.clear()
        (closed,) = broker.close_position([low, high])
        (placement,) = made.recording.placements()
        body = orjson.loads(placement.content)
        assert body["order-type"] == "Limit"
        assert Decimal(body["price"]) == abs(expected)
        assert body["price-effect"] == ("Credit" if expected < 0 else "Debit")
        assert closed.limit_price == expected


def test_partial_quantities(emulated: Emulated) -> None:
    broker = emulated.broker
    broker.place(NewOrder.market("AAPL", bl.BUY, 10))
    (closed,) = broker.close_position("AAPL", 4)
    assert closed.quantity == 4
    low, high = open_vertical(broker, 3)
    (spread,) = broker.close_position([low, high], 1)
    assert [leg.quantity for leg in spread.legs] == [1, 1]
    assert held(broker) == {"AAPL": 6, str(low): 2, str(high): -2}


def test_flatten_leaves_the_account_flat(emulated: Emulated) -> None:
    broker, recording, name = emulated.broker, emulated.recording, emulated.name
    broker.place(NewOrder.market("AAPL", bl.BUY, 10))
    broker.place(NewOrder.market("MSFT", bl.SELL, 5, effect="open"))
    open_vertical(broker, 1)
    put = near_money(broker)[2]
    assert broker.place(NewOrder.market(put, bl.BUY, 1, effect="open")).status is OrderStatus.FILLED
    futures = AssetClass.FUTURE in broker.capabilities.asset_classes
    if futures:
        broker.place(NewOrder.market(ES, bl.BUY, 1))
    working = broker.place(NewOrder.limit("SPY", bl.BUY, 1, "1.00"))
    recording.requests.clear()
    closed = broker.flatten()
    assert {str(o.instrument) for o in closed if len(o.legs) == 1} == {"AAPL", "MSFT"} | (
        {str(ES)} if futures else set()
    )
    (options,) = [o for o in closed if len(o.legs) > 1]  # one order for all three SPY options
    assert len(options.legs) == 3
    placements = recording.placements()
    assert len(placements) == len(closed) == len(recording.previews())
    closing_words = set(WIRE[name])
    assert {word for r in placements for word in wire_actions(name, r)} <= closing_words
    last_preview = max(recording.requests.index(r) for r in recording.previews())
    assert last_preview < min(recording.requests.index(r) for r in recording.placements())
    cancels = [r for r in recording.requests if r.method == "DELETE"]
    assert len(cancels) == 1
    assert working.id in str(cancels[0].url)
    emulated.engine.advance(timedelta(seconds=1))  # tastytrade confirms its cancels later
    assert broker.positions() == []
    assert broker.orders() == []


def test_failed_preview_places_nothing(emulated: Emulated) -> None:
    broker, recording = emulated.broker, emulated.recording
    broker.place(NewOrder.market("AAPL", bl.BUY, 10))
    low, high = open_vertical(broker, 1)
    before = held(broker)
    recording.reject_previews = True
    recording.requests.clear()
    with pytest.raises(bl.RejectedError) as failed:
        broker.flatten()
    assert "could not close" in str(failed.value)
    assert any(symbol in str(failed.value) for symbol in ("AAPL", str(low)))
    with pytest.raises(bl.RejectedError, match=r"could not close AAPL \(10 held\)"):
        broker.close_position("AAPL")
    with pytest.raises(bl.RejectedError, match="could not close SPY"):
        broker.close_position([low, high])
    assert recording.previews()
    assert recording.placements() == []
    assert held(broker) == before


def test_a_refused_placement_is_not_retried_and_says_what_was_placed(emulated: Emulated) -> None:
    broker, recording = emulated.broker, emulated.recording
    broker.place(NewOrder.market("AAPL", bl.BUY, 10))
    broker.place(NewOrder.market("QQQ", bl.BUY, 4))
    recording.reject_placements_after = 1
    recording.requests.clear()
    with pytest.raises(bl.RejectedError) as failed:
        broker.flatten()
    message = str(failed.value)
    assert "1 closing order(s) were already placed" in message
    assert "check orders() before closing again" in message
    assert len(recording.previews()) == 2  # both previewed before the first placement
    assert len(recording.placements()) == 2  # the refused one was sent once, never again
    assert len(held(broker)) == 1


def test_bad_quantities_fail_before_any_order_request(emulated: Emulated) -> None:
    broker, recording = emulated.broker, emulated.recording
    broker.place(NewOrder.market("AAPL", bl.BUY, 10))
    aapl = position(broker, "AAPL")
    recording.requests.clear()
    for quantity in (0, -1):
        with pytest.raises(bl.InvalidOrderError, match="AAPL"):
            broker.close_position("AAPL", quantity)
    with pytest.raises(bl.InvalidOrderError, match=r"cannot close 11 of AAPL: 10 held"):
        broker.close_position(aapl, 11)
    assert recording.requests == []  # known from the arguments alone
    with pytest.raises(bl.InvalidOrderError, match=r"cannot close 11 of AAPL: 10 held"):
        broker.close_position("AAPL", 11)
    with pytest.raises(bl.InvalidOrderError, match=r"no open position in NFLX .*0 held"):
        broker.close_position("NFLX")
    assert recording.previews() == []
    assert recording.placements() == []


def test_cancel_pending_orders_are_not_canceled_twice() -> None:
    made = Emulated("tastytrade:emulator")
    with made.broker as broker:
        working = broker.place(NewOrder.limit("AAPL", bl.BUY, 1, "100.00"))
        assert broker.cancel(working.id).status is OrderStatus.CANCEL_PENDING
        (listed,) = broker.orders()
        assert listed.status is OrderStatus.CANCEL_PENDING
        made.recording.requests.clear()
        assert broker.flatten() == []
        assert [r for r in made.recording.requests if r.method == "DELETE"] == []


def test_without_previews_orders_are_placed_directly(emulated: Emulated) -> None:
    """An adapter without Feature.PREVIEW still gets its closing orders checked and placed."""
    broker = emulated.broker
    core = broker._core  # a facade's capabilities are its core's
    core.capabilities = attrs.evolve(
        core.capabilities, features=core.capabilities.features - {Feature.PREVIEW}
    )
    broker.place(NewOrder.market("AAPL", bl.BUY, 3))
    emulated.recording.requests.clear()
    (closed,) = broker.close_position("AAPL")
    assert closed.quantity == 3
    assert emulated.recording.previews() == []
    assert len(emulated.recording.placements()) == 1


async def test_async_facade_closes_a_spread() -> None:
    made = Emulated("paper:emulator")
    with made.broker as broker:
        low, high = open_vertical(broker, 1)
    async with bl.connect_async("paper:emulator", transport=made.recording) as abroker:
        made.recording.requests.clear()
        (closed,) = await abroker.close_position([low, high])
        assert len(closed.legs) == 2
        assert len(made.recording.placements()) == 1
        assert await abroker.positions() == []
