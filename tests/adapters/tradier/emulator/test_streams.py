"""Stream sessions, the HTTP event streams and the websockets, in-process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from brokerlink_tradier.emulator import TradierFront, TradierOptions
from tradier_emu import ACCOUNT, AUTH, BASE, CASH_ACCOUNT, FakeClock, load_documented

from brokerlink._http import AsyncClient
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport

DOC_MARKET = {e["type"]: set(e) for e in load_documented("stream_markets_events.ndjson")}
DOC_ACCOUNT = load_documented("stream_accounts_events.ndjson")
MARKET_FORM = {"class": "equity", "symbol": "AAPL", "side": "buy", "quantity": "1",
               "type": "market", "duration": "day"}  # fmt: skip


@pytest.fixture
def stream_front(engine: Engine, clock: FakeClock) -> TradierFront:
    return TradierFront(engine, TradierOptions(heartbeat=0.05), clock=clock)


@pytest.fixture
async def aclient(stream_front: TradierFront, engine: Engine) -> AsyncIterator[AsyncClient]:
    transport = EmulatorTransport(stream_front, engine)
    async with AsyncClient(transport=transport, base_url=BASE, headers=AUTH, timeout=10) as c:
        yield c


async def _session(client: AsyncClient, kind: str = "markets") -> str:
    answer = await client.post(f"/{kind}/events/session")
    assert answer.status_code == 200
    sessionid: str = answer.json()["stream"]["sessionid"]
    return sessionid


async def _lines(client: AsyncClient, path: str, count: int, **params: str) -> list[Any]:
    params.setdefault("linebreak", "true")
    async with client.stream("POST", path, data=params) as response:
        assert response.status_code == 200
        lines = response.aiter_lines()
        return [orjson.loads(await anext(lines)) for _ in range(count)]


async def test_sessions_answer_the_documented_shape(aclient: AsyncClient) -> None:
    documented = load_documented("POST_v1_markets_events_session.json")
    market = (await aclient.post("/markets/events/session")).json()
    assert set(market["stream"]) == set(documented["stream"])
    assert market["stream"]["url"] == "http://tradier.emulator/v1/markets/events"
    account = (await aclient.post("/accounts/events/session")).json()
    assert account["stream"]["url"] == "ws://tradier.emulator/v1/accounts/events"
    assert account["stream"]["sessionid"] != market["stream"]["sessionid"]


async def test_the_http_market_stream_sends_the_documented_payloads(aclient: AsyncClient) -> None:
    sessionid = await _session(aclient)
    events = await _lines(aclient, "/markets/events", 12, sessionid=sessionid,
                          symbols="AAPL,SPY", linebreak="true")  # fmt: skip
    assert [e["type"] for e in events[:2]] == ["summary", "summary"]
    for event in events:
        assert set(event) == DOC_MARKET[event["type"]]
        assert event["symbol"] in ("AAPL", "SPY")
    quotes = [e for e in events if e["type"] == "quote"]
    trades = [e for e in events if e["type"] == "trade"]
    assert quotes
    assert trades
    assert isinstance(quotes[0]["bid"], float)
    assert isinstance(quotes[0]["biddate"], str)
    assert isinstance(trades[0]["price"], str)
    assert isinstance(trades[0]["size"], str)


async def test_filters_and_unseparated_objects(aclient: AsyncClient) -> None:
    sessionid = await _session(aclient)
    async with aclient.stream(
        "GET",
        "/markets/events",
        params={"sessionid": sessionid, "symbols": "AAPL", "filter": "quote"},
    ) as response:
        raw = ""
        decoder = json.JSONDecoder()
        found: list[Any] = []
        async for chunk in response.aiter_text():
            raw += chunk
            while raw:
                try:
                    obj, end = decoder.raw_decode(raw)
                except ValueError:
                    break
                found.append(obj)
                raw = raw[end:]
            if len(found) >= 3:
                break
    assert {e["type"] for e in found} == {"quote"}


async def test_bad_sessions_and_symbols_are_refused(aclient: AsyncClient) -> None:
    unknown = await aclient.post("/markets/events", data={"sessionid": "nope", "symbols": "AAPL"})
    assert (unknown.status_code, unknown.json()) == (400, {"error": "session not found"})
    sessionid = await _session(aclient)
    bad = await aclient.post("/markets/events", data={"sessionid": sessionid, "symbols": "ZZZZ"})
    assert bad.json() == {"error": "ZZZZ is not a valid symbol"}


async def test_a_session_expires_after_five_unused_minutes(
    aclient: AsyncClient, clock: FakeClock
) -> None:
    sessionid = await _session(aclient)
    clock.advance(299)
    assert await _lines(aclient, "/markets/events", 1, sessionid=sessionid, symbols="AAPL")
    clock.advance(299)  # counted from the end of the stream, not from the session's creation
    assert await _lines(aclient, "/markets/events", 1, sessionid=sessionid, symbols="AAPL")
    clock.advance(301)
    expired = await aclient.post(
        "/markets/events", data={"sessionid": sessionid, "symbols": "AAPL"}
    )
    assert expired.json() == {"error": "session not found"}


async def test_one_market_session_at_a_time(aclient: AsyncClient) -> None:
    first = await _session(aclient)
    async with aclient.stream("POST", "/markets/events",
                              data={"sessionid": first, "symbols": "AAPL"}) as response:  # fmt: skip
        chunks = response.aiter_bytes()
        await anext(chunks)
        await _session(aclient)
        rest = [chunk async for chunk in chunks]  # the stream of the retired session ends
    assert len(rest) < 1000
    again = await aclient.post("/markets/events", data={"sessionid": first, "symbols": "AAPL"})
    assert again.json() == {"error": "session not found"}


async def test_the_http_account_stream_sends_order_events(aclient: AsyncClient) -> None:
    sessionid = await _session(aclient, "accounts")
    async with aclient.stream(
        "GET", "/accounts/events", params={"sessionid": sessionid}
    ) as response:
        lines = response.aiter_lines()
        await aclient.post(f"/accounts/{ACCOUNT}/orders", data=MARKET_FORM)
        events = [orjson.loads(await anext(lines)) for _ in range(3)]
    assert [e["status"] for e in events] == ["pending", "open", "filled"]
    assert set(events[-1]) == set(DOC_ACCOUNT[-1])
    assert events[-1]["account"] == ACCOUNT
    assert events[-1]["exec_quantity"] == 1.0


async def test_idle_account_streams_heartbeat_and_skip_excluded_accounts(
    aclient: AsyncClient,
) -> None:
    sessionid = await _session(aclient, "accounts")
    params = {"sessionid": sessionid, "excludeAccounts": ACCOUNT}
    async with aclient.stream("GET", "/accounts/events", params=params) as response:
        lines = response.aiter_lines()
        await aclient.post(f"/accounts/{ACCOUNT}/orders", data=MARKET_FORM)
        first = orjson.loads(await anext(lines))
        await aclient.post(f"/accounts/{CASH_ACCOUNT}/orders", data=MARKET_FORM)
        later = [orjson.loads(await anext(lines)) for _ in range(4)]
    assert set(first) == set(DOC_ACCOUNT[0])
    assert first["event"] == "heartbeat"
    orders = [e for e in later if e["event"] == "order"]
    assert orders
    assert {e["account"] for e in orders} == {CASH_ACCOUNT}


async def _receive(ws: Any, count: int) -> list[Any]:
    return [orjson.loads(await ws.receive_text(timeout=5)) for _ in range(count)]


async def test_the_market_websocket_subscribes_and_resubscribes(aclient: AsyncClient) -> None:
    sessionid = await _session(aclient)
    async with aclient.websocket("ws://tradier.emulator/v1/markets/events") as ws:
        await ws.send_text(json.dumps({"sessionid": sessionid, "symbols": ["AAPL"],
                                       "filter": ["quote", "trade"], "linebreak": True}))  # fmt: skip
        first = await _receive(ws, 4)
        assert {e["symbol"] for e in first} == {"AAPL"}
        assert {e["type"] for e in first} <= {"quote", "trade"}
        await ws.send_text(json.dumps({"sessionid": sessionid, "symbols": ["SPY"],
                                       "filter": ["quote"]}))  # fmt: skip
        switched = await _receive(ws, 8)
        assert switched[-1]["symbol"] == "SPY"
        await ws.send_text(json.dumps({"sessionid": sessionid, "symbols": ["1234"]}))
        for _ in range(50):
            if orjson.loads(await ws.receive_text(timeout=5)) == {
                "error": "1234 is not a valid symbol"
            }:
                break
        else:
            pytest.fail("no error for an invalid symbol")
    # A new connection resubscribes with the same session.
    async with aclient.websocket("ws://tradier.emulator/v1/markets/events") as ws:
        await ws.send_text(json.dumps({"sessionid": sessionid, "symbols": ["AAPL"]}))
        assert (await _receive(ws, 1))[0]["type"] == "summary"


async def test_the_market_websocket_refuses_an_expired_session(
    aclient: AsyncClient, clock: FakeClock
) -> None:
    sessionid = await _session(aclient)
    clock.advance(301)
    async with aclient.websocket("ws://tradier.emulator/v1/markets/events") as ws:
        await ws.send_text(json.dumps({"sessionid": sessionid, "symbols": ["AAPL"]}))
        assert await _receive(ws, 1) == [{"error": "session not found"}]


async def test_the_account_websocket_streams_order_events(aclient: AsyncClient) -> None:
    sessionid = await _session(aclient, "accounts")
    async with aclient.websocket("ws://tradier.emulator/v1/accounts/events") as ws:
        await ws.send_text(json.dumps({"events": ["order"], "sessionid": sessionid,
                                       "excludeAccounts": []}))  # fmt: skip
        await asyncio.sleep(0.2)  # the subscription is read on the server's own thread
        await aclient.post(f"/accounts/{ACCOUNT}/orders", data=MARKET_FORM)
        events: list[Any] = []
        while not events or events[-1]["status"] != "filled":
            (event,) = await _receive(ws, 1)
            if event["event"] == "order":
                events.append(event)
    assert [e["status"] for e in events] == ["pending", "open", "filled"]
    assert set(events[0]) == set(DOC_ACCOUNT[1])


async def test_account_events_of_group_members_name_their_parent(aclient: AsyncClient) -> None:
    sessionid = await _session(aclient, "accounts")
    form = {"class": "oco", "duration": "day", "symbol[0]": "AAPL", "side[0]": "buy",
            "quantity[0]": "1", "type[0]": "limit", "price[0]": "100.00", "symbol[1]": "AAPL",
            "side[1]": "buy", "quantity[1]": "1", "type[1]": "stop", "stop[1]": "400.00",
            "tag": "grp-1"}  # fmt: skip
    async with aclient.stream(
        "GET", "/accounts/events", params={"sessionid": sessionid}
    ) as response:
        lines = response.aiter_lines()
        placed = (await aclient.post(f"/accounts/{ACCOUNT}/orders", data=form)).json()
        events = []
        while len(events) < 4:
            event = orjson.loads(await anext(lines))
            if event["event"] == "order":
                events.append(event)
    parent = placed["order"]["id"]
    assert {e["parent_id"] for e in events} == {parent}
    assert {e["tag"] for e in events} == {"grp-1"}
    assert {e["type"] for e in events} == {"limit", "stop"}


async def test_a_closed_market_is_skipped_to_the_next_open(
    aclient: AsyncClient, engine: Engine
) -> None:
    from datetime import UTC, datetime

    engine.advance_to(datetime(2025, 1, 11, 12, tzinfo=UTC))  # a Saturday
    sessionid = await _session(aclient)
    (trade,) = await _lines(aclient, "/markets/events", 1, sessionid=sessionid, symbols="SPY",
                            filter="trade")  # fmt: skip
    monday_open = datetime(2025, 1, 13, 14, 30, tzinfo=UTC)
    assert int(trade["date"]) >= monday_open.timestamp() * 1000
