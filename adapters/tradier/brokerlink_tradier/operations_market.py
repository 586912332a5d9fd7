"""The Tradier market-data operations: quotes, bars, option chains, instrument details.

``bars`` picks the endpoint from the timeframe: ``tick``, ``1min``, ``5min`` and ``15min`` read
time and sales (``/markets/timesales``, New York ``YYYY-MM-DD HH:MM`` bounds, chunked into windows
small enough for Tradier to answer, since a too-large answer is a ``TooBigBody`` fault); ``1d``,
``1w`` and ``1mo`` read ``/markets/history`` (``daily``/``weekly``/``monthly``, date bounds).
Without ``start`` the last ``limit`` bars before ``end`` (or now) come back; with ``start``, the
bars from there on, at most ``limit``: the same contract as every adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Instrument
from brokerlink.models import Bar, OptionChain, Quote
from brokerlink.runtime.operation import CallPolicy, Operation
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow
from brokerlink_tradier import parse_market
from brokerlink_tradier.calls import tradier_call
from brokerlink_tradier.capabilities import MARKET_DATA
from brokerlink_tradier.quirks import BROKER, NEW_YORK, load, obj, when
from brokerlink_tradier.symbols import symbol_to_tradier

__all__ = [
    "QUOTE_BATCH",
    "bars",
    "instrument",
    "option_chain",
    "quotes",
    "timesales",
]

QUOTE_BATCH = 100
"""Symbols per quote request (longer lists are split)."""

_MARKET = CallPolicy(rate_class=MARKET_DATA)
_HISTORY = {"d": "daily", "w": "weekly", "mo": "monthly"}
# Days of time and sales per request, and how far back Tradier keeps them (NOTES §4.4).
_WINDOW = {"tick": (1, 5), "1min": (5, 20), "5min": (10, 40), "15min": (20, 40)}


def quotes(
    instruments: Sequence[Instrument], *, greeks: bool = False
) -> Operation[dict[str, Quote]]:
    """``GET /markets/quotes?symbols=a,b``: unknown symbols are skipped, unless none matched."""
    found: dict[str, Quote] = {}
    wanted = list(instruments)
    for start in range(0, len(wanted), QUOTE_BATCH):
        batch = wanted[start : start + QUOTE_BATCH]
        params = {
            "symbols": ",".join(symbol_to_tradier(i) for i in batch),
            "greeks": "true" if greeks else "false",
        }
        response = yield tradier_call("GET", "/markets/quotes", params=params, policy=_MARKET)
        try:
            found.update(parse_market.quotes_from_tradier(load(response.content), batch))
        except SymbolNotFoundError:
            if len(wanted) <= QUOTE_BATCH:
                raise
    if not found:
        names = ", ".join(str(i) for i in wanted)
        raise SymbolNotFoundError(f"Tradier knows none of these symbols: {names}", broker=BROKER)
    return found


def _ny_minute(when: datetime) -> str:
    return when.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M")


def _ny_date(when: datetime) -> str:
    return when.astimezone(NEW_YORK).date().isoformat()


def timesales(
    target: Instrument,
    interval: str,
    start: datetime,
    end: datetime,
    *,
    session: str = "all",
) -> Operation[list[Bar]]:
    """``GET /markets/timesales`` from ``start`` to ``end``, window by window, oldest first."""
    step = timedelta(days=_WINDOW[interval][0])
    collected: list[Bar] = []
    cursor = start
    while cursor < end:
        upto = min(cursor + step, end)
        params = {
            "symbol": symbol_to_tradier(target),
            "interval": interval,
            "start": _ny_minute(cursor),
            "end": _ny_minute(upto),
            "session_filter": session,
        }
        response = yield tradier_call("GET", "/markets/timesales", params=params, policy=_MARKET)
        newest = collected[-1].time if collected else None
        page = parse_market.timesales_from_tradier(load(response.content))
        collected.extend(b for b in page if newest is None or b.time > newest)
        cursor = upto
    return [b for b in collected if start <= b.time < end]


def _history(target: Instrument, interval: str, start: date, end: date) -> Operation[list[Bar]]:
    params = {
        "symbol": symbol_to_tradier(target),
        "interval": interval,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    response = yield tradier_call("GET", "/markets/history", params=params, policy=_MARKET)
    return parse_market.daily_bars_from_tradier(load(response.content))


def bars(
    target: Instrument,
    timeframe: Timeframe,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int | None,
) -> Operation[list[Bar]]:
    """Bars oldest first from time and sales (intraday) or history (daily and longer)."""
    until = end if end is not None else (yield from broker_now())
    text = str(timeframe)
    if text in _WINDOW:
        earliest = until - timedelta(days=_WINDOW[text][1])
        if start is None:
            # Enough calendar time for `limit` bars of a 6.5-hour session, within what Tradier keeps.
            span = timedelta(days=_WINDOW[text][1])
            if limit is not None and timeframe.duration is not None:
                span = min(span, timeframe.duration * limit * 4 + timedelta(days=4))
            begin = max(until - span, earliest)
        else:
            begin = start
        found = yield from timesales(target, text, begin, until)
    else:
        unit = timeframe.unit
        days_per_bar = {"d": 1.6, "w": 7.5, "mo": 31.0}[unit]
        default_days = {"d": 365, "w": 5 * 365, "mo": 20 * 365}[unit]
        if start is None:
            days = days_per_bar * limit + 10 if limit is not None else default_days
            begin = until - timedelta(days=days)
        else:
            begin = start
        found = yield from _history(
            target,
            _HISTORY[unit],
            begin.astimezone(NEW_YORK).date(),
            until.astimezone(NEW_YORK).date(),
        )
        first = datetime(begin.year, begin.month, begin.day, tzinfo=begin.tzinfo) if start else None
        found = [b for b in found if (first is None or b.time >= first) and b.time <= until]
    if limit is None:
        return found
    return found[:limit] if start is not None else found[-limit:]


def broker_now() -> Operation[datetime]:
    """Tradier's own "now" (``GET /markets/clock``): the end of a range the caller left open,
    so bar windows follow the broker's clock (an emulator's simulated one included)."""
    response = yield tradier_call("GET", "/markets/clock", policy=_MARKET)
    clock = obj(load(response.content), "clock") or {}
    return when(clock.get("timestamp"), path="$.clock.timestamp") or utcnow()


def option_chain(underlying: Instrument, expiration: date | None) -> Operation[OptionChain]:
    """One expiration from ``/markets/options/chains`` (with details), or every listed contract
    from ``/markets/options/lookup`` in a single request."""
    symbol = symbol_to_tradier(underlying)
    if expiration is None:
        response = yield tradier_call(
            "GET", "/markets/options/lookup", params={"underlying": symbol}, policy=_MARKET
        )
        return parse_market.chain_from_tradier_lookup(load(response.content), underlying)
    params = {"symbol": symbol, "expiration": expiration.isoformat(), "greeks": "false"}
    response = yield tradier_call("GET", "/markets/options/chains", params=params, policy=_MARKET)
    return parse_market.chain_from_tradier(load(response.content), underlying)


def instrument(target: Instrument) -> Operation[Instrument]:
    """``target`` with its details, from its quote."""
    params = {"symbols": symbol_to_tradier(target), "greeks": "false"}
    response = yield tradier_call("GET", "/markets/quotes", params=params, policy=_MARKET)
    return parse_market.instrument_from_quote(load(response.content), target)
