"""Instruments: canonical text, parsing, round trips, details, and errors on bad text."""

from __future__ import annotations

import pickle
from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerlink.enums import AssetClass, OptionRight
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import (
    MONTH_CODES,
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    InstrumentDetails,
    Option,
    instrument,
)

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

tickers = st.builds(
    lambda base, cls: base + (f".{cls}" if cls else ""),
    st.text(ALNUM, min_size=1, max_size=10),
    st.one_of(st.none(), st.text(ALNUM, min_size=1, max_size=4)),
)
roots = st.text(ALNUM, min_size=1, max_size=6)
products = st.text(ALNUM, min_size=1, max_size=5)
expirations = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
rights = st.sampled_from(OptionRight)
occ_strikes = st.integers(min_value=1, max_value=99_999_999).map(lambda n: Decimal(n) / 1000)
fop_strikes = st.decimals(
    min_value=Decimal("0.0000001"), max_value=Decimal("99999999"), places=7, allow_nan=False
)
futures = st.builds(Future, products, st.integers(1, 12), st.integers(2000, 2099))

equities = st.builds(Equity, tickers)
options = st.builds(Option, roots, expirations, rights, occ_strikes)
future_options = st.builds(
    lambda fut, root, exp, right, strike, code: FutureOption(
        fut, root, exp, right, strike, option_code=code
    ),
    futures,
    products,
    expirations,
    rights,
    fop_strikes,
    st.builds(lambda m, y: f"{m}{y:02d}", st.sampled_from(MONTH_CODES), st.integers(0, 99)),
)
indexes = st.builds(Index, tickers)
cryptos = st.builds(
    Crypto, st.text(ALNUM, min_size=2, max_size=10), st.text(ALNUM, min_size=3, max_size=10)
)
instruments = st.one_of(equities, options, futures, future_options, indexes, cryptos)


# -- round trips -----------------------------------------------------------------------------


@given(instruments)
def test_every_kind_round_trips_through_its_canonical_text(value: Instrument) -> None:
    parsed = instrument(str(value))
    assert parsed == value
    assert type(parsed) is type(value)
    assert str(parsed) == str(value)


@given(options)
def test_compact_occ_parses_to_the_same_option(value: Option) -> None:
    assert instrument(value.occ_compact) == value
    assert len(value.occ) == 21
    assert value.occ.replace(" ", "") == value.occ_compact


@given(
    st.sampled_from(["ES", "NQ", "6E", "CL"]),
    st.sampled_from(MONTH_CODES),
    st.integers(0, 99),
)
def test_generated_future_text_formats_back_unchanged(root: str, code: str, year: int) -> None:
    text = f"/{root}{code}{year:02d}"
    assert str(instrument(text)) == text


@given(roots, expirations, rights, st.integers(1, 99_999_999))
def test_generated_occ_text_formats_back_unchanged(
    root: str, exp: date, right: OptionRight, strike: int
) -> None:
    text = f"{root:<6}{exp:%y%m%d}{right.value}{strike:08d}"
    assert str(instrument(text)) == text


@given(instruments)
def test_instruments_are_hashable_values_and_pickle(value: Instrument) -> None:
    assert hash(value) == hash(instrument(str(value)))
    assert pickle.loads(pickle.dumps(value)) == value


# -- examples --------------------------------------------------------------------------------


def test_equity_examples() -> None:
    assert str(Equity("aapl")) == "AAPL"
    assert Equity("BRK/B") == Equity("BRK.B") == instrument("BRK/B") == instrument("brk.b")
    assert str(Equity("BRK/B")) == "BRK.B"
    assert Equity("AAPL").asset_class is AssetClass.EQUITY
    assert Equity("AAPL").kind == "equity"
    assert Equity("AAPL").multiplier == 1


def test_option_examples() -> None:
    opt = Option("AAPL", date(2025, 3, 21), "C", "175")
    assert str(opt) == "AAPL  250321C00175000"
    assert opt.occ == "AAPL  250321C00175000"
    assert opt.occ_compact == "AAPL250321C00175000"
    assert opt.root == "AAPL"
    assert opt.right is OptionRight.CALL
    assert opt.strike == Decimal("175")
    assert isinstance(opt.strike, Decimal)
    assert opt.asset_class is AssetClass.OPTION
    assert opt.multiplier == 100
    # Every accepted spelling of the same contract is the same value.
    assert opt == Option("aapl", "2025-03-21", "call", Decimal("175.000"))
    assert opt == Option("AAPL", date(2025, 3, 21), OptionRight.CALL, 175)
    assert str(Option("SPXW", date(2024, 12, 20), "put", "5987.5")) == "SPXW  241220P05987500"
    assert Option("BRK.B", date(2025, 1, 17), "P", "450").root == "BRKB"


def test_future_examples() -> None:
    fut = Future("ES", 12, 2024)
    assert str(fut) == "/ESZ24"
    assert fut.code == "Z24"
    assert fut.year == 2024
    assert fut == Future("es", "Z", 24) == instrument("/ESZ24") == instrument("/ESZ2024")
    assert str(Future("ZN", 3, 2025)) == "/ZNH25"
    assert fut.asset_class is AssetClass.FUTURE


