"""The real Tradier client's streams against the Tradier emulator served on a loopback port.

Every test serves the emulator (:mod:`served_tradier`) and connects the real adapter with
``bl.connect_async("tradier:<environment>", base_url="http://127.0.0.1:<port>/v1", ...)``: session
creation, the HTTP market stream, the account websocket, the order fetches that complete account
events, and the polling fallback all cross real sockets. Faults come from the engine's fault plan
(``DropConnection`` on the stream path); session expiry from the front's wall clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from brokerlink_tradier.capabilities import ACCOUNT, poll_interval, streams_mode
from brokerlink_tradier.emulator import TradierOptions
from brokerlink_tradier.environments import ENVIRONMENTS
from served_tradier import Seen, ServedTradier, until
from support.stream_checks import quote_symbols, take_until

import brokerlink as bl
from brokerlink._http import AsyncClient
from brokerlink.broker.connect import relocated
from brokerlink.capabilities import StreamKind
from brokerlink.emulator import Engine
from brokerlink.emulator.faults import DropConnection
from brokerlink.models import OrderEvent, PositionEvent, QuoteEvent

T = TypeVar("T")

MARKET_SESSION = "/v1/markets/events/session"
MARKET_STREAM = "/v1/markets/events"
ACCOUNT_SESSION = "/v1/accounts/events/session"
ACCOUNT_SOCKET = "/v1/accounts/events"
EMU = "EMU00001"
SYMBOLS = {"SPY", "AAPL"}


@pytest.fixture
def served() -> Iterator[ServedTradier]:
    server = ServedTradier(TradierOptions(heartbeat=0.05))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox() -> Iterator[ServedTradier]:
    server = ServedTradier(TradierOptions.sandbox_like())
    try:
        yield server
    finally:
        server.stop()


def _frame(event: QuoteEvent) -> dict[str, Any]:
    raw = event.quote.raw
    assert isinstance(raw, dict), "a streamed quote keeps the frame it came from"
    return raw


def _assert_nothing_doubled(events: list[QuoteEvent]) -> None:
    """Prints (trades, time and sales) are deltas: each arrives once. Quotes are state: a fresh
    connection may resend the current one, but time never runs backwards for a symbol."""
    prints = [
        (f["type"], f["symbol"], f["date"])
        for f in map(_frame, events)
        if f["type"] in ("trade", "tradex", "timesale")
    ]
    assert len(prints) == len(set(prints)), "a trade print was delivered twice"
    last: dict[str, Any] = {}
    for event in events:
        symbol, stamp = str(event.quote.instrument), event.quote.time
        assert stamp is not None
        assert stamp >= last.get(symbol, stamp), f"{symbol} went back in time"
        last[symbol] = stamp


def _stream_gets(served: ServedTradier) -> list[Seen]:
    return served.requests("GET", MARKET_STREAM)


# -- (1) quotes over the HTTP stream -------------------------------------------------------------
async def test_quotes_arrive_over_the_served_http_stream(served: ServedTradier) -> None:
    async with served.connect() as broker:
        assert broker.emulator is None  # no in-process engine: every byte crosses the socket
        stream = broker.stream_quotes(["SPY", "AAPL"])
        events = await take_until(
            stream, lambda seen: len(seen) >= 6 and quote_symbols(seen) == SYMBOLS
        )
        (get,) = _stream_gets(served)
        assert served.front.sessions.streaming("markets") == [get.params["sessionid"]]
        await stream.aclose()  # type: ignore[attr-defined]
        # Closing the client's stream closes the connection: the server lets the session go.
        await until(lambda: not served.front.sessions.streaming("markets"), what="release")

    assert quote_symbols(events) == SYMBOLS
    assert [s.status for s in served.requests("POST", MARKET_SESSION)] == [200]
    assert get.status == 200
    assert (get.params["symbols"], get.params["linebreak"]) == ("SPY,AAPL", "true")
    assert set(get.params["filter"].split(",")) == {"quote", "trade", "summary", "timesale"}
    # The first snapshot is the engine's quote at its start (a fresh engine, same seed).
    expected = Engine().quotes(["SPY"])["SPY"]
    spy = next(e.quote for e in events if str(e.quote.instrument) == "SPY")
    assert (spy.bid, spy.ask, spy.time) == (expected.bid, expected.ask, expected.time)
    for event in events:
        bid, ask = event.quote.bid, event.quote.ask
        assert isinstance(bid, Decimal)
        assert isinstance(ask, Decimal)
        assert bid < ask
    _assert_nothing_doubled(events)


async def test_intraday_bars_are_built_from_the_served_time_and_sales(
    served: ServedTradier,
) -> None:
    async with served.connect() as broker:
        stream = broker.stream_bars("SPY", "1min")
        events = await take_until(stream, lambda seen: sum(e.complete for e in seen) >= 2)
        await stream.aclose()  # type: ignore[attr-defined]
    (get,) = _stream_gets(served)
    assert (get.params["symbols"], get.params["filter"]) == ("SPY", "timesale")
    closed = [e.bar for e in events if e.complete]
    assert closed[1].time - closed[0].time == timedelta(minutes=1)
    for bar in closed:
        assert bar.time.second == 0
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        assert bar.volume > 0


# -- (2) a cut stream: new session, same subscription --------------------------------------------
async def test_a_cut_market_stream_reconnects_with_a_new_session_and_resubscribes(
    served: ServedTradier,
) -> None:
    async with served.connect() as broker:
        stream = broker.stream_quotes(["SPY", "AAPL"])
        events = await take_until(
            stream, lambda seen: len(seen) >= 10 and quote_symbols(seen) == SYMBOLS
        )
        (first,) = served.front.sessions.streaming("markets")
        served.engine.faults.add(DropConnection(), match=MARKET_STREAM)
        # Read through the cut until the second connection is open ...
        events += await take_until(stream, lambda _: len(_stream_gets(served)) == 2)
        # ... then everything read is the new connection's.
        fresh = await take_until(
            stream, lambda seen: len(seen) >= 10 and quote_symbols(seen) == SYMBOLS
        )
        (second,) = served.front.sessions.streaming("markets")
        await stream.aclose()  # type: ignore[attr-defined]

    assert served.engine.faults.taken() == [(MARKET_STREAM, DropConnection())]
    assert [s.status for s in served.requests("POST", MARKET_SESSION)] == [200, 200]
    gets = _stream_gets(served)
    assert [g.params["sessionid"] for g in gets] == [first, second]
    assert first != second
    assert {g.params["symbols"] for g in gets} == {"SPY,AAPL"}  # resubscribed to the same set
    assert len({g.params["filter"] for g in gets}) == 1
    # One session at a time: the old one is retired, not left streaming beside the new one.
    assert served.front.sessions.find(first, "markets") is None
    _assert_nothing_doubled(events + fresh)


# -- (3) session expiry ----------------------------------------------------------------------------
async def test_an_expired_session_is_replaced_and_a_used_one_never_expires(
    served: ServedTradier,
) -> None:
    aged: list[Seen] = []

    def age_the_first_session(seen: Seen) -> None:
        # The client "takes" five minutes and a second to connect with its first session.
        if seen.path == MARKET_SESSION and not aged:
            aged.append(seen)
            served.clock.skip(301)

    served.front.hooks.append(age_the_first_session)
    async with served.connect() as broker:
        stream = broker.stream_quotes(["SPY", "AAPL"])
        events = await take_until(stream, lambda seen: quote_symbols(seen) == SYMBOLS)
        (session,) = served.front.sessions.streaming("markets")
        # A session a stream is using stays valid however long the stream runs.
        served.clock.skip(600)
        events += await take_until(stream, lambda seen: len(seen) >= 6)
        assert served.front.sessions.streaming("markets") == [session]
        await stream.aclose()  # type: ignore[attr-defined]

    assert [s.status for s in served.requests("POST", MARKET_SESSION)] == [200, 200]
    stale, live = _stream_gets(served)
    assert (stale.status, live.status) == (400, 200)  # {"error": "session not found"}
    assert stale.params["sessionid"] != live.params["sessionid"] == session
    assert stale.params["symbols"] == live.params["symbols"] == "SPY,AAPL"
    _assert_nothing_doubled(events)


async def test_a_refused_symbol_ends_the_stream_with_its_error(served: ServedTradier) -> None:
    async with served.connect() as broker:
        stream = broker.stream_quotes(["SPY", "NOSUCH"])
        with pytest.raises(bl.errors.SymbolNotFoundError, match="NOSUCH is not a valid symbol"):
            await take_until(stream, lambda seen: len(seen) >= 1)
    # Not a session problem, so no new session is tried.
    assert [g.status for g in _stream_gets(served)] == [400]
    assert len(served.requests("POST", MARKET_SESSION)) == 1


# -- (4) account events over the websocket ---------------------------------------------------------
async def _until_final(queue: asyncio.Queue[OrderEvent], order_id: str) -> list[OrderEvent]:
    """The queued events of ``order_id`` until it is final; any other order's event fails."""
    found: list[OrderEvent] = []
    async with asyncio.timeout(5):
        while not found or not found[-1].order.status.is_final:
            event = await queue.get()
            assert event.order.id == order_id, f"an event of order {event.order.id} was repeated"
            found.append(event)
    return found


