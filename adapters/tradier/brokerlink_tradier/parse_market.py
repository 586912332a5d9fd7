"""Tradier market-data payloads -> core models (quotes, bars, option chains, instruments).

Like :mod:`brokerlink_tradier.parse`, every function reads through the quirk normalizers. Bar
times follow DESIGN §4: daily, weekly and monthly bars are 00:00 UTC of their ``date``; time and
sales rows are stamped with the start of their interval (``timestamp``, epoch seconds; or the
zone-less New York ``time`` when the stamp is missing).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Index, Instrument, InstrumentDetails, Option
from brokerlink.models import Bar, OptionChain, OptionExpiration, OptionStrike, Quote
from brokerlink_tradier.quirks import (
    BROKER,
    day,
    dec,
    items,
    listed,
    obj,
    opt_dec,
    opt_text,
    unmatched,
    when,
)
from brokerlink_tradier.symbols import instrument_from_tradier, symbol_to_tradier

__all__ = [
    "chain_from_tradier",
    "chain_from_tradier_lookup",
    "daily_bars_from_tradier",
    "instrument_from_quote",
    "quotes_from_tradier",
    "timesales_from_tradier",
]


def _midnight(when_: date) -> datetime:
    return datetime(when_.year, when_.month, when_.day, tzinfo=UTC)


# {"quotes": {"quote": [{"symbol": "AAPL", "type": "stock", "last": 208.21, "bid": 208.19,
#   "ask": 208.21, "bidsize": 12, "asksize": 1, "volume": 25288395, "trade_date": 1557168406000,
#   "bid_date": 1557168406000, "ask_date": 1557168406000, ...}],
#   "unmatched_symbols": {"symbol": "SEFDF"}}}
def quotes_from_tradier(
    payload: dict[str, Any], wanted: list[Instrument] | None = None
) -> dict[str, Quote]:
    """``GET /markets/quotes``: quotes keyed by canonical symbol.

    Unknown symbols are skipped; when *none* matched, :class:`SymbolNotFoundError` names them.
    ``wanted`` maps answers back onto the caller's instruments (an index asked as ``$SPX``).
    """
    body = obj(payload, "quotes")
    missing = unmatched(body)
    found: dict[str, Quote] = {}
    asked = {symbol_to_tradier(i): i for i in wanted or []}
    for item in items(payload, "quotes", "quote"):
        symbol = str(item.get("symbol"))
        target = asked.get(symbol) or instrument_from_tradier(symbol, opt_text(item.get("type")))
        found[str(target)] = quote_from_tradier(item, target)
    if not found and (missing or wanted):
        names = ", ".join(missing or [str(i) for i in wanted or []])
        raise SymbolNotFoundError(f"Tradier knows none of these symbols: {names}", broker=BROKER)
    return found


def quote_from_tradier(item: dict[str, Any], target: Instrument) -> Quote:
    """One quote object (sizes as Tradier reports them)."""
    stamps = [when(item.get(key)) for key in ("trade_date", "bid_date", "ask_date")]
    known = [stamp for stamp in stamps if stamp is not None]
    return Quote(
        instrument=target,
        bid=opt_dec(item.get("bid")),
        ask=opt_dec(item.get("ask")),
        last=opt_dec(item.get("last")),
        bid_size=opt_dec(item.get("bidsize")),
        ask_size=opt_dec(item.get("asksize")),
        time=max(known) if known else None,
        volume=opt_dec(item.get("volume")),
        raw=item,
    )


# {"history": {"day": [{"date": "2019-01-02", "open": 154.89, "high": 158.85, "low": 154.23,
#   "close": 157.92, "volume": 37039737}]}}
def daily_bars_from_tradier(payload: dict[str, Any]) -> list[Bar]:
    """``GET /markets/history`` (daily, weekly, monthly): each bar at 00:00 UTC of its date."""
    bars = []
    for index, row in enumerate(items(payload, "history", "day")):
        path = f"$.history.day[{index}]"
        bars.append(
            Bar(
                time=_midnight(day(row.get("date"), path=f"{path}.date")),
                open=dec(row.get("open"), path=f"{path}.open"),
                high=dec(row.get("high"), path=f"{path}.high"),
                low=dec(row.get("low"), path=f"{path}.low"),
                close=dec(row.get("close"), path=f"{path}.close"),
                volume=dec(row.get("volume"), path=f"{path}.volume"),
            )
        )
    return bars


# {"series": {"data": [{"time": "2019-05-09T09:30:00", "timestamp": 1557408600,
#   "price": 199.645, "open": 200.46, "high": 200.53, "low": 198.76, "close": 200.1154,
#   "volume": 1273841, "vwap": 199.77806}]}}      tick rows: {"time", "timestamp", "price", "volume"}
def timesales_from_tradier(payload: dict[str, Any]) -> list[Bar]:
    """``GET /markets/timesales``: interval bars stamped at their start (ticks: O=H=L=C=price)."""
    bars = []
    for index, row in enumerate(items(payload, "series", "data")):
        path = f"$.series.data[{index}]"
        stamp = when(row.get("timestamp"), path=f"{path}.timestamp") or when(
            row.get("time"), path=f"{path}.time"
        )
        if stamp is None:
            continue
        price = opt_dec(row.get("price"))
        first = opt_dec(row.get("open"))
        bars.append(
            Bar(
                time=stamp,
                open=first if first is not None else dec(price, path=f"{path}.price"),
                high=opt_dec(row.get("high")) or dec(price, path=f"{path}.price"),
                low=opt_dec(row.get("low")) or dec(price, path=f"{path}.price"),
                close=opt_dec(row.get("close")) or dec(price, path=f"{path}.price"),
                volume=dec(row.get("volume", 0), path=f"{path}.volume"),
            )
        )
    return bars


def _chain(underlying: Instrument, contracts: list[Option], raw: object) -> OptionChain:
    by_date: dict[date, dict[Decimal, dict[str, Option]]] = defaultdict(lambda: defaultdict(dict))
    for contract in contracts:
        by_date[contract.expiration][contract.strike][contract.right.value] = contract
    expirations = tuple(
        OptionExpiration(
            date=when_,
            strikes=tuple(
                OptionStrike(strike=strike, call=pair.get("C"), put=pair.get("P"))
                for strike, pair in sorted(strikes.items())
            ),
        )
        for when_, strikes in sorted(by_date.items())
    )
    return OptionChain(underlying=underlying, expirations=expirations, raw=raw)


# {"options": {"option": [{"symbol": "VXX190517P00016000", "strike": 16.0, "option_type": "put",
#   "expiration_date": "2019-05-17", "contract_size": 100, "root_symbol": "VXX", "greeks": {...}}]}}
def chain_from_tradier(payload: dict[str, Any], underlying: Instrument) -> OptionChain:
    """``GET /markets/options/chains``: one expiration's contracts, with their details."""
    contracts = []
    for item in items(payload, "options", "option"):
        contract = instrument_from_tradier(str(item.get("symbol")))
        if isinstance(contract, Option):
            contracts.append(contract.with_details(_details(item, contract)))
    return _chain(underlying, contracts, payload)


