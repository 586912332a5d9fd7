"""TradeStation's wire vocabulary and a path-aware payload reader (DESIGN §5 ``wire``).

TradeStation payloads are PascalCase JSON with numbers as strings (``"LimitPrice": "132.52"``),
RFC 3339 UTC times, every field optional, and some vocabulary that differs between what we send
and what comes back (NOTES.md §7.3):

========================= ============================== =====================================
concept                   request                        response
========================= ============================== =====================================
duration (time in force)  ``DYP``, ``GCP``, ``GDP``      ``DAY+``, ``GTC+``, ``GTD+``
side and effect           ``TradeAction`` ``SELLSHORT``  leg ``BuyOrSell`` ``SellShort``/``SELL``
                                                         plus ``OpenOrClose``
advanced options          an object                      a ``;``-separated code string
========================= ============================== =====================================

The tables below hold both directions; :class:`Fields` reads a payload with the core converter's
strict scalar hooks and reports a mismatch as ``ResponseFormatError`` with the JSON path
(``$.Orders[2].LimitPrice``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import cattrs
import orjson

from brokerlink.enums import AssetClass, OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import ResponseFormatError
from brokerlink.statuses import StatusTable
from brokerlink.wire import excerpt_at, make_converter

__all__ = [
    "ASSET_CLASSES",
    "BROKER",
    "DURATION_FROM_TS",
    "DURATION_TO_TS",
    "ORDER_TYPE_FROM_TS",
    "TS_STATUSES",
    "Fields",
    "json_body",
    "side_effect_from_ts",
    "tradestation_converter",
]

BROKER = "tradestation"

S = OrderStatus
TS_STATUSES = StatusTable(
    BROKER,
    {
        # "Open" group of the spec's Status enum: still working (or about to be).
        "ACK": S.OPEN, "ASS": S.OPEN, "BRO": S.OPEN, "CHG": S.OPEN, "CND": S.OPEN,
        "COR": S.OPEN, "EXE": S.OPEN, "LAT": S.OPEN, "OTHER": S.OPEN, "RJC": S.OPEN,
        "RPD": S.OPEN, "RSN": S.OPEN, "STP": S.OPEN, "STT": S.OPEN, "SUS": S.OPEN,
        "FPR": S.PARTIALLY_FILLED,
        "PLA": S.PENDING, "OPN": S.PENDING, "DON": S.PENDING, "DIS": S.PENDING, "OSO": S.PENDING,
        "UCN": S.CANCEL_PENDING, "CSN": S.CANCEL_PENDING, "ECN": S.CANCEL_PENDING,
        "REC": S.CANCEL_PENDING,
        # Listed under "Open" but final in meaning: a dead order, a bracket leg resolved.
        "DOA": S.REJECTED, "BRC": S.CANCELED, "BRF": S.FILLED,
        # "Canceled" group.
        "CAN": S.CANCELED, "OUT": S.CANCELED, "RJR": S.CANCELED, "SCN": S.CANCELED,
        "TSC": S.CANCELED, "EXP": S.EXPIRED, "UCH": S.REPLACED,
        "REJ": S.REJECTED,
        # "Filled" group; FLP is a partial fill whose rest was taken out of the market.
        "FLL": S.FILLED, "FLP": S.CANCELED,
    },
)  # fmt: skip
"""Every documented order status code (spec ``Status`` enum, CSN included) -> ours."""

DURATION_TO_TS: MappingProxyType[TimeInForce, str] = MappingProxyType(
    {
        TimeInForce.DAY: "DAY",
        TimeInForce.DAY_EXT: "DYP",
        TimeInForce.GTC: "GTC",
        TimeInForce.GTC_EXT: "GCP",
        TimeInForce.GTD: "GTD",
        TimeInForce.IOC: "IOC",
        TimeInForce.FOK: "FOK",
        TimeInForce.OPG: "OPG",
        TimeInForce.CLS: "CLO",
    }
)
"""Our time in force -> the request ``Duration`` code."""

DURATION_FROM_TS: MappingProxyType[str, TimeInForce] = MappingProxyType(
    {
        "DAY": TimeInForce.DAY, "DAY+": TimeInForce.DAY_EXT, "DYP": TimeInForce.DAY_EXT,
        "GTC": TimeInForce.GTC, "GTC+": TimeInForce.GTC_EXT, "GCP": TimeInForce.GTC_EXT,
        "GTD": TimeInForce.GTD, "GTD+": TimeInForce.GTD, "GDP": TimeInForce.GTD,
        "IOC": TimeInForce.IOC, "FOK": TimeInForce.FOK, "OPG": TimeInForce.OPG,
        "CLO": TimeInForce.CLS,
        # Minute durations expire within the day; we have no closer member.
        "1": TimeInForce.DAY, "3": TimeInForce.DAY, "5": TimeInForce.DAY,
        "1 MIN": TimeInForce.DAY, "3 MIN": TimeInForce.DAY, "5 MIN": TimeInForce.DAY,
    }
)  # fmt: skip
"""Response (and request) ``Duration`` codes, upper-cased -> ours."""

ORDER_TYPE_FROM_TS: MappingProxyType[str, OrderType] = MappingProxyType(
    {
        "MARKET": OrderType.MARKET,
        "LIMIT": OrderType.LIMIT,
        "STOPMARKET": OrderType.STOP,
        "STOPLIMIT": OrderType.STOP_LIMIT,
    }
)
"""``OrderType`` (upper-cased) -> ours; a ``StopMarket`` with a trailing stop is a trailing stop."""

ORDER_TYPE_TO_TS: MappingProxyType[OrderType, str] = MappingProxyType(
    {
        OrderType.MARKET: "Market",
        OrderType.LIMIT: "Limit",
        OrderType.STOP: "StopMarket",
        OrderType.STOP_LIMIT: "StopLimit",
        OrderType.TRAILING_STOP: "StopMarket",
    }
)
"""Our order type -> the request ``OrderType``."""

_SIDES: MappingProxyType[str, tuple[Side, PositionEffect]] = MappingProxyType(
    {
        "BUY": (Side.BUY, PositionEffect.OPEN),
        "SELL": (Side.SELL, PositionEffect.CLOSE),
        "SELLSHORT": (Side.SELL, PositionEffect.OPEN),
        "BUYTOCOVER": (Side.BUY, PositionEffect.CLOSE),
        "BUYTOOPEN": (Side.BUY, PositionEffect.OPEN),
        "BUYTOCLOSE": (Side.BUY, PositionEffect.CLOSE),
        "SELLTOOPEN": (Side.SELL, PositionEffect.OPEN),
        "SELLTOCLOSE": (Side.SELL, PositionEffect.CLOSE),
    }
)

ASSET_CLASSES: MappingProxyType[str, AssetClass] = MappingProxyType(
    {
        "STOCK": AssetClass.EQUITY,
        "STOCKOPTION": AssetClass.OPTION,
        "INDEXOPTION": AssetClass.OPTION,
        "FUTURE": AssetClass.FUTURE,
        "FUTUREOPTION": AssetClass.FUTURE_OPTION,
        "INDEX": AssetClass.INDEX,
        "CRYPTO": AssetClass.CRYPTO,
    }
)
"""``AssetType`` -> asset class (descriptive: others are ``UNKNOWN``)."""


def side_effect_from_ts(action: str, open_or_close: str | None) -> tuple[Side, PositionEffect]:
    """Side and effect of a ``BuyOrSell``/``TradeAction`` in any casing; ``OpenOrClose`` wins."""
    found = _SIDES.get(action.replace(" ", "").upper())
    if found is None:
        raise ValueError(f"{action!r} is not a TradeStation trade action ({', '.join(_SIDES)})")
    side, effect = found
    if open_or_close:
        effect = PositionEffect.CLOSE if open_or_close.lower() == "close" else PositionEffect.OPEN
    return side, effect


def tradestation_converter() -> cattrs.Converter:
    """The TradeStation converter: the core one, branched (its strict scalar hooks are used)."""
    return make_converter().copy()


def json_body(body: bytes) -> Any:
    """Decode a response body; a body that is not JSON is a ``ResponseFormatError``."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ResponseFormatError(f"the body is not JSON: {exc}", raw=body, broker=BROKER) from None


