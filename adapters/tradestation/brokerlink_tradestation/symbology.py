"""TradeStation symbols <-> brokerlink instruments, both ways (NOTES.md §8).

================ ============================ ==================================================
kind             TradeStation                 canonical
================ ============================ ==================================================
equity           ``MSFT``                     ``MSFT``
option           ``MSFT 220916C305``          ``MSFT  220916C00305000`` (OCC)
index            ``$SPX.X``                   ``$SPX``
future           ``TYZ24`` (legacy root)      ``/ZNZ24`` (exchange root)
future option    ``ESZ24 C5000``              ``./ESZ24 ESZ24 241220C5000`` (expiry from payload)
crypto (data)    ``BTCUSD``                   ``BTC/USD``
continuous       ``@ES``                      none: :class:`ContinuousFuture`, data only
================ ============================ ==================================================

TradeStation keeps the pit-era roots for many CME-group futures (ZN is ``TY``, 6E is ``EC``);
:data:`LEGACY_ROOTS` maps exchange roots to TradeStation's, and sending an exchange root there
fails with ``FAILED, INVALID SYMBOL``. Continuous contracts (``@ES``) serve data only: TradeStation
refuses orders on them, so :func:`order_symbol` raises before any request.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import attrs

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
)
from brokerlink.money import format_plain

__all__ = [
    "LEGACY_ROOTS",
    "ContinuousFuture",
    "from_tradestation",
    "order_symbol",
    "to_tradestation",
]

LEGACY_ROOTS: MappingProxyType[str, str] = MappingProxyType(
    {
        "ZB": "US", "ZN": "TY", "ZF": "FV", "ZT": "TU", "TN": "TEN", "GE": "ED", "6A": "AD",
        "6B": "BP", "6C": "CD", "6E": "EC", "6J": "JY", "6L": "BR", "6M": "MP1", "6N": "NE1",
        "6R": "RU", "6S": "SF", "6Z": "RA", "KE": "KW", "ZC": "C", "ZL": "BO", "ZM": "SM",
        "ZO": "O", "ZS": "S", "ZW": "W", "GF": "FC", "HE": "LH", "LE": "LC", "LBS": "LB",
        "NKD": "NK", "RX": "REI", "B": "BRN",
    }
)  # fmt: skip
"""Exchange (Globex) root -> TradeStation root, from NOTES.md §8 (LEAN's table, PR #82)."""

_EXCHANGE_ROOTS = MappingProxyType({ts: exchange for exchange, ts in LEGACY_ROOTS.items()})

_OPTION = re.compile(r"([A-Z0-9.]{1,6}) (\d{6})([CP])(\d+(?:\.\d+)?)")
_FUTURE = re.compile(rf"([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{2}})")
_FOP = re.compile(rf"([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{2}}) ([CP])(\d+(?:\.\d+)?)")
_INDEX = re.compile(r"\$([A-Z0-9]{1,10})\.X")
_CONTINUOUS = re.compile(r"@([A-Z0-9]{1,5})")
_CRYPTO_QUOTES = ("USDT", "USDC", "USD")


@attrs.frozen
class ContinuousFuture:
    """TradeStation's continuous contract ``@ES``: quotes and bars only, never orders.

    ``root`` is the exchange root (``ZN`` for ``@TY``). Symbol details' ``Underlying`` names the
    contract it currently stands for (see :mod:`brokerlink_tradestation.roll`).
    """

    root: str

    @property
    def tradestation(self) -> str:
        """The TradeStation text: ``@`` and TradeStation's root (``@TY`` for ZN)."""
        return f"@{LEGACY_ROOTS.get(self.root, self.root)}"

    def __str__(self) -> str:
        return self.tradestation


def ts_root(root: str) -> str:
    """TradeStation's root for an exchange root (``ZN`` -> ``TY``; ``ES`` stays)."""
    return LEGACY_ROOTS.get(root, root)


def exchange_root(root: str) -> str:
    """The exchange root for a TradeStation root (``TY`` -> ``ZN``; ``ES`` stays)."""
    return _EXCHANGE_ROOTS.get(root, root)


def to_tradestation(target: Instrument | ContinuousFuture) -> str:
    """The TradeStation symbol of ``target`` (see the module table)."""
    if isinstance(target, ContinuousFuture):
        return target.tradestation
    if isinstance(target, Equity):
        return target.symbol
    if isinstance(target, Option):
        return f"{target.underlying} {target.expiration:%y%m%d}{target.right.value}{format_plain(target.strike)}"
    if isinstance(target, Future):
        return f"{ts_root(target.root)}{target.code}"
    if isinstance(target, FutureOption):
        return (
            f"{ts_root(target.option_root)}{target.option_code} "
            f"{target.right.value}{format_plain(target.strike)}"
        )
    if isinstance(target, Index):
        return f"${target.symbol}.X"
    return f"{target.base}{target.quote}"


def order_symbol(target: Instrument | ContinuousFuture, *, current: str | None = None) -> str:
    """The symbol to send in an order; continuous contracts and indices are refused.

    ``current`` is the contract a continuous symbol stands for today, when known (symbol
    details' ``Underlying``); the error names it so the fix is one edit.
    """
    if isinstance(target, ContinuousFuture):
        contract = _contract(current)
        suggestion = (
            f"trade the current contract {contract}"
            if contract
            else f"trade a dated contract such as /{target.root}Z24 (symbol details of "
            f"{target.tradestation} name the current one in 'Underlying')"
        )
        raise InvalidOrderError(
            f"{target.tradestation} is TradeStation's continuous contract, for data only; "
            f"TradeStation refuses orders on it: {suggestion}",
            field="symbol",
            broker="tradestation",
        )
    if isinstance(target, Crypto):
        raise InvalidOrderError(
            f"{target} is data-only on TradeStation (crypto pairs cannot be traded through the API)",
            field="symbol",
            broker="tradestation",
        )
    return to_tradestation(target)


def from_tradestation(
    symbol: str,
    *,
    asset_type: str | None = None,
    expiration: date | None = None,
) -> Instrument | ContinuousFuture:
    """The instrument for a TradeStation ``symbol`` (case-insensitive: streams send lowercase).

    ``asset_type`` is the payload's ``AssetType`` when there is one (it settles ``C``-rooted
    futures versus tickers); ``expiration`` is required for future options, whose TradeStation
    symbol does not carry the date. Unparseable text raises ``ValueError``.
    """
    text = symbol.strip().upper()
    kind = (asset_type or "").upper()
    if m := _CONTINUOUS.fullmatch(text):
        return ContinuousFuture(exchange_root(m[1]))
    if m := _INDEX.fullmatch(text):
        return Index(m[1])
    if kind in ("FUTUREOPTION", "FUTURE_OPTION") or (not kind and _FOP.fullmatch(text)):
        m = _FOP.fullmatch(text)
        if m is None:
            raise ValueError(f"{symbol!r} is not a TradeStation future option ('ESZ24 C5000')")
        if expiration is None:
            raise ValueError(f"{symbol!r}: a future option needs its expiration date")
        root = exchange_root(m[1])
        future = Future(root, m[2], m[3])
        return FutureOption(future, root, expiration, m[4], Decimal(m[5]), option_code=m[2] + m[3])
    if m := _OPTION.fullmatch(text):
        year, month, day = int(m[2][:2]), int(m[2][2:4]), int(m[2][4:])
        return Option(m[1], date(2000 + year, month, day), m[3], Decimal(m[4]))
    if kind == "FUTURE" or (kind == "" and _looks_like_future(text)):
        m = _FUTURE.fullmatch(text)
        if m is None:
            raise ValueError(f"{symbol!r} is not a TradeStation futures contract ('ESZ24')")
        return Future(exchange_root(m[1]), m[2], m[3])
    if kind in ("CRYPTO", "CRYPTOCURRENCY") or _is_crypto_pair(text):
        for quote in _CRYPTO_QUOTES:
            if text.endswith(quote) and len(text) > len(quote) + 1:
                return Crypto(text[: -len(quote)], quote)
    return Equity(text)


def _contract(current: str | None) -> str | None:
    """The canonical text of a TradeStation contract symbol, or None when it is not one."""
    m = _FUTURE.fullmatch(current.strip().upper()) if current else None
    return str(Future(exchange_root(m[1]), m[2], m[3])) if m else None


def _looks_like_future(text: str) -> bool:
    # Without an AssetType, a ticker like "CHZ24" could be either; only known roots decide.
    m = _FUTURE.fullmatch(text)
    return m is not None and (m[1] in _EXCHANGE_ROOTS or m[1] in _KNOWN_FUTURE_ROOTS)


def _is_crypto_pair(text: str) -> bool:
    return text in ("BTCUSD", "ETHUSD", "LTCUSD", "BCHUSD")


_KNOWN_FUTURE_ROOTS = frozenset(
    {"ES", "MES", "NQ", "MNQ", "YM", "MYM", "RTY", "M2K", "CL", "MCL", "NG", "GC", "MGC", "SI",
     "HG", "PL", "VX", "ED", "EMD"}
)  # fmt: skip
