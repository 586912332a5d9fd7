"""tastytrade symbology at the emulator's edge (refs/tastytrade/NOTES.md §6).

The engine speaks canonical instruments (:mod:`brokerlink.instruments`); tastytrade speaks:

==================== ============================== ===================================
kind                 order/REST symbol              DxLink ``streamer-symbol``
==================== ============================== ===================================
equity               ``AAPL``, ``BRK/B``            ``AAPL``, ``BRK/B``
index                ``SPX``                        ``SPX``
equity option        ``AAPL  250321C00175000``      ``.AAPL250321C175``
future               ``/ESZ4`` (1-digit year)       ``/ESZ24:XCME``
future option        ``./ESH5 EW2F5 250110C6000``   ``./EW2F25C6000:XCME``
crypto               ``BTC/USD``                    ``BTC/USD:CXTALP``
==================== ============================== ===================================

The front writes these itself and reads them back here, independently of the client adapter.
Options on futures are parsed here and listed, priced and filled by the engine like any other
instrument; :mod:`.future_options` shapes their chains.
"""

from __future__ import annotations

import re
from datetime import date
from types import MappingProxyType

from brokerlink.errors import SymbolNotFoundError
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
    "EXCHANGE_CODES",
    "instrument_type",
    "parse_streamer_symbol",
    "parse_symbol",
    "streamer_symbol",
    "tasty_symbol",
    "underlying_symbol",
]

EXCHANGE_CODES = MappingProxyType(
    {"CME": "XCME", "NYMEX": "XNYM", "COMEX": "XCEC", "CBOT": "XCBT", "CFE": "XCBF"}
)
"""The engine's futures exchange names onto the MIC codes streamer symbols carry."""

_CRYPTO_VENUE = "CXTALP"
_FUTURE = re.compile(rf"/([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{1,2}})")
_FUTURE_OPTION = re.compile(
    rf"\./([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{1,2}})\s+([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{1,2}})"
    r"\s+(\d{6})([CP])(\d+(?:\.\d+)?)"
)
_STREAMER_OPTION = re.compile(r"\.([A-Z0-9]{1,6})(\d{6})([CP])(\d+(?:\.\d+)?)")


def _year(digits: str, today: date) -> int:
    """A 1- or 2-digit contract year as a full year: the first one not before last year."""
    if len(digits) == 2:
        return 2000 + int(digits)
    year = today.year - today.year % 10 + int(digits)
    return year + 10 if year < today.year - 1 else year


def parse_symbol(text: str, today: date, *, index_keys: frozenset[str] = frozenset()) -> Instrument:
    """The canonical instrument for a tastytrade REST/order symbol.

    ``index_keys`` are the bare index tickers the engine lists (``SPX``): tastytrade writes them
    like equities. Unparseable text raises :class:`SymbolNotFoundError`.
    """
    raw = text.strip().upper()
    if raw.startswith("./"):
        return _future_option(raw)
    if found := _FUTURE.fullmatch(raw):
        root, month, digits = found.groups()
        return Future(root, month, _year(digits, today))
    if raw in index_keys:
        return Index(raw)
    try:
        parsed = instrument(raw)
    except ValueError as exc:  # InvalidOrderError is a ValueError: the symbol is not one
        raise SymbolNotFoundError(f"unknown symbol {raw!r}") from exc
    return parsed


def _future_option(raw: str) -> FutureOption:
    """``./ESH5 EW2F5 250110C6000``: the future, the option root and code, expiry, right,
    strike. Both 1-digit years are read from the expiration (``today`` is not needed: an
    option names its own decade)."""
    found = _FUTURE_OPTION.fullmatch(raw)
    if found is None:
        raise SymbolNotFoundError(f"unknown future option symbol {raw!r}")
    root, month, digits, option_root, code_month, code_year, day, right, strike = found.groups()
    expiration = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
    year = _year(code_year, expiration)
    return FutureOption(
        Future(root, month, _year(digits, expiration)),
        option_root,
        expiration,
        right,
        strike,
        option_code=f"{code_month}{year % 100:02d}",
    )


def tasty_symbol(inst: Instrument) -> str:
    """The symbol tastytrade shows in orders, positions and instruments."""
    if isinstance(inst, Equity):
        return inst.symbol.replace(".", "/")
    if isinstance(inst, Index):
        return inst.symbol
    if isinstance(inst, Option):
        return inst.occ
    if isinstance(inst, Future):
        return f"/{inst.root}{MONTH_CODES[inst.month - 1]}{inst.year % 10}"
    if isinstance(inst, FutureOption):
        code = f"{inst.option_root}{inst.option_code[0]}{inst.option_code[-1]}"
        return (
            f".{tasty_symbol(inst.future)} {code} "
            f"{inst.expiration:%y%m%d}{inst.right.value}{format_plain(inst.strike)}"
        )
    return str(inst)


def streamer_symbol(inst: Instrument, exchange: str | None = None) -> str:
    """The DxLink symbol of ``inst`` (``exchange``: the engine's exchange name, for futures)."""
    if isinstance(inst, Option):
        return f".{inst.underlying}{inst.expiration:%y%m%d}{inst.right.value}{format_plain(inst.strike)}"
    if isinstance(inst, Future):
        code = EXCHANGE_CODES.get(exchange or "CME", "XCME")
        return f"/{inst.root}{inst.code}:{code}"
    if isinstance(inst, FutureOption):
        venue = EXCHANGE_CODES.get(exchange or "CME", "XCME")
        return (
            f"./{inst.option_root}{inst.option_code}{inst.right.value}"
            f"{format_plain(inst.strike)}:{venue}"
        )
    if isinstance(inst, Crypto):
        return f"{inst}:{_CRYPTO_VENUE}"
    return tasty_symbol(inst)


def parse_streamer_symbol(text: str, *, index_keys: frozenset[str] = frozenset()) -> Instrument:
    """The canonical instrument for a DxLink symbol (candle suffixes already removed)."""
    raw = text.strip().upper()
    if found := _STREAMER_OPTION.fullmatch(raw):
        root, day, right, strike = found.groups()
        expiration = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
        return Option(root, expiration, right, strike)
    base, _, venue = raw.partition(":")
    if venue and base.startswith("/"):
        if found := _FUTURE.fullmatch(base):
            return Future(found[1], found[2], 2000 + int(found[3]))
        raise SymbolNotFoundError(f"unknown streamer symbol {raw!r}")
    if venue == _CRYPTO_VENUE:
        base_asset, _, quote = base.partition("/")
        return Crypto(base_asset, quote)
    if base in index_keys:
        return Index(base)
    try:
        return instrument(base)
    except ValueError as exc:
        raise SymbolNotFoundError(f"unknown streamer symbol {raw!r}") from exc


_TYPES = MappingProxyType(
    {
        Equity: "Equity",
        Index: "Equity",  # tastytrade lists indices as equities with is-index true
        Option: "Equity Option",
        Future: "Future",
        FutureOption: "Future Option",
        Crypto: "Cryptocurrency",
    }
)


def instrument_type(inst: Instrument) -> str:
    """tastytrade's ``instrument-type`` for ``inst``."""
    return _TYPES[type(inst)]


def underlying_symbol(inst: Instrument, option_underlying: Instrument | None = None) -> str:
    """tastytrade's ``underlying-symbol``: the option's underlying, a future's product root."""
    if isinstance(inst, Option):
        return tasty_symbol(option_underlying) if option_underlying else inst.underlying
    if isinstance(inst, Future):
        return f"/{inst.root}"
    if isinstance(inst, FutureOption):
        return tasty_symbol(inst.future)
    return tasty_symbol(inst)
