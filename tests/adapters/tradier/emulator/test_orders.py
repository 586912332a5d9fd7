"""Trading: every order class, the order lifecycle, modify and cancel, Tradier's rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from tradier_emu import ACCOUNT, CASH_ACCOUNT, body, load_documented, place

from brokerlink._http import Client
from brokerlink.emulator import Engine

ORDERS = f"/accounts/{ACCOUNT}/orders"
DOC_ORDERS = load_documented("GET_v1_accounts_ID_orders.reconstructed.json")["orders"]["order"]
DOC_FIELDS = {key for order in DOC_ORDERS for key in order} | {"stop_price", "tag",
                                                                "reason_description", "parent_id"}  # fmt: skip


def _equity(**changes: str) -> dict[str, str]:
    form = {"class": "equity", "symbol": "AAPL", "side": "buy", "quantity": "10",
            "type": "limit", "price": "200.00", "duration": "day"}  # fmt: skip
    form.update(changes)
    return form


def _order(client: Client, order_id: object) -> dict[str, Any]:
    found: dict[str, Any] = body(client.get(f"{ORDERS}/{order_id}"))["order"]
    return found


def _calls(client: Client, count: int = 2) -> list[str]:
    expirations = body(client.get("/markets/options/expirations", params={"symbol": "AAPL"}))
    day = expirations["expirations"]["date"][2]
    chain = body(
        client.get("/markets/options/chains", params={"symbol": "AAPL", "expiration": day})
    )
    calls = [o["symbol"] for o in chain["options"]["option"] if o["option_type"] == "call"]
    middle = len(calls) // 2
    return calls[middle : middle + count]


def test_a_placement_answers_the_documented_acknowledgement(client: Client) -> None:
    documented = load_documented("POST_v1_accounts_ID_orders.response.json")["order"]
    answer = place(client, **_equity())["order"]
    assert set(answer) == set(documented)
    assert answer["status"] == "ok"
    order = _order(client, answer["id"])
    assert set(order) <= DOC_FIELDS
    assert (order["class"], order["type"], order["side"], order["status"]) == (
        "equity", "limit", "buy", "open")  # fmt: skip
    assert order["price"] == Decimal("200.00")
    assert str(order["remaining_quantity"]) == "10.00000000"


def test_a_limit_order_fills_when_the_price_comes_and_reports_the_fill(
    client: Client, engine: Engine
) -> None:
    quote = body(client.get("/markets/quotes", params={"symbols": "AAPL"}))["quotes"]["quote"]
    limit = (quote["ask"] - Decimal("0.05")).quantize(Decimal("0.01"))
    order_id = place(client, **_equity(price=str(limit)))["order"]["id"]
    for _ in range(120):
        if _order(client, order_id)["status"] == "filled":
            break
        engine.advance(timedelta(minutes=1))
    filled = _order(client, order_id)
    assert filled["status"] == "filled"
    assert filled["exec_quantity"] == 10
    assert filled["avg_fill_price"] <= limit
    assert filled["last_fill_price"] > 0
    assert filled["remaining_quantity"] == 0


def test_cancel_answers_ok_then_the_order_is_canceled(client: Client) -> None:
    documented = load_documented("DELETE_v1_accounts_ID_orders_ID.response.json")["order"]
    order_id = place(client, **_equity())["order"]["id"]
    answer = body(client.delete(f"{ORDERS}/{order_id}"))["order"]
    assert set(answer) == set(documented)
    assert answer == {"id": order_id, "status": "ok"}
    assert _order(client, order_id)["status"] == "canceled"
    again = client.delete(f"{ORDERS}/{order_id}")
    assert again.status_code == 400
    assert body(again)["errors"]["error"] == "order already in finalized state: canceled"


def test_modify_changes_the_price_and_keeps_the_id(client: Client) -> None:
    order_id = place(client, **_equity())["order"]["id"]
    answer = body(client.put(f"{ORDERS}/{order_id}", data={"type": "limit", "price": "201.00"}))
    assert answer["order"]["id"] == order_id
    assert _order(client, order_id)["price"] == Decimal("201.00")
    gtc = client.put(f"{ORDERS}/{order_id}", data={"duration": "gtc"})
    assert gtc.status_code == 200
    assert _order(client, order_id)["duration"] == "gtc"


def test_modify_refuses_a_quantity_change(client: Client) -> None:
    order_id = place(client, **_equity())["order"]["id"]
    answer = client.put(f"{ORDERS}/{order_id}", data={"quantity": "20", "price": "201.00"})
    assert answer.status_code == 400
    assert body(answer)["errors"]["error"].startswith("Invalid parameter, quantity:")
    assert _order(client, order_id)["quantity"] == 10


def test_an_option_order(client: Client) -> None:
    call = _calls(client, 1)[0]
    form = {"class": "option", "symbol": "AAPL", "option_symbol": call, "side": "buy_to_open",
            "quantity": "1", "type": "market", "duration": "day"}  # fmt: skip
    order = _order(client, place(client, **form)["order"]["id"])
    assert (order["class"], order["symbol"], order["option_symbol"]) == ("option", "AAPL", call)
    assert order["side"] == "buy_to_open"
    assert order["status"] == "filled"
    assert "price" not in order  # market orders have no price


def test_a_multileg_order_has_legs_with_their_own_ids(client: Client) -> None:
    low, high = _calls(client)
    form = {"class": "multileg", "symbol": "AAPL", "type": "debit", "price": "9.00",
            "duration": "day", "option_symbol[0]": low, "side[0]": "buy_to_open",
            "quantity[0]": "1", "option_symbol[1]": high, "side[1]": "sell_to_open",
            "quantity[1]": "1"}  # fmt: skip
    order = _order(client, place(client, **form)["order"]["id"])
    assert (order["class"], order["type"], order["num_legs"], order["strategy"]) == (
        "multileg", "debit", 2, "spread")  # fmt: skip
    legs = order["leg"]
    assert [leg["option_symbol"] for leg in legs] == [low, high]
    assert [leg["side"] for leg in legs] == ["buy_to_open", "sell_to_open"]
    assert len({leg["id"] for leg in legs} | {order["id"]}) == 3
    assert all(set(leg) <= DOC_FIELDS for leg in legs)


def test_a_combo_order_is_stock_plus_an_option(client: Client) -> None:
    call = _calls(client, 1)[0]
    form = {"class": "combo", "symbol": "AAPL", "type": "market", "duration": "day",
            "side[0]": "buy", "quantity[0]": "100", "option_symbol[1]": call,
            "side[1]": "sell_to_open", "quantity[1]": "1"}  # fmt: skip
    order = _order(client, place(client, **form)["order"]["id"])
    assert (order["class"], order["strategy"]) == ("combo", "covered call")
    assert [leg["class"] for leg in order["leg"]] == ["equity", "option"]
    assert order["leg"][0]["quantity"] == 100


@pytest.mark.parametrize("kind", ["oto", "oco", "otoco"])
def test_conditional_orders_are_one_parent_with_member_legs(client: Client, kind: str) -> None:
    form = {"class": kind, "duration": "day"}
    legs = {
        "oto": [("buy", "limit", "price", "200.00"), ("sell", "limit", "price", "300.00")],
        "oco": [("buy", "limit", "price", "200.00"), ("buy", "stop", "stop", "300.00")],
        "otoco": [("buy", "limit", "price", "200.00"), ("sell", "limit", "price", "300.00"),
                  ("sell", "stop", "stop", "150.00")],
    }[kind]  # fmt: skip
    for i, (side, kind_type, field, value) in enumerate(legs):
        form.update({f"symbol[{i}]": "AAPL", f"side[{i}]": side, f"quantity[{i}]": "5",
                     f"type[{i}]": kind_type, f"{field}[{i}]": value})  # fmt: skip
    parent_id = place(client, **form)["order"]["id"]
    order = _order(client, parent_id)
    assert order["class"] == kind
    assert order["num_legs"] == len(legs)
    assert [leg["type"] for leg in order["leg"]] == [leg[1] for leg in legs]
    assert all(leg["parent_id"] == parent_id for leg in order["leg"])
    listed = body(client.get(ORDERS))["orders"]["order"]
    assert isinstance(listed, dict)  # the group is listed once, as its parent
    assert listed["id"] == parent_id
    body(client.delete(f"{ORDERS}/{parent_id}"))
    assert _order(client, parent_id)["status"] == "canceled"


def test_preview_answers_the_documented_preview(client: Client) -> None:
    documented = load_documented("POST_v1_accounts_ID_orders.preview.response.json")["order"]
    form = {"class": "equity", "symbol": "T", "side": "buy", "quantity": "1", "type": "market",
            "duration": "day", "preview": "true"}  # fmt: skip
    preview = place(client, **form)["order"]
    assert set(preview) == set(documented)
    assert (preview["result"], preview["class"], preview["strategy"]) == (True, "equity", "equity")
    assert preview["cost"] > 0
    assert body(client.get(ORDERS)) == {"orders": "null"}  # nothing was placed


@pytest.mark.parametrize(
    ("form", "code"),
    [
        (_equity(side="sell_short", duration="gtc"), "ShortOrderIsGtc"),
        (_equity(type="market", duration="gtc"), "MarketOrderIsGtc"),
        (_equity(side="sell", type="market"), "UnexpectedSellOrder"),
        (_equity(side="buy_to_cover", type="market"), "UnexpectedBuyToCoverOrder"),
        (_equity(symbol="NOSUCH"), "SecurityUndefined"),
        (_equity(quantity="0"), "IncorrectOrderQuantity"),
    ],
)
def test_oms_rejections_come_with_http_200(client: Client, form: dict[str, str], code: str) -> None:
    answer = client.post(ORDERS, data=form)
    assert answer.status_code == 200
    message, name = body(answer)["errors"]["error"]
    assert name == code
    assert message


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({**_equity(), "class": "bond"}, "class"),
        (_equity(side="buy_to_open"), "side"),
        (_equity(type="market", duration="pre"), "duration"),
        ({k: v for k, v in _equity().items() if k != "price"}, "price"),
        (_equity(quantity="1.5"), "quantity"),
        (_equity(tag="not a tag!"), "tag"),
    ],
)
def test_malformed_forms_are_http_400(client: Client, form: dict[str, str], field: str) -> None:
    answer = client.post(ORDERS, data=form)
    assert answer.status_code == 400
    assert body(answer)["errors"]["error"].startswith(f"Invalid parameter, {field}")


def test_a_cash_account_cannot_sell_short(client: Client) -> None:
    answer = client.post(f"/accounts/{CASH_ACCOUNT}/orders", data=_equity(side="sell_short"))
    assert answer.status_code == 200
    assert body(answer)["errors"]["error"][1] == "ShortStockTradingDeniedForAccount"


def test_tags_show_with_include_tags(client: Client) -> None:
    order_id = place(client, **_equity(tag="my-strategy-1"))["order"]["id"]
    assert "tag" not in _order(client, order_id)
    tagged = body(client.get(f"{ORDERS}/{order_id}", params={"includeTags": "true"}))["order"]
    assert tagged["tag"] == "my-strategy-1"


def test_the_order_list_filters_and_pages(client: Client, engine: Engine) -> None:
    first = place(client, **_equity(type="market"))["order"]["id"]
    engine.advance(timedelta(days=1))
    second = place(client, **_equity())["order"]["id"]
    today = body(client.get(ORDERS))["orders"]["order"]
    assert today["id"] == second  # intraday: yesterday's filled order is gone
    everything = body(client.get(ORDERS, params={"filter": "all"}))["orders"]["order"]
    assert [o["id"] for o in everything] == [first, second]
    page = body(client.get(ORDERS, params={"filter": "all", "limit": "1", "page": "2"}))
    assert page["orders"]["order"]["id"] == second
    beyond = body(client.get(ORDERS, params={"filter": "all", "limit": "1", "page": "3"}))
    assert beyond == {"orders": "null"}


def test_an_unknown_order_is_not_found(client: Client) -> None:
    answer = client.get(f"{ORDERS}/424242")
    assert answer.status_code == 404
    assert body(answer) == {"errors": {"error": "Order not found"}}


def test_a_credit_spread_is_modified_with_a_positive_price(client: Client) -> None:
    low, high = _calls(client)
    form = {"class": "multileg", "symbol": "AAPL", "type": "credit", "price": "50.00",
            "duration": "day", "option_symbol[0]": low, "side[0]": "sell_to_open",
            "quantity[0]": "1", "option_symbol[1]": high, "side[1]": "buy_to_open",
            "quantity[1]": "1"}  # fmt: skip
    order_id = place(client, **form)["order"]["id"]
    order = _order(client, order_id)
    assert (order["type"], order["price"], order["status"]) == ("credit", Decimal("50.00"), "open")
    changed = client.put(f"{ORDERS}/{order_id}", data={"type": "credit", "price": "49.00"})
    assert changed.status_code == 200
    assert _order(client, order_id)["price"] == Decimal("49.00")


def test_the_session_of_a_pre_market_order_cannot_change(client: Client, engine: Engine) -> None:
    engine.advance(timedelta(hours=18, minutes=30))  # Tuesday 04:00 New York: pre-market
    order_id = place(client, **_equity(duration="pre"))["order"]["id"]
    assert _order(client, order_id)["duration"] == "pre"
    answer = client.put(f"{ORDERS}/{order_id}", data={"duration": "day", "price": "199.00"})
    assert answer.status_code == 400
    assert "session" in body(answer)["errors"]["error"]


def test_pre_market_orders_are_refused_once_the_pre_market_is_over(client: Client) -> None:
    answer = client.post(ORDERS, data=_equity(duration="pre"))  # 09:30: the regular session
    assert answer.status_code == 400
    assert body(answer)["errors"]["error"] == (
        "Invalid parameter, duration: pre market no longer available"
    )
    assert client.post(ORDERS, data=_equity(duration="post")).status_code == 200
