"""The real tastytrade client's streams against the tastytrade emulator served on a loopback port.

Every test serves the emulator (:mod:`served_tastytrade`) and connects the real adapter with
``bl.connect_async("tastytrade:emulator", base_url="http://127.0.0.1:<port>", ...)``: the quote
token, DxLink and the account streamer (and the REST reads that reconcile it) all cross real
sockets. The front records what the client sent, which is checked against the documented
messages (``refs/tastytrade/examples/streaming``, copied in ``emulator/fixtures``). Faults come
from the engine's fault plan: ``Latency`` on ``/dxlink`` makes the server silent,
``DropConnection`` on ``/account-streamer`` cuts the socket. Tests that need a dead connection
noticed in well under a second use :class:`QuickTastytrade`, the adapter with its documented
stream-timing knobs shortened.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest
from brokerlink_tastytrade import TastytradeAdapter
from brokerlink_tastytrade.dxlink import EVENT_FIELDS
from brokerlink_tastytrade.emulator import SandboxOptions
from served_tastytrade import ServedTastytrade, Socket, until
from support.stream_checks import quote_symbols, take_until

import brokerlink as bl
from brokerlink.emulator.faults import DropConnection, Latency, StreamGap
from brokerlink.models import OrderEvent, QuoteEvent
from brokerlink.timeframes import Timeframe

T = TypeVar("T")

FIXTURES = Path(__file__).parent / "emulator" / "fixtures"
DXLINK = "/dxlink"
STREAMER = "/account-streamer"
ACCOUNT = "EMU00001"
SYMBOLS = {"SPY", "AAPL"}
HANDSHAKE = ["SETUP", "AUTH", "CHANNEL_REQUEST", "FEED_SETUP", "FEED_SUBSCRIPTION"]


class QuickTastytrade(TastytradeAdapter):
    """The tastytrade adapter with stream timings a test can wait for."""

    dxlink_silence = 0.8
    dxlink_keepalive = 0.2
    streamer_heartbeat = 0.2


def fixture(name: str) -> Any:
    """A documented streaming message (``emulator/fixtures``, see its README)."""
    return orjson.loads((FIXTURES / f"streaming_{name}.json").read_bytes())


@pytest.fixture
def served() -> Iterator[ServedTastytrade]:
    server = ServedTastytrade()
    try:
        yield server
    finally:
        server.stop()


def _both(events: list[QuoteEvent]) -> bool:
    return len(events) >= 6 and quote_symbols(events) == SYMBOLS


def _exchange(socket: Socket) -> list[tuple[str, str]]:
    """The conversation in the order it happened, keepalives and data left out: ``("client",
    type)`` and ``("server", type[/state])``."""
    both = [(at, "client", m) for at, m in socket.received] + [
        (at, "server", m) for at, m in socket.sent
    ]
    return [
        (side, m["type"] + (f"/{m['state']}" if "state" in m else ""))
        for _, side, m in sorted(both, key=lambda entry: entry[0])
        if m["type"] not in ("KEEPALIVE", "FEED_DATA")
    ]


DOCUMENTED_EXCHANGE = [
    ("client", "SETUP"),  # dxlink_01
    ("server", "SETUP"),  # dxlink_02
    ("server", "AUTH_STATE/UNAUTHORIZED"),  # dxlink_03
    ("client", "AUTH"),  # dxlink_04
    ("server", "AUTH_STATE/AUTHORIZED"),  # dxlink_05
    ("client", "CHANNEL_REQUEST"),  # dxlink_06
    ("server", "CHANNEL_OPENED"),  # dxlink_07
    ("client", "FEED_SETUP"),  # dxlink_08
    ("server", "FEED_CONFIG"),  # dxlink_09
    ("client", "FEED_SUBSCRIPTION"),  # dxlink_10
]


def _handshake(socket: Socket) -> list[dict[str, Any]]:
    return [m for m in socket.inbound() if m["type"] != "KEEPALIVE"]


def _check_subscription(message: dict[str, Any], channel: int) -> None:
    """A quote subscription for SPY and AAPL, shaped as dxlink_10."""
    documented = fixture("dxlink_10_feed_subscription.sent")
    assert message.keys() == documented.keys()
    assert (message["channel"], message["reset"]) == (channel, True)
    wanted = [{"type": t, "symbol": s} for s in sorted(SYMBOLS) for t in ("Quote", "Trade")]
    assert sorted(message["add"], key=lambda a: (a["symbol"], a["type"])) == wanted


def _sent_events(socket: Socket, fields: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """The events of the server's FEED_DATA messages: each flat COMPACT list cut by the number
    of fields accepted for its type (NOTES §9.3)."""
    events: list[dict[str, Any]] = []
    for message in socket.outbound("FEED_DATA"):
        kind, values = message["data"]
        width = len(fields[kind])
        for start in range(0, len(values), width):
            events.append(dict(zip(fields[kind], values[start : start + width], strict=True)))
    return events


def _is_subsequence(items: list[Any], within: list[Any]) -> bool:
    rest = iter(within)
    return all(any(item == other for other in rest) for item in items)


def _assert_nothing_doubled(events: list[QuoteEvent]) -> None:
    """Each event changes its symbol's quote, and the day volume never runs backwards."""
    last: dict[str, bl.Quote] = {}
    for event in events:
        symbol, quote = str(event.quote.instrument), event.quote
        previous = last.get(symbol)
        if previous is not None:
            assert quote != previous, f"{symbol}: the same quote was delivered twice"
            assert (quote.volume or 0) >= (previous.volume or 0), f"{symbol}: volume went back"
        last[symbol] = quote