# {"symbols": [{"rootSymbol": "SPY", "options": ["SPY210331C00300000", ...]}]}
def chain_from_tradier_lookup(payload: dict[str, Any], underlying: Instrument) -> OptionChain:
    """``GET /markets/options/lookup``: every listed contract of every root, without details."""
    contracts = []
    for root in listed(payload.get("symbols")):
        for symbol in listed(root.get("options")) if isinstance(root, dict) else []:
            contract = instrument_from_tradier(str(symbol))
            if isinstance(contract, Option):
                contracts.append(contract)
    return _chain(underlying, contracts, payload)


def _details(item: dict[str, Any], target: Instrument) -> InstrumentDetails:
    size = opt_dec(item.get("contract_size"))
    return InstrumentDetails(
        description=str(item.get("description") or target),
        tick_size=None,
        multiplier=size if size is not None else target.multiplier,
        tradable=not isinstance(target, Index),
        exchange=opt_text(item.get("exch")),
        raw=item,
    )


def instrument_from_quote(payload: dict[str, Any], target: Instrument) -> Instrument:
    """``target`` with the details of its quote (description, exchange, contract size)."""
    quotes = items(payload, "quotes", "quote")
    wanted = symbol_to_tradier(target)
    for item in quotes:
        if str(item.get("symbol")) == wanted:
            return target.with_details(_details(item, target))
    raise SymbolNotFoundError(f"Tradier does not know {target}", broker=BROKER)
