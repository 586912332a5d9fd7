"""Tradier's documented examples replayed through the real adapter (``cassettes/tradier/documented``).

Each cassette answers with a body from ``../shared/refs/tradier/`` (the README beside the
cassettes names the file); the adapter connects to the sandbox host, whose URLs the cassettes
hold, and the network stays blocked. The values checked are the documented ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import brokerlink as bl
from tests.cassettes import documented
from tests.cassettes.documented import TRADIER_ACCOUNT


def _run(name: str, vcr_config: dict[str, Any]) -> Any:
    return documented.run("tradier", name, vcr_config)


def test_accounts(vcr_config: dict[str, Any]) -> None:
    accounts = _run("accounts", vcr_config)
    assert [a.id for a in accounts] == ["VA000001", "VA000002", "VA000003"]
    assert [a.type for a in accounts] == [
        bl.AccountType.MARGIN,
        bl.AccountType.IRA,
        bl.AccountType.IRA,
    ]
    assert {a.status for a in accounts} == {bl.AccountStatus.ACTIVE}


def test_balances_margin_account(vcr_config: dict[str, Any]) -> None:
    balance = _run("balances", vcr_config)
    assert balance.account == TRADIER_ACCOUNT  # the account asked for
    assert balance.cash == Decimal("6363.86")
    assert balance.equity == Decimal("17798.36")
    # account_type margin: buying power is the margin block's stock buying power.
    assert balance.buying_power == Decimal("12727.72")
    assert balance.maintenance_requirement == Decimal("2557")


def test_positions(vcr_config: dict[str, Any]) -> None:
    positions = _run("positions", vcr_config)
    assert [str(p.instrument) for p in positions] == [
        "AAPL", "AMZN", "CAH", "FB", "GE", "IBM", "MSFT",
    ]  # fmt: skip
    ibm = positions[5]
    assert ibm.quantity == Decimal(13)
    # Tradier documents the total cost basis; the average price is per share.
    assert ibm.average_price * ibm.quantity == Decimal("1772.54")
    assert positions[0].average_price == Decimal("207.01")
    assert positions[0].opened_at == datetime(2018, 8, 8, 14, 41, 11, 405000, tzinfo=UTC)


def test_orders_single_object_shape(vcr_config: dict[str, Any]) -> None:
    [order] = _run("orders", vcr_config)  # one order: an object where a list would be
    assert order.id == "228175"
    assert order.status is bl.OrderStatus.EXPIRED
    assert order.type is bl.OrderType.LIMIT
    assert order.time_in_force is bl.TimeInForce.DAY_EXT  # duration "pre"
    assert order.limit_price == Decimal(22)
    assert order.quantity == Decimal(50)
    assert order.filled_quantity == 0
    assert order.average_fill_price is None  # documented 0.0 for an unfilled order
    assert order.created_at == datetime(2018, 6, 1, 12, 2, 29, 682000, tzinfo=UTC)
    assert order.updated_at == datetime(2018, 6, 1, 12, 30, 2, 385000, tzinfo=UTC)


def test_quotes_equity_and_option(vcr_config: dict[str, Any]) -> None:
    quotes = _run("quotes", vcr_config)
    aapl = quotes["AAPL"]
    assert (aapl.bid, aapl.ask, aapl.last) == (
        Decimal("208.19"),
        Decimal("208.21"),
        Decimal("208.21"),
    )
    assert (aapl.bid_size, aapl.ask_size) == (12, 1)
    assert aapl.volume == 25288395
    assert aapl.time == datetime.fromtimestamp(1557168406, UTC)
    [option] = [q for q in quotes.values() if isinstance(q.instrument, bl.Option)]
    assert option.instrument == bl.Option(
        underlying="VXX", expiration=date(2019, 5, 17), right="P", strike="16"
    )
    assert (option.bid, option.ask, option.last) == (Decimal(0), Decimal("0.01"), None)
    assert option.ask_size == 618


def test_daily_bars(vcr_config: dict[str, Any]) -> None:
    bars = _run("bars_daily", vcr_config)
    assert [b.time for b in bars] == [
        datetime(2019, 1, d, tzinfo=UTC) for d in (2, 3, 4)
    ]  # daily bars stamp the session's date at midnight UTC
    first = bars[0]
    assert (first.open, first.high, first.low, first.close) == (
        Decimal("154.89"), Decimal("158.85"), Decimal("154.23"), Decimal("157.92"),
    )  # fmt: skip
    assert first.volume == 37039737
    assert bars[2].high == Decimal("148.5499")


def test_order_preview(vcr_config: dict[str, Any]) -> None:
    preview = _run("preview", vcr_config)
    assert preview.order.account == TRADIER_ACCOUNT
    assert preview.estimated_cost == Decimal("31.2251")  # order_cost
    assert preview.commission == Decimal("3.49")
    assert preview.fees == 0
    assert preview.margin_requirement == 0


def test_expired_token_fault(vcr_config: dict[str, Any]) -> None:
    with pytest.raises(bl.AuthError) as raised:
        _run("error_token_expired", vcr_config)
    assert "Access Token expired" in str(raised.value)
    assert "keymanagement.service.access_token_expired" in str(raised.value)
