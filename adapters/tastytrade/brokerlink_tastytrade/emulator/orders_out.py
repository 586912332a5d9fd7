"""Engine orders as tastytrade order objects (refs/tastytrade/NOTES.md §5.3-5.6).

Shape of one order (``GET /accounts/{n}/orders/{id}``, the submit answer's ``order``, account
streamer ``Order`` notifications)::

    {"id": 12345, "account-number": "5WT00001", "time-in-force": "Day", "order-type": "Limit",
     "size": 1, "underlying-symbol": "AAPL", "underlying-instrument-type": "Equity",
     "price": "100.0", "price-effect": "Debit", "status": "Live", "cancellable": true,
     "editable": true, "edited": false, "received-at": "2023-07-31T15:33:45.899+00:00",
     "updated-at": 1690817636722,
     "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 1,
               "remaining-quantity": 1, "action": "Buy to Open", "fills": []}]}

Statuses (tastytrade has no partial-fill or replaced status): pending → ``Received`` (a held
complex child: ``Contingent``), open and partially filled → ``Live``, cancel pending →
``Cancel Requested``, replaced → ``Cancelled`` with ``replacing-order-id``, and the final ones.
Prices are unsigned with ``price-effect``; a multi-leg net price is signed in the engine
(debit +, credit -) and unfolded here.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.enums import OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.instruments import Instrument
from brokerlink.models import Fill, Order
from brokerlink_tastytrade.emulator.book import OrderMeta
from brokerlink_tastytrade.emulator.envelope import dec, epoch_ms, iso, number
from brokerlink_tastytrade.emulator.symbols import instrument_type, tasty_symbol, underlying_symbol

__all__ = ["FILL_VENUE", "TIF_NAMES", "TYPE_NAMES", "action_of", "order_json", "status_of"]

FILL_VENUE = "MARKET_SIMULATOR_A"
"""The destination venue on fills (the 2026 sandbox's simulator router, NOTES §10)."""

TIF_NAMES = MappingProxyType(
    {
        TimeInForce.DAY: "Day",
        TimeInForce.GTC: "GTC",
        TimeInForce.GTD: "GTD",
        TimeInForce.IOC: "IOC",
        TimeInForce.DAY_EXT: "Ext",
        TimeInForce.GTC_EXT: "GTC Ext",
    }
)
"""Engine time in force onto tastytrade's ``time-in-force``."""

TYPE_NAMES = MappingProxyType(
    {
        OrderType.MARKET: "Market",
        OrderType.LIMIT: "Limit",
        OrderType.STOP: "Stop",
        OrderType.STOP_LIMIT: "Stop Limit",
    }
)
"""Engine order types onto tastytrade's ``order-type`` (``Notional Market`` comes from meta)."""

_STATUSES = MappingProxyType(
    {
        OrderStatus.PENDING: "Received",
        OrderStatus.OPEN: "Live",
        OrderStatus.PARTIALLY_FILLED: "Live",
        OrderStatus.CANCEL_PENDING: "Cancel Requested",
        OrderStatus.FILLED: "Filled",
        OrderStatus.CANCELED: "Cancelled",
        OrderStatus.REPLACED: "Cancelled",
        OrderStatus.REJECTED: "Rejected",
        OrderStatus.EXPIRED: "Expired",
    }
)


def status_of(order: Order, *, routed: bool = False) -> str:
    """tastytrade's status for ``order``; ``routed``: the submit answer of a working order."""
    if order.status is OrderStatus.PENDING and order.parent_id is not None:
        return "Contingent"
    if routed and order.status is OrderStatus.OPEN and order.filled_quantity == 0:
        return "Routed"
    return _STATUSES.get(order.status, "Received")


def action_of(side: Side, effect: PositionEffect) -> str:
    """``Buy to Open``, ``Sell to Close``, ...; an unresolved effect counts as opening."""
    verb = "Buy" if side is Side.BUY else "Sell"
    return f"{verb} to {'Close' if effect is PositionEffect.CLOSE else 'Open'}"


def _fill_json(fill: Fill, number_in_order: int) -> dict[str, Any]:
    return {
        "ext-group-fill-id": "0",
        "ext-exec-id": str(number_in_order),
        "fill-id": f"{fill.id}_TW::{FILL_VENUE}-EMU_FILL",
        "quantity": number(fill.quantity),
        "fill-price": dec(fill.price),
        "filled-at": iso(fill.time),
        "destination-venue": FILL_VENUE,
    }


def _price_fields(order: Order) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if order.limit_price is not None:
        multi = order.is_multi_leg
        debit = order.limit_price >= 0 if multi else order.legs[0].side is Side.BUY
        fields["price"] = dec(abs(order.limit_price))
        fields["price-effect"] = "Debit" if debit else "Credit"
    if order.stop_price is not None:
        fields["stop-trigger"] = dec(order.stop_price)
    return fields


def _local_date(when: datetime) -> str:
    return when.astimezone(NEW_YORK).date().isoformat()


def order_json(
    order: Order,
    meta: OrderMeta,
    fills: list[Fill],
    *,
    routed: bool = False,
    underlying: Instrument | None = None,
) -> dict[str, Any]:
    """The tastytrade order object for an engine order."""
    first = order.legs[0].instrument
    status = status_of(order, routed=routed)
    working = not order.status.is_final and order.status is not OrderStatus.CANCEL_PENDING
    body: dict[str, Any] = {
        "id": int(order.id),
        "account-number": order.account,
        "time-in-force": TIF_NAMES.get(order.time_in_force, "Day"),
        "order-type": "Notional Market" if meta.notional else TYPE_NAMES.get(order.type, "Limit"),
        "size": number(order.quantity),
        "underlying-symbol": underlying_symbol(first, underlying),
        "underlying-instrument-type": instrument_type(underlying or first),
        **_price_fields(order),
        "status": status,
        "cancellable": working,
        "editable": working,
        "edited": meta.replaces is not None,
        "global-request-id": f"{int(order.id):032x}",
        "received-at": iso(order.created_at),
        "updated-at": epoch_ms(order.updated_at or order.created_at),
    }
    if meta.notional and meta.value is not None:
        body["value"] = dec(meta.value)
        body["value-effect"] = meta.value_effect
    if order.time_in_force is TimeInForce.GTD and order.expires_at is not None:
        body["gtc-date"] = _local_date(order.expires_at)
    if status not in ("Received", "Contingent", "Rejected"):
        # Routed orders carry the exchange's ids; made-up but stable per order id.
        number_id = int(order.id)
        body["ext-exchange-order-number"] = str(700000000000 + number_id)
        body["ext-client-order-id"] = f"{number_id:018x}"
        body["ext-global-order-number"] = number_id
        body["live-at"] = iso(order.created_at)
    if order.status.is_final:
        body["terminal-at"] = iso(order.updated_at)
    if order.status in (OrderStatus.CANCELED, OrderStatus.REPLACED):
        body["cancelled-at"] = iso(order.updated_at)
    if order.reject_reason:
        body["reject-reason"] = order.reject_reason
    if meta.external_identifier is not None:
        body["external-identifier"] = meta.external_identifier
    if meta.source is not None:
        body["source"] = meta.source
    if meta.complex_id is not None:
        body["complex-order-id"] = meta.complex_id
        body["complex-order-tag"] = meta.complex_tag
        if meta.preflight_id is not None:
            body["preflight-id"] = meta.preflight_id
    if status == "Contingent":
        body["contingent-status"] = "Pending Order"
    if meta.replaces is not None:
        body["replaces-order-id"] = int(meta.replaces)
    if meta.replacing is not None:
        body["replacing-order-id"] = int(meta.replacing)
    body["legs"] = [_leg_json(order, index, fills) for index in range(len(order.legs))]
    return body


def _leg_json(order: Order, index: int, fills: list[Fill]) -> dict[str, Any]:
    leg = order.legs[index]
    mine = [f for f in fills if f.instrument == leg.instrument]
    return {
        "instrument-type": instrument_type(leg.instrument),
        "symbol": tasty_symbol(leg.instrument),
        "quantity": number(leg.quantity),
        "remaining-quantity": number(max(leg.quantity - leg.filled_quantity, leg.quantity * 0)),
        "action": action_of(leg.side, leg.effect),
        "fills": [_fill_json(fill, n) for n, fill in enumerate(mine, 1)],
    }
