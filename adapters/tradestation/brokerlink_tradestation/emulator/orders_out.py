"""Engine orders written as TradeStation ``Order`` objects (REST and order stream alike).

TradeStation's response vocabulary differs from its request vocabulary (NOTES §7.3): durations
come back as ``DAY+``/``GTC+``/``1 min``, sides as leg ``BuyOrSell`` (``Buy``, ``Sell``,
``SellShort``, ``BuyToCover``) with ``OpenOrClose``, and ``AdvancedOptions`` as a
``;``-separated code string. Numbers are strings; blank fields are omitted.

Engine states map onto the spec's status codes (``#/components/schemas/Status``):

==================== ======= =====================
engine               code    StatusDescription
==================== ======= =====================
PENDING (held child) ``OSO`` OSO Order
PENDING              ``OPN`` Sent
OPEN                 ``ACK`` Received
PARTIALLY_FILLED     ``FPR`` Partial Fill (Alive)
FILLED               ``FLL`` Filled
CANCEL_PENDING       ``UCN`` Cancel Sent
CANCELED             ``OUT`` UROut
REJECTED             ``REJ`` Rejected
EXPIRED              ``EXP`` Expired
REPLACED             ``UCH`` Replaced
==================== ======= =====================
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink.enums import OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.instruments import Equity, Future, Index, Instrument, Option
from brokerlink.models import Order, OrderLeg
from brokerlink.money import format_plain
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = [
    "STATUS_CODES",
    "OrderExtras",
    "asset_type",
    "buy_or_sell",
    "num",
    "order_payload",
    "response_duration",
    "status_of",
    "summary",
    "ts_time",
]

STATUS_CODES = MappingProxyType(
    {
        OrderStatus.PENDING: ("OPN", "Sent"),
        OrderStatus.OPEN: ("ACK", "Received"),
        OrderStatus.PARTIALLY_FILLED: ("FPR", "Partial Fill (Alive)"),
        OrderStatus.FILLED: ("FLL", "Filled"),
        OrderStatus.CANCEL_PENDING: ("UCN", "Cancel Sent"),
        OrderStatus.CANCELED: ("OUT", "UROut"),
        OrderStatus.REJECTED: ("REJ", "Rejected"),
        OrderStatus.EXPIRED: ("EXP", "Expired"),
        OrderStatus.REPLACED: ("UCH", "Replaced"),
    }
)
"""Engine order status -> (TradeStation ``Status``, ``StatusDescription``)."""

_HELD = ("OSO", "OSO Order")

_DURATIONS = MappingProxyType(
    {
        TimeInForce.DAY: "DAY", TimeInForce.DAY_EXT: "DAY+", TimeInForce.GTC: "GTC",
        TimeInForce.GTC_EXT: "GTC+", TimeInForce.GTD: "GTD", TimeInForce.IOC: "IOC",
        TimeInForce.FOK: "FOK", TimeInForce.OPG: "OPG", TimeInForce.CLS: "CLO",
    }
)  # fmt: skip

_ORDER_TYPES = MappingProxyType(
    {
        OrderType.MARKET: "Market", OrderType.LIMIT: "Limit", OrderType.STOP: "StopMarket",
        OrderType.STOP_LIMIT: "StopLimit", OrderType.TRAILING_STOP: "StopMarket",
    }
)  # fmt: skip


@attrs.frozen(kw_only=True)
class OrderExtras:
    """What a request carried that the engine does not keep: route, the request's duration code
    (``1``/``3``/``5`` minutes, ``GDP``), advanced flags and the group's name."""

    route: str = "Intelligent"
    duration: str | None = None
    advanced: tuple[str, ...] = ()
    group_name: str | None = None


def num(value: Decimal | int | None) -> str | None:
    """A TradeStation number: plain text, no exponent, no trailing zeros (``None`` stays)."""
    if value is None:
        return None
    return format_plain(Decimal(value))


