"""The paper streams: sync and async iteration, the emulator's time policy, and reconnects."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

import brokerlink as bl
from brokerlink._http import AsyncClient
from brokerlink.adapter import StreamSession
from brokerlink.broker.async_ import AsyncBroker
from brokerlink.broker.sync import Broker
from brokerlink.config import resolve_profile
from brokerlink.emulator import DropConnection, Engine, HttpError, StreamGap
from brokerlink.errors import NetworkError, RejectedError
from brokerlink.instruments import Equity
from brokerlink.models import NewOrder, OrderEvent, PositionEvent
from brokerlink.paper import PaperAdapter
from brokerlink.paper.environments import ENVIRONMENTS

from .conftest import ACCOUNT, Recording

T = TypeVar("T")
START = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


async def await_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


async def take(stream: AsyncIterator[T], count: int, timeout: float = 10.0) -> list[T]:
    async def collect() -> list[T]:
        return [await anext(stream) for _ in range(count)]

    return await asyncio.wait_for(collect(), timeout)


def connected(recording: Recording, path: str, count: int = 1) -> Callable[[], bool]:
    return lambda: len(recording.sent("GET", path)) >= count


def logged(engine: Engine, kind: type[Any], after: int = 0) -> list[Any]:
    """The account's events of ``kind`` in the engine's own log (the truth to compare with)."""
    events, _ = engine.events_since(after, account=ACCOUNT)
    return [e.event for e in events if isinstance(e.event, kind)]


def order_key(event: OrderEvent) -> tuple[str, str, object, object]:
    return (
        event.order.id,
        event.order.status.value,
        event.order.filled_quantity,
        event.fill and event.fill.quantity,
    )


# -- quotes ------------------------------------------------------------------------------------


async def test_async_quote_stream_moves_one_simulated_second_per_round(
    abroker: AsyncBroker,
) -> None:
    events = await take(abroker.stream_quotes(["AAPL", "SPY"]), 6)
    assert [str(e.instrument) for e in events] == ["AAPL", "SPY"] * 3
    assert [e.quote.time for e in events[::2]] == [
        START,
        START + timedelta(seconds=1),
        START + timedelta(seconds=2),
    ]
    assert all(e.received_at.tzinfo is UTC and e.quote.bid is not None for e in events)


def test_sync_quote_stream(broker: Broker) -> None:
    seen = []
    for event in broker.stream_quotes("AAPL"):
        seen.append(event.quote)
        if len(seen) == 3:
            break
    assert [q.instrument for q in seen] == [Equity("AAPL")] * 3
    assert seen[0].time < seen[2].time


# -- bars: fast-forward ------------------------------------------------------------------------


async def test_async_bar_stream_fast_forwards_the_clock(
    abroker: AsyncBroker, engine: Engine
) -> None:
    events = await take(abroker.stream_bars("SPY", "1min"), 3)
    assert [e.bar.time for e in events] == [START, START + MINUTE, START + 2 * MINUTE]
    assert all(e.complete and e.timeframe == bl.Timeframe("min", 1) for e in events)
    assert engine.now() == START + 3 * MINUTE  # the clock ran exactly as far as the bars read


def test_sync_bar_stream_and_market_orders_fill_at_then_current_prices(
    broker: Broker, engine: Engine
) -> None:
    fills = []
    for count, event in enumerate(broker.stream_bars("SPY", "1min"), start=1):
        order = broker.place(NewOrder.market("SPY", bl.BUY, 1))
        assert order.updated_at == event.bar.time + MINUTE == engine.now()
        fills.append(order.average_fill_price)
        if count == 3:
            break
    assert len(set(fills)) > 1  # later bars, later prices


async def test_bar_stream_skips_the_night(engine: Engine, abroker: AsyncBroker) -> None:
    engine.advance_to(datetime(2025, 1, 6, 20, 58, tzinfo=UTC))  # 15:58 New York
    events = await take(abroker.stream_bars("SPY", "1min"), 3)
    assert [e.bar.time for e in events] == [
        datetime(2025, 1, 6, 20, 58, tzinfo=UTC),
        datetime(2025, 1, 6, 20, 59, tzinfo=UTC),
        datetime(2025, 1, 7, 14, 30, tzinfo=UTC),  # the next regular session
    ]


# -- orders and positions ----------------------------------------------------------------------


async def test_async_order_and_position_streams(
    abroker: AsyncBroker, recording: Recording, engine: Engine
) -> None:
    orders, positions = abroker.stream_orders(), abroker.stream_positions()
    order_events = asyncio.ensure_future(take(orders, 3))
    position_events = asyncio.ensure_future(take(positions, 1))
    await await_for(connected(recording, "/stream/accounts/", 2))
    placed = await abroker.place(NewOrder.market("AAPL", bl.BUY, 10))
    got = await order_events
    assert [order_key(e) for e in got] == [order_key(e) for e in logged(engine, OrderEvent)]
    assert got[-1].order.status is bl.OrderStatus.FILLED
    assert got[-1].order.id == placed.id
    assert got[-1].fill is not None
    assert got[-1].fill.quantity == 10
    (position,) = await position_events
    assert isinstance(position, PositionEvent)
    assert position.position.quantity == 10
    await orders.aclose()  # type: ignore[attr-defined]
    await positions.aclose()  # type: ignore[attr-defined]


def test_sync_order_stream(broker: Broker, recording: Recording) -> None:
    def place_once_connected() -> None:
        wait_for(connected(recording, "/stream/accounts/"))
        broker.place(NewOrder.limit("AAPL", bl.BUY, 1, "200"))

    placer = threading.Thread(target=place_once_connected)
    placer.start()
    stream = broker.stream_orders()
    first = next(stream)
    placer.join()
    assert first.order.status in (bl.OrderStatus.PENDING, bl.OrderStatus.OPEN)
    assert first.time == START


def test_sync_position_stream(broker: Broker, recording: Recording) -> None:
    def place_once_connected() -> None:
        wait_for(connected(recording, "/positions"))
        broker.place(NewOrder.market("AAPL", bl.BUY, 7))

    placer = threading.Thread(target=place_once_connected)
    placer.start()
    event = next(broker.stream_positions())
    placer.join()
    assert event.position.instrument == Equity("AAPL")
    assert event.position.quantity == 7
    assert event.position.account == ACCOUNT


async def test_an_unknown_account_fails_the_stream_at_once(abroker: AsyncBroker) -> None:
    with pytest.raises(RejectedError, match="no such account"):
        await anext(abroker.stream_orders("NOPE"))


# -- reconnects --------------------------------------------------------------------------------


async def test_order_stream_reconnect_loses_and_doubles_nothing(
    abroker: AsyncBroker, recording: Recording, engine: Engine
) -> None:
    stream = abroker.stream_orders()
    first = asyncio.ensure_future(take(stream, 3))
    await await_for(connected(recording, "/stream/accounts/"))
    await abroker.place(NewOrder.market("AAPL", bl.BUY, 10))
    before = await first
    engine.faults.add(DropConnection(), match="/stream/accounts/")
    await abroker.place(NewOrder.market("MSFT", bl.BUY, 10))
    await abroker.place(NewOrder.limit("SPY", bl.BUY, 1, "500"))
    expected = logged(engine, OrderEvent)
    after = await take(stream, len(expected) - len(before))
    assert [order_key(e) for e in before + after] == [order_key(e) for e in expected]
    reconnects = recording.sent("GET", "/stream/accounts/")
    assert len(reconnects) == 2
    assert reconnects[1].url.params["after"] != ""
    assert [fault for _, fault in engine.faults.taken()] == [DropConnection()]
    await stream.aclose()  # type: ignore[attr-defined]


async def test_position_stream_reconnect_loses_and_doubles_nothing(
    abroker: AsyncBroker, recording: Recording, engine: Engine
) -> None:
    stream = abroker.stream_positions()
    first = asyncio.ensure_future(take(stream, 1))
    await await_for(connected(recording, "/positions"))
    await abroker.place(NewOrder.market("AAPL", bl.BUY, 10))
    before = await first
    engine.faults.add(DropConnection(), match="/positions")
    await abroker.place(NewOrder.market("AAPL", bl.BUY, 5))
    await abroker.place(NewOrder.market("MSFT", bl.SELL, 3))
    after = await take(stream, 2)
    quantities = [(str(e.position.instrument), e.position.quantity) for e in before + after]
    assert quantities == [("AAPL", 10), ("AAPL", 15), ("MSFT", -3)]
    assert len(recording.sent("GET", "/positions")) == 2


async def test_bar_stream_resumes_after_the_last_bar(
    abroker: AsyncBroker, recording: Recording, engine: Engine
) -> None:
    stream = abroker.stream_bars("SPY", "5min")
    before = await take(stream, 2)
    engine.faults.add(DropConnection(), match="/stream/bars")
    after = await take(stream, 3)
    times = [e.bar.time for e in before + after]
    assert times == [START + timedelta(minutes=5 * i) for i in range(5)]
    assert len(recording.sent("GET", "/stream/bars")) == 2


async def test_quote_stream_resubscribes(
    abroker: AsyncBroker, recording: Recording, engine: Engine
) -> None:
    stream = abroker.stream_quotes("AAPL")
    await take(stream, 2)
    engine.faults.add(DropConnection(), match="/stream/quotes")
    engine.faults.add(
        HttpError(status=503), match="/stream/quotes"
    )  # the first resubscribe fails too
    assert len(await take(stream, 2)) == 2
    assert len(recording.sent("GET", "/stream/quotes")) == 3


async def test_a_stream_gap_drops_an_event_from_the_stream_view(
    abroker: AsyncBroker, recording: Recording, engine: Engine
) -> None:
    engine.faults.add(StreamGap(events=1), match="/stream/accounts/")
    stream = abroker.stream_orders()
    got = asyncio.ensure_future(take(stream, 2))
    await await_for(connected(recording, "/stream/accounts/"))
    await abroker.place(NewOrder.market("AAPL", bl.BUY, 10))
    events = await got
    assert [order_key(e) for e in events] == [order_key(e) for e in logged(engine, OrderEvent)][1:]
    await stream.aclose()  # type: ignore[attr-defined]


async def test_a_stream_gives_up_after_max_reconnects(recording: Recording, engine: Engine) -> None:
    adapter = PaperAdapter(ENVIRONMENTS["emulator"], resolve_profile("paper:emulator"))
    engine.faults.add(DropConnection(), times=None, match="/stream/quotes")
    async with AsyncClient(transport=recording) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=1)
        with pytest.raises(NetworkError, match="connection dropped"):
            await anext(adapter.stream_quotes(session, [Equity("AAPL")]))
    assert len(recording.sent("GET", "/stream/quotes")) == 2  # the first try and one reconnect
