"""Market hours for the emulator: New York equity sessions, CME-style futures hours, 24/7 crypto.

Every session is described by windows of aware UTC datetimes computed from New York wall-clock
times with :mod:`zoneinfo`, so daylight-saving changes are handled by the time-zone database rather
than by hand-written offsets.

=============  ==========================================================================
schedule       windows (New York time unless noted)
=============  ==========================================================================
``EQUITY``     weekdays except NYSE holidays: PRE 04:00-09:30, REGULAR 09:30-16:00,
               POST 16:00-20:00
``OPTION``     the REGULAR equity session only (listed options do not trade extended hours)
``INDEX``      the REGULAR equity session only (index values are disseminated then)
``FUTURES``    Sun 18:00 to Fri 17:00 with a daily 17:00-18:00 break; a session that opens at
               18:00 belongs to the next day's trading date. Holidays are not modelled.
``CRYPTO``     always open; the trading date is the UTC date
=============  ==========================================================================

Only NYSE *full* holidays for 2024-2027 are listed; early closes (13:00) are not modelled.

Brokers draw their own extended-hours segments inside those windows (Tradier's pre-market is
07:00-09:24): :class:`ExtendedHours` describes them and :func:`equity_windows_on` gives a
day's windows with them, for fronts that answer clock and calendar requests or accept orders
for one segment only.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from brokerlink.enums import AssetClass
from brokerlink.instruments import Instrument
from brokerlink.timeutil import ensure_utc

__all__ = [
    "ENGINE_HOURS",
    "NEW_YORK",
    "NYSE_HOLIDAYS",
    "ExtendedHours",
    "Schedule",
    "ScheduleLike",
    "Session",
    "SessionWindow",
    "equity_windows_on",
    "is_open",
    "next_open",
    "previous_close",
    "schedule_for",
    "session_at",
    "session_end",
    "trading_date",
    "trading_minutes",
    "trading_windows",
    "windows_on",
]

NEW_YORK = ZoneInfo("America/New_York")
"""The exchange time zone of the equity and futures schedules."""

_MINUTE = timedelta(minutes=1)

NYSE_HOLIDAYS: frozenset[date] = frozenset(
    date.fromisoformat(text)
    for text in (
        # 2024
        "2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27",
        "2024-06-19", "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25",
        # 2025 (January 9: national day of mourning for President Carter)
        "2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18",
        "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25",
        # 2026 (Independence Day observed on Friday July 3)
        "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25",
        "2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25",
        # 2027 (Juneteenth, Independence Day and Christmas observed on the nearest weekday)
        "2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31",
        "2027-06-18", "2027-07-05", "2027-09-06", "2027-11-25", "2027-12-24",
    )
)  # fmt: skip
"""NYSE full-day closures, 2024-2027."""


class Session(enum.StrEnum):
    """Which part of the trading day a moment falls in."""

    PRE = "pre"
    REGULAR = "regular"
    POST = "post"
    CLOSED = "closed"


class Schedule(enum.Enum):
    """The trading-hours family an instrument follows."""

    EQUITY = "equity"
    OPTION = "option"
    INDEX = "index"
    FUTURES = "futures"
    CRYPTO = "crypto"


SessionWindow = tuple[datetime, datetime, Session]
"""``(start, end, session)``: a half-open UTC interval ``[start, end)``."""

_SCHEDULES: dict[AssetClass, Schedule] = {
    AssetClass.EQUITY: Schedule.EQUITY,
    AssetClass.OPTION: Schedule.OPTION,
    AssetClass.INDEX: Schedule.INDEX,
    AssetClass.FUTURE: Schedule.FUTURES,
    AssetClass.FUTURE_OPTION: Schedule.FUTURES,
    AssetClass.CRYPTO: Schedule.CRYPTO,
    AssetClass.UNKNOWN: Schedule.EQUITY,
}


ScheduleLike = Instrument | AssetClass | Schedule
"""What the calendar functions accept: an instrument, its asset class, or a schedule."""


def schedule_for(what: ScheduleLike) -> Schedule:
    """The schedule an instrument or asset class trades on (a :class:`Schedule` passes through)."""
    if isinstance(what, Schedule):
        return what
    if isinstance(what, AssetClass):
        return _SCHEDULES[what]
    return _SCHEDULES[what.asset_class]


def _ny(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` New York time, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK).astimezone(UTC)


def _is_exchange_day(day: date) -> bool:
    return day.weekday() < 5 and day not in NYSE_HOLIDAYS


def windows_on(schedule: ScheduleLike, day: date) -> list[SessionWindow]:
    """The session windows of trading date ``day``, in time order (empty when it is no trading day)."""
    return list(_windows_on(schedule_for(schedule), day))


@lru_cache(maxsize=8192)
def _windows_on(sched: Schedule, day: date) -> tuple[SessionWindow, ...]:
    # Cached: the matching loop asks for the same few days once per order per minute.
    if sched is Schedule.CRYPTO:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        return ((start, start + timedelta(days=1), Session.REGULAR),)
    if sched is Schedule.FUTURES:
        if day.weekday() >= 5:
            return ()
        return ((_ny(day - timedelta(days=1), 18), _ny(day, 17), Session.REGULAR),)
    if not _is_exchange_day(day):
        return ()
    regular = (_ny(day, 9, 30), _ny(day, 16), Session.REGULAR)
    if sched is Schedule.EQUITY:
        return (
            (_ny(day, 4), _ny(day, 9, 30), Session.PRE),
            regular,
            (_ny(day, 16), _ny(day, 20), Session.POST),
        )
    return (regular,)


class ExtendedHours(NamedTuple):
    """A broker's pre- and post-market segments of an equity trading day, as New York
    wall-clock ``(start, end)`` pairs (half-open)."""

    pre: tuple[time, time]
    post: tuple[time, time]

    def window(self, session: Session, day: date) -> tuple[datetime, datetime] | None:
        """The UTC window of ``session`` (``PRE`` or ``POST``) on ``day``; ``None`` when ``day``
        is no exchange day or ``session`` is neither."""
        if session not in (Session.PRE, Session.POST) or not _is_exchange_day(day):
            return None
        start, end = self.pre if session is Session.PRE else self.post
        return _ny(day, start.hour, start.minute), _ny(day, end.hour, end.minute)


ENGINE_HOURS = ExtendedHours(pre=(time(4), time(9, 30)), post=(time(16), time(20)))
"""The extended hours the engine trades in (see the module table)."""


def equity_windows_on(day: date, hours: ExtendedHours = ENGINE_HOURS) -> list[SessionWindow]:
    """The equity session windows of ``day`` with a broker's extended ``hours`` (the regular
    session is 09:30-16:00 for every broker); empty when ``day`` is no exchange day."""
    pre, post = hours.window(Session.PRE, day), hours.window(Session.POST, day)
    if pre is None or post is None:
        return []
    return [(*pre, Session.PRE), (_ny(day, 9, 30), _ny(day, 16), Session.REGULAR),
            (*post, Session.POST)]  # fmt: skip


def _candidate_days(schedule: Schedule, dt: datetime) -> tuple[date, ...]:
    """Trading dates whose windows may contain ``dt``."""
    if schedule is Schedule.CRYPTO:
        return (dt.date(),)
    local = dt.astimezone(NEW_YORK).date()
    if schedule is Schedule.FUTURES:
        return (local, local + timedelta(days=1))
    return (local,)


def session_at(schedule: ScheduleLike, dt: datetime) -> Session:
    """The session in force at ``dt`` for instruments on ``schedule``."""
    sched = schedule_for(schedule)
    dt = ensure_utc(dt, field="dt")
    for day in _candidate_days(sched, dt):
        for start, end, session in _windows_on(sched, day):
            if start <= dt < end:
                return session
    return Session.CLOSED


def is_open(schedule: ScheduleLike, dt: datetime, extended: bool = False) -> bool:
    """Whether ``dt`` is in the regular session, or in any session when ``extended`` is true."""
    session = session_at(schedule, dt)
    if session is Session.CLOSED:
        return False
    return extended or session is Session.REGULAR


def trading_date(schedule: ScheduleLike, dt: datetime) -> date:
    """The trading date ``dt`` belongs to (futures evenings belong to the next day)."""
    sched = schedule_for(schedule)
    dt = ensure_utc(dt, field="dt")
    if sched is Schedule.CRYPTO:
        return dt.date()
    local = dt.astimezone(NEW_YORK)
    if sched is Schedule.FUTURES and local.hour >= 18:
        return local.date() + timedelta(days=1)
    return local.date()


def trading_windows(
    schedule: ScheduleLike, start: datetime, end: datetime, extended: bool = False
) -> list[tuple[datetime, datetime]]:
    """The tradable intervals overlapping ``[start, end)``, clipped to it, in time order.

    Adjacent sessions (pre, regular, post) come back as separate intervals.
    """
    sched = schedule_for(schedule)
    start, end = ensure_utc(start, field="start"), ensure_utc(end, field="end")
    return list(_windows_between(sched, start, end, extended))


def previous_close(schedule: ScheduleLike, dt: datetime, extended: bool = True) -> datetime | None:
    """The end of the last session window that ended at or before ``dt`` (within 2 weeks)."""
    sched = schedule_for(schedule)
    dt = ensure_utc(dt, field="dt")
    day = trading_date(sched, dt) + timedelta(days=1)
    for _ in range(16):
        ends = [
            w_end
            for _w_start, w_end, session in windows_on(sched, day)
            if w_end <= dt and (extended or session is Session.REGULAR)
        ]
        if ends:
            return max(ends)
        day -= timedelta(days=1)
    return None


def _windows_between(
    sched: Schedule, start: datetime, end: datetime, extended: bool
) -> Iterator[tuple[datetime, datetime]]:
    """The tradable windows overlapping ``[start, end)``, clipped to it, in order."""
    day = trading_date(sched, start) - timedelta(days=1)
    last = trading_date(sched, end) + timedelta(days=1)
    while day <= last:
        for w_start, w_end, session in windows_on(sched, day):
            if not extended and session is not Session.REGULAR:
                continue
            lo, hi = max(w_start, start), min(w_end, end)
            if lo < hi:
                yield lo, hi
        day += timedelta(days=1)


def trading_minutes(
    schedule: ScheduleLike, start: datetime, end: datetime, extended: bool = False
) -> list[datetime]:
    """The start of every trading minute in ``[start, end)``, in order (UTC, second 0)."""
    sched = schedule_for(schedule)
    start, end = ensure_utc(start, field="start"), ensure_utc(end, field="end")
    minutes: list[datetime] = []
    for lo, hi in _windows_between(sched, start, end, extended):
        # Round the first minute up so a window clipped mid-minute yields whole minutes only.
        first = lo.replace(second=0, microsecond=0)
        if first < lo:
            first += _MINUTE
        count = int((hi - first) / _MINUTE + 0.999999) if hi > first else 0
        minutes.extend(first + i * _MINUTE for i in range(count))
    return minutes


def next_open(schedule: ScheduleLike, dt: datetime, extended: bool = False) -> datetime | None:
    """The first moment at or after ``dt`` when the market is open (``None`` if not within 2 weeks)."""
    sched = schedule_for(schedule)
    dt = ensure_utc(dt, field="dt")
    for lo, _hi in _windows_between(sched, dt, dt + timedelta(days=14), extended):
        return lo
    return None


def session_end(schedule: ScheduleLike, dt: datetime, extended: bool = False) -> datetime | None:
    """When the session containing ``dt`` (or, if closed, the next one) ends.

    With ``extended`` false this is the end of the regular session: the moment a DAY order
    expires. With ``extended`` true it is the end of the last window of that trading date (the
    post-market close for equities), when a DAY_EXT order expires.
    """
    sched = schedule_for(schedule)
    dt = ensure_utc(dt, field="dt")
    opened = next_open(sched, dt, extended)
    if opened is None:
        return None
    day = trading_date(sched, opened)
    windows = [w for w in windows_on(sched, day) if extended or w[2] is Session.REGULAR]
    return windows[-1][1] if windows else None
