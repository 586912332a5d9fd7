"""Market data and instruments: REST quotes, instrument details, option chains.

Quotes come from ``GET /market-data/by-type`` (REST snapshots; DxLink events are decoded in
:mod:`.dxlink`). Instrument answers carry the DxLink ``streamer-symbol``, which is the only
source of streamer symbols brokerlink uses (NOTES §6.2): :func:`streamer_symbol_of` reads it,
and nothing derives one from a symbol.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import cattrs

from brokerlink.errors import ResponseFormatError
from brokerlink.instruments import (
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    InstrumentDetails,
    Option,
)
from brokerlink.models import OptionChain, OptionExpiration, OptionStrike, Quote
from brokerlink.models.market import OptionContract
from brokerlink_tastytrade.parse import BROKER, data_of, items_of, structure
from brokerlink_tastytrade.symbology import (
    instrument_from_tastytrade,
    path_segment,
    symbol_to_tastytrade,
)

__all__ = [
    "MARKET_DATA_KEYS",
    "chain_from_tastytrade",
    "details_from_tastytrade",
    "futures_chain_from_tastytrade",
    "instrument_path",
    "market_data_params",
    "quotes_from_tastytrade",
    "streamer_symbol_of",
]

MARKET_DATA_KEYS: dict[type[Instrument], str] = {
    Equity: "equity",
    Option: "equity-option",
    Index: "index",
    Future: "future",
    FutureOption: "future-option",
    Crypto: "cryptocurrency",
}
"""The ``/market-data/by-type`` query key of each instrument kind."""

_INSTRUMENT_PATHS: dict[type[Instrument], str] = {
    Equity: "/instruments/equities/",
    Option: "/instruments/equity-options/",
    Index: "/instruments/equities/",
    Future: "/instruments/futures/",
    FutureOption: "/instruments/future-options/",
    Crypto: "/instruments/cryptocurrencies/",
}


def _decimal(value: Any) -> Decimal | None:
    """A wire number (text or JSON number) as a Decimal; ``None``, "" and NaN mean no value."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ResponseFormatError(f"not a number: {value!r}", broker=BROKER) from None
    return number if number.is_finite() else None


def instrument_path(target: Instrument) -> str:
    """The instrument endpoint of ``target``, the symbol URL-encoded (``/`` and spaces too)."""
    return _INSTRUMENT_PATHS[type(target)] + path_segment(symbol_to_tastytrade(target))


