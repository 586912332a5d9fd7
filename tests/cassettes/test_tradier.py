"""Tradier REST families replayed from ``cassettes/tradier/`` (recorded on its emulator)."""

from __future__ import annotations

import pytest

import brokerlink as bl
from brokerlink.broker.sync import Broker
from tests.cassettes import scenarios

pytestmark = [pytest.mark.vcr, pytest.mark.brokerlink_adapter("tradier")]


class TestTradier(scenarios.RestBarScenarios):
    """The shared scenarios, on this adapter's emulator (extras below)."""


def test_account_extras(broker_cassette: Broker) -> None:
    tradier = broker_cassette.extension("tradier")
    placed = broker_cassette.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="casext1"))
    assert broker_cassette.order(placed.id).status is bl.OrderStatus.FILLED
    assert tradier.history() is not None
    assert tradier.gainloss() is not None
    found = broker_cassette.orders(status="all")
    assert placed.id in {o.id for o in found}


def test_market_extras(broker_cassette: Broker) -> None:
    tradier = broker_cassette.extension("tradier")
    assert tradier.clock() is not None
    assert tradier.calendar() is not None
    assert tradier.search("apple")
    assert tradier.lookup("AAP")
    assert tradier.expirations("SPY")
    preview = broker_cassette.preview(bl.NewOrder.market("AAPL", bl.BUY, 1, client_id="casprv1"))
    assert preview.estimated_cost is not None


def test_watchlists(broker_cassette: Broker) -> None:
    tradier = broker_cassette.extension("tradier")
    created = tradier.create_watchlist("cassette", ["AAPL", "SPY"])
    tradier.add_symbols(created.id, ["MSFT"])
    tradier.remove_symbol(created.id, "SPY")
    shown = tradier.watchlist(created.id)
    assert sorted(shown.symbols) == ["AAPL", "MSFT"]
    tradier.delete_watchlist(created.id)
