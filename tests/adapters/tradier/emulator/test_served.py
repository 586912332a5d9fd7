"""The Tradier front served on a loopback port, used by plain HTTP and websocket clients.

This is what ``brokerlink emulate tradier --port N`` serves: any Tradier client pointed at it
(base URL ``http://127.0.0.1:N/v1``) talks to the emulator as it would to Tradier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import orjson
import pytest
from brokerlink_tradier.emulator import TradierFront, TradierOptions
from tradier_emu import ACCOUNT, AUTH, body

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import ServerHandle, serve

FORM = {"class": "equity", "symbol": "AAPL", "side": "buy", "quantity": "3", "type": "market",
        "duration": "day"}  # fmt: skip


@pytest.fixture
def served(engine: Engine) -> Iterator[ServerHandle]:
    handle = serve(TradierFront(engine, TradierOptions(heartbeat=0.05)), host="127.0.0.1", port=0)
    try:
        yield handle
    finally:
        handle.stop()


def test_rest_over_real_http(served: ServerHandle) -> None:
    with Client(base_url=served.url + "/v1", headers=AUTH) as client:
        profile = body(client.get("/user/profile"))["profile"]
        assert profile["account"][0]["account_number"] == ACCOUNT
        placed = client.post(f"/accounts/{ACCOUNT}/orders", data=FORM)
        assert placed.headers["x-ratelimit-allowed"] == "60"
        order_id = body(placed)["order"]["id"]
        order = body(client.get(f"/accounts/{ACCOUNT}/orders/{order_id}"))["order"]
        assert (order["status"], order["exec_quantity"]) == ("filled", 3)
        assert client.get("/user/profile", headers={"Authorization": ""}).status_code == 401
        assert "fault" in body(client.get("/v2/nothing"))


async def test_the_http_stream_and_both_websockets_over_real_sockets(
    served: ServerHandle,
) -> None:
    async with AsyncClient(base_url=served.url + "/v1", headers=AUTH, timeout=10) as client:
        market = (await client.post("/markets/events/session")).json()["stream"]
        assert market["url"] == f"{served.url}/v1/markets/events"
        async with client.stream("GET", "/markets/events", params={
            "sessionid": market["sessionid"], "symbols": "SPY", "linebreak": "true"}) as stream:  # fmt: skip
            lines = stream.aiter_lines()
            assert orjson.loads(await anext(lines))["type"] == "summary"
        ws_url = f"ws://127.0.0.1:{served.port}/v1/markets/events"
        async with client.websocket(ws_url) as ws:
            await ws.send_text(json.dumps({"sessionid": market["sessionid"], "symbols": ["SPY"],
                                           "filter": ["quote"]}))  # fmt: skip
            quote = orjson.loads(await ws.receive_text(timeout=5))
            assert (quote["type"], quote["symbol"]) == ("quote", "SPY")
        account = (await client.post("/accounts/events/session")).json()["stream"]
        assert account["url"] == f"ws://127.0.0.1:{served.port}/v1/accounts/events"
        async with client.websocket(account["url"]) as ws:
            await ws.send_text(json.dumps({"events": ["order"], "sessionid": account["sessionid"]}))
            first = orjson.loads(await ws.receive_text(timeout=5))
            assert first["event"] == "heartbeat"
            await client.post(f"/accounts/{ACCOUNT}/orders", data=FORM)
            statuses = []
            while "filled" not in statuses:
                event = orjson.loads(await ws.receive_text(timeout=5))
                if event["event"] == "order":
                    statuses.append(event["status"])
        assert statuses == ["pending", "open", "filled"]


def test_the_cli_serves_this_front() -> None:
    from brokerlink.emulator.serving import servable_emulator

    emulator = servable_emulator("tradier", seed=7)
    assert isinstance(emulator.front, TradierFront)
    assert emulator.engine.personality.name == "tradier"
    assert emulator.api_root("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1"