def market_data_params(instruments: list[Instrument]) -> dict[str, str]:
    """The ``/market-data/by-type`` query: comma-separated tastytrade symbols per kind."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for target in instruments:
        grouped[MARKET_DATA_KEYS[type(target)]].append(symbol_to_tastytrade(target))
    return {key: ",".join(symbols) for key, symbols in grouped.items()}


# {"data": {"items": [{"symbol": "AAPL", "instrument-type": "Equity", "bid": "210.55",
#   "bid-size": "2.0", "ask": "210.6", "ask-size": "1.0", "last": "210.511", "volume": "...",
#   "updated-at": "2025-04-29T21:33:25.535Z"}]}, "pagination": null}
def quotes_from_tastytrade(conv: cattrs.Converter, body: Any, *, today: date) -> dict[str, Quote]:
    """Quotes keyed by canonical symbol."""
    quotes: dict[str, Quote] = {}
    for raw in items_of(body):
        target = instrument_from_tastytrade(
            str(raw.get("symbol", "")), raw.get("instrument-type"), reference=today
        )
        updated = raw.get("updated-at")
        when = None if updated is None else structure(conv, updated, datetime)
        quotes[str(target)] = Quote(
            instrument=target,
            bid=_decimal(raw.get("bid")),
            ask=_decimal(raw.get("ask")),
            last=_decimal(raw.get("last")),
            bid_size=_decimal(raw.get("bid-size")),
            ask_size=_decimal(raw.get("ask-size")),
            time=when,
            volume=_decimal(raw.get("volume")),
            raw=raw,
        )
    return quotes


def streamer_symbol_of(body: Any) -> str:
    """The ``streamer-symbol`` of an instrument answer (NOTES §6.2: never derived)."""
    data = data_of(body)
    found = data.get("streamer-symbol") if isinstance(data, dict) else None
    if not isinstance(found, str) or not found:
        raise ResponseFormatError(
            "the instrument has no streamer-symbol (tastytrade leaves it out for some sandbox "
            "future options); it cannot be streamed",
            path="$.data.streamer-symbol",
            broker=BROKER,
        )
    return found


def _tick(data: dict[str, Any]) -> Decimal | None:
    if data.get("tick-size") is not None:
        return _decimal(data["tick-size"])
    ticks = data.get("tick-sizes") or []
    # Each entry applies below its threshold; the last one (no threshold) covers normal prices.
    return _decimal(ticks[-1].get("value")) if ticks else None


# {"data": {"symbol": "SPY", "instrument-type": "Equity", "description": "SPDR S&P 500 ETF TRUST",
#   "listed-market": "ARCX", "active": true, "is-closing-only": false, "streamer-symbol": "SPY",
#   "tick-sizes": [{"value": "0.0001", "threshold": "1.0"}, {"value": "0.01"}]}}
def details_from_tastytrade(body: Any, target: Instrument) -> Instrument:
    """``target`` with the details of its instrument answer."""
    data = data_of(body)
    if not isinstance(data, dict):
        raise ResponseFormatError("the instrument answer is not an object", broker=BROKER)
    # A future option's "multiplier" is futures per option (1.0); its point value is the
    # notional value over the display factor (ES 0.5 / 0.01 = 50, GC 1.0 / 0.01 = 100).
    notional, display = _decimal(data.get("notional-value")), _decimal(data.get("display-factor"))
    point_value = (
        notional / display if isinstance(target, FutureOption) and notional and display else None
    )
    multiplier = (
        point_value
        or _decimal(data.get("shares-per-contract"))
        or _decimal(data.get("notional-multiplier"))
        or _decimal(data.get("multiplier"))
        or target.multiplier
    )
    tradable = bool(data.get("active", True)) and not data.get("is-closing-only", False)
    if data.get("is-tradeable") is False:
        tradable = False
    increment = Decimal(1)
    venues = data.get("destination-venue-symbols") or []
    if venues and venues[0].get("max-quantity-precision") is not None:
        increment = Decimal(1).scaleb(-int(venues[0]["max-quantity-precision"]))
    elif data.get("is-fractional-quantity-eligible"):
        # /instruments/quantity-decimal-precisions gives equities 5 decimal places.
        increment = Decimal("0.00001")
    details = InstrumentDetails(
        description=str(data.get("description") or data.get("short-description") or target),
        tick_size=_tick(data),
        multiplier=multiplier,
        tradable=tradable,
        exchange=data.get("listed-market") or data.get("exchange"),
        min_quantity=increment if increment < 1 else Decimal(1),
        quantity_increment=increment,
        raw=data,
    )
    return target.with_details(details)


def _strikes(raw_strikes: list[dict[str, Any]], reference: date) -> tuple[OptionStrike, ...]:
    strikes = []
    for raw in raw_strikes:
        strike = _decimal(raw.get("strike-price"))
        if strike is None:
            continue
        contracts: list[OptionContract | None] = []
        for key in ("call", "put"):
            symbol = raw.get(key)
            if not symbol:
                contracts.append(None)
                continue
            kind = None if str(symbol).startswith("./") else "Equity Option"
            parsed = instrument_from_tastytrade(str(symbol), kind, reference=reference)
            if not isinstance(parsed, Option | FutureOption):
                raise ResponseFormatError(
                    f"a chain's {key} {symbol!r} is not an option", path=f"$..{key}"
                )
            contracts.append(parsed)
        strikes.append(OptionStrike(strike=strike, call=contracts[0], put=contracts[1]))
    return tuple(sorted(strikes, key=lambda s: s.strike))


def _expirations(raw_list: list[dict[str, Any]], reference: date) -> tuple[OptionExpiration, ...]:
    merged: dict[date, dict[Decimal, OptionStrike]] = defaultdict(dict)
    for raw in raw_list:
        day = date.fromisoformat(str(raw["expiration-date"]))
        for strike in _strikes(raw.get("strikes") or [], reference):
            merged[day].setdefault(strike.strike, strike)
    return tuple(
        OptionExpiration(date=day, strikes=tuple(sorted(s.values(), key=lambda x: x.strike)))
        for day, s in sorted(merged.items())
    )


# {"data": {"items": [{"underlying-symbol": "SPY", "root-symbol": "SPY", "expirations": [
#   {"expiration-date": "2022-09-16", "strikes": [{"strike-price": "370.0",
#    "call": "SPY   230706C00370000", "call-streamer-symbol": ".SPY230706C370", ...}]}]}]}}
def chain_from_tastytrade(
    body: Any, underlying: Instrument, *, expiration: date | None, today: date
) -> OptionChain:
    """``GET /option-chains/{symbol}/nested``: every root (SPX and SPXW) merged by date."""
    raw_expirations = [e for item in items_of(body) for e in item.get("expirations") or []]
    chain = _expirations(raw_expirations, today)
    if expiration is not None:
        chain = tuple(e for e in chain if e.date == expiration)
    return OptionChain(underlying=underlying, expirations=chain, raw=body)


# {"data": {"futures": [{"symbol": "/ESU3", ...}], "option-chains": [{"underlying-symbol": "/ES",
#   "expirations": [{"expiration-date": "2023-07-17", "option-root-symbol": "E3A", "strikes": [
#    {"strike-price": "5600.0", "call": "./ESU3 E3AN3 230717C5600", ...}]}]}]}}
def futures_chain_from_tastytrade(
    body: Any, underlying: Instrument, *, expiration: date | None, today: date
) -> OptionChain:
    """``GET /futures-option-chains/{product}/nested`` (no ``items``: futures + option-chains)."""
    data = data_of(body)
    chains = data.get("option-chains") if isinstance(data, dict) else None
    if not isinstance(chains, list):
        raise ResponseFormatError(
            "no 'option-chains' list", path="$.data.option-chains", broker=BROKER
        )
    raw_expirations = []
    for chain in chains:
        for item in chain.get("expirations") or []:
            # A product's chain spans every future; keep the asked contract's options only.
            if isinstance(underlying, Future) and item.get("underlying-symbol") not in (
                None,
                symbol_to_tastytrade(underlying),
            ):
                continue
            raw_expirations.append(item)
    result = _expirations(raw_expirations, today)
    if expiration is not None:
        result = tuple(e for e in result if e.date == expiration)
    return OptionChain(underlying=underlying, expirations=result, raw=body)
