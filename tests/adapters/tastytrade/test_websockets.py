"""DxLink and the account streamer against a scripted tastytrade served on loopback.

The scripted front (a minimal :class:`Front` with websocket handlers, run by the core's
emulator transport on an ephemeral loopback port) replays the documented message sequences of
``refs/tastytrade/examples/streaming`` and ``examples/lean``: the DxLink handshake, COMPACT feed
data, candle snapshots (newest first, flags, NaN), the account streamer's connect / heartbeat
acknowledgements and order notifications. It checks what the clients send at each step.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from brokerlink_tastytrade import market_stream, streamer
from brokerlink_tastytrade.wire import tastytrade_converter

import brokerlink as bl
from brokerlink._http import AsyncClient, Request
from brokerlink.adapter import StreamSession
from brokerlink.emulator import Engine
from brokerlink.emulator.http import (
    EmulatorSocket,
    EmulatorTransport,
    Front,
    Reply,
    WebSocketHandler,
)
from brokerlink.instruments import Equity
from brokerlink.models import OrderEvent, PositionEvent

CASES = Path(__file__).parent / "cases"
ACCOUNT = "5WX06827"
DX_URL = "ws://tastytrade.script/dxlink"
STREAMER_URL = "ws://tastytrade.script/streamer"
CANDLE_FIELDS = [
    "eventFlags",
    "eventSymbol",
    "time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "openInterest",
]


def case_payload(name: str) -> Any:
    return json.loads((CASES / f"{name}.json").read_text())["payload"]


def dumps(message: Any) -> str:
    return orjson.dumps(message).decode()


class ScriptedTastytrade(Front):
    """REST answers for what the streams need, and scripted DxLink / streamer websockets."""

    name = "tastytrade"

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.dx_received: list[list[dict[str, Any]]] = []  # per connection
        self.dx_plans: list[str] = []  # what each DxLink connection does after subscribing
        self.streamer_received: list[list[dict[str, Any]]] = []
        self.streamer_plans: list[str] = []
        self.live_orders: list[Any] = []
        self.positions: list[Any] = []
        self.tokens_issued = 0
        self.issued_at: str | None = None

    def handle(self, request: Request) -> Reply:
        path = request.url.path
        if path == "/api-quote-tokens":
            self.tokens_issued += 1
            token = f"dx-token-{self.tokens_issued}"
            grant = {"token": token, "dxlink-url": DX_URL, "level": "api"}
            if self.issued_at is not None:
                grant["issued-at"] = self.issued_at
            return Reply.json(200, {"data": grant})
        if path == "/instruments/equities/AAPL":
            return Reply.json(200, {"data": {"symbol": "AAPL", "streamer-symbol": "AAPL"}})
        if path == f"/accounts/{ACCOUNT}/orders/live":
            return Reply.json(200, {"data": {"items": list(self.live_orders)}})
        if path == f"/accounts/{ACCOUNT}/positions":
            return Reply.json(200, {"data": {"items": list(self.positions)}})
        return self.error_reply(404, path)

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"error": {"code": "not_found", "message": message}})

    def websocket(self, path: str) -> WebSocketHandler | None:
        # "/" is the sandbox streamer URL's path (wss://streamer.cert.tastyworks.com).
        return {"/dxlink": self.dxlink, "/streamer": self.streamer, "/": self.streamer}.get(path)

    async def _receive(self, socket: EmulatorSocket, log: list[dict[str, Any]]) -> dict[str, Any]:
        message: dict[str, Any] = orjson.loads(await socket.receive_text(timeout=10))
        log.append(message)
        return message

    async def dxlink(self, socket: EmulatorSocket) -> None:
        log: list[dict[str, Any]] = []
        self.dx_received.append(log)
        plan = self.dx_plans.pop(0)
        assert (await self._receive(socket, log))["type"] == "SETUP"
        await socket.send_text(dumps({"type": "SETUP", "channel": 0, "keepaliveTimeout": 60,
                                      "acceptKeepaliveTimeout": 60, "version": "1.0-1.2.1-20240722-153442"}))  # fmt: skip
        await socket.send_text(dumps({"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"}))
        assert (await self._receive(socket, log))["type"] == "AUTH"
        if plan == "refuse":
            await socket.send_text(dumps({"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"}))  # fmt: skip
            while True:
                await self._receive(socket, log)
        await socket.send_text(dumps({"type": "AUTH_STATE", "channel": 0, "state": "AUTHORIZED", "userId": "u1"}))  # fmt: skip
        request = await self._receive(socket, log)
        channel = request["channel"]
        await socket.send_text(dumps({"type": "CHANNEL_OPENED", "channel": channel, "service": "FEED",
                                      "parameters": {**request["parameters"], "subFormat": "LIST"}}))  # fmt: skip
        await self._receive(socket, log)  # FEED_SETUP
        config: dict[str, Any] = {"type": "FEED_CONFIG", "channel": channel, "dataFormat": "COMPACT",
                                  "aggregationPeriod": 0.1}  # fmt: skip
        if plan.startswith("candles"):
            config["eventFields"] = {"Candle": CANDLE_FIELDS}  # the server's list wins
        await socket.send_text(dumps(config))
        await self._receive(socket, log)  # FEED_SUBSCRIPTION
        if plan == "silent":
            while True:  # say nothing; keep reading the client's keepalives
                await self._receive(socket, log)
        if plan == "quotes":
            data = case_payload("feed_quote")["data"]
            await socket.send_text(dumps({"type": "FEED_DATA", "channel": channel,
                                          "data": ["Quote", ["Quote", "AAPL", *data[1][1:5]]]}))  # fmt: skip
        if plan == "candles-empty":
            empty = [14, "AAPL{=1d}", 0, *["NaN"] * 6]
            await socket.send_text(dumps({"type": "FEED_DATA", "channel": channel, "data": ["Candle", empty]}))  # fmt: skip
        if plan == "candles":
            values = case_payload("candles_daily")["data"][1]
            renamed = ["AAPL{=1d}" if v == "AAPL{=d}" else v for v in values]
            await socket.send_text(dumps({"type": "FEED_DATA", "channel": channel, "data": ["Candle", renamed]}))  # fmt: skip
        while True:
            await self._receive(socket, log)

    async def streamer(self, socket: EmulatorSocket) -> None:
        log: list[dict[str, Any]] = []
        self.streamer_received.append(log)
        plan = self.streamer_plans.pop(0)
        connect = await self._receive(socket, log)
        await socket.send_text(dumps({"status": "ok", "action": "connect", "web-socket-session-id": "5b6e2799",
                                      "value": connect["value"], "request-id": connect["request-id"]}))  # fmt: skip
        filled = case_payload("notification_filled_sandbox")
        if plan == "fill-then-drop":
            await asyncio.sleep(0.2)  # let the client reconcile first
            await socket.send_text(dumps(filled))
            self.live_orders = [filled["data"], {**filled["data"], "id": 5, "status": "Live"}]
            await asyncio.sleep(0.2)
            await socket.close(1011, "going away")
            return
        heartbeat = await self._receive(socket, log)
        await socket.send_text(dumps({"status": "ok", "action": "heartbeat", "web-socket-session-id": "5b6e2799",
                                      "request-id": heartbeat["request-id"]}))  # fmt: skip
        await socket.send_text(dumps(filled))  # a repeat: already delivered
        position = case_payload("positions_recorded")["data"]["items"][0]
        await socket.send_text(dumps({"type": "CurrentPosition", "data": position, "timestamp": 1748448003000}))  # fmt: skip
        while True:
            await self._receive(socket, log)


@pytest.fixture
def front() -> ScriptedTastytrade:
    return ScriptedTastytrade(Engine())


def async_broker(front: ScriptedTastytrade) -> bl.AsyncBroker:
    return bl.connect_async(
        "tastytrade:sandbox",
        transport=EmulatorTransport(front, front.engine),
        auth=bl.StaticToken("tok-not-real"),
        account=ACCOUNT,
    )


async def test_bars_come_from_the_candle_snapshot_oldest_first(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["candles"]
    async with async_broker(front) as broker:
        bars = await broker.bars("AAPL", "1d", start=datetime(2025, 6, 1, tzinfo=UTC))
    assert [(b.time.date().isoformat(), b.close) for b in bars] == [
        ("2025-06-13", Decimal("196.45")),
        ("2025-06-16", Decimal("198.42")),
    ]
    sent = front.dx_received[0]
    assert [m["type"] for m in sent[:5]] == [
        "SETUP", "AUTH", "CHANNEL_REQUEST", "FEED_SETUP", "FEED_SUBSCRIPTION",
    ]  # fmt: skip
    assert sent[1]["token"] == "dx-token-1"
    assert sent[2]["channel"] % 2 == 1  # odd client channels only
    assert sent[3]["acceptDataFormat"] == "COMPACT"
    assert sent[4]["add"] == [
        {"type": "Candle", "symbol": "AAPL{=1d}", "fromTime": 1748736000000}  # ms, not s
    ]


async def test_an_empty_auto_snapshot_is_asked_again_on_a_history_channel(
    front: ScriptedTastytrade,
) -> None:
    front.dx_plans = ["candles-empty", "candles"]
    async with async_broker(front) as broker:
        bars = await broker.bars("AAPL", "1d", start=datetime(2025, 6, 1, tzinfo=UTC), limit=1)
    assert [b.time.date().isoformat() for b in bars] == ["2025-06-13"]
    contracts = [log[2]["parameters"]["contract"] for log in front.dx_received]
    assert contracts == ["AUTO", "HISTORY"]


def test_the_sync_facade_reads_bars_too(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["candles"]
    with bl.connect(
        "tastytrade:sandbox",
        transport=EmulatorTransport(front, front.engine),
        auth=bl.StaticToken("tok-not-real"),
        account=ACCOUNT,
    ) as broker:
        bars = broker.bars("AAPL", "1d", start=datetime(2025, 6, 1, tzinfo=UTC))
    assert len(bars) == 2


async def test_keepalive_silence_reconnects_and_subscribes_again(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["silent", "quotes"]
    transport = EmulatorTransport(front, front.engine)
    async with AsyncClient(
        transport=transport, base_url="https://api.cert.tastyworks.com"
    ) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=2)

        async def token() -> tuple[str, str]:
            reply = await client.get("/api-quote-tokens")
            data = reply.json()["data"]
            return data["token"], data["dxlink-url"]

        events = market_stream.quote_events(
            session, token, {"AAPL": Equity("AAPL")}, silence=1.0, keepalive=0.3
        )
        # anext in this task: the socket's task group must be left by the task that entered it.
        async with asyncio.timeout(10):
            first = await anext(events)
        await events.aclose()  # type: ignore[attr-defined]
    assert first.quote.bid == Decimal("131.66")
    silent, second = front.dx_received
    assert any(m["type"] == "KEEPALIVE" for m in silent)  # we spoke up while it was quiet
    assert second[1]["token"] == "dx-token-2"  # a fresh token for the new connection
    assert second[4]["add"] == silent[4]["add"]  # the same subscription again


async def test_account_streamer_reconciles_after_a_drop_without_doubles(
    front: ScriptedTastytrade,
) -> None:
    front.streamer_plans = ["fill-then-drop", "heartbeat"]
    transport = EmulatorTransport(front, front.engine)
    conv = tastytrade_converter()
    async with AsyncClient(
        transport=transport, base_url="https://api.cert.tastyworks.com"
    ) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=2)

        async def reconcile() -> tuple[list[bl.Order], list[bl.Position]]:
            from brokerlink_tastytrade.parse_orders import order_from_tastytrade

            today = datetime.now(UTC).date()
            return [order_from_tastytrade(conv, o, today=today) for o in front.live_orders], []

        async def bearer() -> str:
            return "Bearer tok-not-real"

        events = streamer.account_events(
            session, STREAMER_URL, ACCOUNT, bearer, reconcile, conv, heartbeat=0.2
        )
        async with asyncio.timeout(10):
            got = [await anext(events) for _ in range(3)]
        await events.aclose()  # type: ignore[attr-defined]
    kinds = [(type(e).__name__, getattr(getattr(e, "order", None), "id", None)) for e in got]
    assert kinds == [("OrderEvent", "270602"), ("OrderEvent", "5"), ("PositionEvent", None)]
    first = got[0]
    assert isinstance(first, OrderEvent)
    assert first.fill is not None
    assert first.fill.price == Decimal("1.0")
    assert isinstance(got[2], PositionEvent)
    connect = front.streamer_received[0][0]
    assert connect == {"action": "connect", "value": [ACCOUNT], "auth-token": "Bearer tok-not-real", "request-id": 1}  # fmt: skip
    assert front.streamer_received[1][1]["action"] == "heartbeat"


async def test_the_facade_streams_orders_with_the_bearer_of_its_auth(
    front: ScriptedTastytrade,
) -> None:
    front.streamer_plans = ["fill-then-drop"]
    async with async_broker(front) as broker:
        stream = broker.stream_orders()
        async with asyncio.timeout(10):
            event = await anext(stream)
        await stream.aclose()  # type: ignore[attr-defined]
    assert (event.order.id, event.order.status) == ("270602", bl.OrderStatus.FILLED)
    connect = front.streamer_received[0][0]
    assert (connect["action"], connect["auth-token"]) == ("connect", "Bearer tok-not-real")


async def test_the_facade_streams_quotes_by_streamer_symbol(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["quotes"]
    async with async_broker(front) as broker:
        stream = broker.stream_quotes(["AAPL"])
        async with asyncio.timeout(10):
            event = await anext(stream)
        await stream.aclose()  # type: ignore[attr-defined]
    assert (str(event.instrument), event.quote.ask) == ("AAPL", Decimal("131.67"))
    assert front.dx_received[0][4]["add"] == [
        {"type": "Quote", "symbol": "AAPL"},
        {"type": "Trade", "symbol": "AAPL"},
    ]


async def test_a_refused_quote_token_is_an_unauthorized_error(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["refuse"]
    async with async_broker(front) as broker:
        with pytest.raises(bl.UnauthorizedError, match="quote token"):
            await broker.bars("AAPL", "1d", start=datetime(2025, 6, 1, tzinfo=UTC))
    assert len(front.dx_received) == 1  # not retried: a new token would be refused the same way


async def test_live_bars_stream_from_candles(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["candles"]
    async with async_broker(front) as broker:
        stream = broker.stream_bars("AAPL", "1d")
        async with asyncio.timeout(10):
            event = await anext(stream)
        await stream.aclose()  # type: ignore[attr-defined]
    assert (event.bar.time.date().isoformat(), event.complete) == ("2025-06-16", False)
    assert front.dx_received[0][4]["add"][0]["symbol"] == "AAPL{=1d}"


async def test_bars_without_a_start_count_back_from_the_servers_time(
    front: ScriptedTastytrade,
) -> None:
    # A server on its own clock (the emulator's is simulated): `issued-at` anchors fromTime.
    front.dx_plans = ["candles"]
    front.issued_at = "2025-06-17T00:00:00.000+00:00"
    async with async_broker(front) as broker:
        bars = await broker.bars("AAPL", "1d", limit=1)
    assert [b.time.date().isoformat() for b in bars] == ["2025-06-16"]  # the last one
    from_time = front.dx_received[0][4]["add"][0]["fromTime"]
    assert from_time == 1749945600000  # 2025-06-15: 1 bar x 1 day x 2 (weekends) back, in ms


def test_the_sync_facade_streams_quotes(front: ScriptedTastytrade) -> None:
    front.dx_plans = ["quotes"]
    with bl.connect(
        "tastytrade:sandbox",
        transport=EmulatorTransport(front, front.engine),
        auth=bl.StaticToken("tok-not-real"),
        account=ACCOUNT,
    ) as broker:
        for event in broker.stream_quotes(["AAPL"]):
            assert event.quote.bid == Decimal("131.66")
            break


async def test_live_bars_subscribe_from_the_start_of_the_last_completed_candle(
    front: ScriptedTastytrade,
) -> None:
    # fromTime selects candles stamped at or after it: now minus one interval, unaligned, would
    # leave the last completed candle out of the snapshot.
    front.dx_plans = ["candles"]
    front.issued_at = "2025-06-17T12:34:56.000+00:00"
    async with async_broker(front) as broker:
        stream = broker.stream_bars("AAPL", "1d")
        async with asyncio.timeout(10):
            await anext(stream)
        await stream.aclose()  # type: ignore[attr-defined]
    from_time = front.dx_received[0][4]["add"][0]["fromTime"]
    assert from_time == 1750032000000  # 2025-06-16T00:00:00Z, the previous day's candle