class Fields:
    """One JSON object of a payload, read field by field with its path for error messages."""

    __slots__ = ("conv", "data", "path", "root")

    def __init__(
        self, conv: cattrs.Converter, data: object, path: str = "$", root: object = None
    ) -> None:
        if not isinstance(data, Mapping):
            raise ResponseFormatError(
                f"expected an object, got {type(data).__name__}",
                path=path,
                excerpt=excerpt_at(data, "$"),
                broker=BROKER,
            )
        self.conv, self.data, self.path = conv, data, path
        self.root = data if root is None else root

    def _fail(self, key: str, reason: str) -> ResponseFormatError:
        return ResponseFormatError(
            reason,
            path=f"{self.path}.{key}",
            excerpt=excerpt_at(self.data, f"$.{key}"),
            broker=BROKER,
        )

    def has(self, key: str) -> bool:
        """True when ``key`` is present and not null."""
        return self.data.get(key) is not None

    def text(self, key: str) -> str | None:
        """The field as text (numbers accepted), ``None`` when absent or empty."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
        raise self._fail(key, f"{key} should be text, got {type(value).__name__}")

    def need_text(self, key: str) -> str:
        """Like :meth:`text`, raising when the field is missing."""
        value = self.text(key)
        if value is None:
            raise self._fail(key, f"required field {key!r} is missing")
        return value

    def decimal(self, key: str) -> Decimal | None:
        """The field as a Decimal (strings and JSON numbers), ``None`` when absent or empty."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        try:
            return self.conv.structure(value, Decimal)
        except (ValueError, TypeError) as exc:
            raise self._fail(key, str(exc)) from None

    def need_decimal(self, key: str) -> Decimal:
        """Like :meth:`decimal`, raising when the field is missing."""
        value = self.decimal(key)
        if value is None:
            raise self._fail(key, f"required field {key!r} is missing")
        return value

    def time(self, key: str) -> datetime | None:
        """The field as an aware UTC datetime, ``None`` when absent."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        try:
            return self.conv.structure(value, datetime)
        except (ValueError, TypeError) as exc:
            raise self._fail(key, str(exc)) from None

    def flag(self, key: str) -> bool | None:
        """The field as a boolean, ``None`` when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        raise self._fail(key, f"{key} should be true or false, got {value!r}")

    def sub(self, key: str) -> Fields | None:
        """The nested object ``key``, or ``None``."""
        value = self.data.get(key)
        return None if value is None else Fields(self.conv, value, f"{self.path}.{key}", self.root)

    def items(self, key: str) -> Iterator[Fields]:
        """Each object of the array ``key`` (absent means empty)."""
        value = self.data.get(key) or []
        if not isinstance(value, list):
            raise self._fail(key, f"{key} should be an array")
        for index, item in enumerate(value):
            yield Fields(self.conv, item, f"{self.path}.{key}[{index}]", self.root)

    def convert(self, key: str, how: Any) -> Any:
        """``how(text)`` for the field, turning ``ValueError`` into a path-bearing error."""
        value = self.need_text(key)
        try:
            return how(value)
        except (ValueError, TypeError) as exc:
            raise self._fail(key, str(exc)) from None
