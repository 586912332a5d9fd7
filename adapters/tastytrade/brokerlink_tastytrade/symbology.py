"""tastytrade symbols <-> brokerlink instruments (refs/tastytrade/NOTES.md §6).

=============== ================================ ===================================
kind            tastytrade                       canonical (brokerlink)
=============== ================================ ===================================
equity          ``AAPL``, ``BRK/B``              ``AAPL``, ``BRK.B``
equity option   ``AAPL  220617P00150000`` (OCC)  the same (root padded to 6)
future          ``/ESZ4`` (1-digit year)         ``/ESZ24``
future option   ``./ESZ9 EW4U9 190927P2975``     ``./ESZ19 EW4U19 190927P2975``
crypto          ``BTC/USD``                      ``BTC/USD``
index           ``SPX``                          ``$SPX``
=============== ================================ ===================================

Option symbols are parsed padded, unpadded and with the padding collapsed to one space (the HTML
docs show that). tastytrade writes futures years with one digit; the decade comes from a
reference date (a future option's own expiration carries it). DxLink streamer symbols
(``.SPY230731C393``, ``/ESU23:XCME``) are **not** derived here: they come from the API's
``streamer-symbol`` fields (:mod:`brokerlink_tastytrade.parse`).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import (
    MONTH_CODES,
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    Option,
    instrument,
)
from brokerlink.money import format_plain

__all__ = [
    "INSTRUMENT_TYPES",
    "instrument_from_tastytrade",
    "instrument_type",
    "path_segment",
    "resolve_year",
    "symbol_to_tastytrade",
]

_FUTURE = re.compile(rf"/([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{1,2}})")
_FOP = re.compile(
    rf"\./([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{1,2}})\s+([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{1,2}})"
    r"\s+(\d{6})([CP])(\d{1,8}(?:\.\d{1,7})?)"
)

INSTRUMENT_TYPES: dict[str, type[Instrument]] = {
    "Equity": Equity,
    "Equity Option": Option,
    "Future": Future,
    "Future Option": FutureOption,
    "Cryptocurrency": Crypto,
    "Index": Index,
}
"""tastytrade's ``instrument-type`` values -> the instrument kind they name."""


def instrument_type(target: Instrument) -> str:
    """The ``instrument-type`` tastytrade expects for ``target`` (``"Equity Option"``, ...)."""
    for name, kind in INSTRUMENT_TYPES.items():
        if isinstance(target, kind):
            return name
    raise InvalidOrderError(f"symbol: {target} has no tastytrade instrument type", field="symbol")


def resolve_year(digits: str, reference: date) -> int:
    """The full year a 1- or 2-digit futures year means, seen from ``reference``.

    A 1-digit year is the first year ending in that digit from ``reference.year - 2`` on: listed
    contracts run at most a few years ahead, and a recently expired one may still be reported.
    """
    if len(digits) == 2:
        return 2000 + int(digits)
    first = reference.year - 2
    return first + (int(digits) - first) % 10


def _future(root: str, month: str, year: str, reference: date) -> Future:
    return Future(root, month, resolve_year(year, reference))


def instrument_from_tastytrade(
    symbol: str, instrument_type_name: str | None = None, *, reference: date
) -> Instrument:
    """Parse a tastytrade symbol; ``instrument_type_name`` settles ambiguous text (``SPX``).

    ``reference`` anchors 1-digit futures years (a future option uses its expiration instead).
    Raises :class:`~brokerlink.errors.InvalidOrderError` naming the symbol when it is malformed.
    """
    text = symbol.strip().upper()
    try:
        if text.startswith("./"):
            m = _FOP.fullmatch(text)
            if m is None:
                raise ValueError("malformed future option")
            expiration = date(2000 + int(m[7][:2]), int(m[7][2:4]), int(m[7][4:]))
            future = _future(m[1], m[2], m[3], expiration)
            code_year = resolve_year(m[6], expiration)
            return FutureOption(
                future,
                m[4],
                expiration,
                m[8],
                m[9],
                option_code=f"{m[5]}{code_year % 100:02d}",
            )
        if text.startswith("/"):
            m = _FUTURE.fullmatch(text)
            if m is None:
                raise ValueError("malformed future")
            return _future(m[1], m[2], m[3], reference)
        if instrument_type_name == "Index":
            return Index(text)
        if instrument_type_name == "Equity":
            return Equity(text)
    except (ValueError, TypeError) as exc:
        raise InvalidOrderError(
            f"symbol: {symbol!r} is not a tastytrade symbol ({exc})", field="symbol"
        ) from None
    return instrument(text)


def symbol_to_tastytrade(target: Instrument) -> str:
    """The symbol tastytrade expects for ``target`` (OCC padded; futures with a 1-digit year)."""
    if isinstance(target, Future):
        return f"/{target.root}{MONTH_CODES[target.month - 1]}{target.year % 10}"
    if isinstance(target, FutureOption):
        future = symbol_to_tastytrade(target.future)
        code = f"{target.option_code[0]}{target.option_code[-1]}"
        strike = format_plain(target.strike)
        return (
            f".{future} {target.option_root}{code} "
            f"{target.expiration:%y%m%d}{target.right.value}{strike}"
        )
    if isinstance(target, Equity):
        return target.symbol.replace(".", "/")
    if isinstance(target, Index):
        return target.symbol
    return str(target)  # options (padded OCC) and crypto pairs are the same text


def path_segment(symbol: str) -> str:
    """``symbol`` encoded for a URL path: ``/`` and spaces too (``BTC%2FUSD``, ``SPY%20%20%20...``)."""
    return quote(symbol, safe="")
