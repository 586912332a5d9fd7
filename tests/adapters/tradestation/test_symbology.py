"""TradeStation symbols <-> instruments, both ways, as property tests and documented examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from brokerlink_tradestation.symbology import (
    LEGACY_ROOTS,
    ContinuousFuture,
    from_tradestation,
    order_symbol,
    to_tradestation,
)
from hypothesis import given
from hypothesis import strategies as st

import brokerlink as bl
from brokerlink.instruments import MONTH_CODES, Crypto, Equity, Future, FutureOption, Index, Option

tickers = st.from_regex(r"[A-Z]{1,5}", fullmatch=True)
roots = st.from_regex(r"[A-Z]{1,5}", fullmatch=True)
expirations = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
strikes = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(99999), places=3).map(
    lambda d: d.normalize()
)
rights = st.sampled_from("CP")
future_roots = st.sampled_from(sorted({*LEGACY_ROOTS, "ES", "NQ", "CL", "GC", "MES", "YM"}))
futures = st.builds(Future, future_roots, st.integers(1, 12), st.integers(2000, 2099))


@given(tickers)
def test_equities_round_trip(symbol: str) -> None:
    equity = Equity(symbol)
    assert from_tradestation(to_tradestation(equity), asset_type="STOCK") == equity


@given(roots, expirations, rights, strikes)
def test_options_round_trip(root: str, expiry: date, right: str, strike: Decimal) -> None:
    option = Option(root, expiry, right, strike)
    text = to_tradestation(option)
    assert " " in text
    assert "  " not in text
    assert from_tradestation(text, asset_type="STOCKOPTION") == option


@given(futures)
def test_futures_round_trip_through_legacy_roots(future: Future) -> None:
    text = to_tradestation(future)
    assert text.startswith(LEGACY_ROOTS.get(future.root, future.root))
    assert from_tradestation(text, asset_type="FUTURE") == future


@given(futures, rights, st.integers(1, 9999))
def test_future_options_round_trip_with_their_expiration(
    future: Future, right: str, strike: int
) -> None:
    expiry = date(future.year, future.month, 15)
    option = FutureOption(future, future.root, expiry, right, strike, option_code=future.code)
    text = to_tradestation(option)
    assert from_tradestation(text, asset_type="FUTUREOPTION", expiration=expiry) == option


@given(tickers)
def test_indices_round_trip(symbol: str) -> None:
    assert from_tradestation(to_tradestation(Index(symbol))) == Index(symbol)


@given(future_roots)
def test_continuous_contracts_round_trip_and_refuse_orders(root: str) -> None:
    continuous = ContinuousFuture(root)
    assert from_tradestation(to_tradestation(continuous)) == continuous
    with pytest.raises(bl.InvalidOrderError, match="continuous contract"):
        order_symbol(continuous)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("MSFT", "MSFT"),
        ("MSFT 220916C305", "MSFT  220916C00305000"),
        ("AAPL 211217C152.5", "AAPL  211217C00152500"),
        ("MSFT 201120P110", "MSFT  201120P00110000"),
        ("$SPX.X", "$SPX"),
        ("ESZ24", "/ESZ24"),
        ("TYZ24", "/ZNZ24"),
        ("ECH25", "/6EH25"),
        ("CH21", "/ZCH21"),
        ("FVH21", "/ZFH21"),
        ("BTCUSD", "BTC/USD"),
        ("spy", "SPY"),
    ],
)
def test_documented_symbols(text: str, canonical: str) -> None:
    asset = "FUTURE" if text in ("CH21", "FVH21", "ECH25") else None
    assert str(from_tradestation(text, asset_type=asset)) == canonical


def test_the_legacy_table_names_the_documented_pairs() -> None:
    assert {k: LEGACY_ROOTS[k] for k in ("ZN", "ZB", "6E", "6J", "ZC", "ZS", "HE")} == {
        "ZN": "TY", "ZB": "US", "6E": "EC", "6J": "JY", "ZC": "C", "ZS": "S", "HE": "LH",
    }  # fmt: skip
    assert to_tradestation(bl.instrument("/ZNZ24")) == "TYZ24"
    assert to_tradestation(bl.instrument("/ESZ24")) == "ESZ24"


def test_a_continuous_order_names_the_contract_to_trade() -> None:
    with pytest.raises(bl.InvalidOrderError, match=r"trade the current contract /ZNH25"):
        order_symbol(ContinuousFuture("ZN"), current="TYH25")


def test_crypto_and_indices_are_data_only() -> None:
    with pytest.raises(bl.InvalidOrderError, match="data-only"):
        order_symbol(Crypto("BTC"))
    assert to_tradestation(Crypto("BTC")) == "BTCUSD"


def test_future_options_need_their_expiration() -> None:
    with pytest.raises(ValueError, match="expiration"):
        from_tradestation("ESZ24 C5000", asset_type="FUTUREOPTION")
    assert MONTH_CODES[11] == "Z"