def _check_completed(events: list[OrderEvent], side: bl.Side, quantity: int) -> None:
    assert [e.order.status for e in events][-1] is bl.OrderStatus.FILLED
    for event in events:  # the websocket's events carry neither: the fetched order supplied them
        (leg,) = event.order.legs
        assert (str(leg.instrument), leg.side) == ("AAPL", side)
        assert event.order.quantity == quantity
    fills = [e.fill for e in events if e.fill is not None]
    assert sum(f.quantity for f in fills) == quantity
    assert all((str(f.instrument), f.side) == ("AAPL", side) for f in fills)
    assert fills[-1].price == events[-1].order.average_fill_price


async def test_order_events_over_the_served_websocket_survive_a_drop(
    served: ServedTradier,
) -> None:
    queue: asyncio.Queue[OrderEvent] = asyncio.Queue()
    async with served.connect() as broker:
        stream = broker.stream_orders()

        async def consume() -> None:
            async for event in stream:
                queue.put_nowait(event)

        task = asyncio.create_task(consume())
        try:
            sessions = served.front.sessions
            await until(lambda: len(sessions.streaming("accounts")) == 1, what="subscription")
            (first,) = sessions.streaming("accounts")
            bought = await broker.place(bl.NewOrder.market("AAPL", bl.BUY, 3))
            buys = await _until_final(queue, bought.id)

            served.engine.faults.add(DropConnection(), match=ACCOUNT_SOCKET)
            await until(
                lambda: sessions.streaming("accounts") not in ([], [first]), what="resubscription"
            )
            (second,) = sessions.streaming("accounts")
            sold = await broker.place(bl.NewOrder.market("AAPL", bl.SELL, 3))
            sells = await _until_final(queue, sold.id)
            await asyncio.sleep(0.2)  # room for a doubled event to show up
            assert queue.empty()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    assert served.engine.faults.taken() == [(ACCOUNT_SOCKET, DropConnection())]
    assert first != second
    assert [s.status for s in served.requests("POST", ACCOUNT_SESSION)] == [200, 200]
    _check_completed(buys, bl.BUY, 3)
    _check_completed(sells, bl.SELL, 3)
    assert buys[0].order.status in (bl.OrderStatus.PENDING, bl.OrderStatus.OPEN)
    # Each event was completed by fetching its order over REST (placing fetches it once too).
    for order_id, events in ((bought.id, buys), (sold.id, sells)):
        fetched = served.requests("GET", f"/v1/accounts/{EMU}/orders/{order_id}")
        assert len(fetched) == 1 + len(events)


