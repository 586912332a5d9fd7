"""DxLink at /dxlink: the documented handshake, COMPACT data, candle snapshots, keepalives.

The client sends the documented messages (``fixtures/streaming_dxlink_*``) through the
in-process transport, which forwards the websocket to a loopback server of the same front.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from typing import Any

from brokerlink_tastytrade.emulator import SandboxOptions, emulator_front

from brokerlink._http import AsyncClient
from brokerlink.emulator import Engine
from brokerlink.emulator.faults import Latency

from .conftest import BASE, HEADERS, closed_code, fixture, recv, recv_until


async def _handshake(
    client: AsyncClient,
    ws: Any,
    channel_message: str = "streaming_dxlink_06_channel_request.sent.json",
) -> int:
    token = (await client.get("/api-quote-tokens")).json()["data"]["token"]
    await ws.send_json(fixture("streaming_dxlink_01_setup.sent.json"))
    assert await recv(ws) == fixture("streaming_dxlink_02_setup.received.json") | {
        "version": "1.0-brokerlink-emulator"
    }
    assert await recv(ws) == fixture("streaming_dxlink_03_auth_state.unauthorized.received.json")
    await ws.send_json(fixture("streaming_dxlink_04_auth.sent.json") | {"token": token})
    assert await recv(ws) == fixture("streaming_dxlink_05_auth_state.authorized.received.json") | {
        "userId": "emulator"
    }
    request = fixture(channel_message)
    await ws.send_json(request)
    opened = await recv(ws)
    documented = fixture("streaming_dxlink_07_channel_opened.received.json")
    assert opened == documented | {"channel": request["channel"]}

    return int(request["channel"])


async def test_the_documented_handshake_and_trade_data(aclient: AsyncClient) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        channel = await _handshake(aclient, ws)
        await ws.send_json(fixture("streaming_dxlink_08_feed_setup.sent.json"))
        assert await recv(ws) == fixture("streaming_dxlink_09_feed_config.received.json")
        await ws.send_json(fixture("streaming_dxlink_10_feed_subscription.sent.json"))
        seen: dict[str, list[Any]] = {}
        while not {"Trade", "Quote", "Summary", "Profile"} <= set(seen):
            message = await recv_until(ws, "FEED_DATA")
            assert message["channel"] == channel
            event_type, values = message["data"]
            seen[event_type] = values
        fields = fixture("streaming_dxlink_08_feed_setup.sent.json")["acceptEventFields"]
        for event_type, values in seen.items():
            width = len(fields[event_type])
            assert len(values) % width == 0
            events = [values[i : i + width] for i in range(0, len(values), width)]
            assert {e[0] for e in events} == {event_type}
            assert {e[1] for e in events} <= {"SPY", "BTC/USD:CXTALP"}
        trade = seen["Trade"][:5]
        documented = fixture("streaming_dxlink_11_feed_data.trade.received.json")["data"][1][:5]
        assert [type(v) for v in trade[:3]] == [type(v) for v in documented[:3]]
        await ws.send_json(fixture("streaming_dxlink_12_feed_subscription.remove.sent.json"))
        await ws.send_json(fixture("streaming_dxlink_13_keepalive.sent.json"))


async def test_quotes_in_compact_form_follow_the_engine(
    aclient: AsyncClient, engine: Engine
) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        channel = await _handshake(aclient, ws)
        await ws.send_json(
            fixture("lean_dxlink_feed_setup.with-candle.serialized.json") | {"channel": channel}
        )
        config = await recv(ws)
        assert config["dataFormat"] == "COMPACT"
        assert "eventFields" not in config
        await ws.send_json(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": channel,
                "add": [{"type": "Quote", "symbol": "AAPL"}],
            }
        )
        _, values = (await recv_until(ws, "FEED_DATA"))["data"]
        symbol, bid, ask, bid_size, ask_size = values  # Lean's Quote fields: no eventType
        assert symbol == "AAPL"
        assert isinstance(bid, float)
        assert bid < ask
        assert bid_size > 0
        assert ask_size > 0
        first_time = engine.now()
        await recv_until(ws, "FEED_DATA")
        assert engine.now() > first_time  # subscribed feeds move simulated time


async def test_candle_snapshot_newest_first_with_flags_and_nan(
    aclient: AsyncClient, engine: Engine
) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        channel = await _handshake(aclient, ws)
        await ws.send_json(
            fixture("lean_dxlink_feed_setup.with-candle.serialized.json") | {"channel": channel}
        )
        await recv(ws)
        start = datetime(2024, 12, 30, tzinfo=UTC)
        subscription = fixture("lean_dxlink_feed_subscription.candle-add.serialized.json")
        subscription["add"][0]["fromTime"] = int(start.timestamp() * 1000)
        await ws.send_json(subscription | {"channel": channel})
        message = await recv_until(ws, "FEED_DATA")
    event_type, values = message["data"]
    assert event_type == "Candle"
    fields = fixture("lean_dxlink_feed_setup.with-candle.serialized.json")["acceptEventFields"][
        "Candle"
    ]
    candles = [
        dict(zip(fields, values[i : i + len(fields)], strict=True))
        for i in range(0, len(values), len(fields))
    ]
    expected = engine.bars("AAPL", "1d", start, extended=True)  # no tho=true: extended hours
    assert [c["time"] for c in candles[:-1]] == [
        int(b.time.timestamp() * 1000) for b in reversed(expected)
    ]
    assert [c["eventFlags"] for c in candles] == [4] + [0] * (len(expected) - 1) + [10]
    assert candles[0]["close"] == float(expected[-1].close)
    end = candles[-1]
    assert end["time"] == int(start.timestamp() * 1000)
    assert [end[k] for k in ("open", "high", "low", "close", "volume", "openInterest")] == [
        "NaN"
    ] * 6
    documented = fixture("lean_dxlink_feed_data.candle.compact.json")["data"][1]
    assert [documented[0], documented[-9]] == [4, 10]  # the same flags in the recorded snapshot
    assert math.isnan(float(candles[0]["openInterest"]))


async def test_intraday_candles_and_the_empty_auto_snapshot(engine: Engine) -> None:
    front = emulator_front(engine, SandboxOptions(empty_auto_candles=True))
    from brokerlink.emulator.http import EmulatorTransport

    async with AsyncClient(
        transport=EmulatorTransport(front, engine), base_url=BASE, headers=HEADERS
    ) as client:
        engine.advance_to(datetime(2025, 1, 6, 16, 0, tzinfo=UTC))
        async with client.websocket("ws://tastytrade.emulator/dxlink") as ws:
            auto = await _handshake(client, ws)
            history = auto + 2
            await ws.send_json(
                {
                    "type": "CHANNEL_REQUEST",
                    "channel": history,
                    "service": "FEED",
                    "parameters": {"contract": "HISTORY"},
                }
            )
            assert (await recv(ws))["parameters"]["contract"] == "HISTORY"
            since = int(datetime(2025, 1, 6, 14, 30, tzinfo=UTC).timestamp() * 1000)
            snapshots = {}
            for channel in (auto, history):
                await ws.send_json(
                    {
                        "type": "FEED_SETUP",
                        "channel": channel,
                        "acceptDataFormat": "COMPACT",
                        "acceptEventFields": {
                            "Candle": ["eventFlags", "eventSymbol", "time", "close"]
                        },
                    }
                )
                await recv_until(ws, "FEED_CONFIG")
                await ws.send_json(
                    {
                        "type": "FEED_SUBSCRIPTION",
                        "channel": channel,
                        "add": [
                            {"type": "Candle", "symbol": "AAPL{=30m,tho=true}", "fromTime": since}
                        ],
                    }
                )
                snapshots[channel] = await recv_until(ws, "FEED_DATA")
            assert snapshots[auto]["data"] == ["Candle", [14, "AAPL{=30m,tho=true}", since, "NaN"]]
            values = snapshots[history]["data"][1]
            times = values[2::4]
            assert times[:-1] == sorted(times[:-1], reverse=True)
            assert len(times) - 1 == 3  # 14:30, 15:00, 15:30 (in progress)


async def test_live_candles_follow_an_empty_snapshot(engine: Engine, aclient: AsyncClient) -> None:
    # fromTime after the last completed candle (off the minute): the snapshot is empty, yet the
    # feed goes on with the candles stamped from fromTime on, as they form.
    engine.advance_to(datetime(2025, 1, 6, 15, 0, 30, tzinfo=UTC))
    since = int(datetime(2025, 1, 6, 14, 59, 30, tzinfo=UTC).timestamp() * 1000)
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        channel = await _handshake(aclient, ws)
        fields = ["eventFlags", "eventSymbol", "time", "close"]
        await ws.send_json(
            {"type": "FEED_SETUP", "channel": channel, "acceptDataFormat": "COMPACT",
             "acceptEventFields": {"Candle": fields}}
        )  # fmt: skip
        await recv_until(ws, "FEED_CONFIG")
        await ws.send_json(
            {"type": "FEED_SUBSCRIPTION", "channel": channel,
             "add": [{"type": "Candle", "symbol": "AAPL{=1m}", "fromTime": since}]}
        )  # fmt: skip
        snapshot = await recv_until(ws, "FEED_DATA")
        assert snapshot["data"] == ["Candle", [14, "AAPL{=1m}", since, "NaN"]]
        live = (await recv_until(ws, "FEED_DATA"))["data"]
    flags, symbol, time, close = live[1][:4]
    assert (live[0], flags, symbol) == ("Candle", 0, "AAPL{=1m}")
    assert time >= since
    assert time % 60_000 == 0  # a candle's start
    bar = engine.bars("AAPL", "1min", datetime.fromtimestamp(time / 1000, UTC), extended=True)[0]
    assert close == float(bar.close)


async def test_bad_tokens_even_channels_and_unauthorized_requests(aclient: AsyncClient) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        await ws.send_json(fixture("streaming_dxlink_01_setup.sent.json"))
        await recv(ws)
        await recv(ws)
        await ws.send_json(fixture("streaming_dxlink_06_channel_request.sent.json"))
        assert (await recv(ws))["error"] == "UNAUTHORIZED"
        await ws.send_json({"type": "AUTH", "channel": 0, "token": "forged"})
        assert (await recv(ws))["error"] == "UNAUTHORIZED"
        assert (await recv(ws))["state"] == "UNAUTHORIZED"
        token = (await aclient.get("/api-quote-tokens")).json()["data"]["token"]
        await ws.send_json({"type": "AUTH", "channel": 0, "token": token})
        assert (await recv(ws))["state"] == "AUTHORIZED"
        await ws.send_json(
            {
                "type": "CHANNEL_REQUEST",
                "channel": 2,
                "service": "FEED",
                "parameters": {"contract": "AUTO"},
            }
        )
        assert await recv(ws) == fixture("lean_dxlink_error.bad_action.json")


async def test_a_silent_client_is_closed_after_its_keepalive_timeout(aclient: AsyncClient) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        await ws.send_json(
            fixture("streaming_dxlink_01_setup.sent.json")
            | {"keepaliveTimeout": 0.5, "acceptKeepaliveTimeout": 0.3}
        )
        await recv(ws)
        await recv(ws)
        keepalive = await recv_until(ws, "KEEPALIVE")  # the server keeps itself alive
        assert keepalive == fixture("streaming_dxlink_13_keepalive.sent.json")
        timeout = await recv_until(ws, "ERROR")
        assert timeout["error"] == "TIMEOUT"
        assert await closed_code(ws) == 1000


async def test_keepalives_keep_a_client_connected(aclient: AsyncClient) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        await ws.send_json(
            fixture("streaming_dxlink_01_setup.sent.json") | {"keepaliveTimeout": 0.4}
        )
        for _ in range(6):
            await asyncio.sleep(0.15)
            await ws.send_json(fixture("streaming_dxlink_13_keepalive.sent.json"))
        await ws.send_json({"type": "AUTH", "channel": 0, "token": "x"})
        assert (await recv_until(ws, "ERROR"))["error"] == "UNAUTHORIZED"  # still connected


async def test_a_planned_latency_makes_the_server_silent(
    aclient: AsyncClient, engine: Engine
) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        channel = await _handshake(aclient, ws)
        await ws.send_json(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": channel,
                "add": [{"type": "Quote", "symbol": "AAPL"}],
            }
        )
        await recv_until(ws, "FEED_DATA")
        engine.faults.add(Latency(seconds=0.6), match="/dxlink")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await recv_until(ws, "FEED_DATA")
        assert loop.time() - started >= 0.5


async def test_streamer_symbols_from_the_api_subscribe(aclient: AsyncClient) -> None:
    future = (await aclient.get("/instruments/futures", params={"product-code[]": "ES"})).json()
    chain = (await aclient.get("/option-chains/SPY/nested")).json()
    option = chain["data"]["items"][0]["expirations"][0]["strikes"][25]["put-streamer-symbol"]
    symbols = [future["data"]["items"][0]["streamer-symbol"], option, "SPX", "BTC/USD:CXTALP"]
    async with aclient.websocket("ws://tastytrade.emulator/dxlink") as ws:
        channel = await _handshake(aclient, ws)
        await ws.send_json(
            fixture("streaming_dxlink_08_feed_setup.sent.json") | {"channel": channel}
        )
        await recv(ws)
        add = [{"type": "Quote", "symbol": s} for s in symbols]
        await ws.send_json({"type": "FEED_SUBSCRIPTION", "channel": channel, "add": add})
        quoted: set[str] = set()
        while quoted != set(symbols):
            _, values = (await recv_until(ws, "FEED_DATA"))["data"]
            quoted |= set(values[1::6])
