"""Emulator market hours: New York sessions, NYSE holidays, futures and crypto hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.calendar import Schedule, Session
from brokerlink.enums import AssetClass
from brokerlink.instruments import Crypto, Equity, Future, Option

NY = mkt.NEW_YORK


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("when", "session"),
    [
        (ny(2025, 1, 6, 3, 59), Session.CLOSED),
        (ny(2025, 1, 6, 4, 0), Session.PRE),
        (ny(2025, 1, 6, 9, 29), Session.PRE),
        (ny(2025, 1, 6, 9, 30), Session.REGULAR),
        (ny(2025, 1, 6, 15, 59), Session.REGULAR),
        (ny(2025, 1, 6, 16, 0), Session.POST),
        (ny(2025, 1, 6, 19, 59), Session.POST),
        (ny(2025, 1, 6, 20, 0), Session.CLOSED),
        (ny(2025, 1, 4, 12, 0), Session.CLOSED),  # Saturday
        (ny(2025, 1, 9, 12, 0), Session.CLOSED),  # national day of mourning
        (ny(2025, 4, 18, 12, 0), Session.CLOSED),  # Good Friday
        (ny(2026, 7, 3, 12, 0), Session.CLOSED),  # Independence Day observed
        (ny(2027, 12, 24, 12, 0), Session.CLOSED),  # Christmas observed
    ],
)
def test_equity_sessions(when: datetime, session: Session) -> None:
    assert mkt.session_at(Equity("AAPL"), when) is session


def test_sessions_follow_daylight_saving() -> None:
    # 09:30 New York is 14:30 UTC in winter and 13:30 UTC in summer.
    assert (
        mkt.session_at(AssetClass.EQUITY, datetime(2025, 1, 6, 14, 30, tzinfo=UTC))
        is Session.REGULAR
    )
    assert (
        mkt.session_at(AssetClass.EQUITY, datetime(2025, 7, 7, 13, 30, tzinfo=UTC))
        is Session.REGULAR
    )
    assert (
        mkt.session_at(AssetClass.EQUITY, datetime(2025, 7, 7, 13, 29, tzinfo=UTC)) is Session.PRE
    )


def test_options_and_indices_trade_regular_hours_only() -> None:
    option = Option("AAPL", "2025-01-17", "C", "240")
    assert mkt.session_at(option, ny(2025, 1, 6, 8, 0)) is Session.CLOSED
    assert mkt.session_at(AssetClass.INDEX, ny(2025, 1, 6, 17, 0)) is Session.CLOSED
    assert mkt.is_open(option, ny(2025, 1, 6, 10, 0))


def test_futures_hours_and_daily_break() -> None:
    es = Future("ES", 3, 2025)
    assert mkt.session_at(es, ny(2025, 1, 5, 17, 59)) is Session.CLOSED  # Sunday before the open
    assert mkt.session_at(es, ny(2025, 1, 5, 18, 0)) is Session.REGULAR
    assert mkt.session_at(es, ny(2025, 1, 7, 2, 0)) is Session.REGULAR  # overnight
    assert mkt.session_at(es, ny(2025, 1, 7, 17, 30)) is Session.CLOSED  # daily break
    assert mkt.session_at(es, ny(2025, 1, 10, 17, 0)) is Session.CLOSED  # Friday close
    assert mkt.session_at(es, ny(2025, 1, 11, 12, 0)) is Session.CLOSED  # Saturday
    # An evening session belongs to the next trading date.
    assert mkt.trading_date(es, ny(2025, 1, 6, 19, 0)).isoformat() == "2025-01-07"


def test_crypto_never_closes() -> None:
    btc = Crypto("BTC")
    for hours in range(0, 24 * 7, 5):
        assert mkt.session_at(btc, ny(2025, 1, 4) + timedelta(hours=hours)) is Session.REGULAR


def test_is_open_extended() -> None:
    pre = ny(2025, 1, 6, 8, 0)
    assert not mkt.is_open(AssetClass.EQUITY, pre)
    assert mkt.is_open(AssetClass.EQUITY, pre, extended=True)
    assert not mkt.is_open(AssetClass.EQUITY, ny(2025, 1, 6, 21, 0), extended=True)


def test_trading_minutes_counts_sessions_and_skips_holidays() -> None:
    day = ny(2025, 1, 6)
    regular = mkt.trading_minutes(Schedule.EQUITY, day, day + timedelta(days=1))
    extended = mkt.trading_minutes(Schedule.EQUITY, day, day + timedelta(days=1), extended=True)
    assert len(regular) == 390
    assert len(extended) == 16 * 60
    assert regular[0] == ny(2025, 1, 6, 9, 30)
    assert regular[-1] == ny(2025, 1, 6, 15, 59)
    # The week of 2025-01-06 has a holiday on Thursday: four regular sessions.
    week = mkt.trading_minutes(Schedule.EQUITY, day, day + timedelta(days=7))
    assert len(week) == 4 * 390
    assert all(m.second == 0 and m.tzinfo is UTC for m in week)


def test_trading_minutes_futures_and_crypto() -> None:
    monday = ny(2025, 1, 6)
    futures = mkt.trading_minutes(Schedule.FUTURES, monday, monday + timedelta(days=1))
    assert len(futures) == 23 * 60  # midnight to 17:00, then 18:00 to midnight
    crypto = mkt.trading_minutes(Schedule.CRYPTO, monday, monday + timedelta(hours=2))
    assert len(crypto) == 120


def test_session_end_and_next_open() -> None:
    friday_evening = ny(2025, 1, 10, 18, 0)
    assert mkt.next_open(Schedule.EQUITY, friday_evening) == ny(2025, 1, 13, 9, 30)
    assert mkt.session_end(Schedule.EQUITY, ny(2025, 1, 6, 10, 0)) == ny(2025, 1, 6, 16, 0)
    assert mkt.session_end(Schedule.EQUITY, ny(2025, 1, 6, 10, 0), extended=True) == ny(
        2025, 1, 6, 20, 0
    )
    # Before a holiday, the next session's close is the day after it.
    assert mkt.session_end(Schedule.EQUITY, ny(2025, 1, 8, 17, 0)) == ny(2025, 1, 10, 16, 0)


def test_holiday_table_covers_2024_to_2027() -> None:
    years = {day.year for day in mkt.NYSE_HOLIDAYS}
    assert years == {2024, 2025, 2026, 2027}
    assert all(day.weekday() < 5 for day in mkt.NYSE_HOLIDAYS)
