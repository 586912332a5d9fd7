"""Emulator market data: determinism, quotes, bars for every timeframe, options, details."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.emulator.options_pricing import black_scholes
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Future, Option
from brokerlink.timeframes import Timeframe

LATER = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
SYMBOLS = ["AAPL", "SPY", "$SPX", "/ESH25", "/CLJ25", "/ZNH25", "/6EH25", "BTC/USD"]
TIMEFRAMES = ["1min", "5min", "15min", "30min", "1h", "4h", "1d", "1w", "1mo"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    e = Engine()
    e.advance_to(LATER)  # no orders: jumping ahead is instant
    return e


def test_same_seed_same_numbers() -> None:
    a, b = Engine(), Engine()
    for symbol in SYMBOLS:
        assert a.quote(symbol) == b.quote(symbol)
    start = datetime(2025, 1, 2, tzinfo=UTC)
    a.advance(timedelta(days=2))
    b.advance(timedelta(days=2))
    assert a.bars("AAPL", "5min", start) == b.bars("AAPL", "5min", start)


def test_other_seed_other_numbers() -> None:
    assert Engine(EmulatorConfig(seed=8)).quote("AAPL") != Engine().quote("AAPL")


def test_prices_start_near_reference_levels() -> None:
    engine = Engine()
    for symbol, level in [("AAPL", 243), ("SPY", 595), ("BTC/USD", 98000), ("/ESH25", 6000)]:
        mid = engine.quote(symbol).mid
        assert mid is not None
        assert abs(mid / level - 1) < Decimal("0.05"), symbol


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_quotes_are_complete_and_sane(engine: Engine, symbol: str) -> None:
    quote = engine.quote(symbol)
    assert None not in (
        quote.bid,
        quote.ask,
        quote.last,
        quote.bid_size,
        quote.ask_size,
        quote.volume,
    )
    assert quote.bid is not None
    assert quote.ask is not None
    assert quote.last is not None
    assert 0 < quote.bid < quote.ask
    assert quote.bid <= quote.last <= quote.ask
    assert quote.bid_size is not None
    assert quote.bid_size > 0
    tick = engine.details(symbol).details.tick_size  # type: ignore[union-attr]
    assert tick is not None
    for price in (quote.bid, quote.ask, quote.last):
        assert price % tick == 0
    assert quote.time is not None
    assert quote.time.tzinfo is UTC


def test_quote_freezes_while_closed() -> None:
    engine = Engine()
    engine.advance_to(datetime(2025, 1, 11, 2, 0, tzinfo=UTC))  # Friday 21:00 New York
    friday = engine.quote("AAPL")
    engine.advance_to(datetime(2025, 1, 12, 12, 0, tzinfo=UTC))  # Sunday
    assert engine.quote("AAPL").last == friday.last
    assert engine.quote("BTC/USD") != friday  # crypto keeps trading


@pytest.mark.parametrize("symbol", ["AAPL", "/ESH25", "BTC/USD", "AAPL  250321C00250000"])
@pytest.mark.parametrize("timeframe", TIMEFRAMES)
def test_bars_are_consistent(engine: Engine, symbol: str, timeframe: str) -> None:
    tf = Timeframe.parse(timeframe)
    span = timedelta(days=3) if tf.is_intraday else timedelta(days=70)
    start = datetime(2025, 2, 3, tzinfo=UTC)
    bars = engine.bars(symbol, tf, start, start + span)
    assert bars
    tick = engine.details(symbol).details.tick_size  # type: ignore[union-attr]
    assert tick is not None
    times = [bar.time for bar in bars]
    assert times == sorted(set(times))
    for bar in bars:
        assert bar.low <= bar.open <= bar.high
        assert bar.low <= bar.close <= bar.high
        assert bar.low > 0
        assert bar.volume > 0
        assert all(p % tick == 0 for p in (bar.open, bar.high, bar.low, bar.close))
        assert bar.time == tf.floor(bar.time)  # interval start / period start
        assert start - timedelta(days=31) <= bar.time < start + span


def test_intraday_bars_only_in_sessions(engine: Engine) -> None:
    day = datetime(2025, 2, 3, tzinfo=NEW_YORK).astimezone(UTC)
    regular = engine.bars("AAPL", "1min", day, day + timedelta(days=1))
    extended = engine.bars("AAPL", "1min", day, day + timedelta(days=1), extended=True)
    assert len(regular) == 390
    assert len(extended) == 960
    assert regular[0].time == datetime(2025, 2, 3, 9, 30, tzinfo=NEW_YORK).astimezone(UTC)
    hourly = engine.bars("AAPL", "1h", day, day + timedelta(days=1))
    # 09:30-16:00 New York spans the UTC hours 14 (half) to 20.
    assert [bar.time.hour for bar in hourly] == [14, 15, 16, 17, 18, 19, 20]
    assert sum(bar.volume for bar in hourly) == sum(bar.volume for bar in regular)


def test_aggregated_bars_match_minutes(engine: Engine) -> None:
    day = datetime(2025, 2, 4, tzinfo=UTC)
    minutes = engine.bars("MSFT", "1min", day, day + timedelta(days=1))
    five = engine.bars("MSFT", "5min", day, day + timedelta(days=1))
    first = [m for m in minutes if m.time < five[0].time + timedelta(minutes=5)]
    assert five[0].open == first[0].open
    assert five[0].close == first[-1].close
    assert five[0].high == max(m.high for m in first)
    assert five[0].low == min(m.low for m in first)


def test_daily_bars_stamped_at_midnight_of_trading_date(engine: Engine) -> None:
    start = datetime(2025, 1, 6, tzinfo=UTC)
    days = engine.bars("AAPL", "1d", start, start + timedelta(days=14))
    dates = [bar.time.date() for bar in days]
    assert date(2025, 1, 9) not in dates  # holiday
    assert date(2025, 1, 11) not in dates  # Saturday
    assert dates[:3] == [date(2025, 1, 6), date(2025, 1, 7), date(2025, 1, 8)]
    assert all(bar.time.hour == 0 and bar.time.minute == 0 for bar in days)
    weeks = engine.bars("AAPL", "1w", start, start + timedelta(days=21))
    assert [w.time.date().weekday() for w in weeks] == [0, 0, 0]
    months = engine.bars("AAPL", "1mo", start, start + timedelta(days=50))
    assert [m.time.date() for m in months] == [date(2025, 1, 1), date(2025, 2, 1)]


def test_futures_daily_bar_belongs_to_next_day(engine: Engine) -> None:
    start = datetime(2025, 2, 3, tzinfo=UTC)
    days = engine.bars("/ESH25", "1d", start, start + timedelta(days=7))
    assert [bar.time.date().weekday() for bar in days] == [0, 1, 2, 3, 4]


def test_bars_never_show_the_future() -> None:
    engine = Engine()
    engine.advance(timedelta(minutes=10))
    bars = engine.bars(
        "AAPL", "1min", engine.now() - timedelta(hours=1), engine.now() + timedelta(hours=5)
    )
    assert len(bars) == 10
    assert bars[-1].time == engine.now() - timedelta(minutes=1)
    today = engine.bars("AAPL", "1d", engine.now() - timedelta(days=1))
    assert today[-1].time.date() == engine.now().date()  # today's bar, partial


def test_bar_history_is_fast(engine: Engine) -> None:
    started = time.perf_counter()
    year = engine.bars("AAPL", "1d", LATER - timedelta(days=365), LATER)
    month = engine.bars("AAPL", "1min", LATER - timedelta(days=30), LATER)
    elapsed = time.perf_counter() - started
    assert len(year) > 240
    assert len(month) > 7000
    assert elapsed < 2.0  # generous for slow CI; typically ~0.3 s


def test_unknown_symbols() -> None:
    engine = Engine()
    for symbol in ["NOSUCH", "/XXH25", "AAPL  250321C00251000", "AAPL  250322C00250000", "#$%"]:
        with pytest.raises(SymbolNotFoundError):
            engine.quote(symbol)
    with pytest.raises(SymbolNotFoundError):
        engine.details("/ESH30")  # not listed yet


def test_extra_symbols() -> None:
    engine = Engine(EmulatorConfig(extra_symbols=("NOSUCH",)))
    quote = engine.quote("NOSUCH")
    assert quote.bid is not None
    assert Decimal(20) <= quote.bid <= Decimal(500)


def test_details() -> None:
    engine = Engine()
    cases = {
        "AAPL": ("0.01", "1"),
        "AAPL  250321C00250000": ("0.01", "100"),
        "/ESH25": ("0.25", "50"),
        "/NQH25": ("0.25", "20"),
        "/CLG25": ("0.01", "1000"),
        "/GCG25": ("0.10", "100"),
        "/ZNH25": ("0.015625", "1000"),
        "/6EH25": ("0.00005", "125000"),
        "BTC/USD": ("0.01", "1"),
    }
    for symbol, (tick, multiplier) in cases.items():
        details = engine.details(symbol).details
        assert details is not None
        assert details.tick_size == Decimal(tick), symbol
        assert details.multiplier == Decimal(multiplier), symbol
        assert details.tradable
        assert details.description
    index = engine.details("$SPX").details
    assert index is not None
    assert not index.tradable


def test_futures_listing() -> None:
    engine = Engine()
    listed = engine.universe.futures("ES", engine.now().date())
    assert [str(f) for f in listed] == ["/ESH25", "/ESM25", "/ESU25", "/ESZ25"]
    assert len(engine.universe.futures("CL", engine.now().date())) == 4
    assert engine.details(Future("CL", 2, 2025)).details is not None


def test_option_chain_listing() -> None:
    engine = Engine()
    chain = engine.option_chain("AAPL")
    fridays = [d for d in chain.dates if d.weekday() == 4]
    assert len(chain.dates) >= 12
    assert chain.dates[0] == date(2025, 1, 10)
    assert date(2025, 4, 17) in chain.dates  # Good Friday monthly moves to Thursday
    assert len(fridays) >= 10
    first = chain.expirations[0]
    strikes = [s.strike for s in first.strikes]
    assert strikes == sorted(strikes)
    spot = engine.quote("AAPL").mid
    assert spot is not None
    assert strikes[0] < spot < strikes[-1]
    contract = first.strikes[0].call
    assert isinstance(contract, Option)
    assert engine.quote(contract).bid is not None
    one = engine.option_chain("AAPL", expiration=date(2025, 1, 17))
    assert one.dates == (date(2025, 1, 17),)
    assert engine.option_chain("$SPX").expirations[0].strikes[0].call is not None
    assert engine.option_chain("BTC/USD").expirations == ()


def test_option_prices_are_sane(engine: Engine) -> None:
    chain = engine.option_chain("AAPL")
    spot = engine.quote("AAPL").mid
    assert spot is not None
    for expiration in (chain.expirations[0], chain.expirations[-1]):
        calls = [engine.quote(s.call) for s in expiration.strikes if s.call is not None]
        puts = [engine.quote(s.put) for s in expiration.strikes if s.put is not None]
        call_lasts = [q.last for q in calls]
        put_lasts = [q.last for q in puts]
        assert call_lasts == sorted(call_lasts, reverse=True)  # calls fall with the strike
        assert put_lasts == sorted(put_lasts)  # puts rise with the strike
        for strike, call, put in zip(expiration.strikes, calls, puts, strict=True):
            assert call.last is not None
            assert put.last is not None
            assert call.ask is not None
            assert put.ask is not None
            assert call.last >= max(spot - strike.strike, Decimal(0)) - Decimal("0.01")
            assert put.last >= max(strike.strike - spot, Decimal(0)) - Decimal("0.01")
            assert call.ask > call.bid >= 0  # type: ignore[operator]


def test_black_scholes_reference_values() -> None:
    # A textbook at-the-money value: S=K=100, one year, 20% vol, r=0 -> about 7.97.
    assert black_scholes(spot=100, strike=100, years=1, vol=0.2, call=True) == pytest.approx(
        7.9656, abs=1e-3
    )
    # Put-call parity with zero rates: C - P = S - K.
    call = black_scholes(spot=105, strike=100, years=0.5, vol=0.3, call=True)
    put = black_scholes(spot=105, strike=100, years=0.5, vol=0.3, call=False)
    assert call - put == pytest.approx(5.0)
    assert black_scholes(spot=90, strike=100, years=0, vol=0.3, call=False) == 10
