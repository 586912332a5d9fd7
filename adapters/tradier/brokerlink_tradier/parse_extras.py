"""Tradier-only payloads -> :mod:`brokerlink_tradier.models` (history, gain/loss, watchlists,
securities, clock, calendar, expirations, strikes, option roots), through the quirk normalizers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import attrs
import cattrs

from brokerlink.wire import structure_or_raise
from brokerlink_tradier.models import (
    CalendarDay,
    ClosedPosition,
    HistoryEvent,
    MarketClock,
    OptionExpirationInfo,
    OptionRoot,
    Security,
    SessionHours,
    Watchlist,
    WatchlistSummary,
)
from brokerlink_tradier.quirks import (
    BROKER,
    NEW_YORK,
    day,
    dec,
    items,
    listed,
    obj,
    opt_dec,
    opt_text,
    when,
)
from brokerlink_tradier.symbols import instrument_from_tradier

__all__ = [
    "calendar_from_tradier",
    "clock_from_tradier",
    "expirations_from_tradier",
    "gainloss_from_tradier",
    "history_from_tradier",
    "option_roots_from_tradier",
    "securities_from_tradier",
    "strikes_from_tradier",
    "watchlist_from_tradier",
    "watchlists_from_tradier",
]


# {"history": {"event": [{"amount": 10.06, "date": "2018-10-31T00:00:00Z", "type": "trade",
#   "trade": {"commission": 0.0, "description": "GENERAL ELECTRIC COMPANY", "price": 10.06,
#   "quantity": -1.0, "symbol": "GE", "trade_type": "Equity"}},
#   {"amount": 0.12, "type": "dividend", "adjustment": {"description": "...", "quantity": 0}}]}}
def history_from_tradier(payload: dict[str, Any]) -> list[HistoryEvent]:
    """``GET /accounts/{id}/history``: events, their detail read from whichever key holds it."""
    events = []
    for index, item in enumerate(items(payload, "history", "event")):
        kind = str(item.get("type") or "")
        detail = item.get(kind)
        if not isinstance(detail, dict):  # a dividend's detail sits under "adjustment"
            detail = next(
                (v for k, v in item.items() if isinstance(v, dict) and k not in ("date",)), {}
            )
        events.append(
            HistoryEvent(
                date=day(item.get("date"), path=f"$.history.event[{index}].date"),
                type=kind,
                amount=dec(item.get("amount"), path=f"$.history.event[{index}].amount"),
                description=opt_text(detail.get("description")),
                symbol=opt_text(detail.get("symbol")),
                quantity=opt_dec(detail.get("quantity")),
                price=opt_dec(detail.get("price")),
                commission=opt_dec(detail.get("commission")),
                trade_type=opt_text(detail.get("trade_type") or detail.get("option_type")),
                raw=item,
            )
        )
    return events


# {"gainloss": {"closed_position": [{"close_date": "2018-10-31T00:00:00.000Z", "cost": 12.7,
#   "gain_loss": -2.64, "gain_loss_percent": -20.7874, "open_date": "2018-06-19T00:00:00.000Z",
#   "proceeds": 10.06, "quantity": 1.0, "symbol": "GE", "term": 134}]}}
def gainloss_from_tradier(conv: cattrs.Converter, payload: dict[str, Any]) -> list[ClosedPosition]:
    """``GET /accounts/{id}/gainloss``: closed positions."""
    rows = items(payload, "gainloss", "closed_position")
    found = structure_or_raise(conv, rows, list[ClosedPosition], broker=BROKER)
    return [attrs.evolve(record, raw=row) for record, row in zip(found, rows, strict=True)]


# {"watchlists": {"watchlist": [{"id": "default", "name": "default"}]}}
def watchlists_from_tradier(payload: dict[str, Any]) -> list[WatchlistSummary]:
    """``GET /watchlists``."""
    return [
        WatchlistSummary(id=str(item.get("id")), name=str(item.get("name") or item.get("id")))
        for item in items(payload, "watchlists", "watchlist")
    ]


# {"watchlist": {"id": "my-watchlist", "name": "My Watchlist", "public_id": "public-...",
#   "items": {"item": [{"symbol": "AAPL", "id": "aapl"}]}}}   (items "null" when empty)
def watchlist_from_tradier(payload: dict[str, Any]) -> Watchlist:
    """``GET /watchlists/{id}`` (and the create, update and symbol answers)."""
    item = obj(payload, "watchlist") or {}
    symbols = tuple(str(entry.get("symbol")) for entry in items(item, "items", "item"))
    return Watchlist(
        id=str(item.get("id")),
        name=str(item.get("name") or item.get("id")),
        symbols=symbols,
        public_id=opt_text(item.get("public_id")),
        raw=item,
    )


# {"securities": {"security": [{"symbol": "GOOGL", "exchange": "Q", "type": "stock",
#   "description": "Alphabet Inc"}]}}
def securities_from_tradier(payload: dict[str, Any]) -> list[Security]:
    """``GET /markets/search``, ``/markets/lookup`` and ``/markets/etb``."""
    return [
        Security(
            symbol=str(item.get("symbol")),
            exchange=opt_text(item.get("exchange")),
            type=str(item.get("type") or "unknown"),
            description=opt_text(item.get("description")),
        )
        for item in items(payload, "securities", "security")
    ]


def _new_york(on: date, hhmm: str) -> datetime:
    clock = time.fromisoformat(hhmm)
    return datetime.combine(on, clock, tzinfo=NEW_YORK).astimezone(UTC)


# {"clock": {"date": "2019-05-06", "description": "Market is open from 09:30 to 16:00",
#   "state": "open", "timestamp": 1557156988, "next_change": "16:00", "next_state": "postmarket"}}
def clock_from_tradier(payload: dict[str, Any]) -> MarketClock:
    """``GET /markets/clock``: ``next_change`` (New York ``HH:MM``) becomes a UTC time."""
    item = obj(payload, "clock") or {}
    on = day(item.get("date"), path="$.clock.date")
    stamp = when(item.get("timestamp"), path="$.clock.timestamp")
    change = opt_text(item.get("next_change"))
    return MarketClock(
        date=on,
        state=str(item.get("state")),
        description=str(item.get("description") or ""),
        time=stamp or datetime.combine(on, time(), tzinfo=UTC),
        next_state=opt_text(item.get("next_state")),
        next_change=_new_york(on, change) if change else None,
        raw=item,
    )


def _session(on: date, hours: Any) -> SessionHours | None:
    if not isinstance(hours, dict) or not hours.get("start") or not hours.get("end"):
        return None
    return SessionHours(start=_new_york(on, hours["start"]), end=_new_york(on, hours["end"]))


# {"calendar": {"month": 4, "year": 2019, "days": {"day": [{"date": "2019-04-01",
#   "status": "open", "description": "Market is open", "premarket": {"start": "07:00",
#   "end": "09:24"}, "open": {"start": "09:30", "end": "16:00"}, "postmarket": {...}}]}}}
def calendar_from_tradier(payload: dict[str, Any]) -> list[CalendarDay]:
    """``GET /markets/calendar``: the month's days, session hours in UTC."""
    calendar = obj(payload, "calendar") or {}
    found = []
    for index, item in enumerate(items(calendar, "days", "day")):
        on = day(item.get("date"), path=f"$.calendar.days.day[{index}].date")
        found.append(
            CalendarDay(
                date=on,
                status=str(item.get("status")),
                description=opt_text(item.get("description")),
                premarket=_session(on, item.get("premarket")),
                open=_session(on, item.get("open")),
                postmarket=_session(on, item.get("postmarket")),
            )
        )
    return found