# -- (1) the documented DxLink handshake, then quotes ----------------------------------------------
async def test_dxlink_handshake_follows_the_documented_sequence(served: ServedTastytrade) -> None:
    async with served.connect() as broker:
        stream = broker.stream_quotes(["SPY", "AAPL"])
        events = await take_until(stream, _both)
        await stream.aclose()  # type: ignore[attr-defined]
    (socket,) = served.front.connections(DXLINK)
    await until(lambda: socket.closed_at is not None, what="the client to close DxLink")

    assert _exchange(socket) == DOCUMENTED_EXCHANGE
    setup, auth, channel, feed_setup, subscription = _handshake(socket)
    assert setup == fixture("dxlink_01_setup.sent")  # the default timings are the documented ones
    (token,) = served.front.quote_tokens()  # fetched from /api-quote-tokens just before
    assert auth == fixture("dxlink_04_auth.sent") | {"token": token}
    number = channel["channel"]
    assert number % 2 == 1  # even client channels are a protocol violation
    assert channel == fixture("dxlink_06_channel_request.sent") | {"channel": number}
    documented_setup = fixture("dxlink_08_feed_setup.sent")
    assert feed_setup == documented_setup | {
        "channel": number,
        "acceptEventFields": {
            k: documented_setup["acceptEventFields"][k] for k in ("Quote", "Trade")
        },
    }
    _check_subscription(subscription, number)

    # What the client yielded is what the server sent, decoded from COMPACT values, in order.
    sent = _sent_events(socket, {k: EVENT_FIELDS[k] for k in ("Quote", "Trade")})
    yielded = [e.quote.raw for e in events]
    assert _is_subsequence(yielded, sent)
    assert quote_symbols(events) == SYMBOLS
    for event in events:
        bid, ask = event.quote.bid, event.quote.ask
        assert bid is not None
        assert ask is not None
        assert bid < ask
    _assert_nothing_doubled(events)


