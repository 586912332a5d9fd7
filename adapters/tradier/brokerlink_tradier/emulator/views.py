"""Engine orders written as Tradier orders (NOTES §4.2 "Order object"; DTC docs/orders).

A single order is one object; a multileg or combo order carries ``num_legs``, ``strategy`` and a
``leg`` list of child orders with their own ids; an OTO/OCO/OTOCO group is a parent order whose
``leg`` list holds its member orders. ``price`` is left out of market orders, ``tag`` unless
``includeTags=true``, ``reason_description`` unless the order was rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink.enums import OptionRight, OrderStatus, PositionEffect, Side
from brokerlink.instruments import Equity, Instrument, Option
from brokerlink.models import Order, OrderLeg

from .book import GroupNote, OrderNote
from .symbols import to_tradier
from .wire import collection, iso_ms, qty

__all__ = [
    "STATUSES",
    "LastFill",
    "group_status",
    "group_view",
    "order_view",
    "side_word",
    "status_word",
    "strategy_of",
]

STATUSES: Mapping[OrderStatus, str] = MappingProxyType(
    {
        OrderStatus.PENDING: "pending",
        OrderStatus.OPEN: "open",
        OrderStatus.PARTIALLY_FILLED: "partially_filled",
        OrderStatus.FILLED: "filled",
        # Tradier has no "cancel pending": the order works until the cancel lands.
        OrderStatus.CANCEL_PENDING: "open",
        OrderStatus.CANCELED: "canceled",
        OrderStatus.REJECTED: "rejected",
        OrderStatus.EXPIRED: "expired",
        OrderStatus.REPLACED: "canceled",
        OrderStatus.UNKNOWN: "error",
    }
)
"""Engine statuses as Tradier spells them (DOC reference/response/orders)."""

_ZERO = Decimal(0)
_WORKING = ("pending", "open", "partially_filled")


@attrs.frozen
class LastFill:
    """The most recent execution of an order (or of one leg)."""

    price: Decimal
    quantity: Decimal


def side_word(inst: Instrument, side: Side, effect: PositionEffect) -> str:
    """Tradier's side: ``buy``/``sell_short``/... for equities, ``buy_to_open``/... for options."""
    closing = effect is PositionEffect.CLOSE
    if isinstance(inst, Option):
        return f"{side.value}_to_{'close' if closing else 'open'}"
    if side is Side.BUY:
        return "buy_to_cover" if closing else "buy"
    return "sell" if closing else "sell_short"


def strategy_of(legs: Sequence[OrderLeg]) -> str:
    """A spread's strategy name in Tradier's words (``covered call`` as the docs spell it)."""
    options = [leg for leg in legs if isinstance(leg.instrument, Option)]
    stock = [leg for leg in legs if isinstance(leg.instrument, Equity)]
    if stock and len(options) == 1:
        option = options[0].instrument
        assert isinstance(option, Option)
        if option.right is OptionRight.CALL and options[0].side is Side.SELL:
            return "covered call"
        if option.right is OptionRight.PUT and options[0].side is Side.BUY:
            return "protective_put"
        return "freeform"
    if stock and len(options) == 2:
        return "collar"
    contracts = [leg.instrument for leg in options if isinstance(leg.instrument, Option)]
    rights = {c.right for c in contracts}
    strikes = {c.strike for c in contracts}
    if len(contracts) == 2 and len(rights) == 2:
        return "straddle" if len(strikes) == 1 else "strangle"
    if len(contracts) == 2:
        return "spread"
    if len(contracts) == 4:
        return "condor" if len(strikes) == 4 else "butterfly"
    if len(contracts) == 3:
        return "butterfly"
    return "freeform"


def _leg_fields(inst: Instrument, symbol: str) -> dict[str, Any]:
    if isinstance(inst, Option):
        return {"class": "option", "symbol": symbol, "option_symbol": to_tradier(inst)}
    return {"class": "equity", "symbol": to_tradier(inst)}


def _common(
    order: Order,
    note: OrderNote,
    status: str,
    last: LastFill | None,
    include_tags: bool,
    *,
    quantity: Decimal,
    filled: Decimal,
    average: Decimal | None,
) -> dict[str, Any]:
    done = status not in _WORKING
    body: dict[str, Any] = {
        "type": note.type_word,
        "symbol": note.symbol,
        "quantity": qty(quantity),
        "status": status,
        "duration": note.duration,
    }
    if order.limit_price is not None and note.type_word != "market":
        body["price"] = abs(order.limit_price)
    if order.stop_price is not None:
        body["stop_price"] = order.stop_price
    body.update(
        avg_fill_price=average if average is not None else qty(_ZERO),
        exec_quantity=qty(filled),
        last_fill_price=qty(last.price if last else _ZERO),
        last_fill_quantity=qty(last.quantity if last else _ZERO),
        remaining_quantity=qty(_ZERO if done else max(quantity - filled, _ZERO)),
        create_date=iso_ms(order.created_at),
        transaction_date=iso_ms(order.updated_at or order.created_at),
    )
    if include_tags and note.tag is not None:
        body["tag"] = note.tag
    if order.status is OrderStatus.REJECTED and order.reject_reason:
        body["reason_description"] = order.reject_reason
    return body