def ts_time(value: datetime) -> str:
    """RFC 3339 UTC with a ``Z`` and whole seconds, as every TradeStation timestamp is written."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def response_duration(tif: TimeInForce, extras: OrderExtras | None = None) -> str:
    """The response ``Duration`` code (``DAY+`` for an extended-hours day order, ...)."""
    if extras is not None and extras.duration is not None:
        return extras.duration
    return _DURATIONS[tif]


def asset_type(inst: Instrument) -> str:
    """``STOCK``, ``STOCKOPTION``/``INDEXOPTION``, ``FUTURE`` or ``INDEX`` (the spec's AssetType)."""
    if isinstance(inst, Option):
        return (
            "INDEXOPTION"
            if inst.underlying in ("SPX", "SPXW", "NDX", "NDXP", "RUT")
            else ("STOCKOPTION")
        )
    if isinstance(inst, Future):
        return "FUTURE"
    if isinstance(inst, Index):
        return "INDEX"
    if isinstance(inst, Equity):
        return "STOCK"
    return "UNKNOWN"  # crypto: the spec's AssetType enum has no member for it


def buy_or_sell(inst: Instrument, side: Side, effect: PositionEffect) -> str:
    """The response leg's ``BuyOrSell``: equities name shorts and covers, others use Buy/Sell."""
    if isinstance(inst, Equity):
        if side is Side.SELL and effect is PositionEffect.OPEN:
            return "SellShort"
        if side is Side.BUY and effect is PositionEffect.CLOSE:
            return "BuyToCover"
    return "Buy" if side is Side.BUY else "Sell"


def status_of(order: Order) -> tuple[str, str]:
    """(``Status``, ``StatusDescription``) of an engine order."""
    if order.status is OrderStatus.PENDING and order.parent_id is not None:
        return _HELD
    return STATUS_CODES[order.status]


def summary(order: Order | None, *, side: str, quantity: Decimal, symbol: str, kind: OrderType,
            limit: Decimal | None, stop: Decimal | None) -> str:  # fmt: skip
    """``Buy 10 MSFT @ Market``, ``Sell 10 MSFT @ 230.00 Limit``: the place/confirm summary."""
    head = f"{side} {num(quantity)} {symbol} @ "
    if kind is OrderType.MARKET:
        return head + "Market"
    if kind is OrderType.LIMIT and limit is not None:
        return head + f"{limit:.2f} Limit"
    if kind is OrderType.STOP_LIMIT and stop is not None and limit is not None:
        return head + f"{stop:.2f} Stop Limit {limit:.2f}"
    if kind is OrderType.STOP and stop is not None:
        return head + f"{stop:.2f} Stop Market"
    return head + "Trailing Stop"


def _leg(leg: OrderLeg, order: Order) -> dict[str, Any]:
    inst = leg.instrument
    body: dict[str, Any] = {
        "AssetType": asset_type(inst),
        "BuyOrSell": buy_or_sell(inst, leg.side, leg.effect),
        "ExecQuantity": num(leg.filled_quantity),
        "OpenOrClose": "Close" if leg.effect is PositionEffect.CLOSE else "Open",
        "QuantityOrdered": num(leg.quantity),
        "QuantityRemaining": num(leg.remaining_quantity if not order.is_final else Decimal(0)),
        "Symbol": ts_symbol(inst),
    }
    if leg.average_fill_price is not None:
        body["ExecutionPrice"] = num(leg.average_fill_price)
    if isinstance(inst, Option):
        body["ExpirationDate"] = f"{inst.expiration:%Y-%m-%d}T00:00:00Z"
        body["OptionType"] = "CALL" if inst.right.value == "C" else "PUT"
        body["StrikePrice"] = num(inst.strike)
        body["Underlying"] = inst.underlying
    return body


def _advanced(order: Order, extras: OrderExtras | None) -> str:
    codes: list[str] = []
    if order.type in (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP):
        codes.append("STPTRG=STT")
    if order.trail_percent is not None:
        codes.append(f"TRL={num(order.trail_percent)}%")
    elif order.trail_amount is not None:
        codes.append(f"TRL={num(order.trail_amount)}")
    if extras is not None:
        codes.extend(extras.advanced)
    if order.group_id is not None and extras is not None and extras.group_name is not None:
        codes.append(f"OCA={extras.group_name.rpartition(' ')[2]}")
    return "".join(f"{code};" for code in codes)


def order_payload(
    order: Order,
    *,
    extras: OrderExtras | None = None,
    conditional: list[dict[str, str]] | None = None,
    commission: Decimal = Decimal(0),
) -> dict[str, Any]:
    """The TradeStation ``Order`` object for an engine order (blank fields omitted)."""
    status, description = status_of(order)
    body: dict[str, Any] = {
        "AccountID": order.account,
        "CommissionFee": num(commission),
        "Currency": "USD",
        "Duration": response_duration(order.time_in_force, extras),
        "Legs": [_leg(leg, order) for leg in order.legs],
        "OrderID": order.id,
        "OpenedDateTime": ts_time(order.created_at),
        "OrderType": _ORDER_TYPES[order.type],
        "Routing": extras.route if extras is not None else "Intelligent",
        "Status": status,
        "StatusDescription": description,
        "UnbundledRouteFee": "0",
    }
    advanced = _advanced(order, extras)
    if advanced:
        body["AdvancedOptions"] = advanced
    if order.is_final and order.updated_at is not None:
        body["ClosedDateTime"] = ts_time(order.updated_at)
    if order.average_fill_price is not None:
        body["FilledPrice"] = num(order.average_fill_price)
    if order.expires_at is not None:
        body["GoodTillDate"] = f"{order.expires_at:%Y-%m-%d}T00:00:00Z"
    if order.limit_price is not None:
        body["LimitPrice"] = num(order.limit_price)
    if order.stop_price is not None:
        body["StopPrice"] = num(order.stop_price)
    if order.trail_percent is not None:
        body["TrailingStop"] = {"Percent": num(order.trail_percent)}
    elif order.trail_amount is not None:
        body["TrailingStop"] = {"Amount": num(order.trail_amount)}
    if order.reject_reason:
        body["RejectReason"] = order.reject_reason
    if conditional:
        body["ConditionalOrders"] = conditional
    if extras is not None and extras.group_name is not None:
        body["GroupName"] = extras.group_name
    price = order.limit_price or order.stop_price or order.average_fill_price
    if price is not None:
        body["PriceUsedForBuyingPower"] = num(price)
    return body
