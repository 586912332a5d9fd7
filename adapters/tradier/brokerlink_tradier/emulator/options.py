"""Tradier's option and reference-data endpoints.

========================================= ==============================================
``GET /markets/options/chains``           ``symbol``, ``expiration``, ``greeks``;
                                          ``{"options": null}`` for an unknown symbol
``GET /markets/options/expirations``      ``expirations.date`` (plain), or
                                          ``expirations.expiration[...]`` with ``strikes``,
                                          ``contractSize``, ``expirationType``
``GET /markets/options/strikes``          ``strikes.strike``
``GET /markets/options/lookup``           ``symbols[{rootSymbol, options}]`` (a real array)
``GET /markets/search``, ``/lookup``      ``securities.security``
``GET /markets/etb``                      the easy-to-borrow list
========================================= ==============================================
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from brokerlink._http import Request
from brokerlink.emulator.http import Reply
from brokerlink.enums import AssetClass
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Equity, Index, Instrument, Option
from brokerlink.models import OptionChain

from .forms import Params
from .quotes import expiration_type, quote_object
from .symbols import exchange_code, resolve, security_type, to_tradier
from .wire import collection, json_reply, point

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["ROUTES"]


def _chain(front: TradierFront, symbol: str, expiration: date | None = None) -> OptionChain | None:
    try:
        underlying = resolve(front.engine, symbol)
    except SymbolNotFoundError:
        return None
    if isinstance(underlying, Option):
        return None
    chain = front.engine.option_chain(underlying, expiration)
    return chain if chain.expirations else None


def _chains(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    symbol = params.required("symbol")
    expiration = params.day("expiration")
    if expiration is None:
        params.required("expiration")
    greeks = params.flag("greeks")
    chain = _chain(front, symbol, expiration)
    if chain is None:
        return json_reply(200, {"options": None})
    rows = [
        quote_object(front.engine, contract, greeks=greeks)
        for strike in chain.expirations[0].strikes
        for contract in (strike.put, strike.call)
        if contract is not None
    ]
    return json_reply(200, {"options": {"option": collection(rows)}})


def _expirations(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    chain = _chain(front, params.required("symbol"))
    if chain is None:
        return json_reply(200, {"expirations": None})
    strikes, size, kind = (
        params.flag("strikes"), params.flag("contractSize"), params.flag("expirationType"),
    )  # fmt: skip
    if not (strikes or size or kind):
        dates = [e.date.isoformat() for e in chain.expirations]
        return json_reply(200, {"expirations": {"date": collection(dates)}})
    rows = []
    for expiration in chain.expirations:
        row: dict[str, Any] = {"date": expiration.date.isoformat()}
        if size:
            row["contract_size"] = 100
        if kind:
            row["expiration_type"] = expiration_type(expiration.date)
        if strikes:
            row["strikes"] = {"strike": collection([point(s.strike) for s in expiration.strikes])}
        rows.append(row)
    return json_reply(200, {"expirations": {"expiration": collection(rows)}})


def _strikes(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    symbol = params.required("symbol")
    expiration = params.day("expiration")
    chain = _chain(front, symbol, expiration) if expiration is not None else None
    if chain is None:
        return json_reply(200, {"strikes": None})
    values = [point(s.strike) for s in chain.expirations[0].strikes]
    return json_reply(200, {"strikes": {"strike": collection(values)}})


def _option_lookup(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    chain = _chain(front, params.required("underlying"))
    if chain is None:
        return json_reply(200, {"symbols": None})
    contracts = [c for c in chain.contracts() if isinstance(c, Option)]
    root = contracts[0].underlying if contracts else to_tradier(chain.underlying)
    entry = {"rootSymbol": root, "options": [to_tradier(c) for c in contracts]}
    return json_reply(200, {"symbols": [entry]})


def _listed(front: TradierFront) -> list[Instrument]:
    listed: list[Instrument] = []
    for spec in front.engine.universe.specs.values():
        if spec.kind is AssetClass.EQUITY:
            listed.append(front.engine.details(Equity(spec.key)))
        elif spec.kind is AssetClass.INDEX:
            listed.append(front.engine.details(Index(spec.key)))
    return listed


def _security(front: TradierFront, inst: Instrument) -> dict[str, Any]:
    details = inst.details
    return {
        "symbol": to_tradier(inst),
        "exchange": exchange_code(inst),
        "type": security_type(front.engine, inst),
        "description": details.description if details is not None else to_tradier(inst),
    }


def _securities(rows: list[dict[str, Any]]) -> Reply:
    return json_reply(200, {"securities": {"security": collection(rows)} if rows else None})


def _search(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    query = params.required("q").lower()
    indexes = params.flag("indexes", default=True)
    rows = [
        _security(front, inst)
        for inst in _listed(front)
        if (indexes or not isinstance(inst, Index))
        and inst.details is not None
        and (query in inst.details.description.lower() or to_tradier(inst).lower() == query)
    ]
    return _securities(rows)


def _lookup(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    query = (params.get("q") or "").upper()
    types = set(params.symbols("types")) or {"STOCK", "ETF", "INDEX"}
    exchanges = set(params.symbols("exchanges"))
    rows = []
    for inst in _listed(front):
        row = _security(front, inst)
        if not str(row["symbol"]).startswith(query) or row["type"].upper() not in types:
            continue
        if exchanges and row["exchange"] not in exchanges:
            continue
        rows.append(row)
    return _securities(rows)


def _etb(front: TradierFront, request: Request) -> Reply:
    rows = [_security(front, inst) for inst in _listed(front) if isinstance(inst, Equity)]
    return _securities(rows)


ROUTES = (
    ("GET", "/markets/options/chains", _chains),
    ("GET", "/markets/options/expirations", _expirations),
    ("GET", "/markets/options/strikes", _strikes),
    ("GET", "/markets/options/lookup", _option_lookup),
    ("GET", "/markets/search", _search),
    ("GET", "/markets/lookup", _lookup),
    ("GET", "/markets/etb", _etb),
)
"""(method, path, handler) of this module, registered by the front."""