# -- (5) the sandbox: polling where there is no market stream --------------------------------------
def _gaps(seen: list[Seen]) -> list[float]:
    return [b.at - a.at for a, b in itertools.pairwise(seen)]


async def test_the_sandbox_polls_quotes_at_the_capability_rate(sandbox: ServedTradier) -> None:
    async with sandbox.connect("sandbox", account=EMU) as broker:
        caps = broker.capabilities
        assert broker.name == "tradier:sandbox"
        assert "quotes=poll" in " ".join(caps.notes)
        every = poll_interval("sandbox")
        assert f"polled every {every:g}s" in (caps.streams[StreamKind.QUOTES].note or "")
        stream = broker.stream_quotes(["SPY"])
        events = await take_until(stream, lambda seen: len(seen) >= 3, timeout=3 * every + 2)
        await stream.aclose()  # type: ignore[attr-defined]
        # What the stream would have met: the sandbox-like emulator has no market sessions.
        async with AsyncClient(timeout=5) as raw:
            refused = await raw.post(
                f"{sandbox.base_url}/markets/events/session",
                headers={"Authorization": "Bearer x", "Accept": "application/json"},
            )
    assert refused.status_code == 400
    assert "sandbox" in refused.text
    assert [s.path for s in sandbox.front.seen if "/events" in s.path] == [
        "/v1/markets/events/session"  # only the raw probe above: the client never asked
    ]
    polls = sandbox.requests("GET", "/v1/markets/quotes")
    assert len(polls) == 3
    assert all(p.params["symbols"] == "SPY" for p in polls)
    assert all(every - 0.05 <= gap < every + 1.0 for gap in _gaps(polls)), _gaps(polls)
    quotes = [(e.quote.bid, e.quote.ask, e.quote.time) for e in events]
    assert len(set(quotes)) == 3  # only changes are yielded (each request moves the sandbox on)


