"""Options on futures in the core engine: listing, Black-Scholes pricing on the future's price,
fills with the root's multiplier, chains and settlement at expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from brokerlink.emulator import EmulatorConfig, Engine, Personality
from brokerlink.emulator.options_pricing import MINUTES_PER_YEAR, black_scholes, smile_vol
from brokerlink.emulator.pricer import epoch_minute, option_expiry_time
from brokerlink.enums import AssetClass, OrderStatus
from brokerlink.errors import InvalidOrderError, SymbolNotFoundError
from brokerlink.instruments import Future, FutureOption
from brokerlink.models import NewOrder, PositionEvent

ACCOUNT = "EMU00001"
ESH5 = Future("ES", 3, 2025)
WEEKLY = FutureOption(ESH5, "EW2", date(2025, 1, 10), "C", "6025")  # code F25, from 2025-01-10
QUARTERLY = FutureOption(ESH5, "ES", date(2025, 3, 21), "P", "6000", option_code="H25")
TICK = Decimal("0.25")


def test_listed_futures_options_resolve_with_the_roots_details() -> None:
    engine = Engine()
    for listed in (WEEKLY, QUARTERLY, "./ESH25 EW2F25 250110C6025"):
        found = engine.details(listed)
        assert isinstance(found, FutureOption)
        assert found.details is not None
        assert found.multiplier == Decimal(50)
        assert found.details.tick_size == TICK
        assert found.details.tradable
        assert found.future.multiplier == Decimal(50)  # the future carries its details too
    assert engine.universe.spec_of(WEEKLY).key == "/ES"
    assert engine.details("./GCG25 GCG25 250226C2650").multiplier == Decimal(100)


@pytest.mark.parametrize(
    ("symbol", "why"),
    [
        ("./ESH25 EW2F25 250110C6030", "no such strike"),  # /ES strikes are on a 25 grid
        ("./ESH25 EW2F25 250109C6025", "not listed"),  # not an expiration
        ("./ESH25 EW2F25 250117C6025", "not listed"),  # the 17th is week 3: EW3
        ("./ESM25 EW2F25 250110C6025", "not listed"),  # weeklies are on the front month only
        ("./ESH25 ESM25 250321C6000", "wrong option contract code"),
        ("./ESH24 ESH24 240315C5000", "not listed"),  # expired long ago
        ("./ZZH25 ZZH25 250321C100", "not known"),  # no such root
    ],
)
def test_unlisted_futures_options_are_unknown(symbol: str, why: str) -> None:
    with pytest.raises(SymbolNotFoundError, match=why):
        Engine().details(symbol)


def test_quotes_are_deterministic_on_the_option_tick_and_priced_off_the_future() -> None:
    engine, again, other = Engine(), Engine(), Engine(EmulatorConfig(seed=8))
    quote = engine.quote(WEEKLY)
    assert quote == again.quote(WEEKLY)
    assert quote.last != other.quote(WEEKLY).last
    assert quote.bid is not None
    assert quote.ask is not None
    assert quote.last is not None
    assert 0 < quote.bid < quote.ask
    assert quote.bid <= quote.last <= quote.ask
    for price in (quote.bid, quote.ask, quote.last):
        assert isinstance(price, Decimal)
        assert price % TICK == 0
    # Black-Scholes on the future's (carried) price with the root's volatility.
    pricer, now = engine.pricer, engine.now()
    spot = pricer.mid(ESH5, now)
    years = (epoch_minute(option_expiry_time(WEEKLY.expiration)) - epoch_minute(now)) / (
        MINUTES_PER_YEAR
    )
    vol = smile_vol(pricer.vol(engine.universe.specs["/ES"]), spot=spot, strike=6025.0)
    expected = black_scholes(spot=spot, strike=6025.0, years=years, vol=vol, call=True)
    assert pricer.mid(WEEKLY, now) == pytest.approx(expected)
    assert spot != pricer.path(engine.universe.specs["/ES"]).price_at(now.timestamp())


def test_calls_fall_and_puts_rise_with_the_strike_and_bars_keep_their_range() -> None:
    engine = Engine()
    chain = engine.option_chain(ESH5)
    weekly = chain.expirations[0]
    calls = [engine.quote(s.call).last for s in weekly.strikes if s.call is not None]
    puts = [engine.quote(s.put).last for s in weekly.strikes if s.put is not None]
    assert calls == sorted(calls, reverse=True)  # type: ignore[type-var]
    assert puts == sorted(puts)  # type: ignore[type-var]
    assert calls[0] != calls[-1]
    bars = engine.bars(WEEKLY, "5min", engine.now() - timedelta(days=3))
    assert bars
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        assert bar.close % TICK == 0


def test_a_futures_contracts_chain_lists_its_options() -> None:
    engine = Engine()
    chain = engine.option_chain(ESH5)
    assert chain.underlying == ESH5
    assert [e.date for e in chain.expirations] == [
        date(2025, 1, 10),
        date(2025, 1, 17),
        date(2025, 1, 24),
        date(2025, 1, 31),
        date(2025, 3, 21),
    ]
    contracts = [c for e in chain.expirations for c in e.contracts()]
    assert all(isinstance(c, FutureOption) for c in contracts)
    assert all(c.details is not None and c.multiplier == 50 for c in contracts)
    roots = {c.option_root for c in contracts if isinstance(c, FutureOption)}
    assert roots == {"EW2", "EW3", "EW4", "EW5", "ES"}
    strikes = [s.strike for s in chain.expirations[0].strikes]
    assert len(strikes) == 16
    assert all(s % 25 == 0 for s in strikes)
    for contract in contracts[:6]:
        assert engine.details(contract) == contract  # every chain contract is listed
    june = engine.option_chain("/ESM25", date(2025, 6, 20))
    assert [e.date for e in june.expirations] == [date(2025, 6, 20)]
    assert engine.option_chain(ESH5, date(2025, 1, 11)).expirations == ()


def test_a_market_buy_fills_at_the_ask_and_pays_price_times_multiplier() -> None:
    engine = Engine()
    cash = engine.balance(ACCOUNT).cash
    ask = engine.quote(WEEKLY).ask
    order = engine.place(ACCOUNT, NewOrder.market(WEEKLY, "buy", 1))
    assert order.status is OrderStatus.FILLED
    assert order.average_fill_price == ask
    assert ask is not None
    fees = engine.config.commission_per_option_contract
    assert engine.balance(ACCOUNT).cash == cash - ask * 50 - fees
    (position,) = engine.positions(ACCOUNT)
    assert position.instrument == WEEKLY
    assert position.quantity == 1
    mark = engine.quote(WEEKLY).last
    assert mark is not None
    assert position.market_value == mark * 50


def test_limit_prices_must_be_on_the_option_tick() -> None:
    engine = Engine()
    with pytest.raises(InvalidOrderError, match=r"tick size 0\.25"):
        engine.place(ACCOUNT, NewOrder.limit(WEEKLY, "buy", 1, "10.10"))
    order = engine.place(ACCOUNT, NewOrder.limit(WEEKLY, "buy", 1, "1.25"))
    assert order.status is OrderStatus.OPEN


def test_an_expired_futures_option_settles_at_intrinsic_value_against_the_future() -> None:
    engine = Engine()
    order = engine.place(ACCOUNT, NewOrder.market(WEEKLY, "buy", 1))
    paid = order.average_fill_price
    assert paid is not None
    expiry = option_expiry_time(WEEKLY.expiration)
    assert expiry == datetime(2025, 1, 10, 21, tzinfo=UTC)
    engine.advance_to(expiry + timedelta(minutes=1))
    assert engine.positions(ACCOUNT) == []
    spot = Decimal(repr(engine.pricer.mid(ESH5, expiry - timedelta(seconds=1))))
    intrinsic = max(spot - WEEKLY.strike, Decimal(0)).quantize(Decimal("0.01"))
    events, _ = engine.events_since(0)
    closed = [e.event for e in events if isinstance(e.event, PositionEvent)][-1]
    assert closed.time == expiry
    assert closed.position.quantity == 0
    assert closed.position.realized_pnl == ((intrinsic - paid) * 50).quantize(Decimal("0.01"))


def test_a_personality_without_futures_options_does_not_know_them() -> None:
    engine = Engine()
    engine.personality = Personality(
        asset_classes=frozenset({AssetClass.EQUITY, AssetClass.OPTION, AssetClass.FUTURE})
    )
    with pytest.raises(SymbolNotFoundError, match="not traded here"):
        engine.quote(WEEKLY)
    assert engine.option_chain(ESH5).expirations == ()
