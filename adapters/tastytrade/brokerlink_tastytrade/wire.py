"""The tastytrade wire format: typed payload records and the converter that reads them.

tastytrade answers ``{"data": {...}, "context": ...}`` for one object and
``{"data": {"items": [...]}, "pagination": {...}}`` for lists; keys are dash-case; numbers are
decimal strings most of the time and JSON numbers some of the time (``quantity`` ``"100"`` vs
``742``, ``multiplier`` ``1`` vs ``"0.5"``); order ``updated-at`` is epoch milliseconds while
every other time is ISO 8601 (NOTES §3, §5.6). Fields come and go between versions and
environments, so every record field that is not a key is optional.

The records below mirror the payloads; :func:`tastytrade_converter` maps dash-case keys onto
their snake_case fields (``cash-balance`` -> ``cash_balance``) and ignores keys it does not model
(they stay available in each model's ``raw``). Decimals and datetimes go through the core's
strict hooks, which accept both spellings.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from brokerlink.enums import OrderStatus
from brokerlink.statuses import StatusTable
from brokerlink.wire import make_converter

__all__ = [
    "TASTYTRADE_STATUSES",
    "WireAccount",
    "WireAccountItem",
    "WireBalance",
    "WireBuyingPowerEffect",
    "WireComplexOrder",
    "WireFeeCalculation",
    "WireFill",
    "WireLeg",
    "WireOrder",
    "WirePagination",
    "WirePlaced",
    "WirePosition",
    "WirePreview",
    "WireTransaction",
    "WireWarning",
    "tastytrade_converter",
]

TASTYTRADE_STATUSES = StatusTable(
    "tastytrade",
    {
        # NOTES §5.5 (the order-flow page): every documented status.
        "Received": OrderStatus.PENDING,
        "Routed": OrderStatus.PENDING,
        "In Flight": OrderStatus.PENDING,
        "Contingent": OrderStatus.PENDING,  # complex-order children and replacements
        "Live": OrderStatus.OPEN,  # PARTIALLY_FILLED when legs carry fills (parse)
        "Cancel Requested": OrderStatus.CANCEL_PENDING,
        "Replace Requested": OrderStatus.OPEN,  # still working until the replacement is live
        "Filled": OrderStatus.FILLED,
        "Cancelled": OrderStatus.CANCELED,  # REPLACED when a replacing order is named (parse)
        "Rejected": OrderStatus.REJECTED,
        "Expired": OrderStatus.EXPIRED,
        "Removed": OrderStatus.CANCELED,  # removed by tastytrade (e.g. end of session)
        "Partially Removed": OrderStatus.CANCELED,  # part filled, the rest removed: final
    },
)
"""tastytrade's documented order statuses onto ours."""


@attrs.frozen(kw_only=True)
class WirePagination:
    """The top-level ``pagination`` of list answers (0-based ``page-offset``)."""

    page_offset: int = 0
    total_pages: int | None = None
    per_page: int | None = None
    total_items: int | None = None


@attrs.frozen(kw_only=True)
class WireAccount:
    """An account inside ``/customers/me/accounts`` items."""

    account_number: str
    nickname: str | None = None
    account_type_name: str | None = None
    margin_or_cash: str | None = None
    is_closed: bool | None = None
    is_futures_approved: bool | None = None
    suitable_options_level: str | None = None
    opened_at: datetime | None = None
    created_at: datetime | None = None


@attrs.frozen(kw_only=True)
class WireAccountItem:
    """One ``/customers/me/accounts`` item: the account and the user's authority over it."""

    account: WireAccount
    authority_level: str | None = None


@attrs.frozen(kw_only=True)
class WireBalance:
    """``GET /accounts/{n}/balances`` and each balance snapshot."""

    account_number: str
    cash_balance: Decimal
    net_liquidating_value: Decimal
    equity_buying_power: Decimal | None = None
    derivative_buying_power: Decimal | None = None
    day_trading_buying_power: Decimal | None = None
    maintenance_requirement: Decimal | None = None
    pending_cash: Decimal | None = None
    pending_cash_effect: str | None = None
    margin_equity: Decimal | None = None
    long_equity_value: Decimal | None = None
    short_equity_value: Decimal | None = None
    long_derivative_value: Decimal | None = None
    short_derivative_value: Decimal | None = None
    cash_available_to_withdraw: Decimal | None = None
    currency: str | None = None
    snapshot_date: date | None = None
    time_of_day: str | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class WirePosition:
    """``GET /accounts/{n}/positions`` items and ``CurrentPosition`` notifications."""

    account_number: str
    symbol: str
    instrument_type: str
    quantity: Decimal
    quantity_direction: str
    underlying_symbol: str | None = None
    average_open_price: Decimal | None = None
    close_price: Decimal | None = None
    mark: Decimal | None = None
    mark_price: Decimal | None = None
    multiplier: Decimal | None = None
    cost_effect: str | None = None
    realized_day_gain: Decimal | None = None
    realized_day_gain_effect: str | None = None
    realized_today: Decimal | None = None
    realized_today_effect: str | None = None
    expires_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class WireFill:
    """One execution inside an order leg."""

    quantity: Decimal
    fill_price: Decimal
    filled_at: datetime
    fill_id: str | None = None
    ext_exec_id: str | None = None
    destination_venue: str | None = None


