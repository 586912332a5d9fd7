"""Complex orders: OTO, OCO and OTOCO requests as documented, their answers, and cancelling
them by complex-order id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from brokerlink._http import Client
from brokerlink.emulator import Engine

from .conftest import ACCOUNT, data, error, fixture

COMPLEX = f"/accounts/{ACCOUNT}/complex-orders"
ORDERS = f"/accounts/{ACCOUNT}/orders"


def _own_aapl(client: Client, quantity: int = 100) -> None:
    body = fixture("docs_POST_accounts_N_orders.request.aapl-market.json")
    body["legs"][0]["quantity"] = quantity
    data(client.post(ORDERS, json=body), 201)


def _member_keys(order: dict[str, Any]) -> set[str]:
    return set(order) - {"ext-exchange-order-number", "ext-client-order-id", "ext-global-order-number",
                         "live-at", "global-request-id", "contingent-status"}  # fmt: skip


def test_oco_as_documented(client: Client, engine: Engine) -> None:
    _own_aapl(client)
    request = fixture("docs_POST_accounts_N_complex-orders.OCO.request.json")
    request["orders"][0]["price"] = 300.5  # take profit above the market
    request["orders"][1]["stop-trigger"] = 200.25  # stop below it
    answer = data(client.post(COMPLEX, json=request), 201)
    documented = fixture("docs_POST_accounts_N_complex-orders.OCO.response.json")["data"]
    assert set(answer) == set(documented)
    complex_order = answer["complex-order"]
    assert set(complex_order) == set(documented["complex-order"])
    assert complex_order["type"] == "OCO"
    first, second = complex_order["orders"]
    assert _member_keys(documented["complex-order"]["orders"][0]) <= set(first)
    assert [o["complex-order-tag"] for o in (first, second)] == ["OCO::order", "OCO::order"]
    assert [o["preflight-id"] for o in (first, second)] == [0, 1]
    assert {o["complex-order-id"] for o in (first, second)} == {complex_order["id"]}
    assert (first["order-type"], first["price"], first["price-effect"]) == (
        "Limit",
        "300.5",
        "Credit",
    )
    assert (second["order-type"], second["stop-trigger"]) == ("Stop", "200.25")
    assert {o["status"] for o in (first, second)} == {"Live"}
    fetched = data(client.get(f"{COMPLEX}/{complex_order['id']}"))
    assert fetched["id"] == complex_order["id"]
    cancelled = data(client.delete(f"{COMPLEX}/{complex_order['id']}"))
    assert {o["status"] for o in cancelled["orders"]} == {"Cancel Requested"}
    engine.advance(timedelta(0))
    after = data(client.get(f"{COMPLEX}/{complex_order['id']}"))
    assert {o["status"] for o in after["orders"]} == {"Cancelled"}
    assert (
        error(client.delete(f"{COMPLEX}/{complex_order['id']}"), 422)["code"]
        == "cannot_update_order"
    )


def test_otoco_children_wait_for_the_trigger(client: Client, engine: Engine) -> None:
    request = fixture("docs_POST_accounts_N_complex-orders.request.aapl-otoco.json")
    request["trigger-order"]["price"] = 200  # below the market: the entry rests
    request["orders"][0]["price"] = 300
    request["orders"][1]["stop-trigger"] = 150
    # listed stop first: the emulator still knows which exit is which
    request["orders"].reverse()
    complex_order = data(client.post(COMPLEX, json=request), 201)["complex-order"]
    trigger = complex_order["trigger-order"]
    assert complex_order["type"] == "OTOCO"
    assert trigger["complex-order-tag"] == "OTOCO::trigger-order"
    assert trigger["status"] == "Live"
    assert [o["complex-order-tag"] for o in complex_order["orders"]] == ["OTOCO::oco-1-order"] * 2
    assert {o["status"] for o in complex_order["orders"]} == {"Contingent"}
    assert {o["contingent-status"] for o in complex_order["orders"]} == {"Pending Order"}
    cancelled = data(client.delete(f"{COMPLEX}/{complex_order['id']}"))
    assert cancelled["trigger-order"]["status"] == "Cancel Requested"
    assert {o["status"] for o in cancelled["orders"]} == {"Cancelled"}
    documented = fixture("docs_DELETE_accounts_N_complex-orders_ID.response.json")["data"]
    assert set(cancelled) == set(documented)


def test_an_oto_releases_its_orders_when_the_trigger_fills(client: Client) -> None:
    request = fixture("docs_POST_accounts_N_complex-orders.OTO.request.json")
    request["trigger-order"] = {
        "time-in-force": "Day", "order-type": "Market", "underlying-symbol": "AAPL",
        "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 10, "action": "Buy to Open"}],
    }  # fmt: skip
    request["orders"] = [
        {"time-in-force": "GTC", "order-type": "Limit", "price": 400, "price-effect": "Credit",
         "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 10, "action": "Sell to Close"}]}
    ]  # fmt: skip
    complex_order = data(client.post(COMPLEX, json=request), 201)["complex-order"]
    assert complex_order["trigger-order"]["status"] == "Filled"
    (child,) = complex_order["orders"]
    assert child["complex-order-tag"] == "OTO::order"
    assert child["status"] == "Live"
    live = data(client.get(f"{COMPLEX}/live"))["items"]
    assert [c["id"] for c in live] == [complex_order["id"]]


def test_bad_complex_requests(client: Client) -> None:
    assert (
        error(client.post(COMPLEX, json={"type": "BLAST", "orders": []}), 400)["code"]
        == "validation_error"
    )
    one = fixture("docs_POST_accounts_N_complex-orders.OCO.request.json")
    one["orders"] = one["orders"][:1]
    error(client.post(COMPLEX, json=one), 400)
    error(client.get(f"{COMPLEX}/999"), 404)


def test_complex_dry_run_places_nothing(client: Client) -> None:
    request = fixture("docs_POST_accounts_N_complex-orders.request.aapl-otoco.json")
    request["trigger-order"]["price"] = 200
    request["orders"][0]["price"] = 300
    request["orders"][1]["stop-trigger"] = 150
    answer = data(client.post(f"{COMPLEX}/dry-run", json=request))
    assert set(answer) == {"complex-order", "warnings", "buying-power-effect", "fee-calculation"}
    preview = answer["complex-order"]
    assert preview["type"] == "OTOCO"
    assert preview["trigger-order"]["status"] == "Received"
    assert [o["order-type"] for o in preview["orders"]] == ["Limit", "Stop"]
    assert answer["buying-power-effect"]["effect"] == "Debit"
    assert data(client.get(f"{COMPLEX}/live"))["items"] == []


def test_an_oco_fill_cancels_the_other_order(client: Client) -> None:
    _own_aapl(client)
    request = fixture("docs_POST_accounts_N_complex-orders.OCO.request.json")
    request["orders"][0]["price"] = 1  # a sell limit far under the market fills at once
    request["orders"][1]["stop-trigger"] = 100
    complex_order = data(client.post(COMPLEX, json=request), 201)["complex-order"]
    fetched = data(client.get(f"{COMPLEX}/{complex_order['id']}"))
    assert [o["status"] for o in fetched["orders"]] == ["Filled", "Cancelled"]
