"""The fast bar decoder: exact Decimals, the DESIGN §4 time rules, paging, and clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from brokerlink.bulk import BarLayout, bar_decoder, bar_page_decoder
from brokerlink.errors import ResponseFormatError

DOCUMENTED = Path(__file__).resolve().parents[1] / "fixtures" / "documented"
TRADESTATION = BarLayout(
    time="TimeStamp", open="Open", high="High", low="Low", close="Close", volume="TotalVolume",
    container="Bars", stamp="end",
)  # fmt: skip


def test_tradestations_documented_daily_bars_land_on_their_trading_dates() -> None:
    body = (DOCUMENTED / "tradestation_GET_marketdata_barcharts.daily.json").read_bytes()
    bars = bar_decoder(TRADESTATION, interval=None)(body)
    assert [b.time for b in bars] == [
        datetime(2020, 11, 4, tzinfo=UTC),  # stamped 2020-11-04T21:00:00Z, the 16:00 ET close
        datetime(2020, 11, 5, tzinfo=UTC),
    ]
    first = bars[0]
    assert (first.open, first.high, first.low, first.close) == (
        Decimal("214.02"), Decimal("218.32"), Decimal("212.42"), Decimal("216.39"),
    )  # fmt: skip
    assert first.volume == Decimal("42311777")


def test_intraday_end_stamps_are_shifted_to_the_interval_start() -> None:
    body = orjson.dumps({"Bars": [{"TimeStamp": "2024-01-02T14:35:00Z", "Open": "1", "High": "2",
                                   "Low": "0.5", "Close": "1.5", "TotalVolume": "10"}]})  # fmt: skip
    (bar,) = bar_decoder(TRADESTATION, interval=timedelta(minutes=5))(body)
    assert bar.time == datetime(2024, 1, 2, 14, 30, tzinfo=UTC)


def test_numbers_are_read_exactly_not_through_float() -> None:
    layout = BarLayout()
    body = b'[{"time": "2024-01-02T14:30:00Z", "open": 0.1, "high": 0.3, "low": 0.1, "close": 0.2, "volume": 7}]'
    (bar,) = bar_decoder(layout, interval=timedelta(minutes=1))(body)
    assert (bar.open, bar.high, bar.close, bar.volume) == (
        Decimal("0.1"),
        Decimal("0.3"),
        Decimal("0.2"),
        Decimal(7),
    )


def test_start_stamped_daily_bars_keep_their_utc_date_and_date_stamps_become_midnight() -> None:
    start = bar_decoder(BarLayout(), interval=None)(
        b'[{"time": "2025-01-06T00:00:00Z", "open": "1", "high": "1", "low": "1", "close": "1", "volume": "1"}]'
    )
    dated = bar_decoder(BarLayout(stamp="date", time="date"), interval=None)(
        b'[{"date": "2019-05-06", "open": "1", "high": "1", "low": "1", "close": "1", "volume": "1"}]'
    )
    assert start[0].time == datetime(2025, 1, 6, tzinfo=UTC)
    assert dated[0].time == datetime(2019, 5, 6, tzinfo=UTC)


def test_a_paged_layout_returns_the_next_token() -> None:
    layout = BarLayout(container="bars", next_page="next")
    decode = bar_page_decoder(layout, interval=timedelta(minutes=1))
    page = decode(b'{"bars": [], "next": "abc"}')
    last = decode(b'{"bars": []}')
    assert (page.bars, page.next_page) == ([], "abc")
    assert last.next_page is None


def test_bad_payloads_are_format_errors_with_the_body_kept() -> None:
    decode = bar_decoder(TRADESTATION, interval=timedelta(minutes=1), broker="tradestation")
    with pytest.raises(ResponseFormatError, match="did not match") as caught:
        decode(b'{"Bars": [{"TimeStamp": "2024-01-02T14:35:00Z", "Open": "n/a"}]}')
    assert caught.value.raw is not None
    assert caught.value.broker == "tradestation"
    with pytest.raises(ResponseFormatError, match="not JSON"):
        decode(b"<html>")


def test_layouts_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="container"):
        BarLayout(next_page="next")
    with pytest.raises(ValueError, match="intraday"):
        bar_decoder(BarLayout(stamp="date"), interval=timedelta(minutes=1))
