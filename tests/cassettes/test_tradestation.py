"""TradeStation REST families replayed from ``cassettes/tradestation/`` (recorded on its emulator)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from vcr.cassette import Cassette

import brokerlink as bl
from brokerlink.broker.sync import Broker
from tests.cassettes import scenarios

pytestmark = [pytest.mark.vcr, pytest.mark.brokerlink_adapter("tradestation")]


class TestTradeStation(scenarios.RestBarScenarios):
    """The shared scenarios, on this adapter's emulator (extras below)."""


def test_brokerage_extras(broker_cassette: Broker) -> None:
    ts = broker_cassette.extension("tradestation")
    [bod] = ts.bod_balances()
    assert bod.account == "EMU00001"
    placed = broker_cassette.place(
        bl.NewOrder.limit("MSFT", bl.BUY, 1, "10.00", client_id="casext1")
    )
    [by_id] = ts.orders_by_id([placed.id])
    assert by_id.id == placed.id
    broker_cassette.cancel(placed.id)
    history = broker_cassette.orders(status="all", since=scenarios.HISTORY_SINCE)
    assert placed.id in {o.id for o in history}


def test_execution_and_market_extras(broker_cassette: Broker) -> None:
    ts = broker_cassette.extension("tradestation")
    assert ts.routes()
    assert ts.activation_triggers()
    assert ts.option_spread_types()
    assert ts.crypto_pairs()
    assert ts.option_expirations("SPY")
    preview = broker_cassette.preview(bl.NewOrder.market("AAPL", bl.BUY, 1, client_id="casprv1"))
    assert preview.estimated_cost is not None
    assert preview.estimated_cost > 0
    front = ts.front_contract("ES")
    assert str(front).startswith("/ES")


def test_bars_in_chunks(
    broker_cassette: Broker, vcr: Cassette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range wider than one request's bar cap is fetched in chunks, merged oldest first with
    no bar twice. The cap is cut from TradeStation's 57,600 to 100 here, so the cassette shows
    the chunking in four small requests instead of one of several megabytes."""
    from brokerlink_tradestation import marketdata

    monkeypatch.setattr(marketdata, "MAX_BARS", 100)
    start = datetime(2025, 1, 3, 14, 30, tzinfo=UTC)
    end = start + timedelta(minutes=390)  # one regular session of 1-minute bars
    bars = broker_cassette.bars("SPY", "1min", start=start, end=end)
    assert len(bars) == 390
    assert [b.time for b in bars] == [start + timedelta(minutes=i) for i in range(390)]
    # Recording: the requests just made; replaying: the recorded ones, every one played.
    assert [r.path for r in vcr.requests].count("/v3/marketdata/barcharts/SPY") == 4
    assert vcr.play_count in (0, len(vcr.requests))