# -- (2) keepalive silence -> reconnect -> resubscribe ----------------------------------------------
async def test_a_silent_dxlink_is_noticed_and_the_quotes_resubscribed(
    served: ServedTastytrade,
) -> None:
    silence, keepalive = QuickTastytrade.dxlink_silence, QuickTastytrade.dxlink_keepalive

    def sockets() -> list[Socket]:
        return served.front.connections(DXLINK)

    async with served.connect(QuickTastytrade) as broker:
        stream = broker.stream_quotes(["SPY", "AAPL"])
        events = await take_until(stream, _both)
        # The server goes quiet (keepalives too) for far longer than the client trusts it.
        served.engine.faults.add(Latency(seconds=4.0), match=DXLINK)
        events += await take_until(
            stream,
            lambda _: len(sockets()) == 2 and bool(sockets()[1].inbound("FEED_SUBSCRIPTION")),
        )
        fresh = await take_until(stream, _both)  # all from the new connection
        await stream.aclose()  # type: ignore[attr-defined]

    assert served.engine.faults.taken() == [(DXLINK, Latency(seconds=4.0))]
    first, second = sockets()
    # The client noticed: it hung up `silence` after the server's last word, long before the
    # server would have spoken again, and kept sending its own keepalives meanwhile.
    quiet_from = max(at for at, _ in first.sent)
    assert first.closed_at is not None
    assert silence - 0.1 <= first.closed_at - quiet_from < silence + 1.0
    assert (
        len([at for at, m in first.received if m["type"] == "KEEPALIVE" and at > quiet_from]) >= 2
    )
    assert first.closed_at <= second.opened_at

    # A fresh quote token per connection, each used for its own AUTH.
    tokens = served.front.quote_tokens()
    assert len(tokens) == len(set(tokens)) == 2
    token_fetches = [e for e in served.front.exchanges if e.path == "/api-quote-tokens"]
    assert token_fetches[1].at > quiet_from + silence - 0.1  # fetched after the silence, not before
    for socket, token in zip((first, second), tokens, strict=True):
        handshake = _handshake(socket)
        assert [m["type"] for m in handshake] == HANDSHAKE
        assert _exchange(socket) == DOCUMENTED_EXCHANGE
        setup, auth, channel, _, subscription = handshake
        # The documented SETUP, with the timings this client announces: it speaks every
        # `keepalive` seconds (so the server may wait twice that) and trusts `silence`.
        assert setup == fixture("dxlink_01_setup.sent") | {
            "keepaliveTimeout": 2 * keepalive,
            "acceptKeepaliveTimeout": silence,
        }
        assert auth["token"] == token
        _check_subscription(subscription, channel["channel"])
    # The same subscription again, on the new connection.
    assert _handshake(first)[2:] == _handshake(second)[2:]

    assert quote_symbols(fresh) == SYMBOLS
    assert second.outbound("FEED_DATA")  # the data flows on the new connection ...
    sent = _sent_events(second, {k: EVENT_FIELDS[k] for k in ("Quote", "Trade")})
    assert _is_subsequence([e.quote.raw for e in fresh], sent)
    _assert_nothing_doubled(events + fresh)  # ... without repeating what was delivered


async def test_a_quiet_feed_that_keeps_alive_is_not_reconnected(served: ServedTastytrade) -> None:
    async with served.connect(QuickTastytrade) as broker:
        stream = broker.stream_quotes(["SPY", "AAPL"])
        events = await take_until(stream, _both)
        # No data for a while (the next 60 FEED_DATA messages are skipped, about 1.5 s: twice the
        # client's silence), but the server's keepalives go on: the connection is alive.
        served.engine.faults.add(StreamGap(events=60), match=DXLINK)
        await until(lambda: bool(served.engine.faults.taken()), what="the gap to start")
        events += await take_until(stream, lambda seen: len(seen) >= 1)
        await stream.aclose()  # type: ignore[attr-defined]

    (socket,) = served.front.connections(DXLINK)
    assert len(served.front.quote_tokens()) == 1
    stamps = [at for at, m in socket.sent if m["type"] == "FEED_DATA"]
    quiet = max(b - a for a, b in itertools.pairwise(stamps))
    assert quiet > 2 * QuickTastytrade.dxlink_silence  # quiet for long, yet not dropped
    _assert_nothing_doubled(events)


