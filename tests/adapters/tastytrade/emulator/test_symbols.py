"""tastytrade and DxLink symbols <-> canonical instruments (refs NOTES §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from brokerlink_tastytrade.emulator.symbols import (
    parse_streamer_symbol,
    parse_symbol,
    streamer_symbol,
    tasty_symbol,
)
from hypothesis import given
from hypothesis import strategies as st

from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Crypto, Equity, Future, FutureOption, Index, Option

TODAY = date(2025, 1, 6)


def test_documented_symbols_parse() -> None:
    assert parse_symbol("AAPL  220617P00150000", TODAY) == Option(
        "AAPL", date(2022, 6, 17), "P", "150"
    )
    # the docs' collapsed padding and the unpadded form name the same option
    assert parse_symbol("SPY 230731C00393000", TODAY) == parse_symbol(
        "SPY   230731C00393000", TODAY
    )
    assert parse_symbol("/ESZ4", TODAY) == Future("ES", 12, 2024)
    assert parse_symbol("/CLZ2", TODAY) == Future("CL", 12, 2032)  # one digit: not before last year
    assert parse_symbol("/6AM23", TODAY) == Future("6A", 6, 2023)
    assert parse_symbol("BTC/USD", TODAY) == Crypto("BTC")
    assert parse_symbol("BRK/B", TODAY) == Equity("BRK.B")
    assert parse_symbol("SPX", TODAY, index_keys=frozenset({"SPX"})) == Index("SPX")
    assert parse_symbol("./ESZ9 EW4U9 190927P2975", TODAY) == FutureOption(
        Future("ES", 12, 2019), "EW4", date(2019, 9, 27), "P", "2975", option_code="U19"
    )  # a future option's one-digit years are read from its own expiration
    assert parse_symbol("./CLZ2 LO1X2 221104C91", TODAY).option_code == "X22"
    with pytest.raises(SymbolNotFoundError, match="future option"):
        parse_symbol("./ESZ9 EW4U9 C2975", TODAY)


def test_documented_streamer_symbols() -> None:
    assert streamer_symbol(Option("SPY", date(2023, 7, 31), "C", "393")) == ".SPY230731C393"
    assert streamer_symbol(Option("AAPL", date(2023, 8, 18), "C", "197.5")) == ".AAPL230818C197.5"
    assert streamer_symbol(Future("ES", 9, 2023)) == "/ESU23:XCME"
    assert streamer_symbol(Future("RB", 6, 2025), "NYMEX") == "/RBM25:XNYM"
    assert streamer_symbol(Crypto("BTC")) == "BTC/USD:CXTALP"
    assert streamer_symbol(Index("SPX")) == "SPX"
    assert tasty_symbol(Future("ES", 12, 2024)) == "/ESZ4"
    assert tasty_symbol(Option("SPY", date(2023, 7, 31), "C", "393")) == "SPY   230731C00393000"


def test_documented_future_option_symbols() -> None:
    weekly = FutureOption(Future("ES", 9, 2024), "EW4", date(2024, 8, 23), "C", "5750")
    assert streamer_symbol(weekly) == "./EW4Q24C5750:XCME"
    gold = FutureOption(
        Future("GC", 8, 2025), "OG", date(2025, 6, 25), "P", "2095", option_code="N25"
    )
    assert streamer_symbol(gold, "COMEX") == "./OGN25P2095:XCEC"
    documented = "./ESZ9 EW4U9 190927P2975"
    assert tasty_symbol(parse_symbol(documented, TODAY)) == documented
    crude = "./CLZ2 LO1X2 221104C91"
    assert tasty_symbol(parse_symbol(crude, TODAY)) == crude


strikes = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(5000), places=1).filter(
    lambda d: d > 0
)


@given(
    root=st.sampled_from(["AAPL", "SPY", "F", "GOOGL", "SPXW"]),
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)),
    right=st.sampled_from("CP"),
    strike=strikes,
)
def test_options_round_trip_both_ways(root: str, day: date, right: str, strike: Decimal) -> None:
    option = Option(root, day, right, strike)
    assert parse_symbol(tasty_symbol(option), TODAY) == option
    assert parse_streamer_symbol(streamer_symbol(option)) == option


@given(
    root=st.sampled_from(["ES", "CL", "GC", "6E", "ZN"]),
    month=st.integers(1, 12),
    year=st.integers(2024, 2033),
)
def test_futures_round_trip_both_ways(root: str, month: int, year: int) -> None:
    future = Future(root, month, year)
    assert parse_symbol(tasty_symbol(future), TODAY) == future
    assert parse_streamer_symbol(streamer_symbol(future)) == future
