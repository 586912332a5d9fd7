"""The emulator's TradeStation symbology at its edge: documented forms, and round trips."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from brokerlink_tradestation.emulator.symbols import GLOBEX_TO_TS, parse_ts_symbol, ts_symbol
from hypothesis import given
from hypothesis import strategies as st

from brokerlink.instruments import Crypto, Equity, Future, Index, Instrument, Option

_BASES = frozenset({"BTC", "ETH"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MSFT", Equity("MSFT")),
        ("MSFT 220916C305", Option("MSFT", date(2022, 9, 16), "C", "305")),
        ("MSFT201120P110", Option("MSFT", date(2020, 11, 20), "P", "110")),
        ("AAPL 211217C152.5", Option("AAPL", date(2021, 12, 17), "C", "152.5")),
        ("ESZ24", Future("ES", 12, 2024)),
        ("TYH25", Future("ZN", 3, 2025)),
        ("ECM25", Future("6E", 6, 2025)),
        ("$SPX.X", Index("SPX")),
        ("BTCUSD", Crypto("BTC", "USD")),
    ],
)
def test_documented_forms(text: str, expected: Instrument) -> None:
    assert parse_ts_symbol(text, crypto_bases=_BASES).instrument == expected


def test_continuous_futures_name_their_root() -> None:
    parsed = parse_ts_symbol("@TY")
    assert (parsed.instrument, parsed.continuous) == (None, "ZN")


_roots = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5)
_strikes = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(9999), places=1)


@given(_roots, st.dates(date(2020, 1, 1), date(2040, 12, 31)), st.sampled_from("CP"), _strikes)
def test_options_round_trip(root: str, expiry: date, right: str, strike: Decimal) -> None:
    option = Option(root, expiry, right, strike)
    text = ts_symbol(option)
    assert " " in text
    assert parse_ts_symbol(text).instrument == option


@given(st.sampled_from(["ES", "NQ", "CL", "GC", "MES", *GLOBEX_TO_TS]), st.integers(1, 12),
       st.integers(2000, 2099))  # fmt: skip
def test_futures_round_trip(root: str, month: int, year: int) -> None:
    future = Future(root, month, year)
    assert parse_ts_symbol(ts_symbol(future)).instrument == future


@given(_roots)
def test_indices_and_equities_round_trip(root: str) -> None:
    assert parse_ts_symbol(ts_symbol(Index(root))).instrument == Index(root)
    if not root.endswith(("USD", "USDT", "USDC")):
        assert parse_ts_symbol(ts_symbol(Equity(root)), crypto_bases=_BASES).instrument == Equity(
            root
        )
