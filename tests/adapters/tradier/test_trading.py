"""Trading through the facade against a scripted Tradier: placement, reconcile, pre-flight rules."""

from __future__ import annotations

from typing import Any

import pytest
from tradier_support import Broker, json_response

import brokerlink as bl
from brokerlink import _http

ORDERS = "/accounts/VA000001/orders"


def order_json(order_id: int, *, tag: str | None = None, status: str = "open") -> dict[str, Any]:
    """An equity order as Tradier reports it (shape of the documented orders example)."""
    item: dict[str, Any] = {
        "id": order_id,
        "type": "limit",
        "symbol": "AAPL",
        "side": "buy",
        "quantity": 10.0,
        "status": status,
        "duration": "day",
        "price": 150.0,
        "avg_fill_price": 0.0,
        "exec_quantity": 0.0,
        "create_date": "2024-01-02T15:00:00.000Z",
        "transaction_date": "2024-01-02T15:00:01.000Z",
        "class": "equity",
    }
    if tag is not None:
        item["tag"] = tag
    return item


def test_place_sends_the_tag_and_returns_the_order_as_tradier_reports_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new = bl.NewOrder.limit("AAPL", bl.BUY, 10, "150", client_id="bl-abc-1")
    scripted = Broker(
        {
            f"POST {ORDERS}": {"order": {"id": 7, "status": "ok", "partner_id": "p"}},
            f"GET {ORDERS}/7": {"order": order_json(7, tag="bl-abc-1")},
        }
    )
    placed = scripted.connect(monkeypatch=monkeypatch).place(new)
    assert (placed.id, placed.client_id, placed.status) == ("7", "bl-abc-1", bl.OrderStatus.OPEN)
    assert ("tag", "bl-abc-1") in scripted.form(0)
    assert scripted.requests[1].url.params["includeTags"] == "true"


def test_a_generated_client_id_is_a_valid_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    new = bl.NewOrder.market("AAPL", bl.BUY, 1)
    scripted = Broker(
        {
            f"POST {ORDERS}": {"order": {"id": 7, "status": "ok"}},
            f"GET {ORDERS}/7": {"order": order_json(7, tag=new.client_id)},
        }
    )
    scripted.connect(monkeypatch=monkeypatch).place(new)
    tag = dict(scripted.form(0))["tag"]
    assert tag == new.client_id
    assert all(c.isalnum() or c == "-" for c in tag)


def test_an_error_sent_with_http_200_fails_the_placement_without_a_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted = Broker(
        {f"POST {ORDERS}": {"errors": {"error": ["DayTradingBuyingPowerExceeded", "more"]}}}
    )
    with pytest.raises(bl.InsufficientFundsError, match="DayTradingBuyingPowerExceeded"):
        scripted.connect(monkeypatch=monkeypatch).place(bl.NewOrder.market("AAPL", bl.BUY, 1))
    assert [r.method for r in scripted.requests] == ["POST"]


