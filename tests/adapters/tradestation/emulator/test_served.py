"""The TradeStation emulator served on a loopback port, used by plain HTTP clients.

Nothing goes through brokerlink's adapter: the requests are written by hand, as a client of the
real API in any language would write them. The stream is checked at the byte level: chunked
transfer encoding, one CRLF-terminated JSON object per frame.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from brokerlink_tradestation.emulator import TradeStationPersonality, emulator_front

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import ServerHandle, serve

from .conftest import ACCOUNT, AUTH, order_body


@pytest.fixture
def served(engine: Engine) -> Iterator[ServerHandle]:
    front = emulator_front(engine, personality=TradeStationPersonality(heartbeat_seconds=0.1))
    handle = serve(front, host="127.0.0.1", port=0)
    try:
        yield handle
    finally:
        handle.stop()


def test_rest_over_real_http(served: ServerHandle) -> None:
    with Client(base_url=served.url + "/v3", headers=AUTH) as client:
        accounts = client.get("/brokerage/accounts").json()["Accounts"]
        assert [a["AccountID"] for a in accounts] == [ACCOUNT, "EMU00002"]
        placed = client.post("/orderexecution/orders", json=order_body()).json()
        assert placed["Errors"] == []
        order_id = placed["Orders"][0]["OrderID"]
        order = client.get(f"/brokerage/accounts/{ACCOUNT}/orders/{order_id}").json()["Orders"][0]
        assert (order["Status"], order["Legs"][0]["ExecQuantity"]) == ("FLL", "10")
        quotes = client.get("/marketdata/quotes/MSFT,INVALID").json()
        assert quotes["Errors"] == [{"Symbol": "INVALID", "Error": "FAILED, INVALID SYMBOL"}]
        missing = client.delete("/orderexecution/orders/424242")
        assert (missing.status_code, missing.json()["Error"]) == (404, "NotFound")
    with Client(base_url=served.url + "/v3") as anonymous:
        assert anonymous.get("/brokerage/accounts").status_code == 401


async def test_an_order_stream_over_real_http_is_chunked_ndjson(served: ServerHandle) -> None:
    async with (
        AsyncClient(base_url=served.url, headers=AUTH, timeout=10) as client,
        client.stream("GET", f"/v3/brokerage/stream/accounts/{ACCOUNT}/orders") as response,
    ):
        assert response.headers["transfer-encoding"] == "chunked"
        assert response.headers["content-type"] == "application/vnd.tradestation.streams.v3+json"
        placing = asyncio.ensure_future(client.post("/v3/orderexecution/orders", json=order_body()))
        raw = b""
        chunks = response.aiter_bytes()
        while raw.count(b"\r\n") < 5:
            raw += await asyncio.wait_for(anext(chunks), timeout=10)
        await placing
    frames = [orjson.loads(line) for line in raw.split(b"\r\n")[:5]]
    assert frames[0] == {"StreamStatus": "EndSnapshot"}
    statuses = [f["Status"] for f in frames if "Status" in f]
    assert statuses[:3] == ["OPN", "ACK", "FLL"]
    assert all("Heartbeat" in f or "Status" in f for f in frames[1:])


def test_brokerlink_emulate_tradestation_serves_this_front(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from brokerlink.cli import app, emulate_cmd

    answers: list[tuple[int, object]] = []

    def call_then_interrupt(handle: ServerHandle) -> None:
        with Client(base_url=handle.url + "/v3", headers=AUTH) as client:
            response = client.get("/brokerage/accounts")
        answers.append((response.status_code, response.json()))
        raise KeyboardInterrupt

    monkeypatch.setattr(emulate_cmd, "wait_for_interrupt", call_then_interrupt)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["emulate", "tradestation", "--port", "0"])
    assert result.exit_code == 0, result.output
    [(status, body)] = answers
    assert status == 200
    assert isinstance(body, dict)
    assert [a["AccountID"] for a in body["Accounts"]] == [ACCOUNT, "EMU00002"]
