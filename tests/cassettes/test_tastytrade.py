"""tastytrade REST families replayed from ``cassettes/tastytrade/`` (recorded on its emulator).

Bars exist only as DxLink candles (a websocket): they are in ``test_tastytrade_streams.py``."""

from __future__ import annotations

from datetime import date

import pytest

import brokerlink as bl
from brokerlink.broker.sync import Broker
from tests.cassettes import scenarios

pytestmark = [pytest.mark.vcr, pytest.mark.brokerlink_adapter("tastytrade")]


class TestTastytrade(scenarios.RestScenarios):
    """The shared scenarios, on this adapter's emulator (extras below)."""


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
