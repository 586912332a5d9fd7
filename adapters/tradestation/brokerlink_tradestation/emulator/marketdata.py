"""``/v3/marketdata``: bar charts, quotes, symbol details, crypto pairs (options: ``options.py``).

Bar charts follow the spec's parameters: ``unit`` (``Minute``, ``Daily``, ``Weekly``,
``Monthly``; any case), ``interval`` (1-1440 for minutes, 1 otherwise), ``barsback`` (default 1)
or ``firstdate`` (never both), ``lastdate`` (or the deprecated ``startdate``, never both),
``sessiontemplate``. More than 57,600 intraday bars in one request is a 400. The emulated
history goes back five years; ``barsback`` beyond it returns what there is. Quotes take at most
100 symbols and symbol details 50; an unknown symbol is an ``Errors`` entry in an HTTP 200.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http import BadRequest, Reply, query_param
from brokerlink.enums import AssetClass
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Equity, Future, Instrument
from brokerlink.models import Bar
from brokerlink.timeframes import Timeframe
from brokerlink_tradestation.emulator.base import FrontBase
from brokerlink_tradestation.emulator.market_payloads import (
    bar_payload,
    bar_stamp,
    day_stats,
    quote_payload,
    symbol_detail,
)
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = ["MAX_INTRADAY_BARS", "MarketDataMixin", "parse_time", "timeframe_of"]

MAX_INTRADAY_BARS = 57_600
"""The most intraday bars one request may return (by ``barsback`` or by date range)."""

_HISTORY = timedelta(days=366 * 5)  # the emulator's history depth: older bars do not exist
_MAX_QUOTES = 100
_MAX_SYMBOLS = 50
_UNITS = {"minute": "min", "daily": "d", "weekly": "w", "monthly": "mo"}
_TEMPLATES = {
    "default": frozenset({mkt.Session.REGULAR}),
    "useqpre": frozenset({mkt.Session.PRE, mkt.Session.REGULAR}),
    "useqpost": frozenset({mkt.Session.REGULAR, mkt.Session.POST}),
    "useqpreandpost": frozenset({mkt.Session.PRE, mkt.Session.REGULAR, mkt.Session.POST}),
    "useq24hour": frozenset({mkt.Session.PRE, mkt.Session.REGULAR, mkt.Session.POST}),
}
_TOO_MANY = (
    f"The maximum amount of intraday bars a user can fetch is {MAX_INTRADAY_BARS:,} per request."
)


def timeframe_of(unit: str | None, interval: str | None) -> Timeframe:
    """The engine timeframe of a ``unit``/``interval`` pair; ``BadRequest`` when invalid."""
    code = _UNITS.get((unit or "Daily").lower())
    if code is None:
        raise BadRequest(f"unit {unit!r} must be Minute, Daily, Weekly or Monthly")
    text = interval or "1"
    if not text.isdigit() or int(text) < 1:
        raise BadRequest(f"interval {text!r} must be a positive whole number")
    count = int(text)
    if code != "min" and count != 1:
        raise BadRequest("interval must be 1 for Daily, Weekly and Monthly bars")
    if count > 1440:
        raise BadRequest("interval may be at most 1440 for Minute bars")
    return Timeframe(code, count)  # type: ignore[arg-type]  # code is one of the unit names


def parse_time(text: str, name: str, *, end_of_day: bool = False) -> datetime:
    """``YYYY-MM-DD`` or an RFC 3339 timestamp; a bare date means its start (or its end)."""
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").date()
            moment = datetime.combine(day, time(0), tzinfo=UTC)
            return moment + timedelta(days=1) if end_of_day else moment
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise BadRequest(f"{name} {text!r}: use YYYY-MM-DD or 2020-04-20T18:00:00Z") from None


def _symbols(text: str, limit: int) -> list[str]:
    found = list(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    if not 1 <= len(found) <= limit:
        raise BadRequest(f"1 to {limit} symbols may be requested; got {len(found)}")
    return found


class MarketDataMixin(FrontBase):
    """Handlers of the ``/marketdata`` REST family."""

    def sessions_for(self, request: Request, inst: Instrument) -> frozenset[mkt.Session] | None:
        """The sessions a ``sessiontemplate`` asks for (``None``: all, for non-equities)."""
        template = (query_param(request, "sessiontemplate") or "Default").lower()
        sessions = _TEMPLATES.get(template)
        if sessions is None:
            raise BadRequest(
                "sessiontemplate must be USEQPre, USEQPost, USEQPreAndPost, USEQ24Hour or Default"
            )
        return sessions if isinstance(inst, Equity) else None

    def history(self, inst: Instrument, frame: Timeframe, sessions: frozenset[mkt.Session] | None,
                start: datetime | None, end: datetime, count: int | None) -> list[Bar]:  # fmt: skip
        """Bars of ``inst`` before ``end``: from ``start``, or the last ``count``."""
        extended = sessions is not None and len(sessions) > 1

        def fetch(since: datetime) -> list[Bar]:
            bars = self.engine.bars(inst, frame, since, end, extended=extended)
            if sessions is None or not extended or not frame.is_intraday:
                return bars
            return [b for b in bars if self.engine.session_at(inst, b.time) in sessions]

        if start is not None:
            return fetch(start)
        assert count is not None
        unit = frame.duration or timedelta(days={"d": 1, "w": 7}.get(frame.unit, 31))
        span = min(unit * count * (4 if frame.is_intraday else 2) + timedelta(days=5), _HISTORY)
        while True:
            found = fetch(end - span)
            if len(found) >= count or span >= _HISTORY:
                return found[-count:]
            span = min(span * 2, _HISTORY)

    def bars_reply(self, request: Request, symbol: str) -> Reply:
        """``GET /marketdata/barcharts/{symbol}``."""
        inst = self.instrument(symbol)
        frame = timeframe_of(query_param(request, "unit"), query_param(request, "interval"))
        barsback, first = query_param(request, "barsback"), query_param(request, "firstdate")
        last, legacy = query_param(request, "lastdate"), query_param(request, "startdate")
        if barsback is not None and first is not None:
            raise BadRequest("barsback and firstdate are mutually exclusive")
        if last is not None and legacy is not None:
            raise BadRequest("lastdate and startdate are mutually exclusive; use lastdate")
        now = self.engine.now()
        end_text = last or legacy
        end = min(parse_time(end_text, "lastdate", end_of_day=True), now) if end_text else now
        sessions = self.sessions_for(request, inst)
        if first is not None:
            start = parse_time(first, "firstdate")
            if frame.is_intraday:
                schedule_minutes = mkt.trading_minutes(inst, start, end, extended=sessions is not None and len(sessions) > 1)  # fmt: skip
                if len(schedule_minutes) / frame.count > MAX_INTRADAY_BARS:
                    raise BadRequest(_TOO_MANY)
            bars = self.history(inst, frame, sessions, start, end, None)
        else:
            text = barsback or "1"
            if not text.isdigit() or int(text) < 1:
                raise BadRequest(f"barsback {text!r} must be a positive whole number")
            if frame.is_intraday and int(text) > MAX_INTRADAY_BARS:
                raise BadRequest(_TOO_MANY)
            bars = self.history(inst, frame, sessions, None, end, int(text))
        rows = []
        for i, bar in enumerate(bars):
            stamp = bar_stamp(inst, frame, bar, now)
            rows.append(bar_payload(bar, stamp, closed=stamp <= now,
                                    end_of_history=i == len(bars) - 1, realtime=False))  # fmt: skip
        return Reply.json(200, {"Bars": rows})

    def quotes_reply(self, request: Request, symbols: str) -> Reply:
        """``GET /marketdata/quotes/{symbols}`` (at most 100)."""
        quotes, failures = [], []
        for text in _symbols(symbols, _MAX_QUOTES):
            try:
                inst = self.instrument(text)
            except SymbolNotFoundError:
                failures.append({"Symbol": text, "Error": "FAILED, INVALID SYMBOL"})
                continue
            quote = self.engine.quote(inst)
            quotes.append(quote_payload(text.upper(), quote, day_stats(self.engine, inst)))
        body: dict[str, Any] = {}
        if quotes:
            body["Quotes"] = quotes
        if failures:
            body["Errors"] = failures
        return Reply.json(200, body)

    def symbols_reply(self, request: Request, symbols: str) -> Reply:
        """``GET /marketdata/symbols/{symbols}`` (at most 50)."""
        rows, failures = [], []
        for text in _symbols(symbols, _MAX_SYMBOLS):
            try:
                inst = self.instrument(text)
            except SymbolNotFoundError:
                failures.append({"Symbol": text, "Error": "FAILED, INVALID SYMBOL",
                                 "Message": f"{text} is not a known symbol"})  # fmt: skip
                continue
            parsed = self.parse(text)
            if parsed.continuous is not None and isinstance(inst, Future):
                rows.append(symbol_detail(text.upper(), inst, underlying=ts_symbol(inst)))
            else:
                rows.append(symbol_detail(ts_symbol(inst), inst))
        return Reply.json(200, {"Symbols": rows, "Errors": failures})

    def crypto_reply(self, request: Request) -> Reply:
        """``GET /marketdata/symbollists/cryptopairs/symbolnames``."""
        names = [
            spec.key.replace("/", "")
            for spec in self.engine.universe.specs.values()
            if spec.kind is AssetClass.CRYPTO
        ]
        return Reply.json(200, {"SymbolNames": names})
