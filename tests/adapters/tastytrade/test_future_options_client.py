"""Options on futures through the facade on ``tastytrade:emulator``: the chain, quotes and
details a client gets, and orders refused by the emulator's capabilities before any request."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.instruments import Future, FutureOption


@pytest.fixture
def broker() -> bl.Broker:
    return bl.connect("tastytrade:emulator")


def test_chain_quotes_and_details_of_a_future_option(broker: bl.Broker) -> None:
    chain = broker.option_chain("/ESH25")
    assert chain.expirations, "the front contract has options"
    assert [e.date for e in chain.expirations] == sorted(e.date for e in chain.expirations)
    assert chain.expirations[-1].date.isoformat() == "2025-03-21"  # the quarterly, with /ESH25
    # A product's chain covers every contract; the asked contract keeps only its own options.
    contracts = [c for e in chain.expirations for c in e.contracts()]
    assert all(isinstance(c, FutureOption) for c in contracts)
    assert {c.future for c in contracts if isinstance(c, FutureOption)} == {Future("ES", 3, 2025)}
    strike = chain.expirations[0].strikes[len(chain.expirations[0].strikes) // 2]
    assert strike.call is not None
    assert strike.put is not None
    call, put = strike.call, strike.put
    quotes = broker.quotes([call, put])
    for contract in (call, put):
        quote = quotes[str(contract)]
        assert quote.instrument == contract
        assert quote.bid is not None
        assert quote.ask is not None
        assert quote.bid < quote.ask
    detailed = broker.instrument(call)
    assert detailed == call
    assert detailed.multiplier == Decimal(50)  # ES options: 50 a point (notional 0.5 / 0.01)
    june = broker.option_chain("/ESM25")
    assert {e.date.isoformat() for e in june.expirations} == {"2025-06-20"}  # quarterly only


def test_orders_on_future_options_are_refused_before_any_request(broker: bl.Broker) -> None:
    chain = broker.option_chain("/ESH25")
    call = chain.expirations[0].strikes[0].call
    assert call is not None
    assert bl.AssetClass.FUTURE_OPTION not in broker.capabilities.asset_classes
    with pytest.raises(bl.NotSupportedError, match="future_option"):
        broker.place(bl.NewOrder.market(call, bl.BUY, 1, effect="open"))


def test_live_and_sandbox_declare_future_options() -> None:
    from brokerlink_tastytrade.capabilities import tastytrade_capabilities

    for environment in ("live", "sandbox"):
        assets = tastytrade_capabilities(environment).asset_classes
        assert bl.AssetClass.FUTURE_OPTION in assets
