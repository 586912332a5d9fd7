"""tastytrade REST families replayed from ``cassettes/tastytrade/`` (recorded on its emulator).

Bars exist only as DxLink candles (a websocket): they are in ``test_tastytrade_streams.py``."""

from __future__ import annotations

from datetime import date

import pytest

import brokerlink as bl
from brokerlink.broker.sync import Broker
from tests.cassettes import scenarios

pytestmark = [pytest.mark.vcr, pytest.mark.brokerlink_adapter("tastytrade")]


def test_account_overview(broker_cassette: Broker) -> None:
    scenarios.account_overview(broker_cassette)


def test_quotes(broker_cassette: Broker) -> None:
    scenarios.quotes(broker_cassette)


def test_option_chain(broker_cassette: Broker) -> None:
    scenarios.option_chain(broker_cassette)


def test_market_order_fills(broker_cassette: Broker) -> None:
    scenarios.market_order_fills(broker_cassette)


def test_limit_replace_cancel(broker_cassette: Broker) -> None:
    scenarios.limit_replace_cancel(broker_cassette)


def test_stop_orders(broker_cassette: Broker) -> None:
    scenarios.stop_orders(broker_cassette)


def test_trailing_stop(broker_cassette: Broker) -> None:
    scenarios.trailing_stop(broker_cassette)


def test_bracket_group(broker_cassette: Broker) -> None:
    scenarios.bracket_group(broker_cassette)


def test_vertical_spread(broker_cassette: Broker) -> None:
    scenarios.vertical_spread(broker_cassette)


def test_account_extras(broker_cassette: Broker) -> None:
    tasty = broker_cassette.extension("tastytrade")
    placed = broker_cassette.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="casext1"))
    assert broker_cassette.order(placed.id).status is bl.OrderStatus.FILLED
    trades = tasty.transactions(start=date(2025, 1, 6))
    assert trades
    assert tasty.balance_snapshots(start=date(2025, 1, 6)) is not None
    notional = tasty.place_notional("AAPL", bl.BUY, "10.00", client_id="casnot1")
    assert notional.type is bl.OrderType.MARKET
    # A dry run carries no price for a market order, only its buying-power effect.
    preview = broker_cassette.preview(bl.NewOrder.market("AAPL", bl.BUY, 1, client_id="casprv1"))
    assert preview.buying_power_effect is not None
    assert preview.buying_power_effect < 0
