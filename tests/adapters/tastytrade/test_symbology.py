"""tastytrade symbols <-> instruments, both ways (refs/tastytrade/NOTES.md §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from brokerlink_tastytrade.parse_market import instrument_path, market_data_params
from brokerlink_tastytrade.symbology import (
    instrument_from_tastytrade,
    path_segment,
    resolve_year,
    symbol_to_tastytrade,
)
from hypothesis import given
from hypothesis import strategies as st

import brokerlink as bl
from brokerlink.instruments import MONTH_CODES, Crypto, Equity, Future, FutureOption, Option

TODAY = date(2025, 1, 2)
roots = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5)
option_roots = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=6)
expirations = st.dates(min_value=date(2023, 1, 1), max_value=date(2031, 12, 31))
strikes = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(99_999), places=1)


@pytest.mark.parametrize(
    "text",
    [
        "SPY   230731C00393000",  # padded, as real traffic sends it
        "SPY230731C00393000",  # unpadded
        "SPY 230731C00393000",  # padding collapsed by the HTML docs
    ],
)
def test_option_symbols_parse_padded_unpadded_and_collapsed(text: str) -> None:
    parsed = instrument_from_tastytrade(text, "Equity Option", reference=TODAY)
    assert parsed == Option("SPY", date(2023, 7, 31), "C", "393")
    assert symbol_to_tastytrade(parsed) == "SPY   230731C00393000"


@pytest.mark.parametrize(
    ("wire", "canonical", "today"),
    [
        ("/ESZ4", "/ESZ24", date(2024, 6, 1)),
        ("/CLZ2", "/CLZ22", date(2022, 11, 1)),
        ("/ESU3", "/ESU23", date(2023, 7, 1)),
        ("/6AM3", "/6AM23", date(2023, 1, 1)),
        ("/ESH0", "/ESH30", date(2028, 6, 1)),  # a decade ahead of a 2028 reference
    ],
)
def test_futures_use_a_one_digit_year_on_the_wire(wire: str, canonical: str, today: date) -> None:
    parsed = instrument_from_tastytrade(wire, "Future", reference=today)
    assert str(parsed) == canonical
    assert symbol_to_tastytrade(parsed) == wire


def test_future_options_take_their_decade_from_the_expiration() -> None:
    # The reference date is far away on purpose: the symbol's own expiration decides.
    doc = instrument_from_tastytrade("./ESZ9 EW4U9 190927P2975", None, reference=date(2030, 1, 1))
    assert str(doc) == "./ESZ19 EW4U19 190927P2975"
    assert symbol_to_tastytrade(doc) == "./ESZ9 EW4U9 190927P2975"
    recorded = instrument_from_tastytrade("./GCQ5 OGN5  250625P2095", None, reference=TODAY)
    assert isinstance(recorded, FutureOption)
    assert (recorded.future, recorded.option_root, recorded.strike) == (
        Future("GC", "Q", 2025),
        "OG",
        Decimal(2095),
    )
    assert symbol_to_tastytrade(recorded) == "./GCQ5 OGN5 250625P2095"


def test_crypto_class_shares_and_indexes() -> None:
    assert instrument_from_tastytrade("BTC/USD", "Cryptocurrency", reference=TODAY) == Crypto("BTC")
    assert instrument_from_tastytrade("BRK/B", "Equity", reference=TODAY) == Equity("BRK.B")
    assert symbol_to_tastytrade(Equity("BRK.B")) == "BRK/B"
    assert str(instrument_from_tastytrade("SPX", "Index", reference=TODAY)) == "$SPX"


def test_malformed_symbols_say_what_was_wrong() -> None:
    with pytest.raises(bl.InvalidOrderError, match="not a tastytrade symbol"):
        instrument_from_tastytrade("/ES", "Future", reference=TODAY)


def test_paths_encode_slashes_and_spaces() -> None:
    assert path_segment("BTC/USD") == "BTC%2FUSD"
    assert instrument_path(Future("ES", 9, 2023)) == "/instruments/futures/%2FESU3"
    assert (
        instrument_path(Option("SPY", date(2023, 7, 31), "C", "393"))
        == "/instruments/equity-options/SPY%20%20%20230731C00393000"
    )
    assert instrument_path(Crypto("BTC")) == "/instruments/cryptocurrencies/BTC%2FUSD"


def test_market_data_groups_symbols_by_kind() -> None:
    params = market_data_params([Equity("AAPL"), Crypto("BTC"), Equity("TSLA")])
    assert params == {"equity": "AAPL,TSLA", "cryptocurrency": "BTC/USD"}


@given(root=option_roots, expiration=expirations, right=st.sampled_from("CP"), strike=strikes)
def test_option_round_trip(root: str, expiration: date, right: str, strike: Decimal) -> None:
    option = Option(root, expiration, right, strike)
    wire = symbol_to_tastytrade(option)
    assert len(wire) == 21  # the root is padded to 6
    for text in (wire, wire.replace(" ", ""), " ".join(wire.split())):
        assert instrument_from_tastytrade(text, "Equity Option", reference=TODAY) == option


@given(
    root=roots,
    month=st.integers(1, 12),
    offset=st.integers(-2, 7),
    today=st.dates(min_value=date(2005, 1, 1), max_value=date(2090, 12, 31)),
)
def test_future_round_trip_within_the_listing_window(
    root: str, month: int, offset: int, today: date
) -> None:
    future = Future(root, month, today.year + offset)
    wire = symbol_to_tastytrade(future)
    assert wire == f"/{root}{MONTH_CODES[month - 1]}{(today.year + offset) % 10}"
    assert instrument_from_tastytrade(wire, "Future", reference=today) == future


@given(
    root=roots,
    option_root=roots,
    expiration=expirations,
    right=st.sampled_from("CP"),
    strike=strikes,
    lead=st.integers(0, 1),
)
def test_future_option_round_trip(
    root: str, option_root: str, expiration: date, right: str, strike: Decimal, lead: int
) -> None:
    future = Future(root, (expiration.month % 12) + 1, expiration.year + lead)
    fop = FutureOption(future, option_root, expiration, right, strike)
    wire = symbol_to_tastytrade(fop)
    assert instrument_from_tastytrade(wire, "Future Option", reference=TODAY) == fop


@given(st.integers(0, 9), st.dates(min_value=date(2002, 1, 1), max_value=date(2097, 1, 1)))
def test_one_digit_years_land_in_the_window_around_the_reference(digit: int, today: date) -> None:
    year = resolve_year(str(digit), today)
    assert year % 10 == digit
    assert today.year - 2 <= year <= today.year + 7
