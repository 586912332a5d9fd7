"""Options on futures through the facade on ``tastytrade:emulator``: the chain, quotes and
details a client gets, and a market order the engine fills (position and cash moved by price x
multiplier)."""

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


def test_a_market_buy_of_a_future_option_fills_and_moves_cash_by_price_times_multiplier(
    broker: bl.Broker,
) -> None:
    assert bl.AssetClass.FUTURE_OPTION in broker.capabilities.asset_classes
    chain = broker.option_chain("/ESH25")
    strikes = chain.expirations[0].strikes
    call = strikes[len(strikes) // 2].call
    assert call is not None
    cash_before = broker.balances().cash
    held_before = {str(p.instrument): p.quantity for p in broker.positions()}
    order = broker.place(bl.NewOrder.market(call, bl.BUY, 1, effect="open"))
    assert order.status is bl.OrderStatus.FILLED
    price = order.average_fill_price
    assert price is not None
    assert price > 0
    assert price % Decimal("0.25") == 0  # on the /ES option tick
    position = next(p for p in broker.positions() if p.instrument == call)
    assert position.quantity - held_before.get(str(call), Decimal(0)) == 1
    assert broker.instrument(position.instrument).multiplier == Decimal(50)
    fees = Decimal("0.65")  # the engine's default commission per option contract
    assert broker.balances().cash == cash_before - price * 50 - fees


def test_every_environment_declares_future_options() -> None:
    from brokerlink_tastytrade.capabilities import tastytrade_capabilities

    for environment in ("live", "sandbox", "emulator"):
        assets = tastytrade_capabilities(environment).asset_classes
        assert bl.AssetClass.FUTURE_OPTION in assets
