"""tastytrade REST families replayed from ``cassettes/tastytrade/`` (recorded on its emulator).

Bars exist only as DxLink candles (a websocket): they are in ``test_tastytrade_streams.py``."""

from __future__ import annotations

import pytest

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
