"""Symbols between Tradier and brokerlink: equities as tickers, options as compact OCC.

Tradier writes options as OCC symbols without padding (``SPY180720C00274000``) and indexes as
bare tickers with ``type: index`` (``SPX``); brokerlink's canonical texts are the padded OCC
symbol and ``$SPX``. Both directions live here so they round-trip.
"""

from __future__ import annotations

import re

from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Equity, Index, Instrument, Option, instrument

__all__ = ["instrument_from_tradier", "is_option_symbol", "symbol_to_tradier"]

_OCC = re.compile(r"[A-Z0-9]{1,6}\d{6}[CP]\d{8}")


def is_option_symbol(symbol: str) -> bool:
    """True for a compact OCC option symbol."""
    return bool(_OCC.fullmatch(symbol.strip().upper()))


def symbol_to_tradier(target: Instrument) -> str:
    """The symbol Tradier expects for ``target`` (equity ticker, compact OCC, bare index)."""
    if isinstance(target, Option):
        return target.occ_compact
    if isinstance(target, Index):
        return target.symbol
    if isinstance(target, Equity):
        return target.symbol
    raise InvalidOrderError(
        f"symbol: Tradier trades and quotes equities, options and indexes, not {target}",
        field="symbol",
        broker="tradier",
    )


def instrument_from_tradier(symbol: str, kind: str | None = None) -> Instrument:
    """The instrument for a Tradier symbol; ``kind`` is the payload's ``type`` when it has one."""
    text = symbol.strip().upper()
    if kind == "index":
        return Index(text)
    if is_option_symbol(text):
        return instrument(text)
    return Equity(text)
