"""The futures roll helper over the sync facade, against scripted TradeStation answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from brokerlink_tradestation.roll import roll_position
from tskit import json_reply

import brokerlink as bl
from brokerlink import _http

DETAILS = {"Symbols": [{"AssetType": "FUTURE", "Symbol": "@TY", "Root": "TY", "Underlying": "TYH26",
                        "PriceFormat": {"Increment": "0.015625", "PointValue": "1000"}}], "Errors": []}  # fmt: skip
HELD = {"AccountID": "123456781", "AssetType": "FUTURE", "Symbol": "TYZ25", "Quantity": "-3",
        "LongShort": "Short", "AveragePrice": "112.5", "PositionID": "1"}  # fmt: skip


def _order(order_id: str, symbol: str, action: str) -> dict[str, Any]:
    return {"AccountID": "123456781", "Duration": "DAY", "OrderID": order_id, "OrderType": "Market",
            "OpenedDateTime": "2026-11-20T15:00:00Z", "Status": "FLL",
            "Legs": [{"AssetType": "FUTURE", "BuyOrSell": action, "ExecQuantity": "3",
                      "QuantityOrdered": "3", "Symbol": symbol}]}  # fmt: skip


class Broker:
    """TradeStation answering by path; every request recorded."""

    def __init__(self, positions: list[dict[str, Any]]) -> None:
        self.positions = positions
        self.sent: list[_http.Request] = []

    def __call__(self, request: _http.Request) -> _http.Response:
        self.sent.append(request)
        path = request.url.path
        if path.startswith("/v3/marketdata/symbols/"):
            return json_reply(200, DETAILS)
        if path.endswith("/positions"):
            return json_reply(200, {"Positions": self.positions, "Errors": []})
        if request.method == "POST":
            new_id = str(500 + len(self.sent))
            return json_reply(200, {"Orders": [{"Message": "Sent", "OrderID": new_id}]})
        order_id = path.rsplit("/", 1)[1]
        symbol, action = ("TYZ25", "BuyToCover") if order_id == "503" else ("TYH26", "SellShort")
        return json_reply(200, {"Orders": [_order(order_id, symbol, action)], "Errors": []})


def _connect(answers: Broker) -> bl.Broker:
    return bl.connect(
        "tradestation:sim",
        auth=bl.StaticToken("t"),
        transport=_http.MockTransport(answers),
        account="123456781",
    )


def test_a_dry_run_reports_the_orders_and_sends_none() -> None:
    answers = Broker([HELD])
    with _connect(answers) as broker:
        report = roll_position(broker, "ZN")
    assert report.dry_run
    assert not report.placed
    assert str(report.front) == "/ZNH26"
    close, open_ = report.orders
    assert (str(close.instrument), close.side, close.quantity) == ("/ZNZ25", bl.BUY, Decimal(3))
    assert (str(open_.instrument), open_.side, open_.quantity) == ("/ZNH26", bl.SELL, Decimal(3))
    assert all(r.method == "GET" for r in answers.sent)
    assert "would roll -3 /ZNZ25 -> /ZNH26" in report.summary()


def test_a_real_roll_closes_first_then_opens() -> None:
    answers = Broker([HELD])
    with _connect(answers) as broker:
        report = roll_position(broker, "@TY", dry_run=False)
    posts = [r for r in answers.sent if r.method == "POST"]
    assert [p.read().count(b'"TYZ25"') for p in posts] == [1, 0]
    assert b'"BUY"' in posts[0].content
    assert b'"SELL"' in posts[1].content
    assert report.rolled
    assert [o.id for o in report.placed] == ["503", "505"]


def test_nothing_to_roll_and_ambiguous_holdings() -> None:
    with _connect(Broker([])) as broker:
        assert roll_position(broker, "ZN").held is None
    other = {**HELD, "Symbol": "TYU25", "PositionID": "2"}
    with (
        _connect(Broker([HELD, other])) as broker,
        pytest.raises(bl.InvalidOrderError, match="several"),
    ):
        roll_position(broker, "ZN")
