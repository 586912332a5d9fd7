"""Aware UTC datetimes, everywhere.

brokerlink models carry aware datetimes in UTC only. Brokers stamp times in UTC, in exchange time
(America/New_York, America/Chicago) or without a zone at all; adapters convert at the parse
boundary with :func:`ensure_utc`, so user code never compares a naive time with an aware one (a
``TypeError`` at best, a silent five-hour shift at worst).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["UTC", "ensure_utc", "is_utc", "utcnow"]

_ZERO = timedelta(0)


def ensure_utc(dt: datetime, *, field: str) -> datetime:
    """Return ``dt`` converted to UTC. ``dt`` must be timezone-aware.

    A naive datetime raises ``ValueError`` rather than being guessed at: a naive time from a broker
    could be UTC or exchange time, and a wrong guess shifts every bar and fill by hours.
    """
    if not isinstance(dt, datetime):
        raise TypeError(f"{field}: expected a datetime, got {type(dt).__name__} ({dt!r})")
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError(
            f"{field}: {dt.isoformat()} is naive; attach a timezone, e.g. "
            f"datetime(..., tzinfo=datetime.UTC) or dt.replace(tzinfo=ZoneInfo('America/New_York'))"
        )
    if dt.tzinfo is UTC:
        return dt
    return dt.astimezone(UTC)


def is_utc(dt: datetime) -> bool:
    """True when ``dt`` is aware and its offset is zero (``UTC``, ``ZoneInfo('UTC')``, ...)."""
    return dt.utcoffset() == _ZERO


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)
