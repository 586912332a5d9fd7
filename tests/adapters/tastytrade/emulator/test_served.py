"""The front served on a loopback port (what ``brokerlink emulate tastytrade`` runs): plain HTTP
clients get the same REST answers, the quote token points at the served DxLink, and both
websockets work over real sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from brokerlink_tastytrade.emulator import emulator_front

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import ServerHandle, serve

from .conftest import ACCOUNT, HEADERS, fixture, recv, recv_until


@pytest.fixture
def served(engine: Engine) -> Iterator[ServerHandle]:
    with serve(emulator_front(engine)) as handle:
        yield handle


def test_rest_over_a_real_socket(served: ServerHandle) -> None:
    with Client(base_url=served.url, headers=HEADERS) as client:
        accounts = client.get("/customers/me/accounts").json()["data"]["items"]
        assert accounts[0]["account"]["account-number"] == ACCOUNT
        body = fixture("docs_POST_accounts_N_orders.request.aapl-market.json")
        placed = client.post(f"/accounts/{ACCOUNT}/orders", json=body)
        assert placed.status_code == 201
        assert placed.json()["data"]["order"]["status"] == "Filled"
        assert client.get("/instruments/futures/%2FESH5").json()["data"]["symbol"] == "/ESH5"
        assert client.get("/customers/me", headers={"Authorization": ""}).status_code == 401


async def test_websockets_over_a_real_socket(served: ServerHandle) -> None:
    async with AsyncClient(base_url=served.url, headers=HEADERS) as client:
        token = (await client.get("/api-quote-tokens")).json()["data"]
        assert token["dxlink-url"] == f"ws://127.0.0.1:{served.port}/dxlink"
        async with client.websocket(token["dxlink-url"]) as ws:
            await ws.send_json(fixture("streaming_dxlink_01_setup.sent.json"))
            assert (await recv(ws))["type"] == "SETUP"
            assert (await recv(ws))["state"] == "UNAUTHORIZED"
            await ws.send_json({"type": "AUTH", "channel": 0, "token": token["token"]})
            assert (await recv(ws))["state"] == "AUTHORIZED"
            await ws.send_json(fixture("streaming_dxlink_06_channel_request.sent.json"))
            assert (await recv(ws))["type"] == "CHANNEL_OPENED"
            await ws.send_json(
                {
                    "type": "FEED_SUBSCRIPTION",
                    "channel": 3,
                    "add": [{"type": "Trade", "symbol": "SPY"}],
                }
            )
            data = await recv_until(ws, "FEED_DATA")
            assert data["data"][0] == "Trade"
            assert data["data"][1][:2] == ["Trade", "SPY"]
        async with client.websocket(f"ws://127.0.0.1:{served.port}/account-streamer") as ws:
            await ws.send_json(
                fixture("lean_streamer_connect.request.bearer.json") | {"value": [ACCOUNT]}
            )
            assert (await recv(ws))["status"] == "ok"
            await ws.send_json(fixture("lean_streamer_heartbeat.request.bearer.json"))
            assert (await recv(ws))["action"] == "heartbeat"
