"""Quotes, bars and symbol details as TradeStation writes them (NOTES §6.5-6.7).

Prices and sizes are strings; bar tick and volume counters and ``Epoch`` are JSON numbers.
TradeStation stamps an intraday bar at the **end** of its interval and a daily bar at the
session close in UTC (``2020-11-04T21:00:00Z``), so engine bars (stamped at the start, daily at
00:00 UTC) are re-stamped here.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import attrs

from brokerlink.emulator import Engine
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http.feeds import period_end
from brokerlink.instruments import Future, Instrument, Option
from brokerlink.models import Bar, Quote
from brokerlink.money import decimal_places
from brokerlink.timeframes import Timeframe
from brokerlink_tradestation.emulator.orders_out import asset_type, num, ts_time

__all__ = ["DayStats", "bar_payload", "bar_stamp", "day_stats", "quote_payload", "symbol_detail"]

_ZERO = Decimal(0)
_STATS_DAYS = 30  # the "52-week" range looks back this far: a year of bars per quote is slow
_VENUES = ("ARCX", "NSDQ", "BATS", "EDGX", "NYSE", "IEXG")


@attrs.frozen(kw_only=True)
class DayStats:
    """Today's open, high, low and volume, the previous close and volume, and the range."""

    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    previous_close: Decimal | None
    previous_volume: Decimal | None
    range_high: tuple[Decimal, datetime] | None
    range_low: tuple[Decimal, datetime] | None


def day_stats(engine: Engine, inst: Instrument) -> DayStats:
    """The daily figures a quote carries, from the engine's daily bars."""
    now = engine.now()
    days = engine.bars(inst, "1d", now - timedelta(days=_STATS_DAYS))
    if not days:
        return DayStats(open=None, high=None, low=None, previous_close=None,
                        previous_volume=None, range_high=None, range_low=None)  # fmt: skip
    today = days[-1]
    before = days[-2] if len(days) > 1 else None
    top = max(days, key=lambda b: b.high)
    bottom = min(days, key=lambda b: b.low)
    return DayStats(
        open=today.open, high=today.high, low=today.low,
        previous_close=before.close if before else None,
        previous_volume=before.volume if before else None,
        range_high=(top.high, top.time), range_low=(bottom.low, bottom.time),
    )  # fmt: skip


def quote_payload(
    symbol: str, quote: Quote, stats: DayStats, *, percent_as_fraction: bool = False
) -> dict[str, Any]:
    """A ``Quote`` (snapshot) or ``QuoteStream`` object.

    ``NetChangePct`` is a percent in the snapshot schema (``"3.5"``) and a fraction in the
    stream schema (``"0.035"``): ``percent_as_fraction`` picks the stream's.
    """
    last = quote.last
    change = last - stats.previous_close if last is not None and stats.previous_close else None
    pct = None
    if change is not None and stats.previous_close:
        ratio = change / stats.previous_close
        pct = (ratio if percent_as_fraction else ratio * 100).quantize(Decimal("0.0001"))
    volume = quote.volume or _ZERO
    seed = int(volume) if volume else 0
    body: dict[str, Any] = {
        "Symbol": symbol,
        "Open": num(stats.open),
        "High": num(stats.high),
        "Low": num(stats.low),
        "PreviousClose": num(stats.previous_close),
        "Last": num(last),
        "Ask": num(quote.ask),
        "AskSize": num(quote.ask_size),
        "Bid": num(quote.bid),
        "BidSize": num(quote.bid_size),
        "NetChange": num(change),
        "NetChangePct": num(pct),
        "High52Week": num(stats.range_high[0]) if stats.range_high else None,
        "High52WeekTimestamp": _midnight(stats.range_high[1]) if stats.range_high else None,
        "Low52Week": num(stats.range_low[0]) if stats.range_low else None,
        "Low52WeekTimestamp": _midnight(stats.range_low[1]) if stats.range_low else None,
        "Volume": num(volume),
        "PreviousVolume": num(stats.previous_volume),
        "Close": num(last),
        "DailyOpenInterest": "0",
        "TradeTime": ts_time(quote.time) if quote.time is not None else None,
        "TickSizeTier": "0",
        "MarketFlags": {
            "IsDelayed": False,
            "IsHardToBorrow": False,
            "IsBats": False,
            "IsHalted": False,
        },
        "LastSize": str(100 * (1 + seed % 9)),
        "LastVenue": _VENUES[seed % len(_VENUES)],
        "VWAP": num(_vwap(stats, last)),
    }
    return {k: v for k, v in body.items() if v is not None}