# {"expirations": {"date": ["2019-05-17", ...]}}  or, with strikes/contractSize/expirationType,
# {"expirations": {"expiration": [{"date": "2023-11-10", "contract_size": 100,
#   "expiration_type": "weeklys", "strikes": {"strike": [12.0, 13.0]}}]}}
def expirations_from_tradier(payload: dict[str, Any]) -> list[OptionExpirationInfo]:
    """``GET /markets/options/expirations`` in both of its shapes."""
    found = [
        OptionExpirationInfo(date=day(text, path="$.expirations.date"))
        for text in items(payload, "expirations", "date")
    ]
    for index, item in enumerate(items(payload, "expirations", "expiration")):
        found.append(
            OptionExpirationInfo(
                date=day(item.get("date"), path=f"$.expirations.expiration[{index}].date"),
                contract_size=opt_dec(item.get("contract_size")),
                expiration_type=opt_text(item.get("expiration_type")),
                strikes=tuple(dec(s) for s in items(item, "strikes", "strike")),
            )
        )
    return sorted(found, key=lambda e: e.date)


# {"strikes": {"strike": [22.5, 25.0, 27.5]}}
def strikes_from_tradier(payload: dict[str, Any]) -> list[Any]:
    """``GET /markets/options/strikes``: the strikes, ascending (Decimals)."""
    return sorted(dec(s, path="$.strikes.strike") for s in items(payload, "strikes", "strike"))


# {"symbols": [{"rootSymbol": "SPY", "options": ["SPY210331C00300000", ...]}]}
def option_roots_from_tradier(payload: dict[str, Any]) -> list[OptionRoot]:
    """``GET /markets/options/lookup``: each root with its contracts (``symbols`` may be null)."""
    return [
        OptionRoot(
            root=str(item.get("rootSymbol")),
            options=tuple(instrument_from_tradier(str(s)) for s in listed(item.get("options"))),
        )
        for item in listed(payload.get("symbols"))
        if isinstance(item, dict)
    ]
