"""Orders both ways: NewOrder / OrderGroup -> tastytrade JSON bodies, payloads -> Order.

Prices: tastytrade sends ``price`` unsigned with ``price-effect`` ``Debit`` / ``Credit``
(NOTES §5.4). brokerlink's single-leg prices are positive, and a multi-leg net price is positive
for a debit and negative for a credit; the fold happens here only. Decimals are written as text
(``"0.85"``): tastytrade accepts strings and numbers alike, and text never goes through a float.

Legs: ``action`` joins side and position effect (``Buy to Open``, ``Sell to Close``; plain
``Buy`` / ``Sell`` only for outright futures). An ``AUTO`` effect must be resolved before a body
is built (the operation looks at the positions); futures fall back on ``Buy`` / ``Sell``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import cattrs

from brokerlink.adapter import OrderChanges
from brokerlink.enums import GroupKind, OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError, ResponseFormatError
from brokerlink.instruments import Future, Instrument
from brokerlink.models import NewOrder, Order, OrderGroup, OrderLeg, OrderPreview, Quote
from brokerlink.timeutil import utcnow
from brokerlink_tastytrade.parse import BROKER, signed, structure
from brokerlink_tastytrade.symbology import (
    instrument_from_tastytrade,
    instrument_type,
    symbol_to_tastytrade,
)
from brokerlink_tastytrade.wire import TASTYTRADE_STATUSES, WireOrder, WirePlaced, WirePreview

__all__ = [
    "ESTIMATED_FROM_QUOTE",
    "ESTIMATED_FROM_STOP",
    "NO_ESTIMATE",
    "changes_to_tastytrade",
    "estimate_from_quotes",
    "group_to_tastytrade",
    "notional_to_tastytrade",
    "order_from_tastytrade",
    "order_to_tastytrade",
    "orders_from_placed",
    "preview_from_tastytrade",
]

_NEW_YORK = ZoneInfo("America/New_York")
_ZERO = Decimal(0)

ORDER_TYPES_OUT = {
    OrderType.MARKET: "Market",
    OrderType.LIMIT: "Limit",
    OrderType.STOP: "Stop",
    OrderType.STOP_LIMIT: "Stop Limit",
}
ORDER_TYPES_IN = {
    "Market": OrderType.MARKET,
    "Limit": OrderType.LIMIT,
    "Stop": OrderType.STOP,
    "Stop Limit": OrderType.STOP_LIMIT,
    "Notional Market": OrderType.MARKET,
    "Marketable Limit": OrderType.LIMIT,
}
TIFS_OUT = {
    TimeInForce.DAY: "Day",
    TimeInForce.GTC: "GTC",
    TimeInForce.GTD: "GTD",
    TimeInForce.IOC: "IOC",
    TimeInForce.DAY_EXT: "Ext",
    TimeInForce.GTC_EXT: "GTC Ext",
}
TIFS_IN = {
    "Day": TimeInForce.DAY,
    "GTC": TimeInForce.GTC,
    "GTD": TimeInForce.GTD,
    "IOC": TimeInForce.IOC,
    "Ext": TimeInForce.DAY_EXT,
    "Ext Overnight": TimeInForce.DAY_EXT,
    "GTC Ext": TimeInForce.GTC_EXT,
    "GTC Ext Overnight": TimeInForce.GTC_EXT,
}
ACTIONS_IN = {
    "Buy to Open": (Side.BUY, PositionEffect.OPEN),
    "Sell to Open": (Side.SELL, PositionEffect.OPEN),
    "Buy to Close": (Side.BUY, PositionEffect.CLOSE),
    "Sell to Close": (Side.SELL, PositionEffect.CLOSE),
    "Buy": (Side.BUY, PositionEffect.AUTO),
    "Sell": (Side.SELL, PositionEffect.AUTO),
}


def _text(value: Decimal) -> str:
    return format(value, "f")


def _action(side: Side, effect: PositionEffect, target: Instrument) -> str:
    if effect is PositionEffect.AUTO:
        if isinstance(target, Future):
            return "Buy" if side is Side.BUY else "Sell"
        raise InvalidOrderError(
            f"effect: tastytrade needs OPEN or CLOSE for {target}; the operation resolves AUTO "
            "from the positions before building the order",
            field="effect",
        )
    verb = "Buy" if side is Side.BUY else "Sell"
    return f"{verb} to {'Open' if effect is PositionEffect.OPEN else 'Close'}"


def _gtc_date(expires_at: datetime | None) -> str:
    if expires_at is None:
        raise InvalidOrderError("expires_at: a GTD order needs expires_at", field="expires_at")
    # tastytrade takes a date; the trading date in New York is the one a user means.
    return expires_at.astimezone(_NEW_YORK).date().isoformat()


def _price_fields(order: NewOrder) -> dict[str, str]:
    if order.limit_price is None:
        return {}
    if order.is_multi_leg:
        effect = "Credit" if order.limit_price < 0 else "Debit"
    else:
        effect = "Debit" if order.side is Side.BUY else "Credit"
    return {"price": _text(abs(order.limit_price)), "price-effect": effect}


# order_to_tastytrade(NewOrder.limit("AAPL", SELL, 100, "175.25", effect=OPEN)) ->
# {"time-in-force": "Day", "order-type": "Limit", "price": "175.25", "price-effect": "Credit",
#  "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": "100",
#            "action": "Sell to Open"}], "external-identifier": "<client id>"}
def order_to_tastytrade(order: NewOrder) -> dict[str, Any]:
    """The JSON body of ``POST /accounts/{n}/orders`` (and its dry-run) for ``order``."""
    kind = ORDER_TYPES_OUT.get(order.type)
    tif = TIFS_OUT.get(order.time_in_force)
    if kind is None:
        raise InvalidOrderError(f"type: tastytrade has no {order.type.name} orders", field="type")
    if tif is None:
        raise InvalidOrderError(
            f"time_in_force: tastytrade has no {order.time_in_force.name}; use one of "
            + ", ".join(t.name for t in TIFS_OUT),
            field="time_in_force",
        )
    body: dict[str, Any] = {"time-in-force": tif, "order-type": kind}
    if order.time_in_force is TimeInForce.GTD:
        body["gtc-date"] = _gtc_date(order.expires_at)
    body.update(_price_fields(order))
    if order.stop_price is not None:
        body["stop-trigger"] = _text(order.stop_price)
    body["legs"] = [
        {
            "instrument-type": instrument_type(leg.instrument),
            "symbol": symbol_to_tastytrade(leg.instrument),
            "quantity": _text(leg.quantity),
            "action": _action(leg.side, leg.effect, leg.instrument),
        }
        for leg in order.legs
    ]
    body["external-identifier"] = order.client_id
    return body


def notional_to_tastytrade(
    target: Instrument,
    side: Side,
    amount: Decimal,
    *,
    effect: PositionEffect,
    time_in_force: TimeInForce,
    client_id: str,
) -> dict[str, Any]:
    """A ``Notional Market`` body: buy or sell ``amount`` dollars' worth (no leg quantity)."""
    if amount <= 0:
        raise InvalidOrderError("amount: a notional amount must be positive", field="amount")
    return {
        "time-in-force": TIFS_OUT[time_in_force],
        "order-type": "Notional Market",
        "value": _text(amount),
        "value-effect": "Debit" if side is Side.BUY else "Credit",
        "legs": [
            {
                "instrument-type": instrument_type(target),
                "symbol": symbol_to_tastytrade(target),
                "action": _action(side, effect, target),
            }
        ],
        "external-identifier": client_id,
    }


