"""The streams, in-process: snapshot then ``EndSnapshot`` then updates, heartbeats when idle,
GoAway on demand, the SIM's dropped fill frames, and every stream's documented frame shape."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import orjson
from brokerlink_tradestation.emulator import SIM, TradeStationFront, emulator_transport

from brokerlink._http import AsyncClient, Client, Response
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport

from .conftest import ACCOUNT, AUTH, BASE, assert_shape, documented, order_body

ORDERS = f"/v3/brokerage/stream/accounts/{ACCOUNT}/orders"
POSITIONS = f"/v3/brokerage/stream/accounts/{ACCOUNT}/positions"


class Frames:
    """Reads one stream's frames (one line iterator per response: it cannot be restarted)."""

    def __init__(self, response: Response) -> None:
        self._lines: AsyncIterator[str] = response.aiter_lines()

    async def take(self, count: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while len(found) < count:
            line = await asyncio.wait_for(anext(self._lines), timeout=10)
            if line.strip():
                found.append(orjson.loads(line))
        return found

    async def rest(self) -> list[str]:
        return [line async for line in self._lines if line.strip()]


def _front(transport: EmulatorTransport) -> TradeStationFront:
    front = transport.front
    assert isinstance(front, TradeStationFront)
    return front


async def test_order_stream_snapshot_end_snapshot_updates_and_heartbeats(
    aclient: AsyncClient, client: Client, transport: EmulatorTransport
) -> None:
    client.post("/orderexecution/orders", json=order_body())
    async with aclient.stream("GET", ORDERS) as response:
        frames_response = Frames(response)
        assert response.headers["content-type"] == "application/vnd.tradestation.streams.v3+json"
        snapshot = await frames_response.take(2)
        assert [f.get("OrderID") for f in snapshot] == ["1001", None]
        assert snapshot[1] == documented("stream_brokerage_accounts_orders.StreamStatus.json")
        # Each frame is one Order object, the REST one (its example has a filled order).
        assert_shape([snapshot[0]], documented("GET_brokerage_accounts_orders.json")["Orders"])
        beat = (await frames_response.take(1))[0]
        assert_shape(beat, documented("stream_marketdata_barcharts.Heartbeat.json"))
        assert beat["Heartbeat"] == 1
        client.post("/orderexecution/orders", json=order_body(Quantity="3"))
        updates = [f for f in await frames_response.take(4) if "OrderID" in f][:3]
        assert [(u["OrderID"], u["Status"]) for u in updates] == [
            ("1002", "OPN"), ("1002", "ACK"), ("1002", "FLL"),
        ]  # fmt: skip
        _front(transport).go_away()
        rest = await frames_response.take(1)
        while rest[-1].get("Heartbeat"):
            rest = await frames_response.take(1)
        assert rest[-1] == {"StreamStatus": "GoAway"}
        remaining = await frames_response.rest()
        assert remaining == []  # the stream ended after GoAway


async def test_the_sim_drops_fill_frames_and_the_snapshot_recovers_them(engine: Engine) -> None:
    transport = emulator_transport(engine, personality=SIM)
    async with AsyncClient(transport=transport, base_url=BASE, headers=AUTH, timeout=10) as raw:
        async with raw.stream("GET", ORDERS) as response:
            frames_response = Frames(response)
            assert (await frames_response.take(1)) == [{"StreamStatus": "EndSnapshot"}]
            for _ in range(4):
                await raw.post("/v3/orderexecution/orders", json=order_body(Quantity="1"))
            frames = await frames_response.take(10)
        filled = sorted(f["OrderID"] for f in frames if f.get("Status") == "FLL")
        assert filled == ["1001", "1003"]  # the 2nd and 4th fills were dropped
        async with raw.stream("GET", ORDERS) as again:
            frames_again = Frames(again)
            snapshot = await frames_again.take(5)
        assert sorted(f["OrderID"] for f in snapshot if f.get("Status") == "FLL") == [
            "1001", "1002", "1003", "1004",
        ]  # fmt: skip


async def test_position_stream_snapshot_changes_and_deletion(
    aclient: AsyncClient, client: Client
) -> None:
    client.post("/orderexecution/orders", json=order_body())
    async with aclient.stream("GET", POSITIONS, params={"changes": "true"}) as response:
        frames_response = Frames(response)
        first, end = await frames_response.take(2)
        assert_shape(first, documented("stream_brokerage_accounts_positions.Position.json"))
        assert (first["Symbol"], first["Quantity"], end) == (
            "MSFT",
            "10",
            {"StreamStatus": "EndSnapshot"},
        )
        client.post("/orderexecution/orders", json=order_body(TradeAction="SELL", Quantity="4"))
        change = next(f for f in await frames_response.take(3) if "PositionID" in f)
        assert change["PositionID"] == first["PositionID"]
        assert change["Quantity"] == "6"
        assert "AccountID" not in change  # changes=true: only what changed
        client.post("/orderexecution/orders", json=order_body(TradeAction="SELL", Quantity="6"))
        frames = await frames_response.take(3)
        deleted = next(f for f in frames if f.get("Deleted"))
        assert deleted == {"PositionID": first["PositionID"], "Deleted": True}
        assert_shape(
            deleted, documented("stream_brokerage_accounts_positions.DeletedPosition.json")
        )


async def test_unknown_accounts_are_reported_in_stream(aclient: AsyncClient) -> None:
    async with aclient.stream("GET", "/v3/brokerage/stream/accounts/NOPE/orders") as response:
        frames_response = Frames(response)
        error, end, beat = await frames_response.take(3)
    assert error == {"Error": "Forbidden", "Message": "Invalid Account ID.", "AccountID": "NOPE"}
    assert_shape(error, documented("stream_brokerage_accounts_orders.ErrorResponse.json"))
    assert end == {"StreamStatus": "EndSnapshot"}
    assert "Heartbeat" in beat


async def test_quote_stream_frames_errors_and_go_away(
    aclient: AsyncClient, transport: EmulatorTransport
) -> None:
    documented_quote = documented("GET_marketdata_quotes.Quotes.json")["Quotes"][0]
    example = documented_quote | documented("stream_marketdata_quotes.Quote.json")
    async with aclient.stream("GET", "/v3/marketdata/stream/quotes/MSFT,BOGUS1") as response:
        frames_response = Frames(response)
        assert response.headers["content-type"] == "application/vnd.tradestation.streams.v2+json"
        error, first, second = await frames_response.take(3)
        assert error == {"Symbol": "BOGUS1", "Error": "FAILED, INVALID SYMBOL"}
        for quote in (first, second):
            assert_shape(quote, example)
            assert quote["Symbol"] == "MSFT"
        assert abs(float(first["NetChangePct"])) < 1  # the stream's NetChangePct is a fraction
        _front(transport).go_away()
        frames = await frames_response.take(1)
        while "Symbol" in frames[-1]:
            frames = await frames_response.take(1)
    assert frames[-1] == documented("stream_marketdata_barcharts.Error.json")


async def test_bar_stream_history_then_realtime(aclient: AsyncClient) -> None:
    params = {"unit": "Minute", "interval": "1", "barsback": "2"}
    async with aclient.stream(
        "GET", "/v3/marketdata/stream/barcharts/MSFT", params=params
    ) as response:
        frames_response = Frames(response)
        bars = await frames_response.take(4)
    for bar in bars:
        assert_shape(bar, documented("stream_marketdata_barcharts.Bar.json"))
    assert [b["IsEndOfHistory"] for b in bars] == [False, True, False, False]
    assert [b["IsRealtime"] for b in bars] == [False, False, True, True]
    assert [b["TimeStamp"] for b in bars] == [
        "2025-01-03T20:59:00Z", "2025-01-03T21:00:00Z", "2025-01-06T14:31:00Z", "2025-01-06T14:32:00Z",
    ]  # fmt: skip


async def test_market_depth_streams(aclient: AsyncClient) -> None:
    for kind, name in (
        ("quotes", "stream_marketdata_marketdepth_quotes.MarketDepthQuoteStream.json"),
        ("aggregates", "stream_marketdata_marketdepth_aggregates.MarketDepthAggregateStream.json"),
    ):
        path = f"/v3/marketdata/stream/marketdepth/{kind}/MSFT"
        async with aclient.stream("GET", path, params={"maxlevels": "3"}) as response:
            frames_response = Frames(response)
            [book] = await frames_response.take(1)
        assert_shape(book, documented(name))
        bids = [float(level["Price"]) for level in book["Bids"]]
        asks = [float(level["Price"]) for level in book["Asks"]]
        assert len(bids) == len(asks) == 3
        assert bids == sorted(bids, reverse=True)
        assert asks == sorted(asks)
        assert bids[0] < asks[0]


async def test_option_streams(aclient: AsyncClient) -> None:
    chain_path = "/v3/marketdata/stream/options/chains/MSFT"
    async with aclient.stream("GET", chain_path, params={"strikeProximity": "1"}) as response:
        frames_response = Frames(response)
        spreads = await frames_response.take(4)
    for spread in spreads:
        assert_shape(spread, documented("stream_marketdata_options_chains.json"))
    assert {s["Side"] for s in spreads} == {"Call", "Put"}
    assert all(s["Legs"][0]["AssetType"] == "StockOption" for s in spreads)
    legs = {"legs[0].Symbol": "MSFT 250117C430", "legs[1].Symbol": "MSFT 250117C440",
            "legs[1].Ratio": "-1"}  # fmt: skip
    async with aclient.stream(
        "GET", "/v3/marketdata/stream/options/quotes", params=legs
    ) as response:
        frames_response = Frames(response)
        [combo] = await frames_response.take(1)
    assert [(leg["Symbol"], leg["Ratio"]) for leg in combo["Legs"]] == [
        ("MSFT 250117C430", 1), ("MSFT 250117C440", -1),
    ]  # fmt: skip
    assert combo["Side"] == "Both"


async def test_v2_tick_bars(aclient: AsyncClient) -> None:
    async with aclient.stream("GET", "/v2/stream/tickbars/MSFT/5/2") as response:
        assert response.headers["content-type"] == "application/vnd.tradestation.streams+json"
        raw = b""
        async for chunk in response.aiter_bytes():
            raw += chunk
            if raw.count(b"\r\n") >= 3:
                break
    lines = raw.split(b"\r\n")[:3]
    assert all(re.search(rb'"TimeStamp":"\\/Date\(\d{13}\)\\/"', line) for line in lines)
    bars = [orjson.loads(line) for line in lines]
    assert [b["Status"] for b in bars] == [13, 13 | 1 << 29, 11]
    assert all(isinstance(b["Close"], int | float) and b["TotalTicks"] == 5 for b in bars)
    bad = await aclient.get("/v2/stream/tickbars/MSFT/0/2")
    assert bad.status_code == 400
    assert set(bad.json()) == {"TraceId", "StatusCode", "Message"}


async def test_order_stream_by_ids_and_position_go_away(
    aclient: AsyncClient, client: Client, transport: EmulatorTransport
) -> None:
    client.post("/orderexecution/orders", json=order_body())
    client.post("/orderexecution/orders", json=order_body(Symbol="AAPL"))
    async with aclient.stream("GET", ORDERS + "/1002") as response:
        frames_response = Frames(response)
        first, end = await frames_response.take(2)
    assert (first["OrderID"], first["Legs"][0]["Symbol"]) == ("1002", "AAPL")
    assert end == {"StreamStatus": "EndSnapshot"}
    async with aclient.stream("GET", POSITIONS) as response:
        frames_response = Frames(response)
        snapshot = await frames_response.take(3)
        assert sorted(f["Symbol"] for f in snapshot[:2]) == ["AAPL", "MSFT"]
        _front(transport).go_away()
        rest = await frames_response.take(1)
        while "Heartbeat" in rest[-1]:
            rest = await frames_response.take(1)
        assert rest[-1] == documented("stream_status.GoAway.json")


async def test_v2_tick_bars_end_with_end_on_go_away(
    aclient: AsyncClient, transport: EmulatorTransport
) -> None:
    async with aclient.stream("GET", "/v2/stream/tickbars/MSFT/1/1") as response:
        lines = response.aiter_lines()
        first = await asyncio.wait_for(anext(lines), timeout=10)
        assert orjson.loads(first)["Status"] == 13 | 1 << 29
        _front(transport).go_away()
        rest = [line async for line in lines if line.strip()]
    assert rest[-1] == "END"
    assert all(line.startswith("{") for line in rest[:-1])
