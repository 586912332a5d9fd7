"""Errors in TradeStation's shapes: ``{"Error", "Message"}`` with an HTTP status for malformed
requests, HTTP 200 with an ``Errors`` array for partial success and refused orders."""

from __future__ import annotations

import pytest

from brokerlink._http import Client
from brokerlink.emulator import Engine, HttpError
from brokerlink.emulator.http import EmulatorTransport

from .conftest import ACCOUNT, BASE, CASH_ACCOUNT, documented, order_body


def _error(client: Client, method: str, path: str, status: int, **kwargs: object) -> str:
    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"Error", "Message"}
    message: str = body["Message"]
    return message


def test_a_missing_bearer_token_is_a_401(transport: EmulatorTransport) -> None:
    with Client(transport=transport, base_url=BASE + "/v3") as anonymous:
        response = anonymous.get("/brokerage/accounts")
        assert response.status_code == 401
        assert response.json()["Error"] == "Unauthorized"
        basic = anonymous.get("/brokerage/accounts", headers={"Authorization": "Basic abc"})
        assert basic.status_code == 401


def test_malformed_requests_are_400s(client: Client) -> None:
    assert "JSON" in _error(client, "POST", "/orderexecution/orders", 400, content=b"{nope")
    body = order_body()
    del body["TradeAction"]
    assert "TradeAction" in _error(client, "POST", "/orderexecution/orders", 400, json=body)
    bad_type = order_body(OrderType="Sometimes")
    assert "OrderType" in _error(client, "POST", "/orderexecution/orders", 400, json=bad_type)
    rules = documented("POST_orderexecution_orderconfirm.request.Market-Activation-Rules.json")
    rules["AccountID"] = ACCOUNT
    assert "activation" in _error(client, "POST", "/orderexecution/orders", 400, json=rules)
    assert (
        _error(client, "DELETE", "/orderexecution/orders/1-2345-6789", 400) == "Invalid order ID."
    )
    assert _error(client, "DELETE", "/orderexecution/orders/424242", 404) == "Invalid order ID."
    _error(client, "GET", "/brokerage/nothing-here", 404)


def test_an_unknown_account_is_forbidden(client: Client) -> None:
    message = _error(client, "POST", "/orderexecution/orders", 403, json=order_body(AccountID="X1"))
    assert message == "Invalid Account ID."
    partial = client.get("/brokerage/accounts/X1/positions").json()
    assert partial == {
        "Positions": [],
        "Errors": [{"AccountID": "X1", "Error": "Forbidden", "Message": "Invalid Account ID."}],
    }


def test_refused_orders_come_back_in_errors_with_http_200(client: Client) -> None:
    huge = order_body(AccountID=CASH_ACCOUNT, Quantity="1000")
    response = client.post("/orderexecution/orders", json=huge)
    assert response.status_code == 200
    body = response.json()
    assert body["Orders"] == []
    [error] = body["Errors"]
    assert error["Error"] == "FAILED"
    assert error["Message"].startswith("Order failed. Reason: ")
    rejected = client.get(f"/brokerage/accounts/{CASH_ACCOUNT}/orders/{error['OrderID']}").json()
    assert rejected["Orders"][0]["Status"] == "REJ"


@pytest.mark.parametrize(
    ("symbol", "words"),
    [("@ES", "continuous contract"), ("BTCUSD", "data only"), ("NOPE", "INVALID SYMBOL")],
)
def test_untradable_symbols_are_refused_in_errors(client: Client, symbol: str, words: str) -> None:
    body = client.post(
        "/orderexecution/orders", json=order_body(Symbol=symbol, Quantity="1")
    ).json()
    assert body["Orders"] == []
    assert words in body["Errors"][0]["Message"]


def test_a_reused_order_confirm_id_is_refused(client: Client) -> None:
    first = client.post("/orderexecution/orders", json=order_body(OrderConfirmID="abc123")).json()
    assert first["Errors"] == []
    second = client.post("/orderexecution/orders", json=order_body(OrderConfirmID="abc123")).json()
    assert second["Orders"] == []
    assert "abc123" in second["Errors"][0]["Message"]


def test_unknown_quote_symbols_are_partial_success(client: Client) -> None:
    only_bad = client.get("/marketdata/quotes/INVALID")
    assert only_bad.status_code == 200
    assert only_bad.json() == documented("GET_marketdata_quotes.Errors.json")
    mixed = client.get("/marketdata/quotes/MSFT,INVALID").json()
    assert [q["Symbol"] for q in mixed["Quotes"]] == ["MSFT"]
    assert mixed["Errors"] == documented("GET_marketdata_quotes.Errors.json")["Errors"]
    details = client.get("/marketdata/symbols/MSFT,INVALID").json()
    assert [e["Symbol"] for e in details["Errors"]] == ["INVALID"]


def test_request_limits(client: Client) -> None:
    many = ",".join(f"S{i}" for i in range(101))
    _error(client, "GET", f"/marketdata/quotes/{many}", 400)
    _error(client, "GET", "/marketdata/symbols/" + ",".join(f"S{i}" for i in range(51)), 400)
    accounts = ",".join(f"A{i}" for i in range(26))
    _error(client, "GET", f"/brokerage/accounts/{accounts}/balances", 400)
    ids = ",".join(str(1000 + i) for i in range(51))
    _error(client, "GET", f"/brokerage/accounts/{ACCOUNT}/orders/{ids}", 400)


def test_bar_parameters_follow_the_spec(client: Client) -> None:
    path = "/marketdata/barcharts/MSFT"
    too_many = _error(client, "GET", path, 400, params={"unit": "Minute", "barsback": "57601"})
    assert "57,600" in too_many
    long_range = {"unit": "Minute", "firstdate": "2024-01-01", "lastdate": "2025-01-03"}
    assert "57,600" in _error(client, "GET", path, 400, params=long_range)
    both = {"barsback": "5", "firstdate": "2024-12-01"}
    assert "mutually exclusive" in _error(client, "GET", path, 400, params=both)
    _error(client, "GET", path, 400, params={"unit": "Daily", "interval": "5"})
    _error(client, "GET", path, 400, params={"unit": "Minute", "interval": "1441"})
    _error(client, "GET", path, 400, params={"sessiontemplate": "Sometimes"})
    daily = client.get(path, params={"unit": "Daily", "barsback": "60000"})
    assert daily.status_code == 200  # no limit on daily bars


def test_historical_orders_need_a_recent_since(client: Client) -> None:
    path = f"/brokerage/accounts/{ACCOUNT}/historicalorders"
    assert "since" in _error(client, "GET", path, 400)
    assert "90 days" in _error(client, "GET", path, 400, params={"since": "2024-01-01"})
    for form in ("2025-01-01", "01-01-2025", "2025/01/01", "01/01/2025"):
        assert client.get(path, params={"since": form}).status_code == 200


def test_injected_rate_limits_answer_the_documented_body(client: Client, engine: Engine) -> None:
    engine.faults.add(HttpError(status=429, retry_after=2), match="/quotes")
    response = client.get("/marketdata/quotes/MSFT")
    assert response.status_code == 429
    assert response.json() == documented("error.429.TooManyRequests.json")
    assert response.headers["retry-after"] == "2"
