"""Sandbox switches and injected faults, answered in tastytrade's own formats."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from brokerlink_tastytrade.emulator import SandboxOptions, emulator_front

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.faults import DropConnection, HttpError, TokenExpired
from brokerlink.emulator.http import EmulatorTransport

from .conftest import ACCOUNT, BASE, HEADERS, closed_code, data, error, fixture, recv


def test_defaults_are_ideal_and_deterministic(client: Client, engine: Engine) -> None:
    quote = data(client.get("/market-data/by-type", params={"equity": "AAPL"}))["items"][0]
    assert Decimal(quote["bid"]) == engine.quote("AAPL").bid
    again = Engine()
    with Client(
        transport=EmulatorTransport(emulator_front(again), again), base_url=BASE, headers=HEADERS
    ) as other:
        assert (
            data(other.get("/market-data/by-type", params={"equity": "AAPL"}))["items"][0] == quote
        )


def test_delayed_quotes_are_fifteen_minutes_old(engine: Engine) -> None:
    engine.advance(timedelta(hours=1))
    front = emulator_front(engine, SandboxOptions(delayed_quotes=True))
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=HEADERS) as c:
        quote = data(c.get("/market-data/by-type", params={"equity": "AAPL"}))["items"][0]
        delayed = engine.market.quote(engine.details("AAPL"), engine.now() - timedelta(minutes=15))
        assert Decimal(quote["bid"]) == delayed.bid
        assert data(c.get("/api-quote-tokens"))["level"] == "demo"


def test_injected_http_faults_use_the_error_envelope(client: Client, engine: Engine) -> None:
    engine.faults.add(HttpError(status=429, retry_after=2), match="/balances")
    limited = client.get(f"/accounts/{ACCOUNT}/balances")
    assert error(limited, 429)["code"] == "too_many_requests"
    assert limited.headers["Retry-After"] == "2"
    engine.faults.add(TokenExpired(), match="/positions")
    assert error(client.get(f"/accounts/{ACCOUNT}/positions"), 401)["code"] == "unauthorized"
    assert client.get(f"/accounts/{ACCOUNT}/positions").status_code == 200


async def test_a_dropped_account_stream_closes_the_socket(
    aclient: AsyncClient, engine: Engine
) -> None:
    async with aclient.websocket("ws://tastytrade.emulator/account-streamer") as ws:
        await ws.send_json(
            fixture("lean_streamer_connect.request.bearer.json") | {"value": [ACCOUNT]}
        )
        await recv(ws)
        engine.faults.add(DropConnection(), match="/account-streamer")
        await aclient.post(
            f"/accounts/{ACCOUNT}/orders",
            json=fixture("docs_POST_accounts_N_orders.request.aapl-market.json"),
        )
        assert await closed_code(ws) == 1011
