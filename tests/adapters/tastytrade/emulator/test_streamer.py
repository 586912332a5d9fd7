"""The account streamer at /account-streamer: connect, heartbeat, and full-object Order,
CurrentPosition and AccountBalance notifications as the engine's state changes."""

from __future__ import annotations

from typing import Any

from brokerlink._http import AsyncClient

from .conftest import ACCOUNT, fixture, recv, recv_until

URL = "ws://tastytrade.emulator/account-streamer"
ORDERS = f"/accounts/{ACCOUNT}/orders"


def _connect_request() -> dict[str, Any]:
    request = fixture("streaming_account_streamer.connect.request.json")
    return request | {"value": [ACCOUNT], "auth-token": "Bearer test-access-token"}


async def _connected(ws: Any) -> dict[str, Any]:
    await ws.send_json(_connect_request())
    ack: dict[str, Any] = await recv(ws)
    return ack


async def test_connect_and_heartbeat_acks_are_the_documented_ones(aclient: AsyncClient) -> None:
    async with aclient.websocket(URL) as ws:
        ack = await _connected(ws)
        documented = fixture("streaming_account_streamer.connect.ack.json")
        assert set(ack) == set(documented)
        assert ack == documented | {
            "value": [ACCOUNT],
            "web-socket-session-id": ack["web-socket-session-id"],
        }
        heartbeat = fixture("streaming_account_streamer.heartbeat.request.json") | {
            "auth-token": "Bearer t"
        }
        await ws.send_json(heartbeat)
        answer = await recv(ws)
        assert answer == fixture("streaming_account_streamer.heartbeat.ack.json") | {
            "web-socket-session-id": ack["web-socket-session-id"]
        }
        bare = {k: v for k, v in heartbeat.items() if k != "request-id"}
        await ws.send_json(bare)
        assert "request-id" not in await recv(ws)


async def test_anything_before_connect_is_refused(aclient: AsyncClient) -> None:
    async with aclient.websocket(URL) as ws:
        await ws.send_json({"action": "quote-alerts-subscribe", "auth-token": "Bearer t"})
        answer = await recv(ws)
        documented = fixture("streaming_account_streamer.error.connect-not-completed.json")
        assert answer == documented | {"web-socket-session-id": answer["web-socket-session-id"]}


async def test_a_connect_without_a_bearer_token_or_for_a_strange_account_fails(
    aclient: AsyncClient,
) -> None:
    async with aclient.websocket(URL) as ws:
        documented = fixture("lean_streamer_connect.error.json")
        for request in (
            _connect_request() | {"auth-token": "raw-session-token"},
            _connect_request() | {"value": ["5WT00000"]},
        ):
            await ws.send_json(request)
            answer = await recv(ws)
            assert answer == documented | {"web-socket-session-id": answer["web-socket-session-id"]}
        await ws.send_json(_connect_request() | {"value": ACCOUNT})  # one account as a bare string
        assert (await recv(ws))["status"] == "ok"


async def test_a_fill_is_notified_with_full_objects(aclient: AsyncClient) -> None:
    async with aclient.websocket(URL) as ws:
        await _connected(ws)
        body = fixture("docs_POST_accounts_N_orders.request.aapl-market.json")
        placed = (await aclient.post(ORDERS, json=body)).json()["data"]["order"]
        statuses = []
        while True:
            note = await recv_until(ws, "Order")
            assert set(note) == {"type", "data", "timestamp"}
            assert note["data"]["id"] == placed["id"]
            statuses.append(note["data"]["status"])
            if note["data"]["status"] == "Filled":
                filled = note["data"]
                break
        assert statuses == ["Received", "Routed", "In Flight", "Live", "Filled"]
        documented = fixture("streaming_account_streamer.order_notification.filled.json")["data"]
        assert set(documented) - {
            "user-id",
            "username",
            "destination-venue",
            "in-flight-at",
        } <= set(filled)
        assert filled == (await aclient.get(f"{ORDERS}/{placed['id']}")).json()["data"]
        position = await recv_until(ws, "CurrentPosition")
        rest = (await aclient.get(f"/accounts/{ACCOUNT}/positions")).json()["data"]["items"]
        assert position["data"] == rest[0]
        balance = await recv_until(ws, "AccountBalance")
        assert balance["data"]["account-number"] == ACCOUNT
        assert balance["data"]["cash-balance"] != "100000.0"


async def test_a_cancel_is_requested_then_confirmed_on_the_stream(aclient: AsyncClient) -> None:
    async with aclient.websocket(URL) as ws:
        await _connected(ws)
        body = fixture("docs_POST_accounts_N_orders.request.aapl-gtc-closing.json")
        body["legs"][0]["action"] = "Buy to Open"
        body.update({"price": 100, "price-effect": "Debit"})
        placed = (await aclient.post(ORDERS, json=body)).json()["data"]["order"]
        answer = (await aclient.delete(f"{ORDERS}/{placed['id']}")).json()["data"]
        assert answer["status"] == "Cancel Requested"
        statuses = []
        while not statuses or statuses[-1] != "Cancelled":
            statuses.append((await recv_until(ws, "Order"))["data"]["status"])
        assert statuses == [
            "Received", "Routed", "In Flight", "Live", "Cancel Requested", "Cancelled"
        ]  # fmt: skip
        final = (await aclient.get(f"{ORDERS}/{placed['id']}")).json()["data"]
        assert final["status"] == "Cancelled"


async def test_a_replace_is_notified_as_documented(aclient: AsyncClient) -> None:
    async with aclient.websocket(URL) as ws:
        await _connected(ws)
        body = fixture("docs_POST_accounts_N_orders.request.aapl-gtc-closing.json")
        body["legs"][0]["action"] = "Buy to Open"
        body.update({"price": 100, "price-effect": "Debit"})
        old = (await aclient.post(ORDERS, json=body)).json()["data"]["order"]
        new = (await aclient.put(f"{ORDERS}/{old['id']}", json=body | {"price": 101})).json()[
            "data"
        ]
        seen: list[tuple[int, str]] = []
        while (new["id"], "Live") not in seen:
            note = (await recv_until(ws, "Order"))["data"]
            seen.append((note["id"], note["status"]))
        assert seen == [
            (old["id"], "Received"), (old["id"], "Routed"), (old["id"], "In Flight"),
            (old["id"], "Live"), (old["id"], "Replace Requested"), (old["id"], "Cancelled"),
            (new["id"], "Routed"), (new["id"], "In Flight"), (new["id"], "Live"),
        ]  # fmt: skip
