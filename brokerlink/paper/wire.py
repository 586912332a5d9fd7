"""The paper wire format: the core models as the core converter writes them, in small envelopes.

Every paper payload is a core model (or a list of them) unstructured by :func:`paper_converter`:
snake_case keys as the models name them, decimals as strings (``"187.50"``), times as ISO 8601
UTC (``"2025-01-06T14:30:00Z"``), instruments as canonical text, enums by value. The envelope
classes below name the few shapes that are not a model of their own: lists under a key, a page
of bars with its ``next_page`` token, an instrument with its details, an error body, and the
frames of the NDJSON streams.

The emulator front and the adapter share this one converter, so what the front writes is exactly
what the adapter reads. A real broker's ``wire`` module is where its quirks live (exchange-time
timestamps, numbers as strings, odd enum spellings); the paper format has none, so its only hook
leaves ``account`` out of a new order's body (the URL names the account).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from brokerlink.adapter import OrderChanges
from brokerlink.enums import GroupKind, OrderStatus
from brokerlink.instruments import Instrument, InstrumentDetails
from brokerlink.models import (
    Account,
    Bar,
    Fill,
    NewOrder,
    Order,
    Position,
    Quote,
)
from brokerlink.statuses import StatusTable
from brokerlink.timeframes import Timeframe
from brokerlink.wire import make_converter

__all__ = [
    "PAPER_STATUSES",
    "AccountList",
    "BarFrame",
    "BarPage",
    "ErrorBody",
    "ErrorEnvelope",
    "GroupRequest",
    "InstrumentRecord",
    "OrderFrame",
    "OrderList",
    "PositionFrame",
    "PositionList",
    "QuoteFrame",
    "QuoteList",
    "paper_converter",
]

PAPER_STATUSES = StatusTable(
    "paper", {status.value: status for status in OrderStatus if status is not OrderStatus.UNKNOWN}
)
"""The paper API documents exactly our own statuses, spelled as their values."""


@attrs.frozen(kw_only=True)
class AccountList:
    """``GET /accounts``: ``{"accounts": [Account, ...]}``."""

    accounts: list[Account]


@attrs.frozen(kw_only=True)
class PositionList:
    """``GET /accounts/{id}/positions``: ``{"positions": [Position, ...]}``."""

    positions: list[Position]


@attrs.frozen(kw_only=True)
class OrderList:
    """Order lists and group placements: ``{"orders": [Order, ...]}``."""

    orders: list[Order]


@attrs.frozen(kw_only=True)
class QuoteList:
    """``GET /quotes``: ``{"quotes": [Quote, ...]}`` in the order asked."""

    quotes: list[Quote]


@attrs.frozen(kw_only=True)
class BarPage:
    """``GET /bars``: at most 1000 bars oldest first, and the token of the next page (or null)."""

    bars: list[Bar]
    next_page: str | None = None


@attrs.frozen(kw_only=True)
class InstrumentRecord:
    """``GET /instruments``: the canonical symbol and what the broker knows about it."""

    symbol: Instrument
    details: InstrumentDetails | None = None


@attrs.frozen(kw_only=True)
class GroupRequest:
    """``POST /accounts/{id}/order_groups``: the group kind and its orders, primary first."""

    kind: GroupKind
    orders: list[NewOrder]


@attrs.frozen(kw_only=True)
class ErrorBody:
    """The inside of an error answer: a stable ``code`` and a message for people."""

    code: str
    message: str


@attrs.frozen(kw_only=True)
class ErrorEnvelope:
    """Every paper error answer: ``{"error": {"code": ..., "message": ...}}``."""

    error: ErrorBody


@attrs.frozen(kw_only=True)
class QuoteFrame:
    """One line of ``/stream/quotes``: ``{"type": "quote", "quote": {...}}``."""

    type: str
    quote: Quote


@attrs.frozen(kw_only=True)
class BarFrame:
    """One line of ``/stream/bars``; ``complete`` is false while the bar is still forming."""

    type: str
    symbol: Instrument
    timeframe: Timeframe
    bar: Bar
    complete: bool


@attrs.frozen(kw_only=True)
class OrderFrame:
    """One line of ``/stream/accounts/{id}/orders``, with the engine's sequence number."""

    type: str
    seq: int
    order: Order
    fill: Fill | None
    time: datetime


@attrs.frozen(kw_only=True)
class PositionFrame:
    """One line of ``/stream/accounts/{id}/positions``, with the engine's sequence number."""

    type: str
    seq: int
    position: Position
    time: datetime


def paper_converter() -> cattrs.Converter:
    """The paper converter: the core converter (``.copy()``) plus the paper format's hooks."""
    converter = make_converter().copy()
    converter.register_unstructure_hook(
        NewOrder, make_dict_unstructure_fn(NewOrder, converter, account=override(omit=True))
    )
    converter.register_unstructure_hook(OrderChanges, _changes_unstructure(converter))
    # Order state is strict: an undocumented status is an error in strict mode, UNKNOWN otherwise.
    converter.register_structure_hook(
        OrderStatus, lambda value, _: PAPER_STATUSES.parse(str(value))
    )
    return converter


def _changes_unstructure(converter: cattrs.Converter) -> Callable[[OrderChanges], dict[str, Any]]:
    # Only the fields being changed travel: an absent key means "leave as it is".
    plain = make_dict_unstructure_fn(OrderChanges, converter)

    def unstructure(changes: OrderChanges) -> dict[str, Any]:
        return {key: value for key, value in plain(changes).items() if value is not None}

    return unstructure
