"""The paper API served on a loopback port (``brokerlink emulate paper``), used by a plain client.

Nothing here goes through brokerlink's adapter: the requests are written by hand, as any HTTP
client in any language would write them, which is the point of serving the emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import orjson
import pytest

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import ServerHandle, serve
from brokerlink.paper.emulator import PaperFront

from .conftest import ACCOUNT


@pytest.fixture
def served(engine: Engine) -> Iterator[ServerHandle]:
    handle = serve(PaperFront(engine), host="127.0.0.1", port=0)
    try:
        yield handle
    finally:
        handle.stop()


ORDER = {
    "legs": [{"instrument": "AAPL", "side": "buy", "quantity": "10", "effect": "open"}],
    "type": "market",
    "time_in_force": "day",
    "client_id": "curl-1",
}


def test_rest_over_real_http(served: ServerHandle) -> None:
    with Client(base_url=served.url + "/v1") as client:
        accounts = client.get("/accounts").json()["accounts"]
        assert [a["id"] for a in accounts] == [ACCOUNT, "EMU00002"]
        placed = client.post(f"/accounts/{ACCOUNT}/orders", json=ORDER)
        assert placed.status_code == 201
        assert placed.json()["status"] == "filled"
        assert placed.json()["client_id"] == "curl-1"
        found = client.get(
            f"/accounts/{ACCOUNT}/orders", params={"status": "all", "client_id": "curl-1"}
        )
        assert [o["id"] for o in found.json()["orders"]] == [placed.json()["id"]]
        missing = client.get(f"/accounts/{ACCOUNT}/orders/424242")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "order_not_found"
        bad = client.post(f"/accounts/{ACCOUNT}/orders", json={**ORDER, "type": "sometimes"})
        assert bad.status_code == 400
        assert "$.type" in bad.json()["error"]["message"]


async def test_an_order_stream_over_real_http(served: ServerHandle) -> None:
    stream_path = f"/stream/accounts/{ACCOUNT}/orders"
    async with (
        AsyncClient(base_url=served.url + "/v1", timeout=10) as client,
        client.stream("GET", stream_path) as response,
    ):
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers["x-stream-seq"] == "0"
        placing = asyncio.ensure_future(client.post(f"/accounts/{ACCOUNT}/orders", json=ORDER))
        lines = response.aiter_lines()
        frames = [orjson.loads(await anext(lines)) for _ in range(3)]
        await placing
    assert [f["order"]["status"] for f in frames] == ["pending", "open", "filled"]
    assert [f["seq"] for f in frames] == sorted(f["seq"] for f in frames)
    assert frames[-1]["fill"]["quantity"] == "10"


def test_brokerlinks_own_client_works_against_the_served_emulator(served: ServerHandle) -> None:
    import brokerlink as bl

    with bl.connect("paper:emulator", base_url=served.url + "/v1") as broker:
        assert broker.emulator is None  # nothing in-process: every call crosses the loopback port
        order = broker.place(bl.NewOrder.market("AAPL", bl.BUY, 3, effect=bl.OPEN))
        assert order.status is bl.OrderStatus.FILLED
        assert [p.quantity for p in broker.positions() if str(p.instrument) == "AAPL"] == [3]
        first = next(iter(broker.stream_quotes("SPY")))
        assert str(first.quote.instrument) == "SPY"


def test_a_relocated_environment_moves_only_the_urls_under_its_root() -> None:
    from brokerlink.adapter import Environment
    from brokerlink.broker.connect import relocated

    env = Environment(
        name="sim",
        base_url="https://api.example.test/v3",
        urls={
            "stream": "https://api.example.test/v3/stream",
            "token": "https://auth.example.test/token",
        },
    )
    moved = relocated(env, "http://127.0.0.1:8080/v3/")
    assert moved.base_url == "http://127.0.0.1:8080/v3"
    assert moved.urls == {
        "stream": "http://127.0.0.1:8080/v3/stream",
        "token": "https://auth.example.test/token",
    }


def test_relocation_moves_every_url_on_the_emulator_host_keeping_paths_and_ws_schemes() -> None:
    from brokerlink.adapter import Environment
    from brokerlink.broker.connect import relocated

    env = Environment(
        name="emulator",
        base_url="http://broker.emulator/v3",
        urls={
            "v2": "http://broker.emulator/v2",
            "websocket": "ws://broker.emulator/v1/events",
            "token": "http://other.emulator/oauth/token",
        },
    )
    moved = relocated(env, "http://127.0.0.1:9000/v3")
    assert moved.urls == {
        "v2": "http://127.0.0.1:9000/v2",
        "websocket": "ws://127.0.0.1:9000/v1/events",
        "token": "http://other.emulator/oauth/token",
    }
    assert relocated(env, "https://127.0.0.1:9000/v3").urls["websocket"] == (
        "wss://127.0.0.1:9000/v1/events"
    )
