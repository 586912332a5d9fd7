"""Tradier-specific models: what only Tradier reports, returned by the ``tradier`` extension.

Account history events, closed positions (gain/loss), watchlists, securities (search, lookup,
easy-to-borrow), the market clock and calendar, option expirations and option roots. Like the
core models they are frozen attrs classes with ``Decimal`` amounts and aware UTC times, and keep
the broker's payload in ``raw`` where one exists.
"""

from __future__ import annotations

import datetime as _dt
from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.instruments import Instrument

__all__ = [
    "CalendarDay",
    "ClosedPosition",
    "HistoryEvent",
    "MarketClock",
    "OptionExpirationInfo",
    "OptionRoot",
    "Security",
    "SessionHours",
    "Watchlist",
    "WatchlistSummary",
]


@attrs.frozen(kw_only=True)
class HistoryEvent:
    """One account history event (trade, option expiry, dividend, ACH, fee, journal, ...).

    ``type`` is Tradier's (``trade``, ``option``, ``dividend``, ...); the detail fields come from
    the event's detail object, which Tradier keys by the type (a dividend's is ``adjustment``).
    History is updated nightly and carries no time of day.
    """

    date: _dt.date
    type: str
    amount: Decimal
    description: str | None = None
    symbol: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    commission: Decimal | None = None
    trade_type: str | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ClosedPosition:
    """One closed position from the gain/loss report (``cost`` and ``proceeds`` are totals)."""

    symbol: str
    quantity: Decimal
    cost: Decimal
    proceeds: Decimal
    gain_loss: Decimal
    gain_loss_percent: Decimal
    open_date: datetime
    close_date: datetime
    term: int
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class WatchlistSummary:
    """A watchlist as ``GET /watchlists`` lists it."""

    id: str
    name: str


@attrs.frozen(kw_only=True)
class Watchlist:
    """A watchlist with its symbols (``public_id`` is Tradier's shareable id, when sent)."""

    id: str
    name: str
    symbols: tuple[str, ...]
    public_id: str | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Security:
    """A search, lookup or easy-to-borrow result: symbol, exchange code, type, description."""

    symbol: str
    exchange: str | None
    type: str
    description: str | None


@attrs.frozen(kw_only=True)
class MarketClock:
    """The market clock: ``state`` is ``premarket``, ``open``, ``postmarket`` or ``closed``.

    ``next_change`` is when ``next_state`` begins, in UTC (Tradier sends a New York ``HH:MM``).
    """

    date: _dt.date
    state: str
    description: str
    time: datetime
    next_state: str | None
    next_change: datetime | None
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class SessionHours:
    """One session of a trading day, in UTC."""

    start: datetime
    end: datetime


@attrs.frozen(kw_only=True)
class CalendarDay:
    """One day of the market calendar; sessions are ``None`` when the market is closed."""

    date: _dt.date
    status: str
    description: str | None
    premarket: SessionHours | None
    open: SessionHours | None
    postmarket: SessionHours | None


@attrs.frozen(kw_only=True)
class OptionExpirationInfo:
    """One option expiration with its contract size, type and (when asked) strikes."""

    date: _dt.date
    contract_size: Decimal | None = None
    expiration_type: str | None = None
    strikes: tuple[Decimal, ...] = ()


@attrs.frozen(kw_only=True)
class OptionRoot:
    """An option root of an underlying (``SPX`` and ``SPXW``) and its contracts."""

    root: str
    options: tuple[Instrument, ...]
