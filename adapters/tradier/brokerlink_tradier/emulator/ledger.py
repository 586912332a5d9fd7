"""Reading the engine's orders and fills the way Tradier presents them.

Tradier lists a group (OTO/OCO/OTOCO) once, as its parent order, and a multileg order with an id
per leg; :func:`render_orders` does that. Fills come from the engine's event log (hidden events
included: the log is the truth, whatever a stream shows), for ``last_fill_price`` and for the
account history and gain/loss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brokerlink.emulator import Engine
from brokerlink.errors import OrderNotFoundError
from brokerlink.models import Fill, Order, OrderEvent

from .book import GroupNote
from .views import LastFill, group_view, order_view

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["account_fills", "account_orders", "last_fills", "render_order", "render_orders"]


def account_orders(engine: Engine, account_id: str) -> list[Order]:
    """Every order of the account, oldest first."""
    return sorted(engine.orders(account_id, "all"), key=lambda o: int(o.id))


def account_fills(engine: Engine, account_id: str) -> list[tuple[Order, Fill]]:
    """Every execution of the account, in order, with the order as it stood then."""
    engine.balance(account_id)  # unknown accounts are refused, not answered empty
    events, _ = engine.events_since(0, account=account_id, include_hidden=True)
    return [
        (entry.event.order, entry.event.fill)
        for entry in events
        if isinstance(entry.event, OrderEvent) and entry.event.fill is not None
    ]


def last_fills(engine: Engine, account_id: str) -> dict[str, LastFill]:
    """The last execution per order id, and per ``"<id>:<leg index>"`` for multileg legs."""
    found: dict[str, LastFill] = {}
    for order, fill in account_fills(engine, account_id):
        found[order.id] = LastFill(fill.price, fill.quantity)
        for index, leg in enumerate(order.legs):
            if leg.instrument == fill.instrument:
                found[f"{order.id}:{index}"] = LastFill(fill.price, fill.quantity)
    return found


def _group_of(front: TradierFront, order: Order, orders: list[Order]) -> GroupNote:
    assert order.group_id is not None
    known = front.book.group_for_engine_group(order.group_id)
    if known is not None:
        return known
    members = [o for o in orders if o.group_id == order.group_id]
    kind = (
        "oco"
        if all(m.parent_id is None for m in members)
        else ("oto" if len(members) == 2 else "otoco")
    )
    return front.book.adopt(order.group_id, kind, [m.id for m in members])


def _view(
    front: TradierFront,
    order: Order,
    fills: dict[str, LastFill],
    include_tags: bool,
) -> dict[str, Any]:
    leg_ids = (
        [front.book.leg_id(order.id, i) for i in range(len(order.legs))]
        if order.is_multi_leg
        else []
    )
    note = front.book.note(order)
    parent = front.book.parent_of(order.id)
    return order_view(
        order, note, last=fills, leg_ids=leg_ids, include_tags=include_tags, parent_id=parent
    )


def _group(
    front: TradierFront,
    group: GroupNote,
    by_id: dict[str, Order],
    fills: dict[str, LastFill],
    include_tags: bool,
) -> dict[str, Any]:
    members = [by_id[m] for m in group.members]
    notes = [front.book.note(m) for m in members]
    return group_view(group, members, notes, last=fills, include_tags=include_tags)


def render_orders(
    front: TradierFront, account_id: str, orders: list[Order], *, include_tags: bool
) -> list[dict[str, Any]]:
    """Top-level Tradier orders for ``orders``: groups once, as their parent."""
    everything = account_orders(front.engine, account_id)
    by_id = {o.id: o for o in everything}
    fills = last_fills(front.engine, account_id)
    views: list[dict[str, Any]] = []
    seen: set[str] = set()
    for order in orders:
        if order.group_id is None:
            views.append(_view(front, order, fills, include_tags))
            continue
        group = _group_of(front, order, everything)
        if group.parent_id not in seen:
            seen.add(group.parent_id)
            views.append(_group(front, group, by_id, fills, include_tags))
    return views


def render_order(
    front: TradierFront, account_id: str, order_id: str, include_tags: bool
) -> dict[str, Any]:
    """One order by Tradier id: an engine order, or a group parent."""
    group = front.book.groups.get(order_id)
    if group is None:
        order = front.engine.order(account_id, order_id)
        return _view(front, order, last_fills(front.engine, account_id), include_tags)
    everything = account_orders(front.engine, account_id)
    by_id = {o.id: o for o in everything}
    if any(member not in by_id for member in group.members):
        raise OrderNotFoundError(f"no order {order_id!r} in this account", broker="tradier")
    return _group(front, group, by_id, last_fills(front.engine, account_id), include_tags)
