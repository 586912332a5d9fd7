"""DxLink events -> brokerlink: quotes, live bars, and bar history from candle snapshots.

Bars exist only as DxLink ``Candle`` events (NOTES §9.4). A history request subscribes to the
candle symbol ``<streamer-symbol>{=<period>}`` from ``fromTime`` (epoch ms) and reads the
snapshot: candles arrive **newest first**, the first flagged ``SNAPSHOT_BEGIN`` (0x4), the last
``SNAPSHOT_END`` (0x8) or ``SNAPSHOT_SNIP`` (0x10), often an all-``NaN`` placeholder flagged
``REMOVE_EVENT`` (0x2). :class:`CandleSnapshot` folds them into ordinary bars, oldest first. A
channel opened with ``contract: AUTO`` sometimes answers an empty snapshot; :func:`bar_history`
then asks again on a ``HISTORY`` channel.

Bar times: a candle's ``time`` is the start of its interval in UTC; daily and longer candles are
stamped 00:00 UTC of their date, which is brokerlink's rule as it is.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs

from brokerlink.adapter import StreamSession
from brokerlink.instruments import Instrument
from brokerlink.models import Bar, BarEvent, Quote, QuoteEvent
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow
from brokerlink_tastytrade.dxlink import (
    KEEPALIVE_SECONDS,
    SILENCE_SECONDS,
    Event,
    Subscription,
    TokenSource,
    feed_events,
    finite,
)

__all__ = [
    "REMOVE_EVENT",
    "SNAPSHOT_BEGIN",
    "SNAPSHOT_END",
    "SNAPSHOT_SNIP",
    "CandleSnapshot",
    "bar_from_candle",
    "bar_history",
    "candle_symbol",
    "quote_events",
    "stream_bar_events",
]

TX_PENDING = 0x1
REMOVE_EVENT = 0x2
SNAPSHOT_BEGIN = 0x4
SNAPSHOT_END = 0x8
SNAPSHOT_SNIP = 0x10

_PERIODS = {"min": "m", "h": "h", "d": "d", "w": "w", "mo": "mo"}


def candle_symbol(streamer_symbol: str, timeframe: Timeframe) -> str:
    """``AAPL{=5m}``: the streamer symbol (from the API) with the candle period."""
    return f"{streamer_symbol}{{={timeframe.count}{_PERIODS[timeframe.unit]}}}"


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def bar_from_candle(event: Event, timeframe: Timeframe) -> Bar | None:
    """The bar of one candle event, or ``None`` for a NaN placeholder."""
    prices = [finite(event.get(k)) for k in ("open", "high", "low", "close")]
    if any(p is None for p in prices) or event.get("time") is None:
        return None
    start = datetime.fromtimestamp(float(event["time"]) / 1000, UTC)
    volume = finite(event.get("volume"))
    o, h, low, c = (_decimal(p) for p in prices if p is not None)
    return Bar(
        time=timeframe.floor(start),
        open=o,
        high=h,
        low=low,
        close=c,
        volume=Decimal(0) if volume is None else _decimal(volume),
    )


class CandleSnapshot:
    """Collects a candle snapshot (newest first, with flags) into bars by start time."""

    def __init__(self, timeframe: Timeframe) -> None:
        self.timeframe = timeframe
        self.bars: dict[datetime, Bar] = {}
        self.done = False

    def add(self, event: Event) -> None:
        """Fold one candle event in; :attr:`done` turns true at the snapshot's end."""
        flags = int(finite(event.get("eventFlags")) or 0)
        if flags & SNAPSHOT_BEGIN:
            self.bars.clear()
        bar = bar_from_candle(event, self.timeframe)
        if flags & REMOVE_EVENT:
            if bar is not None:
                self.bars.pop(bar.time, None)
        elif bar is not None:
            self.bars[bar.time] = bar
        if flags & (SNAPSHOT_END | SNAPSHOT_SNIP) and not flags & TX_PENDING:
            self.done = True

    def result(self, start: datetime | None, end: datetime | None, limit: int | None) -> list[Bar]:
        """The bars oldest first within ``[start, end)``; the first ``limit`` from ``start``, or
        the last ``limit`` when no start was given."""
        bars = sorted(self.bars.values(), key=lambda b: b.time)
        bars = [
            b
            for b in bars
            if (start is None or b.time >= self.timeframe.floor(start))
            and (end is None or b.time < end)
        ]
        if limit is not None:
            bars = bars[:limit] if start is not None else bars[-limit:]
        return bars


def _from_time(
    timeframe: Timeframe, start: datetime | None, limit: int | None, now: datetime | None
) -> int:
    if start is None:
        # No end time exists in DxLink: go back far enough for `limit` bars (weekends included).
        step = timeframe.duration or timedelta(days={"d": 1, "w": 7, "mo": 31}[timeframe.unit])
        count = limit or 500
        span = step * count * (3 if timeframe.is_intraday else 2)
        start = (now or utcnow()) - span
    return math.floor(start.timestamp() * 1000)


