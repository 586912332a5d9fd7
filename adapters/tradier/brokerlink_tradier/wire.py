"""Tradier's wire vocabulary: the cattrs converter and the tables between its words and ours.

The converter is branched from the core one (``make_converter().copy()`` semantics: a fresh
converter per adapter instance) with Tradier's time and number rules from
:mod:`brokerlink_tradier.quirks` registered over the strict core hooks, so flat Tradier records
(securities, closed positions) structure straight from their payloads.

The tables are the documented values (NOTES §4.2): order statuses (strict, through a
:class:`~brokerlink.statuses.StatusTable`), sides, order types, durations and classes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import cattrs

from brokerlink.enums import OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.statuses import StatusTable
from brokerlink.wire import make_converter
from brokerlink_tradier import quirks

__all__ = [
    "DURATION_FROM_TRADIER",
    "SIDE_FROM_TRADIER",
    "STATUSES",
    "TYPE_FROM_TRADIER",
    "tradier_converter",
]

STATUSES = StatusTable(
    "tradier",
    MappingProxyType(
        {
            "open": OrderStatus.OPEN,
            "partially_filled": OrderStatus.PARTIALLY_FILLED,
            "filled": OrderStatus.FILLED,
            "expired": OrderStatus.EXPIRED,
            "canceled": OrderStatus.CANCELED,
            "pending": OrderStatus.PENDING,
            "rejected": OrderStatus.REJECTED,
            "error": OrderStatus.REJECTED,
            # The account-events stream adds these (DTC docs/account-streaming-responses).
            "calculated": OrderStatus.PENDING,
            "accepted_for_bidding": OrderStatus.PENDING,
            "held": OrderStatus.PENDING,
            # LEAN maps it; seen on the wire right after placement.
            "submitted": OrderStatus.PENDING,
        }
    ),
)
"""Every documented Tradier order status onto ours (``canceled`` with one l, as sent)."""

SIDE_FROM_TRADIER: MappingProxyType[str, tuple[Side, PositionEffect]] = MappingProxyType(
    {
        "buy": (Side.BUY, PositionEffect.AUTO),
        "sell": (Side.SELL, PositionEffect.AUTO),
        "sell_short": (Side.SELL, PositionEffect.OPEN),
        "buy_to_cover": (Side.BUY, PositionEffect.CLOSE),
        "buy_to_open": (Side.BUY, PositionEffect.OPEN),
        "buy_to_close": (Side.BUY, PositionEffect.CLOSE),
        "sell_to_open": (Side.SELL, PositionEffect.OPEN),
        "sell_to_close": (Side.SELL, PositionEffect.CLOSE),
    }
)
"""Tradier sides onto a side and a position effect (``buy``/``sell`` do not say which)."""

TYPE_FROM_TRADIER: MappingProxyType[str, OrderType] = MappingProxyType(
    {
        "market": OrderType.MARKET,
        "limit": OrderType.LIMIT,
        "stop": OrderType.STOP,
        "stop_limit": OrderType.STOP_LIMIT,
        # Net-priced spreads are limit orders at a signed net price (debit +, credit -, even 0).
        "debit": OrderType.LIMIT,
        "credit": OrderType.LIMIT,
        "even": OrderType.LIMIT,
    }
)
"""Tradier order types onto ours."""

DURATION_FROM_TRADIER: MappingProxyType[str, TimeInForce] = MappingProxyType(
    {
        "day": TimeInForce.DAY,
        "gtc": TimeInForce.GTC,
        "pre": TimeInForce.DAY_EXT,
        "post": TimeInForce.DAY_EXT,
    }
)
"""Tradier durations onto ours: ``pre``/``post`` are day orders for one extended session."""


def _structure_time(value: Any, _: type) -> datetime:
    found = quirks.when(value)
    if found is None:
        raise ValueError(f"a time is required, got {value!r}")
    return found


def _structure_decimal(value: Any, _: type) -> Decimal:
    return quirks.dec(value)


def tradier_converter() -> cattrs.Converter:
    """A converter for Tradier records: lenient numbers (text or number) and Tradier's times."""
    converter = make_converter()
    converter.register_structure_hook(datetime, _structure_time)
    converter.register_structure_hook(Decimal, _structure_decimal)
    return converter
