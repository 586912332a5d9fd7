"""Paper cassettes recorded against the served paper emulator and replayed with nothing running."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.broker.sync import Broker

pytestmark = [pytest.mark.vcr, pytest.mark.brokerlink_adapter("paper")]


def test_account_overview(broker_cassette: Broker) -> None:
    accounts = broker_cassette.accounts()
    assert [a.id for a in accounts] == ["EMU00001", "EMU00002"]
    balance = broker_cassette.balances()
    assert balance.cash == Decimal("100000.00")
    assert broker_cassette.positions() == []


def test_limit_order_placed_then_cancelled(broker_cassette: Broker) -> None:
    order = broker_cassette.place(
        bl.NewOrder.limit("AAPL", bl.BUY, 5, "1.00", client_id="cassette-limit-1")
    )
    assert order.status is bl.OrderStatus.OPEN
    cancelled = broker_cassette.cancel(order.id)
    assert cancelled.status is bl.OrderStatus.CANCELED