def _midnight(when: datetime) -> str:
    return f"{when:%Y-%m-%d}T00:00:00Z"


def _vwap(stats: DayStats, last: Decimal | None) -> Decimal | None:
    if stats.high is None or stats.low is None or last is None:
        return None
    return ((stats.high + stats.low + last) / 3).quantize(Decimal("0.000001"))


def _session_close(inst: Instrument, day: Any) -> datetime:
    for _ in range(10):
        windows = [w for w in mkt.windows_on(inst, day) if w[2] is mkt.Session.REGULAR]
        windows = windows or mkt.windows_on(inst, day)
        if windows:
            return windows[-1][1]
        day -= timedelta(days=1)
    return datetime.combine(day, time(21), tzinfo=UTC)


def bar_stamp(inst: Instrument, timeframe: Timeframe, bar: Bar, now: datetime) -> datetime:
    """TradeStation's ``TimeStamp`` of an engine bar: the interval's end (intraday), else the
    session close of the period's last trading day so far."""
    if timeframe.is_intraday:
        return period_end(timeframe, bar.time)
    last_day = (period_end(timeframe, bar.time) - timedelta(days=1)).date()
    return _session_close(inst, min(last_day, now.date()))


def bar_payload(
    bar: Bar, stamp: datetime, *, closed: bool, end_of_history: bool, realtime: bool
) -> dict[str, Any]:
    """A ``Bar`` object; up/down ticks and volume are a deterministic split of the totals."""
    volume = int(bar.volume)
    ticks = max(1, volume // 90)
    up_share = 0.55 if bar.close >= bar.open else 0.45
    up_ticks, up_volume = round(ticks * up_share), round(volume * up_share)
    return {
        "High": num(bar.high),
        "Low": num(bar.low),
        "Open": num(bar.open),
        "Close": num(bar.close),
        "TimeStamp": ts_time(stamp),
        "TotalVolume": str(volume),
        "DownTicks": ticks - up_ticks,
        "DownVolume": volume - up_volume,
        "OpenInterest": "0",
        "IsRealtime": realtime,
        "IsEndOfHistory": end_of_history,
        "TotalTicks": ticks,
        "UnchangedTicks": 0,
        "UnchangedVolume": 0,
        "UpTicks": up_ticks,
        "UpVolume": up_volume,
        "Epoch": int(stamp.timestamp() * 1000),
        "BarStatus": "Closed" if closed else "Open",
    }


def symbol_detail(symbol: str, inst: Instrument, underlying: str | None = None) -> dict[str, Any]:
    """A ``SymbolDetail`` object; ``underlying`` is the current contract of an ``@`` symbol."""
    details = inst.details
    tick = details.tick_size if details is not None and details.tick_size else Decimal("0.01")
    kind = asset_type(inst)
    body: dict[str, Any] = {
        "AssetType": "FUTURE" if underlying else kind,
        "Country": "United States",
        "Currency": details.currency if details is not None else "USD",
        "Description": details.description if details is not None else symbol,
        "Exchange": (details.exchange if details is not None else None) or "NASDAQ",
        "Symbol": symbol,
        "Root": symbol.lstrip("@$").split(" ")[0].removesuffix(".X"),
        "PriceFormat": {
            "Format": "Decimal",
            "Decimals": str(max(decimal_places(tick), 0)),
            "IncrementStyle": "Simple",
            "Increment": num(tick),
            "PointValue": num(inst.multiplier),
        },
        "QuantityFormat": {
            "Format": "Decimal",
            "Decimals": "0",
            "IncrementStyle": "Simple",
            "Increment": "1",
            "MinimumTradeQuantity": "1",
        },
    }
    if isinstance(inst, Future):
        body["FutureType"] = "Electronic"
        body["Root"] = body["Root"][:-3] if not underlying else body["Root"]
        if underlying:
            body["Underlying"] = underlying
    if isinstance(inst, Option):
        body["ExpirationDate"] = f"{inst.expiration:%Y-%m-%d}T00:00:00Z"
        body["OptionType"] = "CALL" if inst.right.value == "C" else "PUT"
        body["StrikePrice"] = num(inst.strike)
        body["Underlying"] = inst.underlying
        body["Root"] = inst.underlying
    return body