# -- (3) candles -> bars() ---------------------------------------------------------------------------
@pytest.mark.parametrize("empty_auto", [False, True], ids=["auto", "empty-auto-then-history"])
async def test_bars_come_from_the_candle_snapshot_as_the_engine_has_them(empty_auto: bool) -> None:
    server = ServedTastytrade(SandboxOptions(empty_auto_candles=True) if empty_auto else None)
    try:
        five = Timeframe.parse("5min")
        end = five.floor(server.engine.now())
        start = end - timedelta(hours=3)
        expected = server.engine.bars("SPY", five, start, end, extended=True)
        async with server.connect() as broker:
            bars = await broker.bars("SPY", "5min", start=start, end=end)
        sockets = server.front.connections(DXLINK)
    finally:
        server.stop()

    assert len(expected) == 36
    assert bars == expected  # ordinary bars, oldest first, stamped at their interval's start
    assert all(b.time.second == 0 and b.time.minute % 5 == 0 for b in bars)
    assert [b.time for b in bars] == [start + five.duration * n for n in range(36)]  # type: ignore[operator]

    contracts = ["AUTO", "HISTORY"] if empty_auto else ["AUTO"]
    assert len(sockets) == len(contracts)
    wanted = [{"type": "Candle", "symbol": "SPY{=5m}", "fromTime": int(start.timestamp() * 1000)}]
    for socket, contract in zip(sockets, contracts, strict=True):
        _, _, channel, feed_setup, subscription = _handshake(socket)
        assert channel["parameters"] == {"contract": contract}
        assert feed_setup["acceptEventFields"] == {"Candle": list(EVENT_FIELDS["Candle"])}
        assert subscription == {
            "type": "FEED_SUBSCRIPTION",
            "channel": channel["channel"],
            "reset": True,
            "add": wanted,
        }
    # What the server answered: the snapshot newest first, SNAPSHOT_BEGIN on the first candle,
    # closed by an all-NaN REMOVE_EVENT | SNAPSHOT_END placeholder.
    candles = [
        c for c in _sent_events(sockets[-1], {"Candle": EVENT_FIELDS["Candle"]}) if c["eventFlags"]
    ]
    assert candles[0]["eventFlags"] == 0x4
    assert candles[-1]["eventFlags"] == 0x2 | 0x8
    assert candles[-1]["open"] == "NaN"
    assert candles[0]["time"] == int(bars[-1].time.timestamp() * 1000)
    if empty_auto:  # the AUTO channel's snapshot was empty: one placeholder flagged 14
        (empty,) = _sent_events(sockets[0], {"Candle": EVENT_FIELDS["Candle"]})
        assert empty["eventFlags"] == 0x2 | 0x4 | 0x8


# -- (4) the account streamer: connect, heartbeats, order events, a drop -----------------------------
async def _until_final(queue: asyncio.Queue[OrderEvent], order_id: str) -> list[OrderEvent]:
    """The queued events of ``order_id`` until it is final; another order's event fails."""
    found: list[OrderEvent] = []
    async with asyncio.timeout(5):
        while not found or not found[-1].order.status.is_final:
            event = await queue.get()
            assert event.order.id == order_id, f"an event of order {event.order.id} came unasked"
            found.append(event)
    return found


def _order_statuses(socket: Socket, order_id: str) -> list[str]:
    return [
        m["data"]["status"] for m in socket.outbound("Order") if str(m["data"]["id"]) == order_id
    ]


