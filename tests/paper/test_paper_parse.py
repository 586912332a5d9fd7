"""paper parse functions: the documented payloads become models, and bad ones say where."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from brokerlink.adapter import OrderChanges
from brokerlink.enums import OrderStatus, TimeInForce
from brokerlink.errors import ResponseFormatError
from brokerlink.instruments import Equity, Future
from brokerlink.models import NewOrder, OrderGroup
from brokerlink.paper import parse
from brokerlink.paper.wire import paper_converter

CONV = paper_converter()

ORDER = {
    "id": "1001",
    "client_id": "bl-4f2a",
    "account": "EMU00001",
    "status": "partially_filled",
    "type": "limit",
    "time_in_force": "day",
    "quantity": "10",
    "filled_quantity": "4",
    "legs": [
        {
            "instrument": "AAPL",
            "side": "buy",
            "effect": "open",
            "quantity": "10",
            "filled_quantity": "4",
            "average_fill_price": "187.49",
        }
    ],
    "average_fill_price": "187.49",
    "limit_price": "187.50",
    "stop_price": None,
    "created_at": "2025-01-06T14:30:00Z",
    "updated_at": "2025-01-06T14:31:00Z",
}


def test_an_order_payload() -> None:
    order = parse.order_from_paper(CONV, ORDER)
    assert order.status is OrderStatus.PARTIALLY_FILLED
    assert order.remaining_quantity == 6
    assert order.limit_price == Decimal("187.50")
    assert order.instrument == Equity("AAPL")
    assert order.updated_at == datetime(2025, 1, 6, 14, 31, tzinfo=UTC)
    assert order.raw is ORDER


def test_a_bad_payload_names_the_field() -> None:
    bad = {"orders": [ORDER, {**ORDER, "legs": [{**ORDER["legs"][0], "quantity": 1.5e400}]}]}  # type: ignore[dict-item]
    with pytest.raises(ResponseFormatError) as info:
        parse.orders_from_paper(CONV, bad)
    assert info.value.path == "$.orders[1].legs[0].quantity"
    assert info.value.raw is not None
    assert info.value.broker == "paper"


def test_an_undocumented_status_is_a_format_error() -> None:
    with pytest.raises(ResponseFormatError, match="undocumented order status 'parked'") as info:
        parse.order_from_paper(CONV, {**ORDER, "status": "parked"})
    assert info.value.path == "$.status"
    assert str(info.value).count("$.status") == 1


def test_a_body_that_is_not_json() -> None:
    with pytest.raises(ResponseFormatError, match="not JSON"):
        parse.json_from_paper(b"<html>")


def test_request_bodies() -> None:
    new = NewOrder.limit("/ESH25", "sell", 2, "6000.25", time_in_force="gtc", account="EMU00001")
    body = parse.order_to_paper(CONV, new)
    assert "account" not in body  # the URL names the account
    assert body["legs"] == [
        {"instrument": "/ESH25", "side": "sell", "quantity": "2", "effect": "auto"}
    ]
    assert body["limit_price"] == "6000.25"
    assert body["time_in_force"] == "gtc"
    assert CONV.structure(body, NewOrder) == new.with_account(None)
    group = OrderGroup.oco(
        new, NewOrder.stop(Future("ES", 3, 2025), "sell", 2, "5900", account="EMU00001")
    )
    assert parse.group_to_paper(CONV, group)["kind"] == "oco"
    changes = OrderChanges(limit_price=Decimal("6001"), time_in_force=TimeInForce.DAY)
    assert parse.changes_to_paper(CONV, changes) == {"limit_price": "6001", "time_in_force": "day"}


def test_an_undocumented_order_status_fails_strict_parsing_and_is_unknown_otherwise() -> None:
    import warnings

    from brokerlink.paper.wire import PAPER_STATUSES

    converter = paper_converter()
    assert converter.structure("partially_filled", OrderStatus) is OrderStatus.PARTIALLY_FILLED
    with pytest.raises(ResponseFormatError, match="undocumented order status 'held'"):
        converter.structure("held", OrderStatus)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert PAPER_STATUSES.parse("held", strict=False) is OrderStatus.UNKNOWN
    assert len(seen) == 1
