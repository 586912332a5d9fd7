"""Tradier streams: the HTTP market stream (documented transcript), session renewal and
resubscription, the polling fallback, and the account-events websocket on a loopback server."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from brokerlink_tradier import TradierAdapter, streams
from brokerlink_tradier.capabilities import streams_mode
from tradier_support import json_response

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import Environment, StreamSession
from brokerlink.capabilities import StreamKind
from brokerlink.config import Profile
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorSocket, Front, Reply, SocketClosed, serve
from brokerlink.emulator.http.sockets import WebSocketHandler

TRANSCRIPTS = Path(__file__).parent / "transcripts"
MARKET = (TRANSCRIPTS / "stream_markets_events.ndjson").read_bytes()
ACCOUNT = (TRANSCRIPTS / "stream_accounts_events.ndjson").read_text().splitlines()


def _adapter(environment: str = "live", base_url: str | None = None) -> TradierAdapter:
    env = TradierAdapter.environments[environment]
    if base_url is not None:
        env = Environment(
            name=environment,
            base_url=base_url,
            urls={"account_websocket": base_url.replace("http", "ws")},
        )
    return TradierAdapter(
        env, Profile(name=f"tradier:{environment}", broker="tradier", environment=environment)
    )


class MarketService:
    """Session creation and the HTTP stream: the first session is stale (an error frame)."""

    def __init__(self) -> None:
        self.sessions = 0
        self.streams: list[dict[str, str]] = []

    def handle(self, request: _http.Request) -> _http.Response:
        if request.method == "POST" and request.url.path == "/v1/markets/events/session":
            self.sessions += 1
            return json_response(
                200,
                {
                    "stream": {
                        "url": "https://stream.tradier.com/v1/markets/events",
                        "sessionid": f"session-{self.sessions}",
                    }
                },
            )
        assert request.url.host == "stream.tradier.com"
        self.streams.append(dict(request.url.params))
        if len(self.streams) == 1:
            return _http.Response(200, content=b'{"error": "Session not found"}\n')
        return _http.Response(200, content=MARKET)


async def test_the_market_stream_renews_its_session_and_reads_the_documented_events() -> None:
    service = MarketService()
    async with _http.AsyncClient(transport=_http.MockTransport(service.handle)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=3)
        events = streams.stream_quotes(_adapter("live"), session, [bl.Equity("SPY")])
        seen = [await anext(events) for _ in range(4)]
        await events.aclose()  # type: ignore[attr-defined]
    # quote, trade, timesale, tradex (the summary changes no quote)
    quotes = [e.quote for e in seen]
    assert (quotes[0].bid, quotes[0].ask, quotes[0].bid_size, quotes[0].ask_size) == (
        Decimal("281.84"),
        Decimal("281.85"),
        Decimal(60),
        Decimal(6),
    )
    assert quotes[0].time is not None
    assert quotes[0].time.timestamp() == 1557757190
    assert (quotes[1].last, quotes[1].volume) == (Decimal("281.85"), Decimal(27978993))
    assert quotes[1].bid == Decimal("281.84")  # the snapshot keeps the last quote's bid
    assert (quotes[2].last, quotes[2].bid, quotes[2].ask) == (
        Decimal("282.09"),
        Decimal("282.08"),
        Decimal("282.09"),
    )
    assert all(str(q.instrument) == "SPY" for q in quotes)
    # the stale session was replaced and the symbols subscribed again on the new one
    assert service.sessions == 2
    assert [s["sessionid"] for s in service.streams] == ["session-1", "session-2"]
    assert service.streams[1]["symbols"] == "SPY"
    assert service.streams[1]["linebreak"] == "true"


async def test_the_market_stream_resubscribes_after_the_connection_ends() -> None:
    service = MarketService()
    service.streams.append({})  # skip the stale-session answer: every stream sends the transcript
    async with _http.AsyncClient(transport=_http.MockTransport(service.handle)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=3)
        events = streams.stream_quotes(_adapter("live"), session, [bl.Equity("SPY")])
        seen = [await anext(events) for _ in range(6)]
        await events.aclose()  # type: ignore[attr-defined]
    assert len(seen) == 6
    assert service.sessions == 2  # one session per connection


async def test_a_symbol_error_frame_is_raised() -> None:
    def handle(request: _http.Request) -> _http.Response:
        if request.method == "POST":
            return json_response(
                200,
                {
                    "stream": {
                        "url": "https://stream.tradier.com/v1/markets/events",
                        "sessionid": "s",
                    }
                },
            )
        return _http.Response(200, content=b'{"error": "1234 is not a valid symbol"}\n')

    async with _http.AsyncClient(transport=_http.MockTransport(handle)) as client:
        session = StreamSession(client=client, auth=None)
        events = streams.stream_quotes(_adapter("live"), session, [bl.Equity("SPY")])
        with pytest.raises(bl.SymbolNotFoundError, match="not a valid symbol"):
            await anext(events)


async def test_the_sandbox_polls_quotes_and_yields_only_changes() -> None:
    assert streams_mode("sandbox")[StreamKind.QUOTES] == "poll"
    answers = iter([Decimal("1.00"), Decimal("1.00"), Decimal("1.05")])
    calls: list[str] = []

    def handle(request: _http.Request) -> _http.Response:
        calls.append(request.url.path)
        bid = next(answers)
        return json_response(
            200, {"quotes": {"quote": {"symbol": "AAPL", "bid": str(bid), "ask": "2"}}}
        )

    async with _http.AsyncClient(transport=_http.MockTransport(handle)) as client:
        run = streams.runner(_adapter("sandbox"), StreamSession(client=client, auth=None))
        events = streams.poll_quotes(run, [bl.Equity("AAPL")], interval=0.0)
        first, second = await anext(events), await anext(events)
        await events.aclose()  # type: ignore[attr-defined]
    assert (first.quote.bid, second.quote.bid) == (Decimal("1.00"), Decimal("1.05"))
    assert calls == ["/v1/markets/quotes"] * 3


async def test_positions_are_polled_and_a_closed_one_reports_zero() -> None:
    pages = iter(
        [
            {
                "positions": {
                    "position": {"cost_basis": 100, "id": 1, "quantity": 1, "symbol": "AAPL"}
                }
            },
            {
                "positions": {
                    "position": {"cost_basis": 200, "id": 1, "quantity": 2, "symbol": "AAPL"}
                }
            },
            {"positions": "null"},
        ]
    )

    def handle(request: _http.Request) -> _http.Response:
        return json_response(200, next(pages))

    async with _http.AsyncClient(transport=_http.MockTransport(handle)) as client:
        run = streams.runner(_adapter("sandbox"), StreamSession(client=client, auth=None))
        events = streams.poll_positions(run, "VA000001", interval=0.0)
        grown, closed = await anext(events), await anext(events)
        await events.aclose()  # type: ignore[attr-defined]
    assert (grown.position.quantity, closed.position.quantity) == (Decimal(2), Decimal(0))


class AccountFront(Front):
    """Account sessions and the account-events websocket; the first connection drops."""

    name = "tradier-test"

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.port = 0
        self.lock = threading.Lock()
        self.subscriptions: list[dict[str, Any]] = []
        self.sessions = 0
        self.order_lists = 0

    def handle(self, request: _http.Request) -> Reply:
        if request.url.path == "/v1/accounts/events/session":
            with self.lock:
                self.sessions += 1
                number = self.sessions
            url = f"ws://127.0.0.1:{self.port}/v1/accounts/events"
            return Reply.json(200, {"stream": {"url": url, "sessionid": f"acct-{number}"}})
        if request.url.path == "/v1/accounts/6YA/orders/1107075":
            return Reply.json(200, {"order": _fetched_order()})
        if request.url.path == "/v1/accounts/6YA/orders":
            # Read after a reconnect, to find what the dropped socket never said.
            with self.lock:
                self.order_lists += 1
            return Reply.json(200, {"orders": {"order": [_fetched_order()]}})
        return Reply.json(404, {"errors": {"error": "not found"}})

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"errors": {"error": message}})

    def websocket(self, path: str) -> WebSocketHandler | None:
        return self._events if path == "/v1/accounts/events" else None

    async def _events(self, socket: EmulatorSocket) -> None:
        try:
            subscription = orjson.loads(await socket.receive_text(timeout=5))
            with self.lock:
                self.subscriptions.append(subscription)
                first = len(self.subscriptions) == 1
            lines = ACCOUNT[:3] if first else ACCOUNT[3:]
            for line in lines:
                await socket.send_text(line)
            if first:
                await socket.close(1011, "dropped")
                return
            while True:
                await socket.receive_text()
        except (SocketClosed, TimeoutError):
            return


def _fetched_order() -> dict[str, Any]:
    return {
        "id": 1107075,
        "type": "limit",
        "symbol": "AAPL",
        "side": "buy",
        "quantity": 2.0,
        "status": "filled",
        "duration": "day",
        "price": 10.0,
        "avg_fill_price": 10.0,
        "exec_quantity": 2.0,
        "last_fill_price": 10.0,
        "last_fill_quantity": 2.0,
        "create_date": "2021-08-09T20:05:35.277Z",
        "transaction_date": "2021-08-09T20:05:35.277Z",
        "class": "equity",
    }


async def test_account_events_are_completed_by_fetching_the_order_and_resubscribe() -> None:
    front = AccountFront(Engine())
    with serve(front) as handle:
        front.port = handle.port
        base = f"http://127.0.0.1:{handle.port}/v1"
        async with _http.AsyncClient() as client:
            session = StreamSession(client=client, auth=None, max_reconnects=3)
            events = streams.stream_orders(_adapter("sandbox", base), session, "6YA")
            # asyncio.timeout, not wait_for: the websocket must be left in the task that opened it
            async with asyncio.timeout(10):
                seen = [await anext(events) for _ in range(3)]
                # The REST read may beat the new socket's subscription: let it arrive.
                while len(front.subscriptions) < 2:
                    await asyncio.sleep(0.01)
                await events.aclose()  # type: ignore[attr-defined]
    # heartbeat dropped; open, pending (first connection), filled (read over REST right after
    # the reconnect: the socket that dropped may have lost it)
    assert [e.order.id for e in seen] == ["1107075"] * 3
    assert all(e.order.instrument == bl.Equity("AAPL") for e in seen)  # completed by the fetch
    # each event keeps its own state (the fetch, made later, says filled for all three)
    assert [e.order.status for e in seen] == [
        bl.OrderStatus.OPEN,
        bl.OrderStatus.PENDING,
        bl.OrderStatus.FILLED,
    ]
    assert [e.order.filled_quantity for e in seen] == [0, 0, 2]
    assert seen[2].order.average_fill_price == Decimal("10.0")
    # The 2 filled while the socket was down are reported once, at the average price; the
    # stream's own "filled" event that follows says nothing new and is not delivered again.
    assert seen[2].fill is not None
    assert (seen[2].fill.quantity, seen[2].fill.price) == (Decimal(2), Decimal("10.0"))
    assert front.order_lists == 1
    assert front.sessions == 2
    assert [s["sessionid"] for s in front.subscriptions] == ["acct-1", "acct-2"]
    assert front.subscriptions[0]["events"] == ["order"]


async def test_bars_are_polled_forming_then_complete() -> None:
    def row(minute: int, close: str) -> dict[str, object]:
        stamp = 1557408600 + 60 * minute  # 2019-05-09 13:30Z, the documented first row
        return {"timestamp": stamp, "open": 1, "high": 2, "low": 1, "close": close, "volume": 10}

    pages = iter(
        [
            [row(0, "1.5")],  # the first poll: the forming bar
            [row(0, "1.6")],  # it changed
            [row(0, "1.7"), row(1, "1.1")],  # a new bar began: the previous one is complete
        ]
    )

    def handle(request: _http.Request) -> _http.Response:
        if request.url.path == "/v1/markets/clock":
            return json_response(200, {"clock": {"date": "2019-05-09", "timestamp": 1557408700}})
        return json_response(200, {"series": {"data": next(pages)}})

    async with _http.AsyncClient(transport=_http.MockTransport(handle)) as client:
        run = streams.runner(_adapter("live"), StreamSession(client=client, auth=None))
        events = streams.poll_bars(run, bl.Equity("AAPL"), bl.Timeframe.parse("1min"), 0.0)
        seen = [await anext(events) for _ in range(3)]
        await events.aclose()  # type: ignore[attr-defined]
    assert [(e.bar.close, e.complete) for e in seen] == [
        (Decimal("1.6"), False),
        (Decimal("1.7"), True),
        (Decimal("1.1"), False),
    ]
