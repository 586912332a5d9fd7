"""Timeframes: parsing, canonical text, durations and interval flooring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerlink.timeframes import Timeframe

CANONICAL = ["tick", "1min", "5min", "15min", "30min", "1h", "4h", "1d", "1w", "1mo"]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text: str) -> None:
    assert str(Timeframe.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "unit", "count"),
    [("tick", "tick", 1), ("5min", "min", 5), ("1H", "h", 1), (" 4h ", "h", 4), ("1D", "d", 1),
     ("1w", "w", 1), ("1MO", "mo", 1), ("1440min", "min", 1440), ("24h", "h", 24)],
)  # fmt: skip
def test_parse(text: str, unit: str, count: int) -> None:
    assert Timeframe.parse(text) == Timeframe(unit, count)  # type: ignore[arg-type]


def test_parse_passes_timeframes_through() -> None:
    tf = Timeframe("min", 5)
    assert Timeframe.parse(tf) is tf


@pytest.mark.parametrize(
    "text", ["", "1m", "m", "min", "0min", "-5min", "1441min", "25h", "2d", "2w", "3mo",
             "5tick", "1tick", "1y", "five min", "1.5h"],
)  # fmt: skip
def test_bad_text_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="use 'tick', '1min', '5min'") as caught:
        Timeframe.parse(text)
    assert repr(text) in str(caught.value)


def test_bad_construction() -> None:
    with pytest.raises(ValueError, match="unit"):
        Timeframe("sec", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be 1-1440"):
        Timeframe("min", 0)
    with pytest.raises(ValueError, match="must be 1"):
        Timeframe("d", 2)
    with pytest.raises(TypeError):
        Timeframe.parse(5)  # type: ignore[arg-type]


def test_duration_and_intraday() -> None:
    assert Timeframe.parse("5min").duration == timedelta(minutes=5)
    assert Timeframe.parse("4h").duration == timedelta(hours=4)
    for text in ("tick", "1d", "1w", "1mo"):
        assert Timeframe.parse(text).duration is None
    assert Timeframe.parse("tick").is_intraday
    assert Timeframe.parse("1h").is_intraday
    assert not Timeframe.parse("1d").is_intraday
    assert not Timeframe.parse("1mo").is_intraday


WED = datetime(2024, 5, 15, 13, 47, 31, 123456, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1min", datetime(2024, 5, 15, 13, 47, tzinfo=UTC)),
     ("5min", datetime(2024, 5, 15, 13, 45, tzinfo=UTC)),
     ("15min", datetime(2024, 5, 15, 13, 45, tzinfo=UTC)),
     ("1h", datetime(2024, 5, 15, 13, tzinfo=UTC)),
     ("4h", datetime(2024, 5, 15, 12, tzinfo=UTC)),
     ("1d", datetime(2024, 5, 15, tzinfo=UTC)),
     ("1w", datetime(2024, 5, 13, tzinfo=UTC)),
     ("1mo", datetime(2024, 5, 1, tzinfo=UTC)),
     ("tick", WED)],
)  # fmt: skip
def test_floor(text: str, expected: datetime) -> None:
    floored = Timeframe.parse(text).floor(WED)
    assert floored == expected
    assert floored.tzinfo is UTC


def test_floor_converts_to_utc_first() -> None:
    # 21:30 in New York on the 15th is 01:30 UTC on the 16th: the UTC date decides.
    eastern = datetime(2024, 5, 15, 21, 30, tzinfo=timezone(timedelta(hours=-4)))
    assert Timeframe.parse("1d").floor(eastern) == datetime(2024, 5, 16, tzinfo=UTC)
    assert Timeframe.parse("1h").floor(eastern) == datetime(2024, 5, 16, 1, tzinfo=UTC)


def test_floor_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        Timeframe.parse("1min").floor(datetime(2024, 5, 15, 13, 47))


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 8), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from([t for t in CANONICAL if t != "tick"]),
)
def test_floor_properties(dt: datetime, text: str) -> None:
    tf = Timeframe.parse(text)
    start = tf.floor(dt)
    assert start <= dt
    assert tf.floor(start) == start  # idempotent: a start is its own interval's start
    if tf.duration is not None:
        assert dt - start < tf.duration
    else:
        assert (start.hour, start.minute, start.second, start.microsecond) == (0, 0, 0, 0)
