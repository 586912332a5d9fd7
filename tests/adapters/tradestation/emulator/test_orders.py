"""Order lifecycle, groups, options and the request vocabulary, through the raw REST API.

Requests are the documented ones (``examples/POST_orderexecution_*.request.*.json``) with the
emulator's account and listed symbols put in; answers are checked against the documented
response vocabulary (``Status`` codes, ``Duration`` like ``DAY+``, leg ``BuyOrSell``,
``AdvancedOptions`` as a string).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from brokerlink._http import Client
from brokerlink.emulator import Engine

from .conftest import ACCOUNT, documented, order_body


def _place(client: Client, body: dict[str, Any], path: str = "/orderexecution/orders") -> Any:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _order(client: Client, order_id: str) -> dict[str, Any]:
    found = client.get(f"/brokerage/accounts/{ACCOUNT}/orders/{order_id}").json()
    assert found["Errors"] == [], found
    order: dict[str, Any] = found["Orders"][0]
    return order


def _example(name: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = documented(name)
    body["AccountID"] = ACCOUNT
    body.update(changes)
    return body


def test_a_market_order_fills_at_once(client: Client) -> None:
    placed = _place(client, _example("POST_orderexecution_orderconfirm.request.Market-Order.json"))
    order = _order(client, placed["Orders"][0]["OrderID"])
    assert (order["Status"], order["StatusDescription"]) == ("FLL", "Filled")
    assert order["Legs"][0]["BuyOrSell"] == "Buy"
    assert order["Legs"][0]["ExecQuantity"] == "10"
    assert order["FilledPrice"] == order["Legs"][0]["ExecutionPrice"]
    assert "ClosedDateTime" in order


def test_a_limit_order_works_is_replaced_in_place_and_canceled(client: Client) -> None:
    body = _example("POST_orderexecution_orderconfirm.request.Limit-Order.json", LimitPrice="400")
    order_id = _place(client, body)["Orders"][0]["OrderID"]
    assert _order(client, order_id)["Status"] == "ACK"
    replace = documented("PUT_orderexecution_orders.request.Limit-Order.json")
    replace["LimitPrice"] = "401.5"
    answer = client.put(f"/orderexecution/orders/{order_id}", json=replace).json()
    assert answer == {"Message": "Cancel/Replace order sent.", "OrderID": order_id}
    assert _order(client, order_id)["LimitPrice"] == "401.5"
    client.delete(f"/orderexecution/orders/{order_id}")
    canceled = _order(client, order_id)
    assert (canceled["Status"], canceled["StatusDescription"]) == ("OUT", "UROut")
    again = client.delete(f"/orderexecution/orders/{order_id}")
    assert (again.status_code, again.json()) == (
        400,
        {"Error": "BadRequest", "Message": "Not an open order."},
    )


def test_a_resting_order_fills_when_the_price_comes(client: Client, engine: Engine) -> None:
    quote = client.get("/marketdata/quotes/MSFT").json()["Quotes"][0]
    limit = str(round(float(quote["Ask"])) - 2)
    body = order_body(OrderType="Limit", LimitPrice=limit, TimeInForce={"Duration": "GTC"})
    order_id = _place(client, body)["Orders"][0]["OrderID"]
    for _ in range(40):
        if _order(client, order_id)["Status"] == "FLL":
            break
        engine.advance(timedelta(minutes=30))
    assert _order(client, order_id)["Status"] == "FLL"


def test_convert_to_market_fills_the_remainder(client: Client) -> None:
    body = order_body(OrderType="Limit", LimitPrice="300", TimeInForce={"Duration": "GTC"})
    order_id = _place(client, body)["Orders"][0]["OrderID"]
    convert = documented("PUT_orderexecution_orders.request.Convert-to-Market.json")
    answer = client.put(f"/orderexecution/orders/{order_id}", json=convert).json()
    assert _order(client, order_id)["Status"] == "OUT"
    assert _order(client, answer["OrderID"])["Status"] == "FLL"


def test_response_vocabulary_for_durations_and_sides(client: Client) -> None:
    _place(client, order_body())
    extended = order_body(OrderType="Limit", LimitPrice="300", TimeInForce={"Duration": "DYP"})
    short = order_body(Symbol="AAPL", TradeAction="SELLSHORT", Quantity="5", OrderType="Limit",
                       LimitPrice="900", TimeInForce={"Duration": "GTC"})  # fmt: skip
    ext_id = _place(client, extended)["Orders"][0]["OrderID"]
    short_id = _place(client, short)["Orders"][0]["OrderID"]
    assert _order(client, ext_id)["Duration"] == "DAY+"
    shorted = _order(client, short_id)
    assert shorted["Legs"][0]["BuyOrSell"] == "SellShort"
    assert shorted["Legs"][0]["OpenOrClose"] == "Open"
    stop = order_body(TradeAction="SELL", OrderType="StopMarket", StopPrice="350",
                      TimeInForce={"Duration": "GTC"})  # fmt: skip
    stop_order = _order(client, _place(client, stop)["Orders"][0]["OrderID"])
    assert stop_order["AdvancedOptions"] == "STPTRG=STT;"
    assert stop_order["OrderType"] == "StopMarket"
    assert stop_order["Legs"][0]["OpenOrClose"] == "Close"


def test_trailing_stop_and_option_spread_with_a_negative_credit(client: Client) -> None:
    _place(client, order_body())
    trail = order_body(TradeAction="SELL", OrderType="StopMarket", TimeInForce={"Duration": "GTC"},
                       AdvancedOptions={"TrailingStop": {"Percent": "5.0"}})  # fmt: skip
    trailing = _order(client, _place(client, trail)["Orders"][0]["OrderID"])
    assert trailing["TrailingStop"] == {"Percent": "5"}
    assert trailing["AdvancedOptions"] == "STPTRG=STT;TRL=5%;"
    spread = _example(
        "POST_orderexecution_orderconfirm.request.Vertical-Option-Spread.json",
        LimitPrice="-1.00",
        Legs=[
            {"Symbol": "MSFT 250117C430", "TradeAction": "SELLTOOPEN", "Quantity": "1"},
            {"Symbol": "MSFT250117C440", "TradeAction": "BUYTOOPEN", "Quantity": "1"},
        ],
    )
    placed = _place(client, spread)
    assert placed["Errors"] == [], placed
    assert placed["Orders"][0]["Message"] == (
        "Sent order: Sell 1 MSFT 250117C430 / Buy 1 MSFT 250117C440 @ -1.00 Limit"
    )
    order = _order(client, placed["Orders"][0]["OrderID"])
    assert order["LimitPrice"] == "-1"
    assert [(leg["Symbol"], leg["BuyOrSell"], leg["OpenOrClose"], leg["OptionType"])
            for leg in order["Legs"]] == [
        ("MSFT 250117C430", "Sell", "Open", "CALL"), ("MSFT 250117C440", "Buy", "Open", "CALL"),
    ]  # fmt: skip


def test_oco_group_one_fill_cancels_the_other(client: Client) -> None:
    _place(client, order_body(Quantity="20"))
    group = {"Type": "OCO", "Orders": [
        order_body(TradeAction="SELL", OrderType="Limit", LimitPrice="300",
                   TimeInForce={"Duration": "GTC"}),
        order_body(TradeAction="SELL", OrderType="StopMarket", StopPrice="200",
                   TimeInForce={"Duration": "GTC"}),
    ]}  # fmt: skip
    placed = _place(client, group, "/orderexecution/ordergroups")
    first, second = (o["OrderID"] for o in placed["Orders"])
    assert placed["Orders"][0]["Message"] == "Sent order: Sell 10 MSFT @ 300.00 Limit"
    limit = _order(client, first)
    assert limit["Status"] == "FLL"  # a sell limit far below the market fills at once
    stop = _order(client, second)
    assert stop["Status"] == "OUT"
    assert stop["ConditionalOrders"] == [{"Relationship": "OCO", "OrderID": first}]
    assert stop["GroupName"].startswith("OCO ")
    assert stop["AdvancedOptions"].endswith(f"OCA={stop['GroupName'].split()[1]};")


def test_bracket_via_osos_holds_the_exits_until_the_entry_fills(client: Client) -> None:
    body = _example(
        "POST_orderexecution_orderconfirm.request.Long-Entry-with-Exit-Bracket-1-Limit-and-1-Stop.json",
        LimitPrice="250.00", TimeInForce={"Duration": "GTC"},
    )  # fmt: skip
    for child in body["OSOs"][0]["Orders"]:
        child["AccountID"] = ACCOUNT
    placed = _place(client, body)
    assert placed["Errors"] == [], placed
    entry, target, stop = (o["OrderID"] for o in placed["Orders"])
    assert _order(client, entry)["Status"] == "ACK"
    held = _order(client, target)
    assert (held["Status"], held["StatusDescription"]) == ("OSO", "OSO Order")
    relations = {c["Relationship"] for c in held["ConditionalOrders"]}
    assert relations == {"OSP", "BRK"}
    parent = _order(client, entry)
    assert {c["Relationship"] for c in parent["ConditionalOrders"]} == {"OSO"}
    assert _order(client, stop)["TrailingStop"] == {"Percent": "5"}


def test_group_confirm_and_normal_groups(client: Client) -> None:
    group = documented(
        "POST_orderexecution_ordergroupconfirm.request.OCO-Breakout-Entry-Stocks.json"
    )
    for order in group["Orders"]:
        order["AccountID"] = ACCOUNT
        order["StopPrice"] = "500" if order["TradeAction"] == "Buy" else "300"
    confirmed = client.post("/orderexecution/ordergroupconfirm", json=group)
    assert confirmed.status_code == 200, confirmed.text
    assert [c["SummaryMessage"] for c in confirmed.json()["Confirmations"]] == [
        "Buy 10 MSFT @ 500.00 Stop Market", "SellShort 10 MSFT @ 300.00 Stop Market",
    ]  # fmt: skip
    normal = {"Type": "NORMAL", "Orders": [order_body(), order_body(Symbol="NOPE")]}
    answer = _place(client, normal, "/orderexecution/ordergroups")
    assert [o["OrderID"] for o in answer["Orders"]] == ["1001"]
    assert answer["Errors"][0]["Error"] == "FAILED"
    assert "INVALID SYMBOL" in answer["Errors"][0]["Message"]


def test_ids_and_paging(client: Client) -> None:
    for _ in range(3):
        _place(client, order_body(Quantity="1"))
    page = client.get(f"/brokerage/accounts/{ACCOUNT}/orders", params={"pageSize": "2"}).json()
    assert [o["OrderID"] for o in page["Orders"]] == ["1003", "1002"]
    rest = client.get(
        f"/brokerage/accounts/{ACCOUNT}/orders",
        params={"pageSize": "2", "nextToken": page["NextToken"]},
    ).json()
    assert [o["OrderID"] for o in rest["Orders"]] == ["1001"]
    assert "NextToken" not in rest
    both = client.get(f"/brokerage/accounts/{ACCOUNT}/orders/1001,1003").json()
    assert [o["OrderID"] for o in both["Orders"]] == ["1001", "1003"]


def test_replace_a_trailing_stop_distance(client: Client) -> None:
    _place(client, order_body())
    trail = order_body(TradeAction="SELL", OrderType="StopMarket", TimeInForce={"Duration": "GTC"},
                       AdvancedOptions={"TrailingStop": {"Percent": "5.0"}})  # fmt: skip
    order_id = _place(client, trail)["Orders"][0]["OrderID"]
    amount = documented("PUT_orderexecution_orders.request.Trailing-Stop-Amount.json")
    answer = client.put(f"/orderexecution/orders/{order_id}", json=amount)
    assert answer.status_code == 200, answer.text
    order = _order(client, order_id)
    assert order["TrailingStop"] == {"Amount": "2.11"}
    assert order["AdvancedOptions"] == "STPTRG=STT;TRL=2.11;"
    percent = documented("PUT_orderexecution_orders.request.Trailing-Stop-Percent.json")
    client.put(f"/orderexecution/orders/{order_id}", json=percent)
    assert _order(client, order_id)["TrailingStop"] == {"Percent": "5"}
    stop = documented("PUT_orderexecution_orders.request.Stop-Market-Order.json")
    plain = _place(client, order_body(TradeAction="SELL", OrderType="StopMarket", Quantity="1",
                                      StopPrice="350", TimeInForce={"Duration": "GTC"}))  # fmt: skip
    plain_id = plain["Orders"][0]["OrderID"]
    assert client.put(f"/orderexecution/orders/{plain_id}", json=stop).status_code == 200
    assert _order(client, plain_id)["StopPrice"] == "50.6"


def test_advanced_options_come_back_as_a_code_string(client: Client) -> None:
    body = order_body(OrderType="Limit", LimitPrice="300", TimeInForce={"Duration": "GTC"},
                      AdvancedOptions={"AllOrNone": True, "ShowOnlyQuantity": "5"})  # fmt: skip
    order = _order(client, _place(client, body)["Orders"][0]["OrderID"])
    assert order["AdvancedOptions"] == "AON;SHWQTY=5;"
    gtd = order_body(OrderType="Limit", LimitPrice="300",
                     TimeInForce={"Duration": "GTD", "Expiration": "2025-01-10T00:00:00Z"})  # fmt: skip
    dated = _order(client, _place(client, gtd)["Orders"][0]["OrderID"])
    assert (dated["Duration"], dated["GoodTillDate"]) == ("GTD", "2025-01-10T00:00:00Z")
    minutes = order_body(OrderType="Limit", LimitPrice="300", TimeInForce={"Duration": "3"})
    assert _order(client, _place(client, minutes)["Orders"][0]["OrderID"])["Duration"] == "3 min"
