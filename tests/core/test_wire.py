"""brokerlink.wire: the strict core converter and ResponseFormatError paths."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerlink.enums import OrderStatus, Side
from brokerlink.errors import ResponseFormatError
from brokerlink.instruments import (
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    Option,
)
from brokerlink.models import Order, OrderLeg
from brokerlink.timeframes import Timeframe
from brokerlink.wire import excerpt_at, make_converter, structure_or_raise

CONV = make_converter()
T0 = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class Row:
    account_id: str
    limit_price: Decimal | None
    when: datetime


@attrs.frozen(kw_only=True)
class Page:
    orders: list[Row]


def row(**changes: object) -> dict[str, object]:
    return {
        "account_id": "SIM1234567M",
        "limit_price": "187.50",
        "when": "2025-01-06T14:30:00Z",
        **changes,
    }


def fails(value: object, cl: object, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        CONV.structure(value, cl)  # type: ignore[call-overload]


# -- Decimal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("187.50", "187.50"),
        (" 12 ", "12"),
        (7, "7"),
        (0.1, "0.1"),
        (1e-7, "1E-7"),
        (Decimal("2.5"), "2.5"),
    ],
)
def test_decimals_are_exact(value: object, expected: str) -> None:
    assert CONV.structure(value, Decimal) == Decimal(expected)


@pytest.mark.parametrize("value", [True, "abc", "NaN", "Infinity", None, [1], float("nan")])
def test_bad_decimals_are_refused(value: object) -> None:
    fails(value, Decimal, "not a decimal")


def test_decimals_are_written_as_plain_text() -> None:
    assert CONV.unstructure(Decimal("1E+2")) == "100"
    assert CONV.unstructure(Decimal("0.00001")) == "0.00001"
    assert CONV.unstructure(Decimal("187.50")) == "187.50"


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_round_trip(value: Decimal) -> None:
    assert CONV.structure(CONV.unstructure(value), Decimal) == value


# -- time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2025-01-06T14:30:00Z",
        "2025-01-06T14:30:00+00:00",
        "2025-01-06T09:30:00-05:00",
        "2025-01-06T14:30:00",  # naive wire times are UTC by this API's convention
        1736173800,
        1736173800000,
        1736173800.0,
    ],
)
def test_datetimes_become_aware_utc(value: object) -> None:
    parsed = CONV.structure(value, datetime)
    assert parsed == T0
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value", [True, "yesterday", "2025-13-01T00:00:00Z", None, {}, float("inf"), 10**30]
)
def test_bad_datetimes_are_refused(value: object) -> None:
    fails(value, datetime, "datetime")


def test_datetimes_are_written_in_utc_with_z() -> None:
    eastern = T0.astimezone(timezone(timedelta(hours=-5)))
    assert CONV.unstructure(eastern) == "2025-01-06T14:30:00Z"
    with pytest.raises(ValueError, match="naive"):
        CONV.unstructure(datetime(2025, 1, 6, 14, 30))


@given(st.datetimes(timezones=st.just(UTC)))
def test_datetime_round_trip(value: datetime) -> None:
    assert CONV.structure(CONV.unstructure(value), datetime) == value


def test_dates_are_iso() -> None:
    assert CONV.structure("2025-03-21", date) == date(2025, 3, 21)
    assert CONV.unstructure(date(2025, 3, 21)) == "2025-03-21"
    fails("21/03/2025", date, "not an ISO date")
    fails(T0, date, "not a date")


# -- int, bool, str ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), ("42", 42), ("-7", -7)])
def test_integers(value: object, expected: int) -> None:
    assert CONV.structure(value, int) == expected


@pytest.mark.parametrize("value", [1.9, True, "1.9", None, "ten"])
def test_lossy_integers_are_refused(value: object) -> None:
    fails(value, int, "not an integer")


def test_booleans_are_strict() -> None:
    assert CONV.structure(False, bool) is False
    for value in ("false", "true", 0, 1, None):
        fails(value, bool, "not a boolean")


def test_strings_take_numbers_but_never_null() -> None:
    assert CONV.structure(12345, str) == "12345"
    fails(None, str, "not a string")
    fails(True, str, "not a string")


# -- instruments, timeframes, enums ---------------------------------------------------------------

INSTRUMENTS: list[Instrument] = [
    Equity("BRK.B"),
    Option("AAPL", date(2025, 3, 21), "C", "175"),
    Future("ES", 12, 2024),
    FutureOption("/ESZ24", "EW3", date(2024, 12, 20), "C", "5000"),
    Index("SPX"),
    Crypto("BTC"),
]


@pytest.mark.parametrize("inst", INSTRUMENTS, ids=str)
def test_instruments_travel_as_canonical_text(inst: Instrument) -> None:
    text = CONV.unstructure(inst)
    assert text == str(inst)
    assert CONV.structure(text, type(inst)) == inst
    assert CONV.structure(text, Instrument) == inst  # type: ignore[arg-type]


def test_an_instrument_field_checks_the_kind() -> None:
    fails("AAPL", Option, "is not a Option symbol")
    fails("AAPL", Option | FutureOption | None, "Option or FutureOption")
    assert CONV.structure(None, Option | FutureOption | None) is None  # type: ignore[arg-type]
    fails("AAPL 2503", Instrument, "not a symbol")
    fails(5, Instrument, "not a symbol")


def test_timeframes_and_enums_by_value() -> None:
    assert CONV.structure("5min", Timeframe) == Timeframe("min", 5)
    assert CONV.unstructure(Timeframe("h", 1)) == "1h"
    assert CONV.structure("filled", OrderStatus) is OrderStatus.FILLED
    assert type(CONV.unstructure(Side.BUY)) is str
    fails("done", OrderStatus, "is not a OrderStatus")


def test_models_never_write_their_raw_payload_back() -> None:
    leg = OrderLeg(
        instrument=Equity("AAPL"),
        side=Side.BUY,
        effect="open",
        quantity=Decimal(1),
        filled_quantity=Decimal(0),
    )  # type: ignore[arg-type]
    order = Order(
        id="1", client_id=None, account="A1", status=OrderStatus.OPEN, type="market",  # type: ignore[arg-type]
        time_in_force="day", legs=(leg,), quantity=Decimal(1), filled_quantity=Decimal(0),  # type: ignore[arg-type]
        average_fill_price=None, limit_price=None, stop_price=None, created_at=T0, updated_at=None,
        raw={"secret": "payload"},
    )  # fmt: skip
    written = CONV.unstructure(order)
    assert "raw" not in written
    assert written["legs"][0]["instrument"] == "AAPL"
    assert CONV.structure(written, Order) == order


def test_each_call_makes_a_new_converter_and_copies_keep_hooks() -> None:
    first, second = make_converter(), make_converter()
    assert first is not second
    branch = first.copy()
    branch.register_structure_hook(Decimal, lambda value, _: Decimal(0))
    assert branch.structure("5", Decimal) == 0
    assert first.structure("5", Decimal) == 5  # the branch's hook did not leak back
    fails_branch = first.copy()
    with pytest.raises(ValueError, match="not an integer"):
        fails_branch.structure(1.5, int)


# -- structure_or_raise --------------------------------------------------------------------------


def test_structure_or_raise_reports_the_path_and_a_redacted_excerpt() -> None:
    payload = {"orders": [row(), row(), row(limit_price="1.2.3")]}
    with pytest.raises(ResponseFormatError) as info:
        structure_or_raise(CONV, payload, Page, broker="paper", raw=b"<body>")
    error = info.value
    assert error.path == "$.orders[2].limit_price"
    assert error.excerpt == '"1.2.3"'
    assert "not a decimal" in str(error)
    assert error.broker == "paper"
    assert error.raw == b"<body>"


def test_missing_fields_name_the_field_and_mask_account_numbers() -> None:
    payload = {"orders": [{"account_id": "SIM1234567M", "limit_price": None}]}
    with pytest.raises(ResponseFormatError) as info:
        structure_or_raise(CONV, payload, Page, broker="paper")
    error = info.value
    assert error.path == "$.orders[0].when"
    assert "required field 'when' is missing" in str(error)
    assert "SIM1234567M" not in str(error)
    assert "****567M" in error.excerpt


def test_every_problem_is_counted() -> None:
    payload = {"orders": [row(limit_price="x", when="never")]}
    with pytest.raises(ResponseFormatError, match="and 1 more problem"):
        structure_or_raise(CONV, payload, Page, broker="paper")


def test_a_wrong_top_level_shape_is_reported_at_the_root() -> None:
    with pytest.raises(ResponseFormatError) as info:
        structure_or_raise(CONV, ["not", "an", "object"], Page, broker="paper")
    assert info.value.path.startswith("$")


def test_excerpts_are_short_and_hide_tokens() -> None:
    data = {"access_token": "abcdef123456", "items": [{"note": "x" * 500}]}
    assert excerpt_at(data, "$.access_token") == '"****3456"'
    assert len(excerpt_at(data, "$.items[0].note")) <= 120
    assert "abcdef123456" not in excerpt_at(data, "$")