def test_a_lost_placement_answer_is_reconciled_by_tag_never_resent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new = bl.NewOrder.limit("AAPL", bl.BUY, 10, "150", client_id="bl-lost-1")
    pages: list[str] = []

    def orders(request: _http.Request) -> object:
        pages.append(request.url.params.get("filter", "intraday"))
        if request.url.params.get("filter") == "all":
            return {"orders": {"order": [order_json(8), order_json(9, tag="bl-lost-1")]}}
        return {"orders": "null"}

    scripted = Broker(
        {
            f"POST {ORDERS}": lambda request: json_response(502, {}),
            f"GET {ORDERS}": orders,
        }
    )
    found = scripted.connect(monkeypatch=monkeypatch).place(new)
    assert found.id == "9"
    assert [r.method for r in scripted.requests].count("POST") == 1
    assert pages == ["intraday", "all"]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (
            bl.NewOrder.limit("AAPL", bl.SELL, 5, "10", effect="open", time_in_force="gtc"),
            "GTC short",
        ),
        (bl.NewOrder.market("AAPL", bl.BUY, 5, time_in_force="gtc"), "GTC market"),
        (bl.NewOrder.market("AAPL", bl.BUY, 5, time_in_force="day_ext"), "limit orders"),
        (bl.NewOrder.market("AAPL", bl.BUY, "1.5"), "whole shares"),
    ],
)
def test_tradier_rules_refuse_before_any_request(
    order: bl.NewOrder, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripted = Broker({})
    broker = scripted.connect(monkeypatch=monkeypatch)
    with pytest.raises(bl.InvalidOrderError, match=message):
        broker.place(order)
    with pytest.raises(bl.InvalidOrderError, match=message):
        broker.preview(order)
    assert scripted.requests == []


def test_capabilities_refuse_trailing_stops_and_futures_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted = Broker({})
    broker = scripted.connect(monkeypatch=monkeypatch)
    with pytest.raises(bl.NotSupportedError):
        broker.place(bl.NewOrder.trailing_stop("AAPL", bl.SELL, 1, trail_amount="1"))
    with pytest.raises(bl.NotSupportedError):
        broker.place(bl.NewOrder.market("/ESZ24", bl.BUY, 1))
    assert scripted.requests == []


def test_a_combo_with_three_option_legs_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker({})
    legs = [
        bl.Leg.buy("SPY", 100),
        bl.Leg.sell("SPY180720C00274000", 1, "open"),
        bl.Leg.sell("SPY180720C00275000", 1, "open"),
        bl.Leg.sell("SPY180720C00276000", 1, "open"),
    ]
    with pytest.raises(bl.InvalidOrderError, match="combo"):
        scripted.connect(monkeypatch=monkeypatch).place(bl.NewOrder.multi_leg(legs, "market"))
    assert scripted.requests == []


def test_group_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker({})
    broker = scripted.connect(monkeypatch=monkeypatch)
    same_type = bl.OrderGroup.oco(
        bl.NewOrder.limit("AAPL", bl.SELL, 1, "150"), bl.NewOrder.limit("AAPL", bl.SELL, 1, "160")
    )
    with pytest.raises(bl.InvalidOrderError, match="different types"):
        broker.place(same_type)
    market_trigger = bl.OrderGroup.oto(
        bl.NewOrder.market("AAPL", bl.BUY, 1), bl.NewOrder.limit("AAPL", bl.SELL, 1, "160")
    )
    with pytest.raises(bl.InvalidOrderError, match="MARKET is not allowed"):
        broker.place(market_trigger)
    assert scripted.requests == []


def test_day_ext_outside_the_extended_sessions_is_refused_after_asking_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted = Broker(
        {
            "GET /markets/clock": {
                "clock": {"date": "2019-05-06", "state": "open", "timestamp": 1557156988}
            }
        }
    )
    order = bl.NewOrder.limit("AAPL", bl.BUY, 1, "100", time_in_force="day_ext")
    with pytest.raises(bl.InvalidOrderError, match="market is open"):
        scripted.connect(monkeypatch=monkeypatch).place(order)
    assert [r.url.path for r in scripted.requests] == ["/v1/markets/clock"]


def test_replace_cannot_change_the_quantity_and_says_so_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted = Broker({})
    broker = scripted.connect(monkeypatch=monkeypatch)
    assert "quantity" not in broker.capabilities.replace.fields
    with pytest.raises(bl.NotSupportedError, match="quantity"):
        broker.replace("7", quantity=5)
    with pytest.raises(bl.InvalidOrderError, match="pre/post"):
        broker.replace("7", time_in_force="day_ext")
    assert scripted.requests == []


def test_cancel_returns_the_order_as_it_now_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    # DELETE answer: examples/DELETE_v1_accounts_ID_orders_ID.response.json
    scripted = Broker(
        {
            f"DELETE {ORDERS}/123456": {"order": {"id": 123456, "status": "ok"}},
            f"GET {ORDERS}/123456": {"order": order_json(123456, status="canceled")},
        }
    )
    canceled = scripted.connect(monkeypatch=monkeypatch).cancel("123456")
    assert canceled.status is bl.OrderStatus.CANCELED


def test_orders_page_until_a_short_page_and_keep_working_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from brokerlink_tradier.operations import PAGE_SIZE

    def orders(request: _http.Request) -> object:
        page = int(request.url.params["page"])
        count = PAGE_SIZE if page == 1 else 3
        status = "filled" if page == 1 else "open"
        return {
            "orders": {"order": [order_json(page * 1000 + i, status=status) for i in range(count)]}
        }

    scripted = Broker({f"GET {ORDERS}": orders})
    broker = scripted.connect(monkeypatch=monkeypatch)
    working = broker.orders()
    assert [o.id for o in working] == ["2000", "2001", "2002"]
    assert [r.url.params["page"] for r in scripted.requests] == ["1", "2"]
    assert len(broker.orders(status="all")) == PAGE_SIZE + 3
    assert scripted.requests[-1].url.params["filter"] == "all"


def test_a_group_comes_back_as_its_member_orders(monkeypatch: pytest.MonkeyPatch) -> None:
    members = [order_json(11, tag="g-1"), {**order_json(12), "type": "stop", "stop_price": 120.0}]
    parent = {**order_json(10, tag="g-1"), "class": "oco", "leg": members}
    scripted = Broker(
        {
            f"POST {ORDERS}": {"order": {"id": 10, "status": "ok"}},
            f"GET {ORDERS}/10": {"order": parent},
        }
    )
    group = bl.OrderGroup.oco(
        bl.NewOrder.limit("AAPL", bl.SELL, 10, "150", client_id="g-1"),
        bl.NewOrder.stop("AAPL", bl.SELL, 10, "120"),
    )
    placed = scripted.connect(monkeypatch=monkeypatch).place(group)
    assert [(o.id, o.group_id, o.type) for o in placed] == [
        ("11", "10", bl.OrderType.LIMIT),
        ("12", "10", bl.OrderType.STOP),
    ]
    assert placed[1].stop_price == 120
