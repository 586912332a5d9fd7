"""DxLink event values in COMPACT form (refs/tastytrade/NOTES.md §9.3-9.4).

A ``FEED_DATA`` message carries one event type and a flat list of values, event after event, in
the order of the fields the client accepted (``acceptEventFields``)::

    {"type": "FEED_DATA", "channel": 3,
     "data": ["Trade", ["Trade", "SPY", 559.36, 1.3743299E7, 100.0, ...]]}

Numbers are doubles; a value the feed does not have is the string ``"NaN"``.

Candles (``AAPL{=5m}``, ``AAPL{=d}``, ``AAPL{=5m,tho=true}``) answer a snapshot from
``fromTime`` (epoch ms), newest first: the first event flagged ``SNAPSHOT_BEGIN`` (4), the rest
0, and a closing all-``NaN`` event flagged ``REMOVE_EVENT | SNAPSHOT_END`` (10) stamped
``fromTime``; an empty snapshot is that closing event alone, flagged 14.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink.models import Bar, Quote
from brokerlink.timeframes import Timeframe

__all__ = [
    "DEFAULT_FIELDS",
    "SNAPSHOT_BEGIN",
    "SNAPSHOT_END",
    "CandleSymbol",
    "candle_values",
    "flatten",
    "parse_candle_symbol",
    "quote_values",
    "snapshot_values",
]

TX_PENDING, REMOVE_EVENT, SNAPSHOT_BEGIN, SNAPSHOT_END = 0x1, 0x2, 0x4, 0x8
NAN = "NaN"

DEFAULT_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Quote": ("eventType", "eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"),
        "Trade": ("eventType", "eventSymbol", "price", "dayVolume", "size"),
        "TradeETH": ("eventType", "eventSymbol", "price", "dayVolume", "size"),
        "Summary": ("eventType", "eventSymbol", "openInterest", "dayOpenPrice", "dayHighPrice",
                    "dayLowPrice", "prevDayClosePrice"),
        "Profile": ("eventType", "eventSymbol", "description", "tradingStatus"),
        "Greeks": ("eventType", "eventSymbol", "volatility", "delta", "gamma", "theta", "rho",
                   "vega"),
        "Candle": ("eventType", "eventSymbol", "eventFlags", "time", "open", "high", "low",
                   "close", "volume"),
    }
)  # fmt: skip
"""Fields sent for an event type the client did not list in ``acceptEventFields``."""

_CANDLE = re.compile(r"(?P<base>[^{]+)\{=(?P<count>\d*)(?P<unit>[a-z]+)(?P<rest>(?:,[^}]*)?)\}")
_UNITS = MappingProxyType({"m": "min", "h": "h", "d": "d", "w": "w", "mo": "mo"})


@attrs.frozen(kw_only=True)
class CandleSymbol:
    """A parsed candle symbol: the streamer symbol, its timeframe, and regular hours only."""

    base: str
    timeframe: Timeframe
    regular_only: bool


def parse_candle_symbol(text: str) -> CandleSymbol | None:
    """``AAPL{=5m,tho=true}`` -> its parts; ``None`` when it is no candle symbol we serve."""
    found = _CANDLE.fullmatch(text.strip())
    if found is None or found["unit"] not in _UNITS:
        return None
    count = int(found["count"] or 1)
    try:
        timeframe = Timeframe.parse(f"{count}{_UNITS[found['unit']]}")
    except ValueError:
        return None
    options = {
        k.strip(): v.strip()
        for k, _, v in (p.partition("=") for p in found["rest"].split(",") if p)
    }
    return CandleSymbol(
        base=found["base"], timeframe=timeframe, regular_only=options.get("tho") == "true"
    )


def _number(value: Decimal | None) -> float | str:
    return NAN if value is None else float(value)


def _ms(when: datetime | None) -> int | str:
    return NAN if when is None else int(when.timestamp() * 1000)


def quote_values(
    quote: Quote, summary: Mapping[str, Decimal | None], description: str = ""
) -> dict[str, dict[str, Any]]:
    """The known field values of Quote, Trade, TradeETH, Summary and Profile for one quote."""
    stamp = _ms(quote.time)
    trade = {
        "price": _number(quote.last),
        "dayVolume": _number(quote.volume),
        "size": 100.0,
        "time": stamp,
        "exchangeCode": "Q",
    }
    return {
        "Quote": {
            "bidPrice": _number(quote.bid),
            "askPrice": _number(quote.ask),
            "bidSize": _number(quote.bid_size),
            "askSize": _number(quote.ask_size),
            "bidTime": stamp,
            "askTime": stamp,
            "time": stamp,
            "bidExchangeCode": "Q",
            "askExchangeCode": "Q",
        },
        "Trade": trade,
        "TradeETH": trade,
        "Summary": {
            "dayOpenPrice": _number(summary.get("open")),
            "dayHighPrice": _number(summary.get("high")),
            "dayLowPrice": _number(summary.get("low")),
            "prevDayClosePrice": _number(summary.get("prev_close")),
            "openInterest": 0,
        },
        "Profile": {
            "description": description or str(quote.instrument),
            "tradingStatus": "ACTIVE",
            "shortSaleRestriction": "INACTIVE",
        },
        "Greeks": {},
    }


def candle_values(bar: Bar | None, flags: int, at: datetime | None = None) -> dict[str, Any]:
    """The known field values of one candle (``bar`` ``None``: the all-NaN snapshot end)."""
    time = bar.time if bar is not None else at
    values: dict[str, Any] = {
        "eventFlags": flags,
        "time": _ms(time.astimezone(UTC) if time else None),
        "eventTime": 0,
        "sequence": 0,
        "index": NAN if time is None else int(time.timestamp()) << 32,
    }
    for name in ("open", "high", "low", "close", "volume"):
        values[name] = _number(getattr(bar, name)) if bar is not None else NAN
    return values


def snapshot_values(bars: Sequence[Bar], start: datetime) -> list[dict[str, Any]]:
    """A candle snapshot of ``bars`` (oldest first) requested from ``start``: newest first,
    flagged begin (4) on the first, closed by the all-NaN remove+end event (10, or 14 alone)."""
    events = [
        candle_values(bar, SNAPSHOT_BEGIN if n == 0 else 0) for n, bar in enumerate(reversed(bars))
    ]
    end_flags = REMOVE_EVENT | SNAPSHOT_END | (0 if bars else SNAPSHOT_BEGIN)
    events.append(candle_values(None, end_flags, start))
    return events


def flatten(
    event_type: str,
    fields: Sequence[str],
    events: Iterable[tuple[str, Mapping[str, Any]]],
) -> list[Any]:
    """COMPACT values: for each ``(symbol, values)`` the accepted fields in order (NaN if unknown)."""
    flat: list[Any] = []
    for symbol, values in events:
        for field in fields:
            if field == "eventType":
                flat.append(event_type)
            elif field == "eventSymbol":
                flat.append(symbol)
            else:
                flat.append(values.get(field, NAN))
    return flat
