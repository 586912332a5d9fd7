"""TradeStation symbols at the emulator front's edge, both ways (refs/tradestation NOTES §8).

The engine speaks canonical instruments (``brokerlink.instruments``); TradeStation clients send
and expect TradeStation's own text:

============== ======================= ===============================================
kind           TradeStation            canonical
============== ======================= ===============================================
equity         ``MSFT``                ``MSFT``
option         ``MSFT 220916C305``     ``MSFT  220916C00305000`` (the space is optional
                                       on input: ``MSFT220916C305`` is read too)
future         ``ESZ24``, ``TYH25``    ``/ESZ24``, ``/ZNH25`` (legacy TS roots mapped)
continuous     ``@ES``                 the front contract (data only, never tradable)
index          ``$SPX.X``              ``$SPX``
crypto         ``BTCUSD``              ``BTC/USD``
============== ======================= ===============================================

This module is private to the emulator: the client adapter has its own, and the two agree only
through the documented format.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import attrs

from brokerlink.instruments import (
    MONTH_CODES,
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    Option,
)
from brokerlink.money import format_plain

__all__ = ["GLOBEX_TO_TS", "TsSymbol", "parse_ts_symbol", "ts_symbol"]

GLOBEX_TO_TS = MappingProxyType(
    {
        "ZB": "US", "ZN": "TY", "ZF": "FV", "ZT": "TU", "TN": "TEN", "GE": "ED", "6A": "AD",
        "6B": "BP", "6C": "CD", "6E": "EC", "6J": "JY", "6L": "BR", "6M": "MP1", "6N": "NE1",
        "6R": "RU", "6S": "SF", "6Z": "RA", "KE": "KW", "ZC": "C", "ZL": "BO", "ZM": "SM",
        "ZO": "O", "ZS": "S", "ZW": "W", "GF": "FC", "HE": "LH", "LE": "LC", "LBS": "LB",
        "NKD": "NK", "RX": "REI", "B": "BRN",
    }
)  # fmt: skip
"""Exchange (Globex) futures roots and the legacy roots TradeStation uses for them (NOTES §8)."""

_TS_TO_GLOBEX = MappingProxyType({ts: globex for globex, ts in GLOBEX_TO_TS.items()})
_OPTION = re.compile(r"([A-Z0-9.]{1,8}?) ?(\d{2})(\d{2})(\d{2})([CP])(\d+(?:\.\d+)?)")
_FUTURE = re.compile(rf"([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{2}})")
_CONTINUOUS = re.compile(r"@([A-Z0-9]{1,5})")
_INDEX = re.compile(r"\$([A-Z0-9]{1,10})\.X")
_CRYPTO_QUOTES = ("USDT", "USDC", "USD")


@attrs.frozen(kw_only=True)
class TsSymbol:
    """A parsed TradeStation symbol: the canonical instrument, or a continuous futures root.

    ``continuous`` holds the root (``ES``) of an ``@ES`` request; ``instrument`` is then ``None``
    until the front picks the current contract.
    """

    text: str
    instrument: Instrument | None = None
    continuous: str | None = None


def _future_root_in(ts_root: str) -> str:
    return _TS_TO_GLOBEX.get(ts_root, ts_root)


def _crypto(text: str) -> Crypto | None:
    for quote in _CRYPTO_QUOTES:
        if text.endswith(quote) and 2 <= len(text) - len(quote) <= 10:
            return Crypto(text[: -len(quote)], quote)
    return None


def parse_ts_symbol(text: str, *, crypto_bases: frozenset[str] = frozenset()) -> TsSymbol:
    """Read a TradeStation symbol; ``ValueError`` when it fits no TradeStation form.

    ``crypto_bases`` are the crypto assets the emulator lists (``BTC``): ``BTCUSD`` is a pair
    only when its base is one of them, so an equity ticker ending in ``USD`` stays an equity.
    """
    raw = text.strip().upper()
    if not raw:
        raise ValueError("empty symbol")
    if m := _CONTINUOUS.fullmatch(raw):
        return TsSymbol(text=raw, continuous=_future_root_in(m[1]))
    if m := _INDEX.fullmatch(raw):
        return TsSymbol(text=raw, instrument=Index(m[1]))
    if raw.startswith("$"):
        return TsSymbol(text=raw, instrument=Index(raw))
    if m := _OPTION.fullmatch(raw):
        expiry = date(2000 + int(m[2]), int(m[3]), int(m[4]))
        strike = Decimal(m[6])
        return TsSymbol(text=raw, instrument=Option(m[1], expiry, m[5], strike))
    crypto = _crypto(raw)
    if crypto is not None and crypto.base in crypto_bases:
        return TsSymbol(text=raw, instrument=crypto)
    if (m := _FUTURE.fullmatch(raw)) and not raw.isalpha():
        return TsSymbol(text=raw, instrument=Future(_future_root_in(m[1]), m[2], m[3]))
    return TsSymbol(text=raw, instrument=Equity(raw))


def ts_symbol(inst: Instrument) -> str:
    """The TradeStation text of a canonical instrument (the inverse of :func:`parse_ts_symbol`)."""
    if isinstance(inst, Option):
        return f"{inst.underlying} {inst.expiration:%y%m%d}{inst.right.value}" + format_plain(
            inst.strike
        )
    if isinstance(inst, Future):
        return f"{GLOBEX_TO_TS.get(inst.root, inst.root)}{inst.code}"
    if isinstance(inst, Index):
        return f"${inst.symbol}.X"
    if isinstance(inst, Crypto):
        return f"{inst.base}{inst.quote}"
    if isinstance(inst, FutureOption):
        future = inst.future
        root = GLOBEX_TO_TS.get(future.root, future.root)
        return f"{root}{future.code} {inst.right.value}{format_plain(inst.strike)}"
    return str(inst)


def continuous_symbol(future: Future) -> str:
    """``@ES`` for any ``ES`` contract (legacy roots applied)."""
    return "@" + GLOBEX_TO_TS.get(future.root, future.root)