_GROUP_TYPES = {GroupKind.OCO: "OCO", GroupKind.OTO: "OTO", GroupKind.BRACKET: "OTOCO"}


def group_to_tastytrade(group: OrderGroup) -> dict[str, Any]:
    """``POST /accounts/{n}/complex-orders``: OCO (``orders``), OTO and OTOCO (a trigger too)."""
    bodies = [order_to_tastytrade(order) for order in group.orders]
    body: dict[str, Any] = {"type": _GROUP_TYPES[group.kind]}
    if group.kind is GroupKind.OCO:
        body["orders"] = bodies
    else:
        body["trigger-order"], body["orders"] = bodies[0], bodies[1:]
    return body


def changes_to_tastytrade(current: WireOrder, changes: OrderChanges) -> dict[str, Any]:
    """``PUT /accounts/{n}/orders/{id}``: the whole order, only price/type/TIF changed.

    tastytrade requires the other fields to equal the original's, so the body is rebuilt from
    the order as it stands (NOTES §5.3); a quantity change is refused by the capabilities.
    """
    multi = len(current.legs) > 1
    body: dict[str, Any] = {
        "time-in-force": current.time_in_force,
        "order-type": current.order_type,
    }
    if changes.time_in_force is not None:
        body["time-in-force"] = TIFS_OUT[changes.time_in_force]
    if current.gtc_date is not None:
        body["gtc-date"] = current.gtc_date.isoformat()
    price, effect = current.price, current.price_effect
    if changes.limit_price is not None:
        price = abs(changes.limit_price)
        if multi:
            effect = "Credit" if changes.limit_price < 0 else "Debit"
    if price is not None:
        body["price"], body["price-effect"] = _text(price), effect
    stop = changes.stop_price if changes.stop_price is not None else current.stop_trigger
    if stop is not None:
        body["stop-trigger"] = _text(stop)
    body["legs"] = [
        {
            "instrument-type": leg.instrument_type,
            "symbol": leg.symbol,
            "quantity": _text(leg.quantity if leg.quantity is not None else _ZERO),
            "action": leg.action,
        }
        for leg in current.legs
    ]
    return body


