"""Tradier's market-data endpoints: quotes, history, time & sales, clock, calendar.

==================================== ===================================================
``GET|POST /markets/quotes``         ``symbols``, ``greeks``; unknown symbols go to
                                     ``unmatched_symbols.symbol``
``GET /markets/history``             ``interval`` daily|weekly|monthly, ``start``, ``end``;
                                     ``{"history": null}`` when there is nothing
``GET /markets/timesales``           ``interval`` tick|1min|5min|15min, ``start``/``end``
                                     (``YYYY-MM-DD HH:MM`` New York), ``session_filter``
``GET /markets/clock``               ``clock{date, description, state, timestamp, ...}``
``GET /markets/calendar``            ``month``, ``year``
==================================== ===================================================
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from brokerlink._http import Request
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http import Reply
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Instrument

from . import hours
from .forms import Params, invalid
from .quotes import quote_object
from .symbols import resolve
from .wire import NEW_YORK, collection, json_reply, ny_local

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["ROUTES"]

_INTERVALS = {"daily": "1d", "weekly": "1w", "monthly": "1mo"}
_TIMESALES = ("tick", "1min", "5min", "15min")
# How far back each time & sales interval reaches, in days, by session filter (DOC get-timesales).
_REACH = {"tick": (5, 5), "1min": (20, 10), "5min": (40, 18), "15min": (40, 18)}
_STATES = {mkt.Session.PRE: "premarket", mkt.Session.REGULAR: "open",
           mkt.Session.POST: "postmarket", mkt.Session.CLOSED: "closed"}  # fmt: skip


def _lookup(front: TradierFront, text: str) -> Instrument | None:
    try:
        return resolve(front.engine, text)
    except SymbolNotFoundError:
        return None


def _quotes(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    symbols = params.symbols()
    if not symbols:
        raise invalid("symbols", "this parameter is required")
    greeks = params.flag("greeks")
    found, unmatched = [], []
    for text in symbols:
        inst = _lookup(front, text)
        if inst is None:
            unmatched.append(text)
        else:
            found.append(quote_object(front.engine, inst, greeks=greeks))
    body: dict[str, Any] = {}
    if found:
        body["quote"] = collection(found)
    if unmatched:
        body["unmatched_symbols"] = {"symbol": collection(unmatched)}
    return json_reply(200, {"quotes": body})


def _history(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    inst = _lookup(front, params.required("symbol"))
    interval = params.choice("interval", tuple(_INTERVALS), default="daily")
    today = front.engine.now().astimezone(NEW_YORK).date()
    end = params.day("end") or today
    start = params.day("start") or end - timedelta(days=365)
    if inst is None:
        return json_reply(200, {"history": None})
    begin = datetime.combine(start, time(0), tzinfo=UTC)
    finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    extended = params.get("session_filter", "open") == "all"
    bars = front.engine.bars(inst, _INTERVALS[interval], begin, finish, extended=extended)
    rows = [
        {
            "date": bar.time.date().isoformat(),
            "open": bar.open,
            "high": bar.high,
            "low": bar.low,
            "close": bar.close,
            "volume": int(bar.volume),
        }
        for bar in bars
        if bar.time.date() <= end
    ]
    return json_reply(200, {"history": {"day": collection(rows)} if rows else None})


def _local_time(params: Params, name: str) -> datetime | None:
    text = params.get(name)
    if text is None:
        return None
    try:
        naive = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise invalid(name, f"{text!r} is not a time (YYYY-MM-DD HH:MM)") from None
    return naive.replace(tzinfo=NEW_YORK).astimezone(UTC)


def _timesales(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    inst = _lookup(front, params.required("symbol"))
    interval = params.choice("interval", _TIMESALES, default="tick")
    session = params.choice("session_filter", ("all", "open"), default="all")
    if interval == "tick" and not front.options.tick_timesales:
        raise invalid("interval", "the tick interval is not available in the sandbox")
    if inst is None:
        return json_reply(200, {"series": None})
    now = front.engine.now()
    today = now.astimezone(NEW_YORK).date()
    opens = time(4) if session == "all" else time(9, 30)
    start = _local_time(params, "start") or datetime.combine(today, opens, NEW_YORK).astimezone(UTC)
    end = _local_time(params, "end") or now
    reach = _REACH[interval][0 if session == "open" else 1]
    earliest = datetime.combine(today - timedelta(days=reach), time(0), NEW_YORK)
    if start < earliest:
        raise invalid("start", f"must be on or after {earliest:%Y-%m-%d %H:%M:%S}.")
    bars = front.engine.bars(inst, interval, start, end, extended=session == "all")
    rows: list[dict[str, Any]] = []
    for bar in bars:
        row: dict[str, Any] = {"time": ny_local(bar.time), "timestamp": int(bar.time.timestamp())}
        if interval == "tick":
            row.update(price=bar.close, volume=int(bar.volume))
        else:
            row.update(
                price=(bar.high + bar.low) / 2, open=bar.open, high=bar.high, low=bar.low,
                close=bar.close, volume=int(bar.volume),
                vwap=((bar.high + bar.low + bar.close) / 3).quantize(Decimal("0.0001")),
            )  # fmt: skip
        rows.append(row)
    return json_reply(200, {"series": {"data": collection(rows)} if rows else "null"})


def _hhmm(when: datetime) -> str:
    return when.astimezone(NEW_YORK).strftime("%H:%M")


def _clock(front: TradierFront, request: Request) -> Reply:
    now = front.engine.now()
    session = hours.session_now(now)
    state = _STATES[session]
    day = mkt.trading_date(mkt.Schedule.EQUITY, now)
    windows = [w for d in (day, day + timedelta(days=1)) for w in hours.windows_on(d)]
    current = next((w for w in windows if w[0] <= now < w[1]), None)
    upcoming = next((w for w in windows if w[0] > now), None)
    if current is not None:
        description = f"Market is {'open' if state == 'open' else 'in ' + state} from " \
                      f"{_hhmm(current[0])} to {_hhmm(current[1])}"  # fmt: skip
        change_at = current[1]
        following = next((w for w in windows if w[0] == current[1]), None)
        next_state = _STATES[following[2]] if following is not None else "closed"
    else:
        description = "Market is closed"
        opening = upcoming[0] if upcoming else mkt.next_open(mkt.Schedule.EQUITY, now, True)
        change_at = opening or now
        next_state = _STATES[upcoming[2]] if upcoming else "premarket"
    clock = {
        "date": now.astimezone(NEW_YORK).date().isoformat(),
        "description": description,
        "state": state,
        "timestamp": int(now.timestamp()),
        "next_change": _hhmm(change_at),
        "next_state": next_state,
    }
    return json_reply(200, {"clock": clock})


def _calendar(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    today = front.engine.now().astimezone(NEW_YORK).date()
    month, year = params.whole("month", today.month), params.whole("year", today.year)
    if not 1 <= month <= 12:
        raise invalid("month", f"{month} is not a month (1-12)")
    days = []
    day = date(year, month, 1)
    while day.month == month:
        windows = hours.windows_on(day)
        if not windows:
            days.append({"date": day.isoformat(), "status": "closed",
                         "description": "Market is closed"})  # fmt: skip
        else:
            entry: dict[str, Any] = {"date": day.isoformat(), "status": "open",
                                     "description": "Market is open"}  # fmt: skip
            for start, end, session in windows:
                name = {mkt.Session.PRE: "premarket", mkt.Session.POST: "postmarket"}.get(
                    session, "open"
                )
                entry[name] = {"start": _hhmm(start), "end": _hhmm(end)}
            days.append(entry)
        day += timedelta(days=1)
    calendar = {"month": month, "year": year, "days": {"day": collection(days)}}
    return json_reply(200, {"calendar": calendar})


ROUTES = (
    ("GET", "/markets/quotes", _quotes),
    ("POST", "/markets/quotes", _quotes),
    ("GET", "/markets/history", _history),
    ("GET", "/markets/timesales", _timesales),
    ("GET", "/markets/clock", _clock),
    ("GET", "/markets/calendar", _calendar),
)
"""(method, path, handler) of this module, registered by the front."""
