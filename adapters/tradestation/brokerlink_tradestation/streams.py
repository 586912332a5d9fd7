"""TradeStation's streams as async iterators of typed events (DESIGN §5; NOTES.md §5).

All ride on :func:`~brokerlink_tradestation.framing.ts_frames` (heartbeats, idle timeout, GoAway,
DualLogon, reconnect with backoff). What each stream adds:

- quotes: see :mod:`brokerlink_tradestation.quote_stream` (the hot path);
- bars: re-sent while forming (``BarStatus`` ``Open``), complete once ``Closed``; after a
  reconnect the replayed history is skipped up to the last complete bar delivered;
- orders and positions: see :mod:`brokerlink_tradestation.account_streams`;
- option chains, market depth and v2 tick bars: TradeStation-only events
  (:mod:`brokerlink_tradestation.models`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import cattrs

from brokerlink import errors
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Instrument
from brokerlink.models import Bar, BarEvent
from brokerlink.runtime.streaming import ErrorTable
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow
from brokerlink_tradestation.account_streams import stream_orders, stream_positions
from brokerlink_tradestation.errors import error_from_item
from brokerlink_tradestation.framing import ts_frames
from brokerlink_tradestation.marketdata import bar_query
from brokerlink_tradestation.models import DepthLevel, MarketDepth, OptionSpreadQuote, TickBar
from brokerlink_tradestation.quote_stream import StreamSymbolWarning, stream_quotes
from brokerlink_tradestation.symbology import from_tradestation, to_tradestation
from brokerlink_tradestation.wire import BROKER, Fields

__all__ = [
    "StreamSymbolWarning",
    "bar_from_frame",
    "stream_bars",
    "stream_market_depth",
    "stream_option_chain",
    "stream_orders",
    "stream_positions",
    "stream_quotes",
    "stream_tick_bars",
    "tick_bar_from_frame",
]

UrlOf = Callable[[str], str]
_NEW_YORK = ZoneInfo("America/New_York")


def bar_from_frame(item: Fields, timeframe: Timeframe) -> Bar:
    """One bar-chart frame (or REST bar) with brokerlink's time rules applied."""
    stamp = item.time("TimeStamp")
    if stamp is None:
        raise errors.ResponseFormatError(
            "a bar without TimeStamp", path=f"{item.path}.TimeStamp", broker=BROKER
        )
    if timeframe.is_intraday and timeframe.duration is not None:
        start = stamp - timeframe.duration
    else:
        day = stamp.astimezone(_NEW_YORK).date()
        start = timeframe.floor(datetime(day.year, day.month, day.day, tzinfo=UTC))
    return Bar(
        time=start,
        open=item.need_decimal("Open"),
        high=item.need_decimal("High"),
        low=item.need_decimal("Low"),
        close=item.need_decimal("Close"),
        volume=item.decimal("TotalVolume") or Decimal(0),
    )


async def stream_bars(
    session: StreamSession,
    conv: cattrs.Converter,
    url_of: UrlOf,
    target: Instrument,
    timeframe: Timeframe,
    check: ErrorTable,
) -> AsyncIterator[BarEvent]:
    """``/marketdata/stream/barcharts/{symbol}``: bar events; replays skipped after reconnects."""
    url = url_of(f"/marketdata/stream/barcharts/{quote(to_tradestation(target), safe='@$')}")
    query = bar_query(timeframe)
    last_complete: datetime | None = None
    async with aclosing(ts_frames(session, url, lambda: query, check)) as frames:
        async for frame in frames:
            if "Symbol" in frame and "Error" in frame:
                raise error_from_item(frame, path=url)
            bar = bar_from_frame(Fields(conv, frame), timeframe)
            complete = str(frame.get("BarStatus", "Closed")).lower() == "closed"
            if last_complete is not None and bar.time <= last_complete:
                continue  # history replayed after a reconnect
            if complete:
                last_complete = bar.time
            yield BarEvent(instrument=target, timeframe=timeframe, bar=bar, complete=complete)


