"""Tradier's symbols at the front's edge: Tradier text to the engine's instruments and back.

Tradier writes equities as tickers (``AAPL``), indices without a prefix (``SPX``) and options as
OCC symbols **without** the padding spaces (``AAPL250321C00175000``, NOTES §4.2). The engine
speaks brokerlink's canonical text (``$SPX``, ``AAPL  250321C00175000``), so every symbol crosses
here and nowhere else.
"""

from __future__ import annotations

import re

from brokerlink.emulator import Engine
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Equity, Index, Instrument, Option, instrument

__all__ = [
    "exchange_code",
    "from_tradier",
    "is_etf",
    "resolve",
    "security_type",
    "to_tradier",
]

_OCC = re.compile(r"[A-Z0-9]{1,6}\d{6}[CP]\d{8}")
# Tradier's one-letter exchange codes for the venues the engine's universe names.
_EXCHANGES = {"ARCX": "P", "NASDAQ": "Q", "CBOE": "C", "NYSE": "N", "OPRA": "Z"}


def from_tradier(engine: Engine, text: str) -> Instrument:
    """The engine instrument for Tradier's ``text`` (not checked against the universe)."""
    symbol = text.strip().upper()
    if _OCC.fullmatch(symbol):
        return instrument(symbol)
    if symbol.startswith("$"):
        return Index(symbol)
    # An index is written bare at Tradier: SPX is the index when the engine lists $SPX only.
    universe = engine.universe
    if universe.spec(symbol) is None and universe.spec(f"${symbol}") is not None:
        return Index(symbol)
    return instrument(symbol)


def resolve(engine: Engine, text: str) -> Instrument:
    """The engine's instrument (with details) for ``text``; ``SymbolNotFoundError`` if unknown."""
    try:
        target = from_tradier(engine, text)
    except ValueError:  # InvalidOrderError: not a symbol at all
        raise SymbolNotFoundError(f"{text!r} is not a valid symbol", broker="tradier") from None
    return engine.details(target)


def to_tradier(inst: Instrument) -> str:
    """Tradier's text for an engine instrument."""
    if isinstance(inst, Option):
        return inst.occ_compact
    if isinstance(inst, Index):
        return inst.symbol
    return str(inst)


def is_etf(engine: Engine, inst: Instrument) -> bool:
    """Whether an equity is an exchange-traded fund (the universe lists ETFs on Arca)."""
    if not isinstance(inst, Equity):
        return False
    spec = engine.universe.spec(str(inst))
    return spec is not None and spec.exchange == "ARCX"


def security_type(engine: Engine, inst: Instrument) -> str:
    """Tradier's ``type``: ``stock``, ``etf``, ``index`` or ``option``."""
    if isinstance(inst, Option):
        return "option"
    if isinstance(inst, Index):
        return "index"
    return "etf" if is_etf(engine, inst) else "stock"


def exchange_code(inst: Instrument) -> str:
    """A one-letter exchange code in Tradier's style (``Q`` when the universe names none)."""
    details = inst.details
    venue = details.exchange if details is not None else None
    return _EXCHANGES.get(venue or "", "Q")
