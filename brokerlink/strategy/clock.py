"""The clock a strategy reads as ``ctx.now``: the broker's time, never the machine's in a replay.

- On an emulator it is the emulator's simulated clock, which moves as bars are read.
- Against a real broker it is the wall clock (UTC).
- In a replay there is neither: time starts where the recording started and then follows the
  events (the end of each completed bar, the stamp of each quote), so a replay sees the times
  the recording saw.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from brokerlink.models import BarEvent, QuoteEvent
from brokerlink.timeutil import ensure_utc, utcnow

__all__ = ["RunClock", "event_time"]


def event_time(event: object) -> datetime | None:
    """The broker time an event speaks for: a completed bar's end, a forming bar's start, a
    quote's own stamp; ``None`` for anything else (order events may carry receipt times)."""
    if isinstance(event, BarEvent):
        duration = event.timeframe.duration
        if event.complete and duration is not None:
            return event.bar.time + duration
        return event.bar.time
    if isinstance(event, QuoteEvent):
        return event.quote.time
    return None


class RunClock:
    """``now()`` from ``source`` when there is one, else the latest event time (never before
    ``start``). ``RunClock(engine.now)`` follows an emulator; ``RunClock(start=t)`` a replay."""

    def __init__(
        self, source: Callable[[], datetime] | None = None, *, start: datetime | None = None
    ) -> None:
        self._source = source
        self._latest = ensure_utc(start, field="start") if start is not None else None

    @classmethod
    def wall(cls) -> RunClock:
        """The machine's UTC clock, for real brokers."""
        return cls(utcnow)

    def observe(self, event: object) -> None:
        """Move an event-driven clock to ``event``'s time (a source-driven one ignores it)."""
        if self._source is not None:
            return
        when = event_time(event)
        if when is not None and (self._latest is None or when > self._latest):
            self._latest = when

    def now(self) -> datetime:
        """The current time in UTC."""
        if self._source is not None:
            return self._source()
        if self._latest is None:
            # A replay without a recorded start and no event yet: nothing better is known.
            return utcnow()
        return self._latest
