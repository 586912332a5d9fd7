"""The emulator's simulated clock.

The engine never reads the wall clock: time only moves when a caller advances it, so two runs with
the same configuration and the same calls see the same timestamps (DESIGN §9, determinism).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from brokerlink.timeutil import ensure_utc

__all__ = ["SimClock"]


class SimClock:
    """A deterministic clock that only moves forward when told to.

    ``now()`` returns an aware UTC datetime. The clock is thread-safe so that HTTP fronts serving
    several threads read a consistent time.
    """

    def __init__(self, start: datetime) -> None:
        self._now = ensure_utc(start, field="start")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current simulated time (aware UTC)."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` (which must not be negative) and return the new time."""
        if delta < timedelta(0):
            raise ValueError(f"the clock cannot go backwards (delta={delta})")
        with self._lock:
            self._now = self._now + delta
            return self._now

    def set(self, when: datetime) -> datetime:
        """Move the clock to ``when``, which must not be earlier than the current time."""
        when = ensure_utc(when, field="when")
        with self._lock:
            if when < self._now:
                raise ValueError(
                    f"the clock cannot go backwards ({when.isoformat()} < {self._now.isoformat()})"
                )
            self._now = when
            return self._now

    def __repr__(self) -> str:
        return f"SimClock({self.now().isoformat()})"
