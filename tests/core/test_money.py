"""money, timeutil and redact: exact numbers, aware UTC datetimes, masked account ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerlink.errors import InvalidOrderError
from brokerlink.money import (
    as_decimal,
    decimal_places,
    format_plain,
    increment_price,
    optional_decimal,
    to_decimal,
)
from brokerlink.redact import mask_account
from brokerlink.timeutil import ensure_utc, is_utc, utcnow


@pytest.mark.parametrize(
    ("value", "expected"),
    [("187.50", Decimal("187.50")), (" 1.25 ", Decimal("1.25")), (10, Decimal(10)),
     (Decimal("0.0001"), Decimal("0.0001")), ("-3", Decimal(-3)), ("1e3", Decimal(1000))],
)  # fmt: skip
def test_to_decimal_accepts_exact_inputs(value: str | int | Decimal, expected: Decimal) -> None:
    result = to_decimal(value, field="limit_price")
    assert isinstance(result, Decimal)
    assert result == expected


def test_to_decimal_keeps_the_decimal_given() -> None:
    d = Decimal("187.50")
    assert to_decimal(d, field="x") is d
    assert str(to_decimal("187.50", field="x")) == "187.50"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(187.5, "floats cannot hold prices exactly"), (True, "bool"), ("NaN", "NaN"),
     (Decimal("NaN"), "NaN"), ("inf", "infinite"), (Decimal("-Infinity"), "infinite"),
     ("abc", "not a number"), ("1,000", "not a number"), (None, "NoneType"), ([1], "list")],
)  # fmt: skip
def test_to_decimal_rejects_with_field_and_fix(value: object, fragment: str) -> None:
    with pytest.raises(InvalidOrderError) as caught:
        to_decimal(value, field="limit_price")  # type: ignore[arg-type]
    assert caught.value.field == "limit_price"
    message = str(caught.value)
    assert message.startswith("limit_price:")
    assert fragment in message
    assert "'187.50'" in message  # says how to fix it


def test_invalid_order_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="float"):
        to_decimal(1.5, field="quantity")  # type: ignore[arg-type]


def test_optional_decimal() -> None:
    assert optional_decimal(None, field="stop_price") is None
    assert optional_decimal("2", field="stop_price") == 2
    with pytest.raises(InvalidOrderError):
        optional_decimal(2.0, field="stop_price")  # type: ignore[arg-type]


def test_as_decimal_raises_plain_type_and_value_errors() -> None:
    assert as_decimal("1.5") == Decimal("1.5")
    with pytest.raises(TypeError, match="float"):
        as_decimal(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bool"):
        as_decimal(False)
    with pytest.raises(ValueError, match="not a number"):
        as_decimal("x")
    with pytest.raises(ValueError, match="NaN"):
        as_decimal(Decimal("sNaN"))


@pytest.mark.parametrize(
    ("text", "places"),
    [("187.50", 1), ("187.55", 2), ("100", 0), ("1E+3", 0), ("0.0001", 4), ("-0.125", 3),
     ("187.500", 1), ("0", 0)],
)  # fmt: skip
def test_decimal_places_counts_significant_decimals(text: str, places: int) -> None:
    assert decimal_places(Decimal(text)) == places


def test_decimal_places_rejects_non_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        decimal_places(Decimal("NaN"))


@pytest.mark.parametrize(
    ("text", "plain"),
    [("5000.00", "5000"), ("4512.50", "4512.5"), ("1E+3", "1000"), ("0.0000001", "0.0000001"),
     ("-0.00", "0"), ("-1.50", "-1.5")],
)  # fmt: skip
def test_format_plain(text: str, plain: str) -> None:
    assert format_plain(Decimal(text)) == plain


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_format_plain_round_trips_the_value(value: Decimal) -> None:
    assert Decimal(format_plain(value)) == value
    assert "E" not in format_plain(value)


# -- timeutil --------------------------------------------------------------------------------


def test_ensure_utc_converts_aware_datetimes() -> None:
    ny = datetime(2024, 5, 15, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    converted = ensure_utc(ny, field="time")
    assert converted == ny
    assert converted.tzinfo is UTC
    assert converted.hour == 13
    fixed = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    assert ensure_utc(fixed, field="time") == datetime(2023, 12, 31, 22, tzinfo=UTC)
    already = datetime(2024, 1, 1, tzinfo=UTC)
    assert ensure_utc(already, field="time") is already


def test_ensure_utc_rejects_naive_with_the_fix() -> None:
    with pytest.raises(ValueError, match="naive; attach a timezone") as caught:
        ensure_utc(datetime(2024, 1, 1), field="created_at")
    assert str(caught.value).startswith("created_at:")
    with pytest.raises(TypeError, match="expected a datetime"):
        ensure_utc("2024-01-01", field="x")  # type: ignore[arg-type]


def test_is_utc_and_utcnow() -> None:
    now = utcnow()
    assert now.tzinfo is UTC
    assert is_utc(now)
    assert is_utc(datetime(2024, 1, 1, tzinfo=ZoneInfo("UTC")))
    assert not is_utc(datetime(2024, 1, 1))
    assert not is_utc(datetime(2024, 1, 1, tzinfo=ZoneInfo("America/Chicago")))


# -- redact ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "masked"),
    [("SIM1234567M", "****567M"), ("12345678", "****5678"), ("1234", "****34"),
     ("123", "****3"), ("1", "****"), ("", "****"), (None, "None")],
)  # fmt: skip
def test_mask_account(account: str | None, masked: str) -> None:
    assert mask_account(account) == masked


@given(st.text(st.characters(exclude_characters="*"), min_size=1, max_size=40))
def test_mask_account_never_shows_more_than_half_or_four(account: str) -> None:
    masked = mask_account(account)
    shown = masked.removeprefix("****")
    assert len(shown) <= min(4, len(account) // 2)
    assert account.endswith(shown)
    if len(account) >= 2:
        assert account not in masked


def test_increment_price_takes_the_earlier_fills_out_of_the_average() -> None:
    # 2 filled at 10.00, then 3 more: the average over 5 is 10.60, so the 3 cost 11.00 each.
    assert increment_price(Decimal(5), Decimal("10.60"), Decimal(2), Decimal("10.00")) == Decimal(
        "11.00"
    )
    # Nothing reported before: the average is the price.
    assert increment_price(Decimal(2), Decimal("10.0"), Decimal(0), None) == Decimal("10.0")
    assert increment_price(Decimal(2), None, Decimal(0), None) == Decimal(0)
