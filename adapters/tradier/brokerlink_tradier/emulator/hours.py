"""Tradier's own trading-day segments: pre-market 07:00-09:24, regular 09:30-16:00, post-market
16:00-20:00 New York time (the documented ``GET /markets/calendar`` example, NOTES §4.4).

They are narrower than the engine's extended hours (04:00-09:30 and 16:00-20:00), and an order's
``duration`` picks one: a ``pre`` order works only inside the pre-market segment (it waits for
07:00 when placed earlier and stops at 09:24, before the open), a ``post`` order only inside the
post-market segment (placed during the day, it waits for 16:00). Once its segment is over for
the day the order is refused with the documented ``Invalid parameter, duration: pre market no
longer available`` (NOTES §4.2; ``post`` gets the same sentence). The clock and calendar
endpoints answer with these segments, so a client choosing ``pre``/``post`` from the clock's
``state`` agrees with what is accepted.

The wait is the engine's own mechanism: an order placed with a fill delay does not trade before
it (:func:`waiting_for`), so nothing fills outside the segment even between requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import attrs

from brokerlink.emulator import Engine
from brokerlink.emulator import calendar as mkt

__all__ = ["SEGMENT_OF", "TRADIER_HOURS", "segment", "session_now", "waiting_for", "windows_on"]

TRADIER_HOURS = mkt.ExtendedHours(pre=(time(7), time(9, 24)), post=(time(16), time(20)))
"""Tradier's pre- and post-market segments (New York wall clock)."""

SEGMENT_OF = {"pre": mkt.Session.PRE, "post": mkt.Session.POST}
"""The segment each extended-hours ``duration`` trades in."""


def windows_on(day: date) -> list[mkt.SessionWindow]:
    """Tradier's session windows of ``day`` (empty when the exchange is closed)."""
    return mkt.equity_windows_on(day, TRADIER_HOURS)


def session_now(now: datetime) -> mkt.Session:
    """The Tradier segment ``now`` falls in (``CLOSED`` between and outside them)."""
    day = mkt.trading_date(mkt.Schedule.EQUITY, now)
    return next((s for start, end, s in windows_on(day) if start <= now < end), mkt.Session.CLOSED)


def segment(duration: str, now: datetime) -> tuple[datetime, datetime] | None:
    """Today's segment of a ``pre``/``post`` order placed at ``now``, as ``(start, end)``;
    ``None`` when it is over for the day (or there is none today, or ``duration`` names none)."""
    session = SEGMENT_OF.get(duration)
    if session is None:
        return None
    window = TRADIER_HOURS.window(session, mkt.trading_date(mkt.Schedule.EQUITY, now))
    if window is None or now >= window[1]:
        return None
    return window


@contextmanager
def waiting_for(engine: Engine, wait: timedelta) -> Iterator[None]:
    """Orders placed inside the block do not trade for ``wait`` (or the personality's own fill
    delay, if longer): the engine's fill delay, lengthened for the block only."""
    before = engine.personality
    if wait > before.fill_delay:
        engine.personality = attrs.evolve(before, fill_delay=wait)
    try:
        yield
    finally:
        engine.personality = before
