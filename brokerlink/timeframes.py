"""Bar timeframes: ``tick``, ``1min``, ``5min``, ``1h``, ``1d``, ``1w``, ``1mo`` (DESIGN §4).

A :class:`Timeframe` is a unit and a count. Intraday bars are stamped with the start of their
interval in UTC, and daily and longer bars with 00:00 UTC of the date they belong to;
:meth:`Timeframe.floor` computes that stamp, so the emulator, the adapters and user code agree on
which bar a moment falls in.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Final, Literal, TypeAlias

import attrs

from brokerlink.timeutil import ensure_utc

__all__ = ["Timeframe", "TimeframeLike", "TimeframeUnit"]

TimeframeUnit: TypeAlias = Literal["tick", "min", "h", "d", "w", "mo"]
"""The units a :class:`Timeframe` counts in."""

# Largest count per unit: intraday intervals stay within one day so that floor() can align them
# to midnight UTC; multi-day/week/month bars have no agreed alignment across brokers.
_MAX_COUNT: Final[dict[str, int]] = {"tick": 1, "min": 1440, "h": 24, "d": 1, "w": 1, "mo": 1}
_UNIT_SECONDS: Final[dict[str, int]] = {"min": 60, "h": 3600}
_TEXT = re.compile(r"(\d*)(tick|min|mo|h|d|w)")
_FORMS = "'tick', '1min', '5min', '15min', '1h', '4h', '1d', '1w' or '1mo'"


def _check_unit(instance: Timeframe, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _MAX_COUNT:
        raise ValueError(f"timeframe unit {value!r} is not one of {sorted(_MAX_COUNT)}")


def _check_count(instance: Timeframe, attribute: attrs.Attribute[int], value: int) -> None:
    limit = _MAX_COUNT.get(instance.unit, 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        allowed = "1" if limit == 1 else f"1-{limit}"
        raise ValueError(f"timeframe count for {instance.unit!r} must be {allowed}, got {value!r}")


@attrs.frozen
class Timeframe:
    """A bar interval: ``Timeframe("min", 5)`` is ``5min``. Build one from text with :meth:`parse`.

    ``tick`` is a single trade (count 1); ``min`` takes 1-1440, ``h`` 1-24; ``d``, ``w`` and
    ``mo`` take count 1 only.
    """

    unit: TimeframeUnit = attrs.field(validator=_check_unit)
    count: int = attrs.field(default=1, validator=_check_count)

    @classmethod
    def parse(cls, value: TimeframeLike) -> Timeframe:
        """Parse ``"5min"``, ``"1h"``, ``"1d"``, ... (case-insensitive); a Timeframe passes through.

        Raises ``ValueError`` naming the accepted forms. ``"1m"`` is refused on purpose: it could
        mean a minute or a month.
        """
        if isinstance(value, Timeframe):
            return value
        if not isinstance(value, str):
            raise TypeError(f"timeframe: expected text such as {_FORMS}, got {value!r}")
        m = _TEXT.fullmatch(value.strip().lower())
        if m is None or (m[2] != "tick" and not m[1]) or (m[2] == "tick" and m[1]):
            raise ValueError(f"timeframe {value!r} is not recognised; use {_FORMS}")
        unit: TimeframeUnit = m[2]  # type: ignore[assignment]  # the regex only matches units
        try:
            return cls(unit, int(m[1] or 1))
        except ValueError as exc:
            raise ValueError(f"timeframe {value!r}: {exc}; use {_FORMS}") from None

    def __str__(self) -> str:
        return "tick" if self.unit == "tick" else f"{self.count}{self.unit}"

    @property
    def is_intraday(self) -> bool:
        """True for minute and hour bars (and ticks): shorter than a trading day."""
        return self.unit in ("tick", "min", "h")

    @property
    def duration(self) -> timedelta | None:
        """The fixed length of an interval: minutes and hours only.

        ``None`` for ticks (no interval) and for days, weeks and months, whose length depends on
        the calendar and the session.
        """
        seconds = _UNIT_SECONDS.get(self.unit)
        return None if seconds is None else timedelta(seconds=seconds * self.count)

    def floor(self, dt: datetime) -> datetime:
        """The start (UTC) of the interval containing ``dt``; ``dt`` must be timezone-aware.

        Intraday intervals are aligned to midnight UTC (``5min`` bars start at :00, :05, ...).
        ``1d`` floors to 00:00 UTC of ``dt``'s UTC date, ``1w`` to Monday 00:00, ``1mo`` to the
        1st at 00:00. A tick has no interval, so ``dt`` comes back unchanged (in UTC).
        """
        dt = ensure_utc(dt, field="dt")
        if self.unit == "tick":
            return dt
        midnight = dt.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.unit == "d":
            return midnight
        if self.unit == "w":
            return midnight - timedelta(days=midnight.weekday())
        if self.unit == "mo":
            return midnight.replace(day=1)
        step = _UNIT_SECONDS[self.unit] * self.count
        elapsed = int((dt - midnight).total_seconds())
        return midnight + timedelta(seconds=elapsed - elapsed % step)


TimeframeLike: TypeAlias = str | Timeframe
"""What brokerlink accepts wherever it takes a timeframe."""