async def test_the_sandbox_polls_positions_at_the_capability_rate(
    sandbox: ServedTradier,
) -> None:
    queue: asyncio.Queue[PositionEvent] = asyncio.Queue()
    every = poll_interval("sandbox", ACCOUNT)
    positions = f"/v1/accounts/{EMU}/positions"
    async with sandbox.connect("sandbox", account=EMU) as broker:
        assert f"polled every {every:g}s" in (
            broker.capabilities.streams[StreamKind.POSITIONS].note or ""
        )
        stream = broker.stream_positions()

        async def consume() -> None:
            async for event in stream:
                queue.put_nowait(event)

        async def trade(side: bl.Side) -> None:
            placed = await broker.place(bl.NewOrder.market("SPY", side, 5))
            assert placed.status is not bl.OrderStatus.FILLED  # the sandbox fills later ...
            # ... and a sandbox client finds the fill by polling the order.
            async with asyncio.timeout(5):
                while (await broker.order(placed.id)).status is not bl.OrderStatus.FILLED:
                    await asyncio.sleep(0.02)

        task = asyncio.create_task(consume())
        try:
            await until(lambda: bool(sandbox.requests("GET", positions)), what="first poll")
            await trade(bl.BUY)
            opened = await asyncio.wait_for(queue.get(), every + 2)
            await trade(bl.SELL)
            closed = await asyncio.wait_for(queue.get(), every + 2)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    assert (str(opened.position.instrument), opened.position.quantity) == ("SPY", Decimal(5))
    assert (opened.position.average_price or 0) > 0
    assert (str(closed.position.instrument), closed.position.quantity) == ("SPY", Decimal(0))
    assert queue.empty()
    polls = sandbox.requests("GET", positions)
    assert all(every - 0.05 <= gap < every + 1.0 for gap in _gaps(polls)), _gaps(polls)
    assert not [s for s in sandbox.front.seen if "/events" in s.path]  # polled, never streamed


def test_relocating_the_sandbox_moves_its_rest_root_and_keeps_polling() -> None:
    """What the sandbox tests above run: the environment stays ``sandbox`` (so quotes and
    positions are polled), only URLs on the REST host move, and the account websocket's own host
    stays (a stream goes where the session answer points: the served front)."""
    moved = relocated(ENVIRONMENTS["sandbox"], "http://127.0.0.1:9/v1")
    assert (moved.name, moved.base_url) == ("sandbox", "http://127.0.0.1:9/v1")
    assert moved.urls["account_websocket"] == "wss://sandbox-ws.tradier.com/v1"
    assert streams_mode(moved.name)[StreamKind.QUOTES] == "poll"