async def test_order_events_survive_a_dropped_streamer_without_misses_or_doubles(
    served: ServedTastytrade,
) -> None:
    front = served.front

    def sockets() -> list[Socket]:
        return front.connections(STREAMER)

    queue: asyncio.Queue[OrderEvent] = asyncio.Queue()
    async with served.connect(QuickTastytrade) as broker:
        stream = broker.stream_orders()

        async def consume() -> None:
            async for event in stream:
                queue.put_nowait(event)

        task = asyncio.create_task(consume())
        try:
            await until(
                lambda: len(sockets()) == 1 and len(sockets()[0].outbound("heartbeat")) >= 2
            )
            first = sockets()[0]
            bought = await broker.place(bl.NewOrder.market("AAPL", bl.BUY, 3))
            buys = await _until_final(queue, bought.id)

            # Cut the socket at its next notification, and hold the reconnect at the door.
            front.streamer_gate.clear()
            served.engine.faults.add(DropConnection(), match=STREAMER)
            sold = await broker.place(bl.NewOrder.market("AAPL", bl.SELL, 2))  # cut: never sent
            await until(lambda: len(sockets()) == 2, what="the client to reconnect")
            # Filled while the client has no connection at all.
            missed = await broker.place(bl.NewOrder.market("AAPL", bl.SELL, 1))
            reconciled_from = len(front.exchanges)
            front.streamer_gate.set()
            caught_up = [await _until_final(queue, sold.id), await _until_final(queue, missed.id)]
            reconciled_to = len(front.exchanges)
            after = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 1))
            afters = await _until_final(queue, after.id)
            await asyncio.sleep(0.3)  # room for a doubled event to show up
            assert queue.empty()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    assert served.engine.faults.taken() == [(STREAMER, DropConnection())]
    second = sockets()[1]
    for socket in (first, second):
        connect, *rest = socket.inbound()
        # connect first (documented shape, our account, the Bearer token), then heartbeats.
        documented = fixture("account_streamer.connect.request")
        assert connect.keys() == documented.keys()
        assert (connect["action"], connect["value"]) == ("connect", [ACCOUNT])
        assert connect["auth-token"] == "Bearer t"
        assert {m["action"] for m in rest} <= {"heartbeat"}
        ack = socket.outbound("connect")[0]
        assert ack.keys() == fixture("account_streamer.connect.ack").keys()
        assert (ack["status"], ack["value"], ack["request-id"]) == (
            "ok",
            [ACCOUNT],
            connect["request-id"],
        )
    beats = first.inbound("heartbeat")
    assert len(beats) >= 2
    assert beats[0].keys() == fixture("account_streamer.heartbeat.request").keys()
    ids = [connect_id := first.inbound("connect")[0]["request-id"]] + [
        b["request-id"] for b in beats
    ]
    assert ids == list(range(connect_id, connect_id + len(ids)))  # one counter, rising
    acks = first.outbound("heartbeat")
    assert acks[0].keys() == fixture("account_streamer.heartbeat.ack").keys()
    assert [a["request-id"] for a in acks] == [b["request-id"] for b in beats][: len(acks)]

    # The first order streamed through Filled (tastytrade's routing steps on the wire; the
    # client folds them into PENDING -> OPEN -> FILLED, once each).
    wire = _order_statuses(first, bought.id)
    assert wire[-1] == "Filled"
    assert wire.index("Routed") < wire.index("Live")
    assert [e.order.status for e in buys] == [
        bl.OrderStatus.PENDING,
        bl.OrderStatus.OPEN,
        bl.OrderStatus.FILLED,
    ]
    fill = buys[-1].fill
    assert fill is not None
    assert fill.quantity == 3
    assert fill.price == buys[-1].order.average_fill_price

    # The two orders filled while cut off were never streamed: REST reconciliation after the
    # second connect reported each once, already Filled, and nothing was repeated.
    for socket in (first, second):
        assert _order_statuses(socket, sold.id) == _order_statuses(socket, missed.id) == []
    for events, placed in zip(caught_up, (sold, missed), strict=True):
        assert [(e.order.id, e.order.status) for e in events] == [
            (placed.id, bl.OrderStatus.FILLED)
        ]
    reads = [e.path for e in front.exchanges[reconciled_from:reconciled_to]]
    assert f"/accounts/{ACCOUNT}/orders/live" in reads
    # And the stream goes on: the next order arrives over the new connection.
    assert _order_statuses(second, after.id)[-1] == "Filled"
    assert [e.order.status for e in afters][-1] is bl.OrderStatus.FILLED
    assert sum(e.order.status is bl.OrderStatus.FILLED for e in afters) == 1