async def bar_history(
    session: StreamSession,
    token_source: TokenSource,
    streamer_symbol: str,
    timeframe: Timeframe,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int | None,
    now: datetime | None = None,
    silence: float = SILENCE_SECONDS,
    keepalive: float = KEEPALIVE_SECONDS,
) -> list[Bar]:
    """Bars oldest first from a candle snapshot (``HISTORY`` channel if ``AUTO`` is empty).

    Without ``start`` the request counts back from ``now`` (the server's time when known, else
    the wall clock) far enough for ``limit`` bars. ``silence`` and ``keepalive``: see
    :func:`~.dxlink.feed_events`.
    """
    symbol = candle_symbol(streamer_symbol, timeframe)
    wanted = [
        Subscription(
            type="Candle", symbol=symbol, from_time=_from_time(timeframe, start, limit, now)
        )
    ]
    for contract in ("AUTO", "HISTORY"):
        snapshot = CandleSnapshot(timeframe)
        feed = feed_events(
            session, token_source, wanted, contract=contract, silence=silence, keepalive=keepalive
        )
        async with aclosing(feed) as events:
            async for event in events:
                if event.get("eventType") == "Candle" and event.get("eventSymbol") == symbol:
                    snapshot.add(event)
                    if snapshot.done:
                        break
        if snapshot.bars:
            return snapshot.result(start, end, limit)
    return []


async def quote_events(
    session: StreamSession,
    token_source: TokenSource,
    symbols: Mapping[str, Instrument],
    *,
    silence: float = SILENCE_SECONDS,
    keepalive: float = KEEPALIVE_SECONDS,
) -> AsyncGenerator[QuoteEvent, None]:
    """Quote events for ``symbols`` (streamer symbol -> instrument); trades update ``last``.

    After a reconnect (a drop, or ``silence`` seconds without a message) the subscription is
    made again on the new connection. A new subscription starts with the current Quote and Trade
    of every symbol, which may be what was already delivered: an event that changes nothing
    (same prices, sizes and day volume) is not yielded again.
    """
    wanted = [Subscription(type=kind, symbol=s) for s in symbols for kind in ("Quote", "Trade")]
    latest: dict[str, Quote] = {}
    feed = feed_events(session, token_source, wanted, silence=silence, keepalive=keepalive)
    # Closing this generator must close the feed (and its socket) in the same task.
    async with aclosing(feed) as events:
        async for event in events:
            quote = _merge(latest, symbols, event)
            if quote is not None:
                yield QuoteEvent(quote=quote, received_at=utcnow())


def _merge(
    latest: dict[str, Quote], symbols: Mapping[str, Instrument], event: Event
) -> Quote | None:
    """The quote ``event`` makes of the latest one (a Quote sets bid/ask, a Trade ``last`` and
    the day's volume), or ``None`` when it is not ours or changes nothing."""
    symbol = str(event.get("eventSymbol"))
    target = symbols.get(symbol)
    kind = event.get("eventType")
    if target is None or kind not in ("Quote", "Trade"):
        return None
    previous = latest.get(symbol) or Quote(
        instrument=target, bid=None, ask=None, last=None, bid_size=None, ask_size=None, time=None
    )
    if kind == "Quote":
        quote = attrs.evolve(
            previous,
            bid=_maybe(finite(event.get("bidPrice"))),
            ask=_maybe(finite(event.get("askPrice"))),
            bid_size=_maybe(finite(event.get("bidSize"))),
            ask_size=_maybe(finite(event.get("askSize"))),
            raw=event,
        )
    else:
        quote = attrs.evolve(
            previous,
            last=_maybe(finite(event.get("price"))),
            # A server's FEED_CONFIG may grant fewer fields than we asked for.
            volume=(
                _maybe(finite(event["dayVolume"])) if "dayVolume" in event else previous.volume
            ),
            raw=event,
        )
    if quote == previous:  # ``raw`` is not compared: a repeat of the state we already gave
        return None
    latest[symbol] = quote
    return quote


def _maybe(value: float | None) -> Decimal | None:
    return None if value is None else _decimal(value)


async def stream_bar_events(
    session: StreamSession,
    token_source: TokenSource,
    streamer_symbol: str,
    target: Instrument,
    timeframe: Timeframe,
    *,
    now: datetime | None = None,
    silence: float = SILENCE_SECONDS,
    keepalive: float = KEEPALIVE_SECONDS,
) -> AsyncGenerator[BarEvent, None]:
    """Live candles as bar events: a bar is complete once a newer one has started.

    The subscription starts at the start of the interval before the one holding ``now`` (the
    server's time when known), so the snapshot opens with the last completed candle.
    """
    symbol = candle_symbol(streamer_symbol, timeframe)
    back = timeframe.duration or timedelta(days=1)
    # A snapshot holds the candles stamped at or after fromTime, so an unaligned fromTime (now
    # minus one interval) would leave out the last completed candle, the one we start from.
    previous = timeframe.floor(timeframe.floor(now or utcnow()) - back)
    since = math.floor(previous.timestamp() * 1000)
    wanted = [Subscription(type="Candle", symbol=symbol, from_time=since)]
    current: Bar | None = None
    feed = feed_events(session, token_source, wanted, silence=silence, keepalive=keepalive)
    async with aclosing(feed) as events:
        async for event in events:
            bar = bar_from_candle(event, timeframe) if event.get("eventSymbol") == symbol else None
            if bar is None or (current is not None and bar.time < current.time):
                continue
            if current is not None and bar.time > current.time:
                yield BarEvent(instrument=target, timeframe=timeframe, bar=current, complete=True)
            current = bar
            yield BarEvent(instrument=target, timeframe=timeframe, bar=bar, complete=False)
