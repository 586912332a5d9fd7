"""What the emulator's streams carry, and how they move simulated time (shared by every front).

The engine's clock only moves when told to, so a stream has to decide what time does while a
client listens. Every front uses these feeds and only writes the frames in its broker's format,
so the time policy is the same for all adapters:

- :func:`bar_feed`, **fast-forward**: one completed bar per interval, oldest first. When the next
  bar lies beyond the engine clock, the clock is advanced to that bar's end (working orders on
  the way), so simulated time runs exactly as fast as the consumer reads. A strategy iterating
  ``stream_bars(symbol, "1min")`` and placing market orders gets fills at the then-current
  prices. Closed stretches (nights, weekends) are skipped to the next session.
- :func:`quote_feed`: the current quotes of the symbols, then a short *real* pause, then the
  clock moves 1 simulated second; repeated. Quotes therefore change as fast as they are read,
  and resting orders fill as the clock passes their prices.
- :func:`event_feed`: order and position events from the engine's log (its stream view), polled
  every ~10 ms of real time, never moving the clock; ``None`` marks a heartbeat when idle.

Served over a socket (``brokerlink emulate``) frames are pushed as fast as the connection
accepts them, so a bar stream may run ahead of a slow reader by what the socket buffers hold.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.engine import Engine
from brokerlink.emulator.events import EngineEvent
from brokerlink.instruments import Instrument
from brokerlink.models import Bar, Quote
from brokerlink.timeframes import Timeframe

__all__ = ["bar_feed", "event_cursor", "event_feed", "period_end", "quote_feed"]

_SEARCH = timedelta(days=14)  # how far ahead to look for the next session before giving up


def period_end(timeframe: Timeframe, start: datetime) -> datetime:
    """The end of the bar interval starting at ``start`` (a value :meth:`Timeframe.floor` gave)."""
    if timeframe.duration is not None:
        return start + timeframe.duration
    if timeframe.unit == "d":
        return start + timedelta(days=1)
    if timeframe.unit == "w":
        return start + timedelta(weeks=1)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return start.replace(year=year, month=month, day=1)


async def bar_feed(
    engine: Engine, target: Instrument, timeframe: Timeframe, *, after: datetime | None = None
) -> AsyncIterator[Bar]:
    """Completed bars from the one in progress (or the one after ``after``) on, fast-forwarding.

    ``after`` is the time of the last bar a client already has: the feed resumes with the next
    one, catching up on any that completed meanwhile without moving the clock.
    """
    start = (
        timeframe.floor(engine.now())
        if after is None
        else period_end(timeframe, timeframe.floor(after))
    )
    while True:
        end = period_end(timeframe, start)
        if end > engine.now():
            engine.advance_to(end)
        found = [bar for bar in engine.bars(target, timeframe, start, end) if bar.time >= start]
        if found:
            yield found[0]
            start = end
        else:
            # No bar: the market was closed for the whole interval. Jump to the next session.
            opens = mkt.next_open(target, end)
            if opens is None or opens - end > _SEARCH:
                return  # nothing trades any more (an expired contract): end the stream
            start = max(end, timeframe.floor(opens))
        await asyncio.sleep(0)  # let the consumer and other streams run between bars


async def quote_feed(
    engine: Engine,
    targets: Sequence[Instrument],
    *,
    pause: float = 0.01,
    step: timedelta = timedelta(seconds=1),
) -> AsyncIterator[list[Quote]]:
    """The quotes of ``targets`` now, then after each ``pause`` (real) and ``step`` (simulated)."""
    while True:
        yield list(engine.quotes(targets).values())
        await asyncio.sleep(pause)
        engine.advance(step)


def event_cursor(engine: Engine) -> int:
    """The engine's current event-log cursor: a feed started from it sees only new events."""
    # events_since answers the log length as the next cursor; asking past the end reads nothing.
    return engine.events_since(sys.maxsize)[1]


async def event_feed(
    engine: Engine,
    account: str,
    *,
    after: int,
    poll: float = 0.01,
    heartbeat: float = 5.0,
) -> AsyncIterator[EngineEvent | None]:
    """``account``'s events after sequence number ``after``; ``None`` after ``heartbeat`` idle seconds."""
    cursor, idle = after, 0.0
    while True:
        events, cursor = engine.events_since(cursor, account=account)
        for entry in events:
            yield entry
        if events:
            idle = 0.0
            continue
        await asyncio.sleep(poll)
        idle += poll
        if idle >= heartbeat:
            idle = 0.0
            yield None
