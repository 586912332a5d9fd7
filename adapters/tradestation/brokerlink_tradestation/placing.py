"""Placing, replacing and cancelling orders, and finding a placed order again (DESIGN §5, §6).

- placements carry a ``placement`` policy (never resent) and an ``OrderConfirmID`` derived from
  the client id (TradeStation's idempotency key);
- place, replace and cancel are only acknowledged by TradeStation, so each reads the order back;
- an ``Errors`` item in a place answer is raised, naming any sibling that was placed anyway;
- options need OPEN or CLOSE: an ``AUTO`` option leg is decided from the positions first.

TradeStation never echoes a client id on an order, so :func:`find_order` matches by content: the
adapter remembers what each recent placement sent (:class:`SentOrders`), and a lookup picks the
earliest order of today's list with the same legs, type and prices placed since then.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import cattrs

from brokerlink import errors
from brokerlink.adapter import OrderChanges
from brokerlink.enums import OrderStatus, PositionEffect
from brokerlink.instruments import Equity, Future, Instrument
from brokerlink.models import Leg, NewOrder, Order, OrderGroup, OrderLeg, OrderPreview
from brokerlink.runtime.operation import CallPolicy, Operation, call
from brokerlink.timeutil import utcnow
from brokerlink_tradestation import parse, requests
from brokerlink_tradestation.models import PlacedOrder
from brokerlink_tradestation.operations import (
    TRADING_READ,
    WRITE,
    current_orders,
    order,
    order_id_path,
    orders_by_id,
    positions,
)
from brokerlink_tradestation.wire import BROKER, Fields, json_body

__all__ = [
    "SentOrders",
    "cancel",
    "find_order",
    "place",
    "place_group",
    "place_request",
    "preview",
    "replace",
]


@attrs.frozen
class _Sent:
    account: str
    legs: tuple[tuple[Instrument, str, Decimal], ...]
    limit_price: Decimal | None
    stop_price: Decimal | None
    at: datetime


def _leg_key(legs: Sequence[Leg | OrderLeg]) -> tuple[tuple[Instrument, str, Decimal], ...]:
    return tuple(sorted(((leg.instrument, leg.side.value, leg.quantity) for leg in legs), key=str))


class SentOrders:
    """What recent placements sent, by client id: how :func:`find_order` recognises them.

    Bounded (the last 512 placements of this adapter instance), so it cannot grow without end;
    it lives on the adapter because only the process that placed an order can know its client id.
    """

    def __init__(self, limit: int = 512, *, clock: Callable[[], datetime] = utcnow) -> None:
        self._sent: OrderedDict[str, _Sent] = OrderedDict()
        self._claimed: dict[str, str] = {}
        self._limit = limit
        # The broker's clock: the order's created_at is compared with when it was sent.
        self._clock = clock

    def record(self, client_id: str, account_id: str, order: NewOrder) -> None:
        """Remember what ``order`` looks like, just before it is sent."""
        self._sent[client_id] = _Sent(
            account_id, _leg_key(order.legs), order.limit_price, order.stop_price, self._clock()
        )
        self._sent.move_to_end(client_id)
        while len(self._sent) > self._limit:
            self._sent.popitem(last=False)

    def match(self, client_id: str, candidates: Sequence[Order]) -> Order | None:
        """The earliest candidate placed since ``client_id`` was sent and looking like it."""
        sent = self._sent.get(client_id)
        if sent is None:
            return None
        claimed_by_others = {oid for cid, oid in self._claimed.items() if cid != client_id}
        window = sent.at - timedelta(minutes=2)  # clock skew between us and TradeStation
        matching = [
            o
            for o in candidates
            if o.account == sent.account
            and o.id not in claimed_by_others
            and o.created_at >= window
            and _leg_key(o.legs) == sent.legs
            and o.limit_price == sent.limit_price
            and (o.stop_price == sent.stop_price or sent.stop_price is None)
        ]
        if not matching:
            return None
        chosen = min(matching, key=lambda o: (o.created_at, o.id))
        self._claimed[client_id] = chosen.id
        return parse.with_client_id(chosen, client_id)


def find_order(
    conv: cattrs.Converter, account_id: str, client_id: str, sent: SentOrders
) -> Operation[Order | None]:
    """The order placed with ``client_id`` by this adapter, or ``None`` (see the module doc)."""
    candidates = yield from current_orders(conv, [account_id])
    return sent.match(client_id, candidates)


def resolve_effects(
    conv: cattrs.Converter, account_id: str, new_order: NewOrder
) -> Operation[NewOrder]:
    """Options need OPEN or CLOSE on TradeStation: decide ``AUTO`` legs from the positions."""
    auto = [
        leg for leg in new_order.legs
        if leg.effect is PositionEffect.AUTO and not isinstance(leg.instrument, Equity | Future)
    ]  # fmt: skip
    if not auto:
        return new_order
    held = yield from positions(conv, account_id)
    quantity = {p.instrument: p.quantity for p in held}

    def resolved(leg: Leg) -> Leg:
        if leg not in auto:
            return leg
        have = quantity.get(leg.instrument, Decimal(0))
        closes = have != 0 and (have > 0) != (leg.side.value == "buy")
        return attrs.evolve(leg, effect=PositionEffect.CLOSE if closes else PositionEffect.OPEN)

    return new_order.evolve(legs=tuple(resolved(leg) for leg in new_order.legs))


def preview(
    conv: cattrs.Converter,
    account_id: str,
    new_order: NewOrder,
    extras: requests.OrderExtras = requests.PLAIN,
) -> Operation[OrderPreview]:
    """``POST /orderexecution/orderconfirm``: a read (nothing is placed), so it may be retried."""
    ready = yield from resolve_effects(conv, account_id, new_order)
    body = requests.order_to_ts(ready, account_id, extras)
    response = yield call("POST", "/orderexecution/orderconfirm", json=body, policy=TRADING_READ)
    return parse.confirmation_from_ts(conv, json_body(response.content), new_order)


def _placed(
    conv: cattrs.Converter, payload: Any
) -> tuple[list[PlacedOrder], list[errors.BrokerError]]:
    body = Fields(conv, payload)
    placed = [
        PlacedOrder(order_id=item.need_text("OrderID"), message=item.text("Message") or "")
        for item in body.items("Orders")
    ]
    return placed, parse.errors_from_ts(conv, payload, path="/orderexecution")


def place_request(
    conv: cattrs.Converter, path: str, body: dict[str, Any], client_id: str
) -> Operation[list[PlacedOrder]]:
    """Send one placement body (never resent) and return what was placed; an ``Errors`` item
    is raised, naming any sibling that was placed all the same."""
    policy = CallPolicy(kind="placement", client_id=client_id, rate_class="trading")
    response = yield call(
        "POST", path, json=requests.with_confirm_id(body, client_id), policy=policy
    )
    placed, problems = _placed(conv, json_body(response.content))
    if problems:
        first = problems[0]
        if placed:
            ids = ", ".join(p.order_id for p in placed)
            first.message += f"; orders {ids} of the same request WERE placed and may be working"
        raise first
    if not placed:
        raise errors.ResponseFormatError(
            "the place answer lists no order", path="$.Orders", broker=BROKER
        )
    return placed


def _pending(order_id: str, account_id: str, new: NewOrder) -> Order:
    legs = tuple(
        OrderLeg(instrument=leg.instrument, side=leg.side, effect=leg.effect,
                 quantity=leg.quantity, filled_quantity=Decimal(0))
        for leg in new.legs
    )  # fmt: skip
    return Order(
        id=order_id, client_id=new.client_id, account=account_id, status=OrderStatus.PENDING,
        type=new.type, time_in_force=new.time_in_force, legs=legs, quantity=new.quantity,
        filled_quantity=Decimal(0), average_fill_price=None, limit_price=new.limit_price,
        stop_price=new.stop_price, created_at=utcnow(), updated_at=None,
        trail_amount=new.trail_amount, trail_percent=new.trail_percent,
    )  # fmt: skip


def _fetch_placed(
    conv: cattrs.Converter,
    account_id: str,
    placed: Sequence[PlacedOrder],
    news: Sequence[NewOrder],
) -> Operation[list[Order]]:
    found, _ = yield from orders_by_id(conv, [account_id], [p.order_id for p in placed])
    by_id = {o.id: o for o in found}
    result = []
    for index, entry in enumerate(placed):
        known = by_id.get(entry.order_id)
        source = news[min(index, len(news) - 1)]
        if known is None:  # accepted but not listed yet: report it as pending
            known = _pending(entry.order_id, account_id, source)
        result.append(parse.with_client_id(known, source.client_id) if index < len(news) else known)
    return result


def place(
    conv: cattrs.Converter,
    account_id: str,
    new_order: NewOrder,
    sent: SentOrders,
    extras: requests.OrderExtras = requests.PLAIN,
) -> Operation[Order]:
    """``POST /orderexecution/orders``, then the placed order as TradeStation lists it."""
    ready = yield from resolve_effects(conv, account_id, new_order)
    body = requests.order_to_ts(ready, account_id, extras)
    sent.record(new_order.client_id, account_id, ready)
    placed = yield from place_request(conv, "/orderexecution/orders", body, new_order.client_id)
    found = yield from _fetch_placed(conv, account_id, placed[:1], [ready])
    return found[0]


def place_group(
    conv: cattrs.Converter, account_id: str, group: OrderGroup, sent: SentOrders
) -> Operation[list[Order]]:
    """OCO on ``/ordergroups``; OTO and brackets as an order with ``OSOs`` (primary first)."""
    members = []
    for member in group.orders:
        members.append((yield from resolve_effects(conv, account_id, member)))
    ready = attrs.evolve(group, orders=tuple(members))
    path, body = requests.neutral_group_to_ts(ready, account_id)
    for member in ready.orders:
        sent.record(member.client_id, account_id, member)
    placed = yield from place_request(conv, path, body, group.primary.client_id)
    return (yield from _fetch_placed(conv, account_id, placed, list(ready.orders)))


def replace(
    conv: cattrs.Converter,
    account_id: str,
    order_id: str,
    changes: OrderChanges,
    *,
    trail_amount: Decimal | None = None,
    trail_percent: Decimal | None = None,
    to_market: bool = False,
) -> Operation[Order]:
    """``PUT /orderexecution/orders/{id}`` (acknowledged only), then the order as it stands."""
    body = requests.changes_to_ts(
        changes, trail_amount=trail_amount, trail_percent=trail_percent, to_market=to_market
    )
    yield call("PUT", f"/orderexecution/orders/{order_id_path(order_id)}", json=body, policy=WRITE)
    return (yield from order(conv, account_id, order_id))


def cancel(conv: cattrs.Converter, account_id: str, order_id: str) -> Operation[Order]:
    """``DELETE /orderexecution/orders/{id}`` (acknowledged only), then the order as it stands."""
    yield call("DELETE", f"/orderexecution/orders/{order_id_path(order_id)}", policy=WRITE)
    return (yield from order(conv, account_id, order_id))