def order_view(
    order: Order,
    note: OrderNote,
    *,
    last: Mapping[str, LastFill],
    leg_ids: Sequence[str] = (),
    include_tags: bool = False,
    parent_id: str | None = None,
) -> dict[str, Any]:
    """One engine order as a Tradier order object (``leg_ids`` name a multileg order's legs)."""
    status = status_word(order, note)
    first = order.legs[0]
    body: dict[str, Any] = {"id": int(order.id)}
    if not order.is_multi_leg:
        body.update(
            _common(
                order,
                note,
                status,
                last.get(order.id),
                include_tags,
                quantity=order.quantity,
                filled=order.filled_quantity,
                average=order.average_fill_price,
            ),
        )
        body["side"] = side_word(first.instrument, first.side, first.effect)
        body.update({k: v for k, v in _leg_fields(first.instrument, note.symbol).items()
                     if k != "symbol"})  # fmt: skip
        body["class"] = note.order_class
        if parent_id is not None:
            body["parent_id"] = int(parent_id)
        return _ordered(body)
    average = abs(order.average_fill_price) if order.average_fill_price is not None else None
    body.update(
        _common(order, note, status, last.get(order.id), include_tags,
                quantity=order.quantity, filled=order.filled_quantity, average=average),
    )  # fmt: skip
    # The docs show a spread's own side as the first leg's direction ("buy").
    body["side"] = first.side.value
    body["class"] = note.order_class
    body["num_legs"] = len(order.legs)
    body["strategy"] = strategy_of(order.legs)
    legs = []
    for index, leg in enumerate(order.legs):
        leg_id = leg_ids[index] if index < len(leg_ids) else f"{order.id}{index}"
        leg_last = last.get(f"{order.id}:{index}")
        leg_status = status
        if status in _WORKING and leg.filled_quantity >= leg.quantity:
            leg_status = "filled"
        child: dict[str, Any] = {"id": int(leg_id)}
        child.update(
            _common(order, note, leg_status, leg_last, include_tags,
                    quantity=leg.quantity, filled=leg.filled_quantity,
                    average=leg.average_fill_price),
        )  # fmt: skip
        child["side"] = side_word(leg.instrument, leg.side, leg.effect)
        child.update(_leg_fields(leg.instrument, note.symbol))
        legs.append(_ordered(child))
    body["leg"] = legs
    return _ordered(body)


def status_word(order: Order, note: OrderNote) -> str:
    """Tradier's status of ``order``: a ``pre`` order ended with its segment is ``expired``
    (the engine canceled it, :mod:`.hours`)."""
    if note.segment_ended and order.status is OrderStatus.CANCELED:
        return "expired"
    return STATUSES[order.status]


def group_status(members: Sequence[Order]) -> str:
    """A group parent's status: working while any member works, else what the members became."""
    words = [STATUSES[m.status] for m in members]
    if "partially_filled" in words:
        return "partially_filled"
    if "open" in words:
        return "open"
    if "pending" in words:
        return "pending"
    for final in ("filled", "rejected", "expired", "canceled"):
        if final in words:
            return final
    return words[0]


def group_view(
    group: GroupNote,
    members: Sequence[Order],
    notes: Sequence[OrderNote],
    *,
    last: Mapping[str, LastFill],
    include_tags: bool,
) -> dict[str, Any]:
    """An OTO/OCO/OTOCO group as a parent order whose ``leg`` list holds the member orders."""
    first, note = members[0], notes[0]
    children = [
        order_view(m, n, last=last, include_tags=include_tags, parent_id=group.parent_id)
        for m, n in zip(members, notes, strict=True)
    ]
    head = dict(children[0])
    head.pop("parent_id", None)
    head.pop("option_symbol", None)
    head.update(
        id=int(group.parent_id),
        status=group_status(members),
        **{"class": group.kind},
        num_legs=len(members),
        leg=collection(children, empty=[]),
    )
    head["symbol"] = note.symbol
    head["create_date"] = iso_ms(first.created_at)
    if include_tags and group.tag is not None:
        head["tag"] = group.tag
    return head


_ORDER = (
    "id", "type", "symbol", "side", "quantity", "status", "duration", "price", "stop_price",
    "avg_fill_price", "exec_quantity", "last_fill_price", "last_fill_quantity",
    "remaining_quantity", "create_date", "transaction_date", "class", "option_symbol",
    "num_legs", "strategy", "parent_id", "tag", "reason_description", "leg",
)  # fmt: skip


def _ordered(body: dict[str, Any]) -> dict[str, Any]:
    """The fields in the order the docs list them (readers of raw JSON appreciate it)."""
    return {key: body[key] for key in _ORDER if key in body}
