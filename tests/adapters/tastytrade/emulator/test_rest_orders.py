"""Single orders: every documented request shape, the answers' shapes, and the lifecycle
place -> fill / cancel / replace, with tastytrade's statuses and error codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from brokerlink._http import Client
from brokerlink.emulator import Engine

from .conftest import ACCOUNT, data, error, fixture

ORDERS = f"/accounts/{ACCOUNT}/orders"


def _place(client: Client, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    answer: dict[str, Any] = data(client.post(ORDERS, json=body), status)
    return answer


def _limit(price: str, action: str = "Buy to Open", quantity: int = 1) -> dict[str, Any]:
    body = fixture("docs_POST_accounts_N_orders.request.aapl-gtc-closing.json")
    body["legs"][0].update(action=action, quantity=quantity)
    body.update(price=price, **{"price-effect": "Debit" if action.startswith("Buy") else "Credit"})
    return body


def _chain_symbols(client: Client, underlying: str = "AAPL") -> list[dict[str, Any]]:
    chain = data(client.get(f"/option-chains/{underlying}/nested"))["items"][0]
    strikes: list[dict[str, Any]] = chain["expirations"][0]["strikes"]
    return strikes


def test_a_market_order_fills_and_answers_the_documented_shape(client: Client) -> None:
    answer = _place(client, fixture("docs_POST_accounts_N_orders.request.aapl-market.json"))
    documented = fixture("docs_POST_accounts_N_orders.response.json")["data"]
    assert set(answer) == set(documented)
    order = answer["order"]
    assert order["status"] == "Filled"
    assert isinstance(order["id"], int)
    assert isinstance(order["updated-at"], int)
    assert order["order-type"] == "Market"
    assert "price" not in order
    (leg,) = order["legs"]
    assert leg["remaining-quantity"] == 0
    (fill,) = leg["fills"]
    assert set(fill) == set(
        fixture("streaming_account_streamer.order_notification.filled.json")["data"]["legs"][0][
            "fills"
        ][0]
    )
    assert answer["buying-power-effect"]["change-in-buying-power-effect"] == "Debit"
    assert set(answer["fee-calculation"]) == set(documented["fee-calculation"])
    again = data(client.get(f"{ORDERS}/{order['id']}"))
    assert again["status"] == "Filled"
    assert again["legs"][0]["fills"] == [fill]


def test_a_resting_limit_is_routed_then_live(client: Client) -> None:
    order = _place(client, _limit("100.00"))["order"]
    assert order["status"] == "Routed"
    assert order["price"] == "100.0"
    assert order["price-effect"] == "Debit"
    assert order["time-in-force"] == "GTC"
    live = data(client.get(f"{ORDERS}/{order['id']}"))
    documented = fixture("docs_DELETE_accounts_N_orders_ID.response.json")["data"]
    assert live["status"] == "Live"
    assert set(documented) <= set(live)
    assert live["cancellable"] is True
    assert live["editable"] is True


def test_cancel_is_requested_then_confirmed(client: Client, engine: Engine) -> None:
    order = _place(client, _limit("100.00"))["order"]
    cancelled = data(client.delete(f"{ORDERS}/{order['id']}"))
    assert cancelled["status"] == "Cancel Requested"
    assert cancelled["cancellable"] is False
    engine.advance(timedelta(0))  # the exchange confirms (the streamer does this when it reports)
    final = data(client.get(f"{ORDERS}/{order['id']}"))
    assert final["status"] == "Cancelled"
    assert "cancelled-at" in final
    assert "terminal-at" in final
    again = error(client.delete(f"{ORDERS}/{order['id']}"), 422)
    assert again == fixture("docs_DELETE_accounts_N_orders_ID.error_422.json")["error"]


def test_replace_answers_a_new_order_and_retires_the_old_one(
    client: Client, engine: Engine
) -> None:
    order = _place(client, _limit("100.00"))["order"]
    replacement = _limit("101.50")
    new = data(client.put(f"{ORDERS}/{order['id']}", json=replacement))
    assert new["id"] != order["id"]
    assert new["price"] == "101.5"
    assert new["replaces-order-id"] == order["id"]
    old = data(client.get(f"{ORDERS}/{order['id']}"))
    assert old["status"] == "Cancelled"
    assert old["replacing-order-id"] == new["id"]
    quantity = _limit("101.50", quantity=5)
    assert (
        error(client.put(f"{ORDERS}/{new['id']}", json=quantity), 400)["code"] == "validation_error"
    )
    error(client.put(f"{ORDERS}/{order['id']}", json=replacement), 422)


def test_external_identifier_and_source_are_echoed(client: Client) -> None:
    body = _limit("100.00") | {"external-identifier": "my-client-id-42", "source": "my-api-code"}
    order = _place(client, body)["order"]
    assert order["external-identifier"] == "my-client-id-42"
    assert order["source"] == "my-api-code"
    found = client.get(ORDERS, params={"start-date": "2025-01-06"}).json()["data"]["items"]
    assert [o["external-identifier"] for o in found] == ["my-client-id-42"]


def test_search_needs_a_start_from_version_20261012(client: Client) -> None:
    _place(client, _limit("100.00"))
    missing = error(client.get(ORDERS), 400)
    assert "start-date" in missing["message"]
    old_version = client.get(ORDERS, headers={"Accept-Version": "20250813"})
    assert old_version.status_code == 200
    page = client.get(ORDERS, params={"start-date": "2025-01-06", "per-page": 5}).json()
    assert set(page["pagination"]) == set(
        fixture("lean_GET_accounts_N_orders.response.gtd.paginated.json")["pagination"]
    )
    assert page["pagination"]["per-page"] == 5
    assert page["pagination"]["total-items"] == 1
    later = client.get(ORDERS, params={"start-date": "2025-01-07"}).json()
    assert later["data"]["items"] == []
    live = client.get(
        ORDERS, params={"start-at": "2025-01-06T00:00:00Z", "status[]": "Live"}
    ).json()
    assert len(live["data"]["items"]) == 1


def test_live_orders_list_todays_orders_in_any_status(client: Client) -> None:
    filled = _place(client, fixture("docs_POST_accounts_N_orders.request.aapl-market.json"))[
        "order"
    ]
    working = _place(client, _limit("100.00"))["order"]
    body = client.get(f"{ORDERS}/live").json()
    assert sorted(o["id"] for o in body["data"]["items"]) == sorted([filled["id"], working["id"]])


def test_dry_run_previews_without_placing(client: Client) -> None:
    body = client.post(f"{ORDERS}/dry-run", json=_limit("100.00")).json()
    documented = fixture("docs_POST_accounts_N_orders_dry-run.response.json")
    assert set(body) == set(documented)
    assert set(body["data"]) == set(documented["data"])
    assert set(documented["data"]["order"]) <= set(body["data"]["order"])
    assert body["data"]["order"]["status"] == "Received"
    assert body["data"]["order"]["updated-at"] == 0
    assert body["data"]["buying-power-effect"]["change-in-buying-power-effect"] == "Debit"
    assert client.get(f"{ORDERS}/live").json()["data"]["items"] == []


def test_documented_preflight_failures(client: Client) -> None:
    credit_buy = _limit("100.00") | {"price-effect": "Credit"}
    body = error(client.post(ORDERS, json=credit_buy), 422)
    assert body == {"code": "preflight_check_failure", "message": "One or more preflight checks failed",
                    "errors": [{"code": "cant_buy_for_credit", "message": "You cannot buy for a credit."}]}  # fmt: skip
    gtc_market = fixture("docs_POST_accounts_N_orders.request.aapl-market.json") | {
        "time-in-force": "GTC"
    }
    body = error(client.post(ORDERS, json=gtc_market), 422)
    assert body["errors"] == [
        {
            "code": "gtc_market_orders_not_supported",
            "message": "GTC/GTD Market orders are not supported.",
        }
    ]
    priced_market = fixture("docs_POST_accounts_N_orders.request.aapl-market.json") | {"price": 1}
    assert error(client.post(ORDERS, json=priced_market), 400)["code"] == "validation_error"
    unknown = _limit("1.00")
    unknown["legs"][0]["symbol"] = "ZZZZZZ"
    assert error(client.post(ORDERS, json=unknown), 422)["errors"][0]["code"] == "invalid_symbol"
    broke = _limit("240.00", quantity=100000)
    assert (
        error(client.post(ORDERS, json=broke), 422)["errors"][0]["code"]
        == "insufficient_buying_power"
    )


def test_gtd_orders_carry_their_gtc_date(client: Client) -> None:
    body = fixture("docs_POST_accounts_N_orders.request.aapl-gtd.json") | {
        "gtc-date": "2025-01-10",
        "price": 100,
    }
    body["price-effect"] = "Debit"
    order = _place(client, body)["order"]
    assert order["time-in-force"] == "GTD"
    assert order["gtc-date"] == "2025-01-10"


def test_stop_orders(client: Client) -> None:
    _place(client, fixture("docs_POST_accounts_N_orders.request.aapl-market.json") | {})
    stop = fixture("docs_order_request.stop.closing-gtc.json")
    stop["legs"][0]["quantity"] = 1
    order = _place(client, stop)["order"]
    assert order["order-type"] == "Stop"
    assert order["stop-trigger"] == "105.0"
    assert "price" not in order


@pytest.mark.parametrize(
    ("name", "symbol"),
    [("docs_POST_accounts_N_orders.request.notional-amount.json", "AAPL"),
     ("docs_POST_accounts_N_orders.request.notional-crypto.json", "BTC/USD")],
)  # fmt: skip
def test_notional_market_orders_buy_fractions(client: Client, name: str, symbol: str) -> None:
    order = _place(client, fixture(name))["order"]
    assert order["order-type"] == "Notional Market"
    assert order["value"] == "10.0"
    assert order["value-effect"] == "Debit"
    assert order["status"] == "Filled"
    (leg,) = order["legs"]
    assert leg["symbol"] == symbol
    assert isinstance(leg["quantity"], str)
    assert 0 < float(leg["quantity"]) < 1


def test_fractional_quantities(client: Client) -> None:
    order = _place(client, fixture("docs_POST_accounts_N_orders.request.fractional-quantity.json"))[
        "order"
    ]
    assert order["legs"][0]["quantity"] == "0.5"


def test_short_futures_limit(client: Client) -> None:
    futures = data(client.get("/instruments/futures", params={"product-code[]": "CL"}))["items"]
    body = fixture("docs_POST_accounts_N_orders.request.short-futures-limit.json")
    body["legs"][0]["symbol"] = futures[0]["symbol"]
    order = _place(client, body)["order"]
    assert order["legs"][0]["instrument-type"] == "Future"
    assert order["legs"][0]["action"] == "Sell to Open"
    assert order["underlying-symbol"] == "/CL"
    assert order["price-effect"] == "Credit"


def test_a_credit_spread_and_an_iron_condor(client: Client) -> None:
    strikes = _chain_symbols(client)
    middle = len(strikes) // 2
    spread = fixture("docs_POST_accounts_N_orders.request.aapl-bear-call-spread.json")
    spread["legs"][0]["symbol"] = strikes[middle]["call"]
    spread["legs"][1]["symbol"] = strikes[middle + 1]["call"]
    spread["price"] = 50  # far more credit than the spread is worth: it stays working
    order = _place(client, spread)["order"]
    assert order["price"] == "50.0"
    assert order["price-effect"] == "Credit"
    assert [leg["action"] for leg in order["legs"]] == ["Sell to Open", "Buy to Open"]
    assert order["legs"][0]["symbol"] == strikes[middle]["call"]
    assert len(order["legs"][0]["symbol"]) == 21  # OCC, root padded to 6
    condor = fixture("docs_POST_accounts_N_orders.request.iron-condor.json")
    picks = [
        strikes[middle - 2]["put"],
        strikes[middle - 1]["put"],
        strikes[middle + 1]["call"],
        strikes[middle + 2]["call"],
    ]
    for leg, symbol in zip(condor["legs"], picks, strict=True):
        leg["symbol"] = symbol.replace("    ", " ")  # the docs' collapsed padding parses too
    order = _place(client, condor)["order"]
    assert order["price-effect"] == "Credit"
    assert order["size"] == 1
    assert [leg["symbol"] for leg in order["legs"]] == picks
    assert order["underlying-instrument-type"] == "Equity"


def test_an_option_position_and_its_transaction(client: Client) -> None:
    strike = _chain_symbols(client)[30]
    body = fixture("docs_POST_accounts_N_orders.request.aapl-market.json")
    body["legs"][0].update(
        {"instrument-type": "Equity Option", "symbol": strike["call"], "quantity": 2}
    )
    order = _place(client, body)["order"]
    assert order["status"] == "Filled"
    assert order["underlying-symbol"] == "AAPL"
    (position,) = data(client.get(f"/accounts/{ACCOUNT}/positions"))["items"]
    assert position["instrument-type"] == "Equity Option"
    assert position["symbol"] == strike["call"]
    assert position["multiplier"] == 100
    assert position["underlying-symbol"] == "AAPL"
    assert "expires-at" in position
    (row,) = data(client.get(f"/accounts/{ACCOUNT}/transactions"))["items"]
    assert row["instrument-type"] == "Equity Option"
    assert row["commission"] == "1.3"  # 2 contracts at the engine's 0.65


def test_a_day_order_expires_at_the_close(client: Client, engine: Engine) -> None:
    order = _place(client, _limit("100.00") | {"time-in-force": "Day"})["order"]
    engine.advance(timedelta(hours=7))
    expired = data(client.get(f"{ORDERS}/{order['id']}"))
    assert expired["status"] == "Expired"
    assert "terminal-at" in expired


def test_a_preflight_failure_leaves_no_order_behind(client: Client) -> None:
    error(client.post(ORDERS, json=_limit("240.00", quantity=100000)), 422)
    assert client.get(f"{ORDERS}/live").json()["data"]["items"] == []