def _vwap(leg_fills: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    total = sum((q for q, _ in leg_fills), _ZERO)
    if total == 0:
        return None
    return sum((q * p for q, p in leg_fills), _ZERO) / total


def _ny_close(day: date) -> datetime:
    return datetime.combine(day, time(16), _NEW_YORK).astimezone(ZoneInfo("UTC"))


# {"id": 270602, "account-number": "5WX06827", "order-type": "Market", "time-in-force": "Day",
#  "size": 1, "status": "Filled", "received-at": "2025-05-28T16:00:01.651+00:00",
#  "updated-at": 1748448002553, "legs": [{"instrument-type": "Equity", "symbol": "AAPL",
#  "quantity": 1, "remaining-quantity": 0, "action": "Buy to Open",
#  "fills": [{"fill-price": "1.0", "quantity": 1, "filled-at": "..."}]}]}
def order_from_tastytrade(
    conv: cattrs.Converter, raw: Any, *, today: date, now: datetime | None = None
) -> Order:
    """One order payload as an :class:`Order` (status, fills and signed net price folded in).

    ``now`` stamps an order the broker sent without ``received-at`` or ``updated-at`` (a
    dry-run, the documented examples): it was created at the latest when we were told of it.
    """
    wire = structure(conv, raw, WireOrder)
    legs: list[OrderLeg] = []
    net_fill = _ZERO
    all_filled = bool(wire.legs)
    size = wire.size
    for leg in wire.legs:
        side, effect = ACTIONS_IN.get(leg.action, (Side.BUY, PositionEffect.AUTO))
        target = instrument_from_tastytrade(leg.symbol, leg.instrument_type, reference=today)
        quantity = leg.quantity if leg.quantity is not None else _ZERO
        fills = [(f.quantity, f.fill_price) for f in leg.fills]
        filled = sum((q for q, _ in fills), _ZERO)
        if leg.remaining_quantity is not None and leg.quantity is not None:
            filled = max(filled, quantity - leg.remaining_quantity)
        average = _vwap(fills)
        legs.append(
            OrderLeg(
                instrument=target,
                side=side,
                effect=effect,
                quantity=quantity,
                filled_quantity=filled,
                average_fill_price=average,
            )
        )
        if average is None:
            all_filled = False
        else:
            ratio = quantity / size if size else Decimal(1)
            net_fill += side.sign * average * ratio
    multi = len(legs) > 1
    quantity = size if size is not None else (legs[0].quantity if legs else _ZERO)
    first = legs[0] if legs else None
    filled_units = _ZERO
    if first is not None and first.quantity:
        filled_units = first.filled_quantity * quantity / first.quantity
    elif first is not None:
        filled_units = first.filled_quantity
    status = TASTYTRADE_STATUSES.parse(wire.status, path="$.status")
    if status is OrderStatus.OPEN and filled_units > 0:
        status = OrderStatus.PARTIALLY_FILLED
    if status is OrderStatus.CANCELED and wire.replacing_order_id:
        status = OrderStatus.REPLACED
    limit = wire.price
    if multi and wire.price is not None:  # a net price: debit positive, credit negative
        limit = abs(wire.price) if wire.price_effect == "Debit" else -abs(wire.price)
    average_fill: Decimal | None = None
    if all_filled and legs:
        average_fill = net_fill if multi else legs[0].average_fill_price
    # A dry-run order has no ``received-at`` and ``updated-at`` 0 (NOTES §5.6): epoch 0 is "not
    # set", not a time.
    updated = wire.updated_at if wire.updated_at and wire.updated_at.timestamp() > 0 else None
    created = wire.received_at or updated or now or utcnow()
    return Order(
        id=wire.id,
        client_id=wire.external_identifier,
        account=wire.account_number or "",
        status=status,
        type=ORDER_TYPES_IN.get(wire.order_type, OrderType.LIMIT),
        time_in_force=TIFS_IN.get(wire.time_in_force, TimeInForce.DAY),
        legs=tuple(legs),
        quantity=quantity,
        filled_quantity=filled_units,
        average_fill_price=average_fill,
        limit_price=limit,
        stop_price=wire.stop_trigger,
        created_at=created,
        updated_at=updated or wire.terminal_at,
        expires_at=None if wire.gtc_date is None else _ny_close(wire.gtc_date),
        group_id=wire.complex_order_id,
        parent_id=wire.replaces_order_id,
        reject_reason=wire.reject_reason,
        raw=raw,
    )


def orders_from_placed(
    conv: cattrs.Converter, data: Any, *, today: date, now: datetime | None = None
) -> list[Order]:
    """The orders of a submit answer: the one order, or a complex order's (trigger first);
    ``now`` as for :func:`order_from_tastytrade`."""
    placed = structure(conv, data, WirePlaced)
    if placed.order is not None:
        return [order_from_tastytrade(conv, data["order"], today=today, now=now)]
    if placed.complex_order is None:
        raise ResponseFormatError(
            "the answer holds neither 'order' nor 'complex-order'", path="$.data", broker=BROKER
        )
    complex_raw = data["complex-order"]
    orders = [
        order_from_tastytrade(conv, raw, today=today, now=now) for raw in complex_raw["orders"]
    ]
    if not complex_raw.get("trigger-order"):
        return orders  # an OCO: siblings, no parent
    trigger = order_from_tastytrade(conv, complex_raw["trigger-order"], today=today, now=now)
    # The trigger's fill releases the others: it is their parent.
    return [trigger, *(attrs.evolve(o, parent_id=o.parent_id or trigger.id) for o in orders)]


# {"data": {"order": {...}, "warnings": [], "buying-power-effect": {"change-in-buying-power":
#   "2.302", "change-in-buying-power-effect": "Debit", "change-in-margin-requirement": "300.0"},
#   "fee-calculation": {"commission": "2.0", "total-fees": "2.302", "total-fees-effect": "Debit"}}}
def preview_from_tastytrade(
    conv: cattrs.Converter,
    data: Any,
    order: NewOrder,
    quotes: Mapping[str, Quote] | None = None,
) -> OrderPreview:
    """A dry-run answer as an :class:`OrderPreview` (cash out positive, as brokerlink signs it).

    The answer prices nothing itself: its ``buying-power-effect`` is a margin figure (a spread's
    requirement less its credit, fees included), not what the order costs. The cost is the
    order's own price times quantity and multiplier; an order without one (a market or stop
    order) is estimated from ``quotes`` (the operation fetches them) or from its stop price, and
    a warning says so.
    """
    placed = structure(conv, data, WirePreview)
    bp = placed.buying_power_effect
    fees = placed.fee_calculation
    commission = fees.commission if fees and fees.commission is not None else _ZERO
    total_fees = fees.total_fees if fees and fees.total_fees is not None else commission
    warnings = [w.message for w in placed.warnings]
    cost = _ZERO
    if order.limit_price is not None:
        units = order.quantity
        multiplier = order.legs[0].instrument.multiplier
        if order.is_multi_leg:
            cost = order.limit_price * units * multiplier
        else:
            cost = order.side.sign * order.limit_price * units * multiplier
    elif order.stop_price is not None and not order.is_multi_leg:
        leg = order.legs[0]
        cost = leg.side.sign * order.stop_price * leg.quantity * leg.instrument.multiplier
        warnings.append(ESTIMATED_FROM_STOP)
    else:
        estimate = estimate_from_quotes(order, quotes or {})
        if estimate is None:
            warnings.append(NO_ESTIMATE)
        else:
            cost = estimate
            warnings.append(ESTIMATED_FROM_QUOTE)
    change = None
    if bp is not None:
        change = signed(bp.change_in_buying_power, bp.change_in_buying_power_effect)
    margin = None if bp is None else bp.change_in_margin_requirement
    return OrderPreview(
        order=order,
        estimated_cost=cost,
        commission=commission,
        fees=total_fees - commission,
        buying_power_effect=change,
        margin_requirement=margin,
        warnings=tuple(warnings),
        raw=data,
    )


ESTIMATED_FROM_QUOTE = (
    "estimated_cost is an estimate from the current quote (the ask for buys, the bid for "
    "sells): tastytrade's dry-run answer carries no price for a market order"
)
"""The preview warning of a market order priced from the quote."""
ESTIMATED_FROM_STOP = (
    "estimated_cost is an estimate at the stop price: the order fills at market once triggered"
)
"""The preview warning of a stop order priced at its trigger."""
NO_ESTIMATE = (
    "estimated_cost is 0: tastytrade's dry-run answer carries no price for a market order and "
    "no quote was available to estimate one"
)
"""The preview warning of a market order no quote could price."""


def _leg_price(quote: Quote | None, side: Side) -> Decimal | None:
    """What one unit of a leg would trade at: the far side of the quote, else last or mid."""
    if quote is None:
        return None
    far = quote.ask if side is Side.BUY else quote.bid
    for price in (far, quote.last, quote.mid):
        if price is not None and price > 0:
            return price
    return None


def estimate_from_quotes(order: NewOrder, quotes: Mapping[str, Quote]) -> Decimal | None:
    """The signed cash a market order would take at ``quotes`` (keyed by canonical symbol):
    per leg, the ask for a buy and the bid for a sell, times quantity and multiplier.
    ``None`` when a leg has no usable quote."""
    total = _ZERO
    for leg in order.legs:
        price = _leg_price(quotes.get(str(leg.instrument)), leg.side)
        if price is None:
            return None
        total += leg.side.sign * price * leg.quantity * leg.instrument.multiplier
    return total