def test_future_option_examples() -> None:
    fop = FutureOption(Future("ES", 12, 2024), "EW3", date(2024, 12, 20), "C", "5000.00")
    assert str(fop) == "./ESZ24 EW3Z24 241220C5000"
    assert fop.option_code == "Z24"  # defaults to the expiration's month
    assert instrument("./ESZ24 EW3Z24 241220C5000") == fop
    # An option whose contract month differs from its expiration keeps its own code.
    crude = FutureOption("/CLZ22", "LO1", date(2022, 10, 14), "C", "91", option_code="X22")
    assert str(crude) == "./CLZ22 LO1X22 221014C91"
    assert instrument(str(crude)) == crude
    assert str(FutureOption("/ZBH25", "OZB", date(2025, 2, 21), "P", "112.5")).endswith("P112.5")
    assert fop.asset_class is AssetClass.FUTURE_OPTION


def test_index_and_crypto_examples() -> None:
    assert str(Index("SPX")) == "$SPX"
    assert Index("$SPX") == Index("spx") == instrument("$SPX")
    assert Index("SPX").asset_class is AssetClass.INDEX
    assert str(Crypto("btc")) == "BTC/USD"
    assert Crypto("BTC", "USD") == instrument("BTC/USD")
    assert instrument("eth/usdt") == Crypto("ETH", "USDT")
    assert Crypto("BTC").asset_class is AssetClass.CRYPTO


def test_instruments_pass_through_unchanged() -> None:
    opt = Option("AAPL", date(2025, 3, 21), "C", "175")
    assert instrument(opt) is opt


# -- details ---------------------------------------------------------------------------------


def _details(multiplier: str = "50", raw: object = None) -> InstrumentDetails:
    return InstrumentDetails(
        description="E-mini S&P 500",
        tick_size=Decimal("0.25"),
        multiplier=Decimal(multiplier),
        tradable=True,
        exchange="CME",
        raw=raw,
    )


def test_details_are_out_of_eq_hash_and_repr() -> None:
    plain = Future("ES", 12, 2024)
    rich = plain.with_details(_details())
    assert rich == plain
    assert hash(rich) == hash(plain)
    assert repr(rich) == repr(plain)
    assert "E-mini" not in repr(rich)
    assert plain.details is None
    assert rich.details is not None
    assert rich.details.tick_size == Decimal("0.25")
    assert rich.multiplier == 50
    assert plain.multiplier == 1


def test_details_default_multipliers_and_raw() -> None:
    opt = Option("AAPL", date(2025, 3, 21), "C", "175")
    assert opt.multiplier == 100
    assert opt.with_details(_details("10")).multiplier == 10  # a mini option
    details = _details(raw={"secret": "payload"})
    assert details == _details(raw=None)
    assert "payload" not in repr(details)
    assert details.currency == "USD"


def test_instruments_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Equity("AAPL").symbol = "MSFT"  # type: ignore[misc]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        "AAPL$",
        "/ES",
        "/ESA24",
        "/ESZ4",
        "./ESZ24",
        "./ESZ24 EW3Z24 241220X5000",
        "AAPL  250321X00175000",
        "AAPL  251321C00175000",
        "AAPL  250321C00000000",
        "BTC/",
        "TOOLONGTICKER",
    ],
)
def test_bad_text_raises_invalid_order_error_listing_the_forms(text: str) -> None:
    with pytest.raises(InvalidOrderError) as caught:
        instrument(text)
    assert caught.value.field == "symbol"
    message = str(caught.value)
    for example in ("AAPL", "AAPL  250321C00175000", "/ESZ24", "$SPX", "BTC/USD"):
        assert example in message


@pytest.mark.parametrize("value", [123, 1.5, None, b"AAPL"])
def test_non_text_raises_invalid_order_error(value: object) -> None:
    with pytest.raises(InvalidOrderError) as caught:
        instrument(value)  # type: ignore[arg-type]
    assert caught.value.field == "symbol"


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Option("AAPL", date(2025, 3, 21), "X", "175"), "option right"),
        (lambda: Option("AAPL", date(2025, 3, 21), "C", "175.0001"), "strike"),
        (lambda: Option("AAPL", date(2025, 3, 21), "C", "0"), "strike"),
        (lambda: Option("AAPL", date(2025, 3, 21), "C", 175.0), "float"),  # type: ignore[arg-type]
        (lambda: Option("AAPL", datetime(2025, 3, 21), "C", "175"), "datetime"),
        (lambda: Option("TOOLONGROOT", date(2025, 3, 21), "C", "175"), "option root"),
        (lambda: Future("ES", 13, 2024), "month"),
        (lambda: Future("ES", 12, 1999), "year"),
        (lambda: Future("ES", 12, 2100), "year"),
        (lambda: FutureOption("AAPL", "EW3", date(2024, 12, 20), "C", "5000"), "not a future"),
        (lambda: Crypto("BTC", "US"), "quote currency"),
        (lambda: Equity("BRK B"), "ticker"),
    ],
)
def test_constructors_reject_bad_fields(build: object, fragment: str) -> None:
    with pytest.raises((ValueError, TypeError), match=fragment):
        build()  # type: ignore[operator]