def _depth_level(item: Fields) -> DepthLevel:
    return DepthLevel(
        side=item.text("Side") or "",
        price=item.need_decimal("Price"),
        size=item.decimal("Size") or item.decimal("TotalSize") or Decimal(0),
        time=item.time("TimeStamp") or item.time("LatestTime"),
        name=item.text("Name"),
        order_count=_int(item.data.get("OrderCount", item.data.get("TotalOrderCount"))),
        participants=_int(item.data.get("NumParticipants")),
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def stream_market_depth(
    session: StreamSession,
    conv: cattrs.Converter,
    url_of: UrlOf,
    target: Instrument,
    check: ErrorTable,
    *,
    aggregated: bool = False,
    levels: int = 20,
) -> AsyncIterator[MarketDepth]:
    """``/marketdata/stream/marketdepth/{quotes|aggregates}/{symbol}?maxlevels=N``."""
    kind = "aggregates" if aggregated else "quotes"
    url = url_of(
        f"/marketdata/stream/marketdepth/{kind}/{quote(to_tradestation(target), safe='$')}"
    )
    async with aclosing(
        ts_frames(session, url, lambda: {"maxlevels": str(levels)}, check)
    ) as frames:
        async for frame in frames:
            item = Fields(conv, frame)
            yield MarketDepth(
                instrument=target,
                bids=tuple(_depth_level(level) for level in item.items("Bids")),
                asks=tuple(_depth_level(level) for level in item.items("Asks")),
                aggregated=aggregated,
                received_at=utcnow(),
                raw=frame,
            )


def spread_from_frame(item: Fields) -> OptionSpreadQuote:
    """One option-chain (or option-quote) stream frame."""
    legs = []
    for leg in item.items("Legs"):
        expiry = leg.time("Expiration")
        found = leg.convert(
            "Symbol",
            lambda text, e=expiry: from_tradestation(text, expiration=e.date() if e else None),
        )
        ratio = leg.data.get("Ratio", 1)
        legs.append((found, int(ratio) if isinstance(ratio, int) else 1))
    strikes = tuple(Decimal(str(s)) for s in item.data.get("Strikes") or [])
    return OptionSpreadQuote(
        legs=tuple(legs),
        strikes=strikes,
        side=item.text("Side"),
        bid=item.decimal("Bid"),
        ask=item.decimal("Ask"),
        last=item.decimal("Last"),
        mid=item.decimal("Mid"),
        delta=item.decimal("Delta"),
        gamma=item.decimal("Gamma"),
        theta=item.decimal("Theta"),
        vega=item.decimal("Vega"),
        implied_volatility=item.decimal("ImpliedVolatility"),
        open_interest=_int(item.data.get("DailyOpenInterest")),
        volume=_int(item.data.get("Volume")),
        raw=item.data,
    )


async def stream_option_chain(
    session: StreamSession,
    conv: cattrs.Converter,
    url_of: UrlOf,
    underlying: Instrument,
    check: ErrorTable,
    *,
    expiration: date | None = None,
    strike_proximity: int = 5,
    spread_type: str = "Single",
    enable_greeks: bool = True,
) -> AsyncIterator[OptionSpreadQuote]:
    """``/marketdata/stream/options/chains/{underlying}`` (10 concurrent per user)."""
    url = url_of(
        f"/marketdata/stream/options/chains/{quote(to_tradestation(underlying), safe='$')}"
    )
    params = {
        "expiration": None if expiration is None else expiration.isoformat(),
        "strikeProximity": str(strike_proximity),
        "spreadType": spread_type,
        "enableGreeks": "true" if enable_greeks else "false",
    }
    async with aclosing(ts_frames(session, url, lambda: params, check)) as frames:
        async for frame in frames:
            yield spread_from_frame(Fields(conv, frame))


def tick_bar_from_frame(frame: dict[str, Any]) -> TickBar:
    """One v2 bar: numeric prices, ``"/Date(ms)/"`` stamps, a status bit mask."""
    stamp = str(frame.get("TimeStamp", ""))
    digits = stamp.removeprefix("/Date(").removesuffix(")/")
    try:
        moment = datetime.fromtimestamp(int(digits) / 1000, UTC)
        values = {
            k: Decimal(str(frame[k])) for k in ("Open", "High", "Low", "Close", "TotalVolume")
        }
        status = int(frame.get("Status", 0))
    except (KeyError, ValueError, ArithmeticError) as exc:
        raise errors.ResponseFormatError(
            f"a v2 tick bar did not match: {exc}", raw=str(frame), broker=BROKER
        ) from None
    return TickBar(
        time=moment,
        open=values["Open"],
        high=values["High"],
        low=values["Low"],
        close=values["Close"],
        volume=values["TotalVolume"],
        status=status,
    )


async def stream_tick_bars(
    session: StreamSession,
    v2_root: str,
    target: Instrument,
    check: ErrorTable,
    *,
    ticks: int = 1,
    bars_back: int = 10,
) -> AsyncIterator[TickBar]:
    """v2 ``/stream/tickbars/{symbol}/{interval}/{barsBack}``; replays skipped by time."""
    if not 1 <= ticks <= 64_999 or not 1 <= bars_back <= 10:
        raise errors.InvalidOrderError(
            f"tick bars take 1-64999 ticks per bar and 1-10 bars back, got {ticks} and {bars_back}",
            field="ticks",
            broker=BROKER,
        )
    symbol = quote(to_tradestation(target), safe="$")
    url = f"{v2_root.rstrip('/')}/stream/tickbars/{symbol}/{ticks}/{bars_back}"
    delivered: list[TickBar] = []  # the newest bars delivered: a reconnect replays up to 10
    async with aclosing(ts_frames(session, url, dict, check)) as frames:
        async for frame in frames:
            bar = tick_bar_from_frame(frame)
            if delivered and (bar.time < delivered[-1].time or bar in delivered):
                continue
            delivered = [*delivered[-9:], bar]
            yield bar
