"""The sandbox's 24-hour reset (refs/tastytrade/NOTES.md §10): at each New York midnight the
accounts lose their orders and positions and get their starting cash back; customers and
accounts stay. Only with ``SandboxOptions(daily_reset=True)``; checked on every request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from brokerlink.emulator import Engine
from brokerlink.emulator.calendar import NEW_YORK

__all__ = ["DailyReset"]


class DailyReset:
    """Resets the engine's accounts the first time it is checked on a new New York date, then
    calls ``on_reset`` (the front forgets the trades it derived transactions from)."""

    def __init__(self, engine: Engine, on_reset: Callable[[], None]) -> None:
        self._engine = engine
        self._on_reset = on_reset
        self._lock = threading.Lock()
        self._day: date = engine.now().astimezone(NEW_YORK).date()

    def check(self) -> bool:
        """Reset when the date has changed since the last check; True when it did."""
        today = self._engine.now().astimezone(NEW_YORK).date()
        with self._lock:
            if today <= self._day:
                return False
            self._day = today
        self._engine.reset_accounts()
        self._on_reset()
        return True
