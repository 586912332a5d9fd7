"""tastytrade's documented examples replayed through the real adapter
(``cassettes/tastytrade/documented``).

Each cassette answers with a body from ``../shared/refs/tastytrade/examples`` (the README beside
the cassettes names the file); the adapter connects to the sandbox (cert) host, whose URLs the
cassettes hold, and the network stays blocked. Documented account numbers that look real are
stored as their scrubbed fakes. Quotes and bars are DxLink (a websocket) in tastytrade: they are
covered by the stream transcripts, not by REST cassettes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import brokerlink as bl
from brokerlink.testing.scrub import Scrubber
from tests.cassettes import documented
from tests.cassettes.documented import TASTYTRADE_ACCOUNT

FAKE = Scrubber().fake_account


def _run(name: str, vcr_config: dict[str, Any]) -> Any:
    return documented.run("tastytrade", name, vcr_config)


def test_accounts(vcr_config: dict[str, Any]) -> None:
    accounts = _run("accounts", vcr_config)
    assert [a.id for a in accounts] == [FAKE("5WT00001"), FAKE("5WT00002")]
    assert {a.type for a in accounts} == {bl.AccountType.MARGIN}


def test_balances(vcr_config: dict[str, Any]) -> None:
    balance = _run("balances", vcr_config)
    assert balance.account == FAKE("5WT00000")
    assert balance.cash == Decimal("7218.997")
    assert balance.equity == Decimal("32520.734")  # net-liquidating-value
    assert balance.buying_power == Decimal("45657.048")  # equity-buying-power
    assert balance.maintenance_requirement == Decimal("9692.211")
    assert balance.time == datetime(2023, 7, 30, 1, 10, 30, 928000, tzinfo=UTC)


def test_positions(vcr_config: dict[str, Any]) -> None:
    [position] = _run("positions", vcr_config)
    assert str(position.instrument) == "AAPL"
    assert position.quantity == Decimal(100)  # quantity-direction Long
    assert position.average_price == Decimal("288.7")
    assert position.opened_at == datetime(2022, 8, 22, 17, 56, 51, 872000, tzinfo=UTC)


def test_live_orders(vcr_config: dict[str, Any]) -> None:
    [order] = _run("orders", vcr_config)
    assert order.id == "54758826"
    assert order.account == TASTYTRADE_ACCOUNT
    assert order.status is bl.OrderStatus.OPEN  # Live
    assert order.type is bl.OrderType.LIMIT
    assert order.time_in_force is bl.TimeInForce.GTC
    assert order.limit_price == Decimal("3.0")  # a debit
    [leg] = order.legs
    assert leg.instrument == bl.Option(
        underlying="QQQ", expiration=date(2019, 11, 15), right="C", strike="187"
    )
    assert (leg.side, leg.effect) == (bl.BUY, bl.CLOSE)


def test_instrument_details(vcr_config: dict[str, Any]) -> None:
    spy = _run("instrument", vcr_config)
    assert str(spy) == "SPY"
    details = spy.details
    assert details.description == "SPDR S&P 500 ETF TRUST"
    assert details.exchange == "ARCX"
    assert details.tick_size == Decimal("0.01")  # above the documented 1.0 threshold
    assert details.quantity_increment == Decimal("0.00001")  # fractional-eligible


def test_place_market_order(vcr_config: dict[str, Any]) -> None:
    order = _run("place_market", vcr_config)
    assert order.id == "270561"
    assert order.status is bl.OrderStatus.PENDING  # Routed
    assert order.type is bl.OrderType.MARKET
    [leg] = order.legs
    assert (str(leg.instrument), leg.side, leg.effect, leg.quantity) == ("AAPL", bl.BUY, bl.OPEN, 1)
    assert order.created_at == datetime(2025, 5, 28, 13, 38, 47, 851000, tzinfo=UTC)
    assert order.updated_at == datetime(2025, 5, 28, 13, 38, 48, 49000, tzinfo=UTC)  # epoch ms


def test_place_vertical_spread_for_a_credit(vcr_config: dict[str, Any]) -> None:
    order = _run("place_spread", vcr_config)
    assert order.id == "771043"
    assert order.status is bl.OrderStatus.PENDING
    assert order.limit_price == Decimal("-3.0")  # price-effect Credit: a negative limit
    assert [(leg.side, leg.instrument.strike) for leg in order.legs] == [
        (bl.SELL, Decimal(295)), (bl.BUY, Decimal(298)),
    ]  # fmt: skip
    assert {leg.effect for leg in order.legs} == {bl.OPEN}


def test_dry_run(vcr_config: dict[str, Any]) -> None:
    preview = _run("dry_run", vcr_config)
    assert preview.buying_power_effect == Decimal("-102.302")  # change-in-buying-power, Debit
    assert preview.margin_requirement == Decimal("300.0")
    assert preview.commission == Decimal("2.0")
    assert preview.fees == Decimal("0.302")  # regulatory 0.102 + clearing 0.2


def test_not_permitted_error(vcr_config: dict[str, Any]) -> None:
    with pytest.raises(bl.AuthError) as raised:
        _run("error_not_permitted", vcr_config)
    assert "User not permitted access" in str(raised.value)
    assert "(code not_permitted)" in str(raised.value)  # the documented error code, kept
