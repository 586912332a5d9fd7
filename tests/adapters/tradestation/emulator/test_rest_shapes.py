"""Every REST endpoint family answers in the documented shape (field names and JSON types).

Each test compares a live answer of the emulator with the documented example of that endpoint
(``examples/``): same envelope, only documented field names, numbers as strings where the
documentation has strings and as numbers where it has numbers.
"""

from __future__ import annotations

from typing import Any

from brokerlink._http import Client
from brokerlink.emulator import Engine

from .conftest import ACCOUNT, CASH_ACCOUNT, assert_shape, documented, order_body


def _ok(client: Client, method: str, path: str, **kwargs: Any) -> Any:
    response = client.request(method, path, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_accounts_match_the_documented_accounts(client: Client) -> None:
    body = _ok(client, "GET", "/brokerage/accounts")
    assert_shape(body, documented("GET_brokerage_accounts.json"))
    assert [(a["AccountID"], a["AccountType"]) for a in body["Accounts"]] == [
        (ACCOUNT, "Margin"),
        (CASH_ACCOUNT, "Cash"),
    ]


def test_balances_and_bod_balances_match_the_documented_ones(client: Client) -> None:
    client.post("/orderexecution/orders", json=order_body())
    example = documented("GET_brokerage_accounts_balances.json")
    # The schema's BalanceDetail also has UnsettledFunds (a cash account's), absent from the example.
    example["Balances"][0]["BalanceDetail"]["UnsettledFunds"] = "0"
    body = _ok(client, "GET", f"/brokerage/accounts/{ACCOUNT},{CASH_ACCOUNT}/balances")
    assert_shape(body, example)
    margin = body["Balances"][0]
    assert margin["MarketValue"] != "0"
    assert body["Errors"] == []
    bod = _ok(client, "GET", f"/brokerage/accounts/{ACCOUNT},{CASH_ACCOUNT}/bodbalances")
    assert_shape(bod, documented("GET_brokerage_accounts_bodbalances.json"))
    assert [b["AccountID"] for b in bod["BODBalances"]] == [ACCOUNT, CASH_ACCOUNT]


def test_positions_match_the_documented_position(client: Client) -> None:
    client.post("/orderexecution/orders", json=order_body())
    client.post("/orderexecution/orders", json=order_body(Symbol="AAPL", Quantity="5"))
    body = _ok(client, "GET", f"/brokerage/accounts/{ACCOUNT}/positions")
    assert_shape(body, documented("GET_brokerage_accounts_positions.json"))
    assert sorted((p["Symbol"], p["Quantity"], p["LongShort"]) for p in body["Positions"]) == [
        ("AAPL", "5", "Long"),
        ("MSFT", "10", "Long"),
    ]
    filtered = _ok(
        client, "GET", f"/brokerage/accounts/{ACCOUNT}/positions", params={"symbol": "MS*"}
    )
    assert [p["Symbol"] for p in filtered["Positions"]] == ["MSFT"]


def test_orders_and_historical_orders_match_the_documented_orders(client: Client) -> None:
    client.post("/orderexecution/orders", json=order_body())
    limit = order_body(OrderType="Limit", LimitPrice="300", TimeInForce={"Duration": "GTC"})
    client.post("/orderexecution/orders", json=limit)
    body = _ok(client, "GET", f"/brokerage/accounts/{ACCOUNT}/orders")
    assert_shape(body, documented("GET_brokerage_accounts_orders.json"))
    assert [(o["OrderID"], o["Status"]) for o in body["Orders"]] == [
        ("1002", "ACK"),
        ("1001", "FLL"),
    ]
    history = _ok(
        client,
        "GET",
        f"/brokerage/accounts/{ACCOUNT}/historicalorders",
        params={"since": "2025-01-01"},
    )
    assert_shape(history, documented("GET_brokerage_accounts_historicalorders.json"))
    assert [o["OrderID"] for o in history["Orders"]] == ["1001"]  # open orders are excluded


def test_order_execution_answers_match_the_documented_answers(client: Client) -> None:
    confirm = _ok(client, "POST", "/orderexecution/orderconfirm", json=order_body())
    assert_shape(confirm, documented("POST_orderexecution_orderconfirm.response.json"))
    placed = _ok(client, "POST", "/orderexecution/orders", json=order_body())
    assert_shape(placed, documented("POST_orderexecution_orders.response.json"))
    assert placed["Orders"] == [{"Message": "Sent order: Buy 10 MSFT @ Market", "OrderID": "1001"}]
    limit = order_body(OrderType="Limit", LimitPrice="300", TimeInForce={"Duration": "GTC"})
    order_id = _ok(client, "POST", "/orderexecution/orders", json=limit)["Orders"][0]["OrderID"]
    replaced = _ok(client, "PUT", f"/orderexecution/orders/{order_id}", json={"LimitPrice": "301"})
    assert_shape(replaced, documented("PUT_orderexecution_orders.response.json"))
    canceled = _ok(client, "DELETE", f"/orderexecution/orders/{order_id}")
    assert_shape(canceled, documented("DELETE_orderexecution_orders.json"))
    assert canceled == {"Message": "Cancel request sent", "OrderID": order_id}
    routes = _ok(client, "GET", "/orderexecution/routes")
    assert_shape(routes, documented("GET_orderexecution_routes.json"))
    triggers = _ok(client, "GET", "/orderexecution/activationtriggers")
    example = documented("GET_orderexecution_activationtriggers.json")
    assert_shape(triggers, example)
    assert [t["Key"] for t in triggers["ActivationTriggers"]] == [
        t["Key"] for t in example["ActivationTriggers"]
    ]


def test_bars_match_the_documented_bars(client: Client, engine: Engine) -> None:
    daily = _ok(client, "GET", "/marketdata/barcharts/MSFT", params={"barsback": "5"})
    assert_shape(daily, documented("GET_marketdata_barcharts.json"))
    stamps = [b["TimeStamp"] for b in daily["Bars"]]
    # Daily bars are stamped at the session close in UTC, like the documented 21:00:00Z.
    assert all(s.endswith("T21:00:00Z") for s in stamps[:-1])
    assert [b["IsEndOfHistory"] for b in daily["Bars"]] == [False] * 4 + [True]
    minutes = _ok(
        client, "GET", "/marketdata/barcharts/MSFT",
        params={"unit": "Minute", "interval": "5", "barsback": "3"},
    )  # fmt: skip
    ends = [b["TimeStamp"] for b in minutes["Bars"]]
    # Intraday bars carry the end of their interval: the last regular bar on Friday ends 21:00.
    assert ends == ["2025-01-03T20:50:00Z", "2025-01-03T20:55:00Z", "2025-01-03T21:00:00Z"]
    assert all(b["Epoch"] > 0 and isinstance(b["UpTicks"], int) for b in minutes["Bars"])


def test_quotes_symbols_and_lists_match_the_documented_ones(client: Client) -> None:
    quotes = _ok(client, "GET", "/marketdata/quotes/MSFT,@ES,$SPX.X")
    assert_shape(quotes, documented("GET_marketdata_quotes.Partial-Success.json"))
    assert [q["Symbol"] for q in quotes["Quotes"]] == ["MSFT", "@ES", "$SPX.X"]
    assert "Errors" not in quotes
    symbols = _ok(client, "GET", "/marketdata/symbols/MSFT,@ES")
    assert_shape(symbols, documented("GET_marketdata_symbols.json"))
    continuous = symbols["Symbols"][1]
    assert (continuous["Symbol"], continuous["Underlying"], continuous["AssetType"]) == (
        "@ES", "ESH25", "FUTURE",
    )  # fmt: skip
    pairs = _ok(client, "GET", "/marketdata/symbollists/cryptopairs/symbolnames")
    assert_shape(pairs, documented("GET_marketdata_symbollists_cryptopairs_symbolnames.json"))
    assert pairs["SymbolNames"] == ["BTCUSD", "ETHUSD"]


def test_option_endpoints_match_the_documented_ones(client: Client) -> None:
    expirations = _ok(client, "GET", "/marketdata/options/expirations/MSFT")
    assert_shape(expirations, documented("GET_marketdata_options_expirations.json"))
    types = {e["Date"]: e["Type"] for e in expirations["Expirations"]}
    assert types["2025-01-17T00:00:00Z"] == "Monthly"
    assert types["2025-01-10T00:00:00Z"] == "Weekly"
    strikes = _ok(
        client, "GET", "/marketdata/options/strikes/MSFT", params={"spreadType": "Butterfly"}
    )
    assert_shape(strikes, documented("GET_marketdata_options_strikes.json"))
    assert all(len(row) == 3 for row in strikes["Strikes"])
    spread_types = _ok(client, "GET", "/marketdata/options/spreadtypes")
    assert spread_types == documented("GET_marketdata_options_spreadtypes.json")
    request = documented("POST_marketdata_options_riskreward.request.json")
    for leg in request["Legs"]:
        leg["Symbol"] = leg["Symbol"].replace("211217", "250117")
    analysis = _ok(client, "POST", "/marketdata/options/riskreward", json=request)
    assert_shape(analysis, documented("POST_marketdata_options_riskreward.response.json"))
    # Long 150 / short 152.5 / short 155 / long 157.5 calls for 0.24: a condor.
    assert analysis["AdjustedMaxGain"] == "226"
    assert analysis["AdjustedMaxLoss"] == "-24"
    assert analysis["BreakevenPoints"] == ["150.24", "157.26"]
    assert analysis["MaxGainIsInfinite"] is False


def test_historical_orders_by_id_and_wildcards(client: Client) -> None:
    client.post("/orderexecution/orders", json=order_body())
    path = f"/brokerage/accounts/{ACCOUNT}/historicalorders/1001,1002"
    body = _ok(client, "GET", path, params={"since": "2025-01-06"})
    assert [o["OrderID"] for o in body["Orders"]] == ["1001"]
    assert [(e["OrderID"], e["Error"]) for e in body["Errors"]] == [("1002", "NotFound")]
    positions = f"/brokerage/accounts/{ACCOUNT}/positions"
    assert _ok(client, "GET", positions, params={"symbol": "MSF**"})["Positions"] == []
    assert len(_ok(client, "GET", positions, params={"symbol": "AAPL,M*T"})["Positions"]) == 1
