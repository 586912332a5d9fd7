"""TradeStation's documented examples replayed through the real adapter
(``cassettes/tradestation/documented``).

Each cassette answers with a body from ``../shared/refs/tradestation/examples`` (the README beside
the cassettes names the file); the adapter connects to the sim host, whose URLs the cassettes
hold, and the network stays blocked. The values checked are the documented ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

import brokerlink as bl
from tests.cassettes import documented
from tests.cassettes.documented import TRADESTATION_ACCOUNT


def _run(name: str, vcr_config: dict[str, Any]) -> Any:
    return documented.run("tradestation", name, vcr_config)


def test_accounts(vcr_config: dict[str, Any]) -> None:
    accounts = _run("accounts", vcr_config)
    assert [a.id for a in accounts] == ["123456789", "123456782", "123456781"]
    assert [a.type for a in accounts] == [
        bl.AccountType.CASH, bl.AccountType.MARGIN, bl.AccountType.FUTURES,
    ]  # fmt: skip
    assert {a.currency for a in accounts} == {"USD"}


def test_balances_pick_the_asked_account(vcr_config: dict[str, Any]) -> None:
    balance = _run("balances", vcr_config)  # three documented balances, and an Errors entry
    assert balance.account == TRADESTATION_ACCOUNT
    assert balance.cash == Decimal("39735538.661")
    assert balance.equity == Decimal("39893233.6211")
    assert balance.buying_power == Decimal("39735498.661")


def test_positions(vcr_config: dict[str, Any]) -> None:
    [position] = _run("positions", vcr_config)
    assert str(position.instrument) == "MSFT"
    assert position.quantity == Decimal(10)
    assert position.average_price == Decimal("216.68")
    assert position.market_value == Decimal("2166.3")
    assert position.unrealized_pnl == Decimal("-0.5")
    assert position.opened_at == datetime(2020, 11, 16, 16, 53, 37, tzinfo=UTC)


def test_orders_follow_the_next_token(vcr_config: dict[str, Any]) -> None:
    orders = _run("orders", vcr_config)  # two requests: the page, then its NextToken
    by_id = {o.id: o for o in orders}
    assert "286234131" in by_id
    opened = by_id["286234131"]
    assert opened.status is bl.OrderStatus.PENDING  # OPN, "Sent"
    assert opened.type is bl.OrderType.MARKET
    assert opened.time_in_force is bl.TimeInForce.GTC
    assert opened.created_at == datetime(2021, 2, 24, 15, 47, 45, tzinfo=UTC)
    # orders() lists working orders: the documented filled one (FLL) is left out.
    assert "123456789" not in by_id
    oco = by_id["286179863"]
    assert oco.status is bl.OrderStatus.OPEN  # ACK, "Received"
    assert oco.limit_price == Decimal(230)
    assert oco.group_id == "OCO 2706452145"
    stops = [o for o in orders if o.id == "286179864"]
    assert [o.stop_price for o in stops] == [Decimal(130), Decimal("215.06")]


def test_quotes(vcr_config: dict[str, Any]) -> None:
    quote = _run("quotes", vcr_config)["MSFT"]
    assert (quote.bid, quote.ask, quote.last) == (
        Decimal("212.85"), Decimal("212.87"), Decimal("212.85"),
    )  # fmt: skip
    assert (quote.bid_size, quote.ask_size) == (200, 300)
    assert quote.volume == 5852511
    assert quote.time == datetime(2020, 11, 18, 15, 19, 14, tzinfo=UTC)


def test_daily_bars(vcr_config: dict[str, Any]) -> None:
    bars = _run("bars_daily", vcr_config)
    # TradeStation stamps a daily bar with the session's close (21:00Z); Bar.time is its date.
    assert [b.time for b in bars] == [datetime(2020, 11, d, tzinfo=UTC) for d in (4, 5, 6)]
    first = bars[0]
    assert (first.open, first.high, first.low, first.close) == (
        Decimal("214.02"), Decimal("218.32"), Decimal("212.42"), Decimal("216.39"),
    )  # fmt: skip
    assert first.volume == 42311777


def test_order_confirmation(vcr_config: dict[str, Any]) -> None:
    preview = _run("order_confirm", vcr_config)
    assert preview.order.time_in_force is bl.TimeInForce.GTC
    assert preview.estimated_cost == Decimal("2163.2")
    assert preview.commission == 0


def test_invalid_symbol_error(vcr_config: dict[str, Any]) -> None:
    with pytest.raises(bl.SymbolNotFoundError) as raised:
        _run("error_invalid_symbol", vcr_config)
    assert "INVALID" in str(raised.value)
