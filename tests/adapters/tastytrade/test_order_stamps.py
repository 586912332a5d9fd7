"""Order times when tastytrade leaves them out: the documented live orders carry no
``received-at`` nor ``updated-at``, and a dry-run carries ``updated-at`` 0 (NOTES §5.6). Epoch 0
means "not set"; such an order is stamped with the time its answer was read, never 1970."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from brokerlink_tastytrade import parse, parse_orders
from brokerlink_tastytrade.wire import tastytrade_converter

LIVE_ORDERS = Path(__file__).parent / "cases" / "orders_live.json"


def _unstamped_order(**extra: object) -> dict[str, object]:
    first = parse.items_of(json.loads(LIVE_ORDERS.read_text())["payload"])[0]
    assert "received-at" not in first
    assert "updated-at" not in first
    return {**first, **extra}


def test_an_unstamped_order_is_created_when_read_and_has_no_update_time() -> None:
    before = datetime.now(UTC)
    order = parse_orders.order_from_tastytrade(
        tastytrade_converter(), _unstamped_order(**{"updated-at": 0}), today=date(2019, 10, 1)
    )
    assert order.updated_at is None  # "updated-at": 0 is not 1970
    assert before <= order.created_at <= datetime.now(UTC) + timedelta(seconds=1)


def test_the_caller_may_give_the_time_it_read_the_answer() -> None:
    read_at = datetime(2019, 10, 1, 15, 0, tzinfo=UTC)
    order = parse_orders.order_from_tastytrade(
        tastytrade_converter(), _unstamped_order(), today=read_at.date(), now=read_at
    )
    assert order.created_at == read_at
    assert order.updated_at is None


def test_a_stamped_order_keeps_the_brokers_times() -> None:
    received = "2019-10-01T13:31:00.000+00:00"
    order = parse_orders.order_from_tastytrade(
        tastytrade_converter(),
        _unstamped_order(**{"received-at": received, "updated-at": 1569937000000}),
        today=date(2019, 10, 1),
        now=datetime(2030, 1, 1, tzinfo=UTC),
    )
    assert order.created_at == datetime(2019, 10, 1, 13, 31, tzinfo=UTC)
    assert order.updated_at == datetime.fromtimestamp(1569937000, UTC)
