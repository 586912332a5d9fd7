"""Broker-neutral cassette scenarios: the same calls and checks for every adapter.

Each scenario takes a connected sync broker (replaying or recording a cassette) and asserts what
any broker must answer. Dates are fixed and client ids explicit, so a recording is reproducible
and a replay sends exactly the recorded requests. A scenario a broker does not support must be
refused before any request (``NotSupportedError``), which the scenario asserts instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

import orjson
import pytest

import brokerlink as bl
from brokerlink.broker.sync import Broker
from brokerlink.capabilities import Feature
from brokerlink.models import BarEvent, OrderEvent, PositionEvent
from brokerlink.testing.recording import TranscriptSession

# The emulator's market opens its first session at 2025-01-06 14:30 UTC; history lies before.
DAILY_FROM = datetime(2024, 11, 1, tzinfo=UTC)
DAILY_TO = datetime(2025, 1, 3, 21, 0, tzinfo=UTC)
INTRADAY_FROM = datetime(2025, 1, 3, 14, 30, tzinfo=UTC)
INTRADAY_TO = datetime(2025, 1, 3, 16, 30, tzinfo=UTC)
HISTORY_SINCE = datetime(2025, 1, 2, tzinfo=UTC)


def account_overview(broker: Broker) -> None:
    accounts = broker.accounts()
    assert len(accounts) >= 1
    balance = broker.balances()
    assert balance.cash > 0
    assert balance.buying_power >= balance.cash
    assert broker.positions() == []
    assert broker.orders() == []


def quotes(broker: Broker) -> None:
    quotes = broker.quotes(["AAPL", "SPY"])
    assert set(quotes) == {"AAPL", "SPY"}
    for quote in quotes.values():
        assert quote.bid is not None
        assert quote.ask is not None
        assert quote.bid <= quote.ask
    details = broker.instrument("AAPL")
    assert str(details) == "AAPL"


def bars(broker: Broker) -> None:
    daily = broker.bars("SPY", "1d", start=DAILY_FROM, end=DAILY_TO)
    assert len(daily) >= 40
    assert [b.time for b in daily] == sorted({b.time for b in daily})
    assert all(b.time.hour == 0 for b in daily)
    intraday = broker.bars("SPY", "5min", start=INTRADAY_FROM, end=INTRADAY_TO)
    assert 20 <= len(intraday) <= 25
    assert intraday[0].time >= INTRADAY_FROM
    assert all(b.low <= b.open <= b.high and b.low <= b.close <= b.high for b in intraday)


def option_chain(broker: Broker) -> None:
    chain = broker.option_chain("SPY")
    assert chain.expirations
    first = chain.expirations[0]
    assert first.strikes
    contract = first.strikes[0].call
    assert contract is not None
    assert str(contract).startswith("SPY")


def market_order_fills(broker: Broker) -> None:
    order = broker.place(bl.NewOrder.market("SPY", bl.BUY, 2, client_id="casmkt1"))
    final = broker.order(order.id)
    assert final.status is bl.OrderStatus.FILLED
    assert final.filled_quantity == 2
    assert final.average_fill_price is not None
    [position] = broker.positions()
    assert str(position.instrument) == "SPY"
    assert position.quantity == 2


def limit_replace_cancel(broker: Broker) -> None:
    order = broker.place(bl.NewOrder.limit("AAPL", bl.BUY, 3, "100.00", client_id="caslmt1"))
    assert order.status in (bl.OrderStatus.OPEN, bl.OrderStatus.PENDING)
    replaced = broker.replace(order.id, limit_price=Decimal("101.00"))
    assert replaced.limit_price == Decimal("101.00")
    cancelled = broker.cancel(replaced.id)
    assert cancelled.status in (bl.OrderStatus.CANCELED, bl.OrderStatus.CANCEL_PENDING)
    assert broker.order(replaced.id).status in (
        bl.OrderStatus.CANCELED,
        bl.OrderStatus.CANCEL_PENDING,
    )


def stop_orders(broker: Broker) -> None:
    stop = broker.place(bl.NewOrder.stop("AAPL", bl.BUY, 1, "400.00", client_id="casstp1"))
    stop_limit = broker.place(
        bl.NewOrder.stop_limit("AAPL", bl.BUY, 1, "400.00", "401.00", client_id="casstl1")
    )
    working = {o.id for o in broker.orders()}
    assert {stop.id, stop_limit.id} <= working
    for order in (stop, stop_limit):
        broker.cancel(order.id)


def trailing_stop(broker: Broker) -> None:
    broker.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="castrl0"))
    order = bl.NewOrder.trailing_stop("SPY", bl.SELL, 1, trail_amount="5.00", client_id="castrl1")
    if bl.OrderType.TRAILING_STOP not in broker.capabilities.order_types:
        with pytest.raises(bl.NotSupportedError):
            broker.place(order)
        return
    placed = broker.place(order)
    assert placed.type is bl.OrderType.TRAILING_STOP
    broker.cancel(placed.id)


def bracket_group(broker: Broker) -> None:
    # A resting limit entry: every broker takes it in a bracket (Tradier refuses market entries).
    entry = bl.NewOrder.limit("SPY", bl.BUY, 1, "100.00", client_id="casbrk1")
    group = bl.OrderGroup.bracket(entry, take_profit="900.00", stop_loss="50.00")
    orders = broker.place(group)
    assert len(orders) == 3
    assert orders[0].limit_price == Decimal("100.00")
    assert {o.type for o in orders[1:]} == {bl.OrderType.LIMIT, bl.OrderType.STOP}
    broker.cancel(orders[0].id)


def vertical_spread(broker: Broker) -> None:
    if Feature.PLACE not in broker.capabilities.features:
        pytest.fail("every adapter places orders")
    chain = broker.option_chain("SPY")
    expiration = chain.expirations[0]
    strikes = [s for s in expiration.strikes if s.call is not None]
    lower, upper = strikes[len(strikes) // 2], strikes[len(strikes) // 2 + 1]
    assert lower.call is not None
    assert upper.call is not None
    spread = bl.NewOrder.multi_leg(
        [
            bl.Leg.buy(lower.call, 1, effect=bl.OPEN),
            bl.Leg.sell(upper.call, 1, effect=bl.OPEN),
        ],
        bl.OrderType.LIMIT,
        limit_price="0.05",
        client_id="casvert1",
    )
    placed = broker.place(spread)
    assert len(placed.legs) == 2
    broker.cancel(placed.id)


class RestScenarios:
    """The REST scenarios every adapter's cassette module runs (``class TestX(RestScenarios)``).

    The cassette of each test is ``cassettes/<adapter>/<test name>.yaml`` (see ``conftest.py``).
    """

    def test_account_overview(self, broker_cassette: Broker) -> None:
        account_overview(broker_cassette)

    def test_quotes(self, broker_cassette: Broker) -> None:
        quotes(broker_cassette)

    def test_option_chain(self, broker_cassette: Broker) -> None:
        option_chain(broker_cassette)

    def test_market_order_fills(self, broker_cassette: Broker) -> None:
        market_order_fills(broker_cassette)

    def test_limit_replace_cancel(self, broker_cassette: Broker) -> None:
        limit_replace_cancel(broker_cassette)

    def test_stop_orders(self, broker_cassette: Broker) -> None:
        stop_orders(broker_cassette)

    def test_trailing_stop(self, broker_cassette: Broker) -> None:
        trailing_stop(broker_cassette)

    def test_bracket_group(self, broker_cassette: Broker) -> None:
        bracket_group(broker_cassette)

    def test_vertical_spread(self, broker_cassette: Broker) -> None:
        vertical_spread(broker_cassette)


class RestBarScenarios(RestScenarios):
    """:class:`RestScenarios` plus bar history over REST (not tastytrade: its bars are DxLink)."""

    def test_bars(self, broker_cassette: Broker) -> None:
        bars(broker_cassette)


# -- stream transcripts ---------------------------------------------------------------------------


def quote_stream(session: TranscriptSession, count: int) -> None:
    """``count`` quote events for AAPL and SPY, each with a bid and an ask."""
    with session.connect() as broker:
        events = list(islice(broker.stream_quotes(["AAPL", "SPY"]), count))
    assert {str(e.quote.instrument) for e in events} == {"AAPL", "SPY"}
    assert all(e.quote.bid is not None and e.quote.ask is not None for e in events)


async def order_stream_reports_a_fill(session: TranscriptSession) -> None:
    """A market order placed while the order stream is open is reported through its fill."""
    async with session.connect_async() as broker:
        stream = broker.stream_orders()
        # The stream opens with an empty snapshot: read it in a task while the order is placed.
        reader = asyncio.ensure_future(_until_filled(stream))
        await asyncio.sleep(0.3)
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="castream1"))
        events = await asyncio.wait_for(reader, 15)
        await stream.aclose()
    assert {e.order.id for e in events} == {placed.id}
    assert events[-1].order.status is bl.OrderStatus.FILLED
    assert events[-1].order.filled_quantity == 1


async def _until_filled(stream: AsyncIterator[OrderEvent]) -> list[OrderEvent]:
    events = []
    async for event in stream:
        events.append(event)
        if event.order.status is bl.OrderStatus.FILLED:
            return events
    return events


# Where an order may be in its life while it fills: a stream must never report it going back.
_FILL_PROGRESS = (
    bl.OrderStatus.PENDING,
    bl.OrderStatus.OPEN,
    bl.OrderStatus.PARTIALLY_FILLED,
    bl.OrderStatus.FILLED,
)


def bar_stream(session: TranscriptSession, symbol: str, timeframe: str, closed: int) -> None:
    """Bar events on ``symbol`` until ``closed`` bars closed: Decimal OHLC, aware UTC times,
    forming updates before their close, each closed bar once and in order."""
    events: list[BarEvent] = []
    with session.connect() as broker:
        for event in islice(broker.stream_bars(symbol, timeframe), 500):
            events.append(event)
            if sum(e.complete for e in events) == closed:
                break
    assert {str(e.instrument) for e in events} == {symbol}
    assert {str(e.timeframe) for e in events} == {timeframe}
    for event in events:
        bar = event.bar
        assert all(isinstance(v, Decimal) for v in (bar.open, bar.high, bar.low, bar.close))
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        assert bar.time.utcoffset() is not None
        assert bar.time.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    times = [e.bar.time for e in events if e.complete]
    assert len(times) == closed, "the stream stopped before enough bars closed"
    assert times == sorted(set(times))  # each closed bar once, oldest first
    assert [e.bar.time for e in events] == sorted(e.bar.time for e in events)


def assert_fill_progress(events: list[OrderEvent], order_id: str, quantity: int) -> None:
    """The events of one order move forward through its life and end filled for ``quantity``."""
    assert events, "the stream reported nothing"
    assert {e.order.id for e in events} == {order_id}
    ranks = [_FILL_PROGRESS.index(e.order.status) for e in events]
    assert ranks == sorted(ranks), [e.order.status for e in events]
    final = events[-1]
    assert final.order.status is bl.OrderStatus.FILLED
    assert final.order.filled_quantity == quantity
    assert final.order.average_fill_price is not None
    assert final.order.average_fill_price > 0
    assert str(final.order.instrument) == "SPY"
    assert all(e.time.utcoffset() is not None for e in events)


async def order_stream_fill_in_order(
    session: TranscriptSession, client_id: str, *, settle: float = 0.3
) -> None:
    """A market order for 3 placed while the order stream is open: statuses only move forward,
    the last event is the fill of all 3 at a positive Decimal price. ``settle`` is how long the
    stream gets to subscribe before the order goes in (a websocket needs a round trip more)."""
    async with session.connect_async() as broker:
        stream = broker.stream_orders()
        reader = asyncio.ensure_future(_until_filled(stream))
        await asyncio.sleep(settle)
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 3, client_id=client_id))
        events = await asyncio.wait_for(reader, 15)
        await stream.aclose()
    assert_fill_progress(events, placed.id, 3)


async def position_stream_after_fill(session: TranscriptSession, client_id: str) -> None:
    """A filled market order for 2 SPY is reported by the position stream as 2 SPY held."""
    async with session.connect_async() as broker:
        stream = broker.stream_positions()
        reader = asyncio.ensure_future(_until_held(stream, "SPY"))
        await asyncio.sleep(0.3)
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 2, client_id=client_id))
        events = await asyncio.wait_for(reader, 15)
        await stream.aclose()
        filled = await broker.order(placed.id)
    held = events[-1].position
    assert str(held.instrument) == "SPY"
    assert held.quantity == 2
    assert isinstance(held.average_price, Decimal)
    assert held.average_price > 0
    assert filled.status is bl.OrderStatus.FILLED
    assert events[-1].time.utcoffset() is not None


async def _until_held(stream: AsyncIterator[PositionEvent], symbol: str) -> list[PositionEvent]:
    events = []
    async for event in stream:
        events.append(event)
        if str(event.position.instrument) == symbol and event.position.quantity != 0:
            return events
    return events


def transcript_entries(session: TranscriptSession) -> list[dict[str, Any]]:
    """The exchanges a transcript holds (its meta line left out), to check the wire shape."""
    lines = session.path.read_bytes().splitlines()
    return [orjson.loads(line) for line in lines[1:] if line.strip()]
