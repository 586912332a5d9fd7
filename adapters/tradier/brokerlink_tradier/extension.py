"""The ``tradier`` extension: Tradier features beyond the neutral API (``broker.extension("tradier")``).

Each method returns an operation that the facade runs (sync on ``Broker``, awaitable on
``AsyncBroker``): account history and gain/loss, watchlists (list, get, create, update, delete,
add and remove symbols), the market clock and calendar, symbol search and lookup, easy-to-borrow
securities, option expirations, strikes and roots, quotes with greeks, and time and sales with a
session filter. Watchlist edits are writes (never retried); the rest are reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from brokerlink.broker.core import AccountRef, as_instruments
from brokerlink.broker.extensions import Extension
from brokerlink.instruments import InstrumentLike, instrument
from brokerlink.models import Bar, Order, Quote
from brokerlink.runtime.operation import CallPolicy, Operation
from brokerlink.timeutil import ensure_utc, utcnow
from brokerlink_tradier import operations, operations_market, parse_extras
from brokerlink_tradier.calls import tradier_call
from brokerlink_tradier.capabilities import ACCOUNT, MARKET_DATA
from brokerlink_tradier.models import (
    CalendarDay,
    ClosedPosition,
    HistoryEvent,
    MarketClock,
    OptionExpirationInfo,
    OptionRoot,
    Security,
    Watchlist,
    WatchlistSummary,
)
from brokerlink_tradier.operations import account_path
from brokerlink_tradier.quirks import load
from brokerlink_tradier.symbols import symbol_to_tradier

__all__ = ["TradierExtension"]

_READ = CallPolicy(rate_class=ACCOUNT)
_WRITE = CallPolicy(kind="write", rate_class=ACCOUNT)
_MARKET = CallPolicy(rate_class=MARKET_DATA)
_HISTORY_TYPES = frozenset(
    {"trade", "option", "ach", "wire", "dividend", "fee", "tax", "journal", "check", "transfer",
     "adjustment", "interest"}
)  # fmt: skip
_TIMESALES = ("tick", "1min", "5min", "15min")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _symbols(symbols: Iterable[InstrumentLike] | InstrumentLike) -> str:
    return ",".join(symbol_to_tradier(i) for i in as_instruments(symbols))


def _watchlist(watchlist_id: str) -> str:
    if not watchlist_id.strip():
        raise ValueError("watchlist_id: give the id of a watchlist (see watchlists())")
    return f"/watchlists/{quote(watchlist_id, safe='')}"


class TradierExtension(Extension):
    """Tradier-only operations; see the module docstring."""

    # -- account -----------------------------------------------------------------------------
    def history(
        self,
        account: AccountRef = None,
        *,
        type: str | None = None,
        symbol: InstrumentLike | None = None,
        start: date | None = None,
        end: date | None = None,
        page: int = 1,
        limit: int = 25,
    ) -> Operation[list[HistoryEvent]]:
        """``GET /accounts/{id}/history``: trades, dividends, fees, ... (updated nightly)."""
        if type is not None and type not in _HISTORY_TYPES:
            raise ValueError(f"type: {type!r} is not one of {', '.join(sorted(_HISTORY_TYPES))}")
        account_id = yield from self.account_id(account)
        params: dict[str, str | int | None] = {
            "page": page,
            "limit": limit,
            "type": type,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "symbol": symbol_to_tradier(instrument(symbol)) if symbol is not None else None,
        }
        response = yield tradier_call(
            "GET", f"{account_path(account_id)}/history", params=params, policy=_READ
        )
        return parse_extras.history_from_tradier(load(response.content))

    def gainloss(
        self,
        account: AccountRef = None,
        *,
        symbol: InstrumentLike | None = None,
        start: date | None = None,
        end: date | None = None,
        sort_by: str = "closeDate",
        descending: bool = True,
        page: int = 1,
        limit: int = 100,
    ) -> Operation[list[ClosedPosition]]:
        """``GET /accounts/{id}/gainloss``: closed positions (``sort_by`` openDate|closeDate)."""
        if sort_by not in ("openDate", "closeDate"):
            raise ValueError(f"sort_by: {sort_by!r} is not 'openDate' or 'closeDate'")
        account_id = yield from self.account_id(account)
        params: dict[str, str | int | None] = {
            "page": page,
            "limit": limit,
            "sortBy": sort_by,
            "sort": "desc" if descending else "asc",
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "symbol": symbol_to_tradier(instrument(symbol)) if symbol is not None else None,
        }
        response = yield tradier_call(
            "GET", f"{account_path(account_id)}/gainloss", params=params, policy=_READ
        )
        return parse_extras.gainloss_from_tradier(self.adapter.converter, load(response.content))  # type: ignore[attr-defined]

    def orders(
        self,
        account: AccountRef = None,
        *,
        filter: str = "intraday",
        on: date | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Operation[list[Order]]:
        """``GET /accounts/{id}/orders`` with Tradier's own filters: ``filter`` ``intraday`` (the
        session's orders) or ``all`` (at most a month; ``start``/``end`` apply only to it),
        ``on`` (Tradier's ``date``); every page is read."""
        if filter not in ("intraday", "all"):
            raise ValueError(f"filter: {filter!r} is not 'intraday' or 'all'")
        if (start or end) and filter != "all":
            raise ValueError("start/end apply only with filter='all'")
        account_id = yield from self.account_id(account)
        params: dict[str, str | int | None] = {
            "filter": filter,
            "date": on.isoformat() if on else None,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        }
        return (yield from operations.paged_orders(account_id, params))

    # -- watchlists --------------------------------------------------------------------------
    def watchlists(self) -> Operation[list[WatchlistSummary]]:
        """``GET /watchlists``."""
        response = yield tradier_call("GET", "/watchlists", policy=_READ)
        return parse_extras.watchlists_from_tradier(load(response.content))

    def watchlist(self, watchlist_id: str) -> Operation[Watchlist]:
        """``GET /watchlists/{id}``."""
        response = yield tradier_call("GET", _watchlist(watchlist_id), policy=_READ)
        return parse_extras.watchlist_from_tradier(load(response.content))

    def create_watchlist(
        self, name: str, symbols: Iterable[InstrumentLike] | InstrumentLike
    ) -> Operation[Watchlist]:
        """``POST /watchlists`` with a name and its symbols."""
        if not name.strip():
            raise ValueError("name: a watchlist needs a name")
        form = {"name": name, "symbols": _symbols(symbols)}
        response = yield tradier_call("POST", "/watchlists", form=form, policy=_WRITE)
        return parse_extras.watchlist_from_tradier(load(response.content))

    def update_watchlist(
        self,
        watchlist_id: str,
        *,
        name: str,
        symbols: Iterable[InstrumentLike] | InstrumentLike | None = None,
    ) -> Operation[Watchlist]:
        """``PUT /watchlists/{id}``: rename, and replace the symbols when ``symbols`` is given."""
        form = {"name": name}
        if symbols is not None:
            form["symbols"] = _symbols(symbols)
        response = yield tradier_call("PUT", _watchlist(watchlist_id), form=form, policy=_WRITE)
        return parse_extras.watchlist_from_tradier(load(response.content))

    def delete_watchlist(self, watchlist_id: str) -> Operation[list[WatchlistSummary]]:
        """``DELETE /watchlists/{id}``: the watchlists that remain."""
        response = yield tradier_call("DELETE", _watchlist(watchlist_id), policy=_WRITE)
        return parse_extras.watchlists_from_tradier(load(response.content))

    def add_symbols(
        self, watchlist_id: str, symbols: Iterable[InstrumentLike] | InstrumentLike
    ) -> Operation[Watchlist]:
        """``POST /watchlists/{id}/symbols``."""
        form = {"symbols": _symbols(symbols)}
        path = f"{_watchlist(watchlist_id)}/symbols"
        response = yield tradier_call("POST", path, form=form, policy=_WRITE)
        return parse_extras.watchlist_from_tradier(load(response.content))

    def remove_symbol(self, watchlist_id: str, symbol: InstrumentLike) -> Operation[Watchlist]:
        """``DELETE /watchlists/{id}/symbols/{symbol}``."""
        text = symbol_to_tradier(instrument(symbol))
        path = f"{_watchlist(watchlist_id)}/symbols/{quote(text, safe='')}"
        response = yield tradier_call("DELETE", path, policy=_WRITE)
        return parse_extras.watchlist_from_tradier(load(response.content))

    # -- market data -------------------------------------------------------------------------
    def clock(self, *, delayed: bool = False) -> Operation[MarketClock]:
        """``GET /markets/clock``: the market state now and the next change."""
        params = {"delayed": _flag(delayed)}
        response = yield tradier_call("GET", "/markets/clock", params=params, policy=_MARKET)
        return parse_extras.clock_from_tradier(load(response.content))

    def calendar(
        self, month: int | None = None, year: int | None = None
    ) -> Operation[list[CalendarDay]]:
        """``GET /markets/calendar``: a month's trading days and session hours (UTC)."""
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month: {month} is not 1-12")
        params = {"month": f"{month:02d}" if month else None, "year": year}
        response = yield tradier_call("GET", "/markets/calendar", params=params, policy=_MARKET)
        return parse_extras.calendar_from_tradier(load(response.content))

    def search(self, query: str, *, indexes: bool = True) -> Operation[list[Security]]:
        """``GET /markets/search``: securities whose name or symbol matches ``query``."""
        params = {"q": query, "indexes": _flag(indexes)}
        response = yield tradier_call("GET", "/markets/search", params=params, policy=_MARKET)
        return parse_extras.securities_from_tradier(load(response.content))

    def lookup(
        self,
        query: str,
        *,
        exchanges: Sequence[str] = (),
        types: Sequence[str] = (),
    ) -> Operation[list[Security]]:
        """``GET /markets/lookup``: symbols starting with ``query`` (``types``: stock, option,
        etf, index; ``exchanges``: Tradier's codes such as ``Q``, ``N``)."""
        params = {
            "q": query,
            "exchanges": ",".join(exchanges) or None,
            "types": ",".join(types) or None,
        }
        response = yield tradier_call("GET", "/markets/lookup", params=params, policy=_MARKET)
        return parse_extras.securities_from_tradier(load(response.content))

    def easy_to_borrow(self) -> Operation[list[Security]]:
        """``GET /markets/etb``: the easy-to-borrow list (a long download)."""
        response = yield tradier_call("GET", "/markets/etb", policy=_MARKET)
        return parse_extras.securities_from_tradier(load(response.content))

    def expirations(
        self, underlying: InstrumentLike, *, strikes: bool = False, all_roots: bool = True
    ) -> Operation[list[OptionExpirationInfo]]:
        """``GET /markets/options/expirations`` (with strikes, contract size and type)."""
        params = {
            "symbol": symbol_to_tradier(instrument(underlying)),
            "includeAllRoots": _flag(all_roots),
            "strikes": _flag(strikes),
            "contractSize": "true",
            "expirationType": "true",
        }
        response = yield tradier_call(
            "GET", "/markets/options/expirations", params=params, policy=_MARKET
        )
        return parse_extras.expirations_from_tradier(load(response.content))

    def strikes(self, underlying: InstrumentLike, expiration: date) -> Operation[list[Decimal]]:
        """``GET /markets/options/strikes`` for one expiration."""
        params = {
            "symbol": symbol_to_tradier(instrument(underlying)),
            "expiration": expiration.isoformat(),
        }
        response = yield tradier_call(
            "GET", "/markets/options/strikes", params=params, policy=_MARKET
        )
        return parse_extras.strikes_from_tradier(load(response.content))

    def option_roots(self, underlying: InstrumentLike) -> Operation[list[OptionRoot]]:
        """``GET /markets/options/lookup``: the option roots of ``underlying`` and their contracts."""
        params = {"underlying": symbol_to_tradier(instrument(underlying))}
        response = yield tradier_call(
            "GET", "/markets/options/lookup", params=params, policy=_MARKET
        )
        return parse_extras.option_roots_from_tradier(load(response.content))

    def quotes_with_greeks(
        self, symbols: Iterable[InstrumentLike] | InstrumentLike
    ) -> Operation[dict[str, Quote]]:
        """``GET /markets/quotes?greeks=true``: the greeks are in each quote's ``raw``."""
        return operations_market.quotes(as_instruments(symbols), greeks=True)

    def timesales(
        self,
        symbol: InstrumentLike,
        interval: str = "1min",
        *,
        start: datetime,
        end: datetime | None = None,
        session: str = "all",
    ) -> Operation[list[Bar]]:
        """``GET /markets/timesales`` with Tradier's session filter (``all`` or ``open``)."""
        if interval not in _TIMESALES:
            raise ValueError(f"interval: {interval!r} is not one of {', '.join(_TIMESALES)}")
        if session not in ("all", "open"):
            raise ValueError(f"session: {session!r} is not 'all' or 'open'")
        begin = ensure_utc(start, field="start")
        until = ensure_utc(end, field="end") if end is not None else utcnow()
        return operations_market.timesales(
            instrument(symbol), interval, begin, until, session=session
        )
