"""Every kind of order request we build validates against the spec's request schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from brokerlink_tradestation.requests import neutral_group_to_ts, order_to_ts
from tskit import validate_request as _validate

import brokerlink as bl
from brokerlink.models import Leg, NewOrder, OrderGroup

ORDERS = {
    "gtd with expiration": NewOrder.limit(
        "MSFT",
        bl.BUY,
        5,
        "401.25",
        time_in_force="gtd",
        expires_at=datetime(2026, 12, 31, tzinfo=UTC),
    ),
    "day plus": NewOrder.limit("MSFT", bl.SELL, 5, "420", time_in_force="day_ext"),
    "gtc plus": NewOrder.stop("MSFT", bl.SELL, 5, "380", time_in_force="gtc_ext"),
    "on close": NewOrder.market("MSFT", bl.BUY, 5, time_in_force="cls"),
    "short sale": NewOrder.market("MSFT", bl.SELL, 5, effect="open"),
    "cover": NewOrder.market("MSFT", bl.BUY, 5, effect="close"),
    "trailing amount": NewOrder.trailing_stop("MSFT", bl.SELL, 5, trail_amount="2.50"),
    "future": NewOrder.limit("/ZNZ25", bl.BUY, 2, "112.515625"),
    "future option": NewOrder.limit("./ESZ25 ESZ25 251219C6000", bl.BUY, 1, "25.5", effect="open"),
    "option close": NewOrder.limit("MSFT  261218C00300000", bl.SELL, 1, "3.10", effect="close"),
    "credit spread": NewOrder.multi_leg(
        [Leg.sell("SPY   251219P00600000", 1, "open"), Leg.buy("SPY   251219P00590000", 1, "open")],
        "limit",
        limit_price="-1.25",
    ),
}


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_single_orders_validate(name: str) -> None:
    body = order_to_ts(ORDERS[name], "123456782")
    _validate(body, "OrderRequest")


def test_gtd_carries_its_expiration_and_durations_use_request_codes() -> None:
    assert order_to_ts(ORDERS["gtd with expiration"], "1")["TimeInForce"] == {
        "Duration": "GTD", "Expiration": "2026-12-31T00:00:00Z",
    }  # fmt: skip
    codes = {
        n: order_to_ts(ORDERS[n], "1")["TimeInForce"]["Duration"]
        for n in ("day plus", "gtc plus", "on close")
    }
    assert codes == {"day plus": "DYP", "gtc plus": "GCP", "on close": "CLO"}
    assert "Route" not in order_to_ts(ORDERS["future"], "1")  # routes are for stocks and options


GROUPS: dict[str, Any] = {
    "oco": OrderGroup.oco(
        NewOrder.stop("MSFT", bl.BUY, 1, "430"),
        NewOrder.stop("MSFT", bl.SELL, 1, "400", effect="open"),
    ),
    "oto": OrderGroup.oto(
        NewOrder.limit("MSFT", bl.BUY, 1, "410"), NewOrder.limit("AAPL", bl.BUY, 1, "200")
    ),
    "bracket": OrderGroup.bracket(
        NewOrder.limit("MSFT", bl.BUY, 1, "410"), take_profit="430", stop_loss="400"
    ),
}


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_groups_validate_where_they_are_sent(name: str) -> None:
    path, body = neutral_group_to_ts(GROUPS[name], "123456782")
    if name == "oco":
        assert path == "/orderexecution/ordergroups"
        assert body["Type"] == "OCO"
        _validate(body, "GroupOrderRequest")
    else:
        assert path == "/orderexecution/orders"
        assert body["OSOs"][0]["Type"] == ("BRK" if name == "bracket" else "NORMAL")
        _validate(body, "OrderRequest")