@attrs.frozen(kw_only=True)
class WireLeg:
    """One order leg: ``action`` carries both side and position effect."""

    instrument_type: str
    symbol: str
    action: str
    quantity: Decimal | None = None  # absent on notional orders
    remaining_quantity: Decimal | None = None
    fills: list[WireFill] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class WireOrder:
    """An order as tastytrade reports it (REST and the ``Order`` notification)."""

    id: str
    status: str
    order_type: str
    time_in_force: str
    legs: list[WireLeg]
    account_number: str | None = None
    size: Decimal | None = None
    underlying_symbol: str | None = None
    price: Decimal | None = None
    price_effect: str | None = None
    value: Decimal | None = None
    value_effect: str | None = None
    stop_trigger: Decimal | None = None
    gtc_date: date | None = None
    external_identifier: str | None = None
    received_at: datetime | None = None
    updated_at: datetime | None = None
    terminal_at: datetime | None = None
    cancellable: bool | None = None
    editable: bool | None = None
    reject_reason: str | None = None
    complex_order_id: str | None = None
    complex_order_tag: str | None = None
    replaces_order_id: str | None = None
    replacing_order_id: str | None = None
    contingent_status: str | None = None


@attrs.frozen(kw_only=True)
class WireComplexOrder:
    """An OTO / OCO / OTOCO: the trigger order (none for OCO) and the contingent orders."""

    id: str
    type: str
    orders: list[WireOrder]
    account_number: str | None = None
    trigger_order: WireOrder | None = None


@attrs.frozen(kw_only=True)
class WireWarning:
    """A warning of a submit or dry-run."""

    message: str
    code: str | None = None


@attrs.frozen(kw_only=True)
class WireBuyingPowerEffect:
    """``buying-power-effect`` of a submit or dry-run; amounts unsigned with their effect."""

    change_in_buying_power: Decimal | None = None
    change_in_buying_power_effect: str | None = None
    change_in_margin_requirement: Decimal | None = None
    change_in_margin_requirement_effect: str | None = None
    impact: Decimal | None = None
    effect: str | None = None


@attrs.frozen(kw_only=True)
class WireFeeCalculation:
    """``fee-calculation`` of a submit or dry-run."""

    commission: Decimal | None = None
    commission_effect: str | None = None
    total_fees: Decimal | None = None
    total_fees_effect: str | None = None


@attrs.frozen(kw_only=True)
class WirePlaced:
    """The ``data`` of a submit or dry-run (single ``order`` or ``complex-order``)."""

    order: WireOrder | None = None
    complex_order: WireComplexOrder | None = None
    warnings: list[WireWarning] = attrs.field(factory=list)
    buying_power_effect: WireBuyingPowerEffect | None = None
    fee_calculation: WireFeeCalculation | None = None


@attrs.frozen(kw_only=True)
class WirePreview:
    """The ``data`` of a dry-run: the cost side only (its ``order`` has no id yet)."""

    warnings: list[WireWarning] = attrs.field(factory=list)
    buying_power_effect: WireBuyingPowerEffect | None = None
    fee_calculation: WireFeeCalculation | None = None


@attrs.frozen(kw_only=True)
class WireTransaction:
    """One ``GET /accounts/{n}/transactions`` item."""

    id: str
    transaction_type: str
    executed_at: datetime
    account_number: str | None = None
    transaction_sub_type: str | None = None
    description: str | None = None
    symbol: str | None = None
    instrument_type: str | None = None
    underlying_symbol: str | None = None
    action: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    value: Decimal | None = None
    value_effect: str | None = None
    net_value: Decimal | None = None
    net_value_effect: str | None = None
    commission: Decimal | None = None
    commission_effect: str | None = None
    clearing_fees: Decimal | None = None
    clearing_fees_effect: str | None = None
    regulatory_fees: Decimal | None = None
    regulatory_fees_effect: str | None = None
    order_id: str | None = None
    transaction_date: date | None = None


def tastytrade_converter() -> cattrs.Converter:
    """The core converter (``.copy()``) reading the records above from dash-case payloads."""
    converter = make_converter().copy()

    def dashed(cl: Any) -> Any:
        renames: dict[str, Any] = {
            f.name: override(rename=f.name.replace("_", "-")) for f in attrs.fields(cl)
        }
        return make_dict_structure_fn(cl, converter, **renames)

    converter.register_structure_hook_factory(
        lambda cl: attrs.has(cl) and cl.__name__.startswith("Wire"), dashed
    )
    return converter
