"""What the Tradier front remembers about orders beyond the engine: Tradier's words and ids.

The engine knows an order's legs, prices and time in force; Tradier also shows the order
``class``, the ``duration`` as sent (``pre`` and ``post`` work in the engine's extended session,
each within its own Tradier segment, :mod:`.hours`), the spread ``type`` (``debit``/``credit``/``even``), the ``tag``, and ids the engine
does not have: a parent id for an OTO/OCO/OTOCO group (whose members are engine orders) and an id
per leg of a multileg order (one engine order). Those ids are allocated here, from a range far
above the engine's own, in the order the front first needs them, so the same calls always give
the same ids.

Orders placed on the engine by other means get notes derived from the order itself.
"""

from __future__ import annotations

import threading

import attrs

from brokerlink.enums import OrderType, TimeInForce
from brokerlink.instruments import Equity, Option
from brokerlink.models import Order

__all__ = ["FIRST_SYNTHETIC_ID", "GroupNote", "OrderBook", "OrderNote", "derive_note"]

FIRST_SYNTHETIC_ID = 10_000_001
"""Group parents and multileg legs are numbered from here (engine orders count from 1001)."""


@attrs.frozen(kw_only=True)
class OrderNote:
    """Tradier's view of one engine order: ``order_class``, ``duration``, ``type_word``, the
    ``symbol`` Tradier shows (the underlying for options) and the ``tag``."""

    order_class: str
    duration: str
    type_word: str
    symbol: str
    tag: str | None = None
    segment_ended: bool = False
    """The order stopped working because its pre-market segment ended (shown as ``expired``)."""


@attrs.frozen(kw_only=True)
class GroupNote:
    """An OTO/OCO/OTOCO group: its Tradier ``parent_id`` and engine ``members`` in Tradier order."""

    kind: str
    parent_id: str
    members: tuple[str, ...]
    tag: str | None = None


def _duration(order: Order) -> str:
    if order.time_in_force in (TimeInForce.GTC, TimeInForce.GTC_EXT):
        return "gtc"
    if order.time_in_force is TimeInForce.DAY_EXT:
        return "post"
    return "day"


def derive_note(order: Order) -> OrderNote:
    """A note for an order the front did not place (classes and words from the order itself)."""
    kinds = {type(leg.instrument) for leg in order.legs}
    first = order.legs[0].instrument
    underlying = first.underlying if isinstance(first, Option) else str(first)
    if order.is_multi_leg:
        order_class = "combo" if Equity in kinds else "multileg"
        price = order.limit_price
        if order.type is OrderType.MARKET or price is None:
            word = "market"
        else:
            word = "debit" if price > 0 else "credit" if price < 0 else "even"
    else:
        order_class = "option" if isinstance(first, Option) else "equity"
        word = order.type.value
    return OrderNote(
        order_class=order_class,
        duration=_duration(order),
        type_word=word,
        symbol=underlying.removeprefix("$"),
        tag=None,
    )


class OrderBook:
    """Notes by engine order id, groups by parent id, and the synthetic id allocator.

    ``lock`` is held while an order is placed and its notes recorded, and while stream events
    are written, so a stream on another thread (websockets run on the loopback server's) never
    sees an order before its notes.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.notes: dict[str, OrderNote] = {}
        self.groups: dict[str, GroupNote] = {}
        self._group_of: dict[str, str] = {}
        self._by_engine_group: dict[str, str] = {}
        self._leg_ids: dict[tuple[str, int], str] = {}
        self._next = FIRST_SYNTHETIC_ID
        self.pre_orders: dict[str, str] = {}
        """Working ``duration=pre`` orders (engine id -> account id), ended with the segment."""

    def _allocate(self) -> str:
        value = str(self._next)
        self._next += 1
        return value

    def note(self, order: Order) -> OrderNote:
        """The note of ``order`` (derived when the front did not place it)."""
        return self.notes.get(order.id) or derive_note(order)

    def add_group(
        self, kind: str, engine_group: str | None, members: list[str], tag: str | None
    ) -> GroupNote:
        """Record a group placed through the front; returns it with its new parent id."""
        group = GroupNote(kind=kind, parent_id=self._allocate(), members=tuple(members), tag=tag)
        self.groups[group.parent_id] = group
        for member in members:
            self._group_of[member] = group.parent_id
        if engine_group is not None:
            self._by_engine_group[engine_group] = group.parent_id
        return group

    def adopt(self, engine_group: str, kind: str, members: list[str]) -> GroupNote:
        """The group of an engine group the front did not place (recorded on first sight)."""
        known = self._by_engine_group.get(engine_group)
        if known is not None:
            return self.groups[known]
        return self.add_group(kind, engine_group, members, None)

    def parent_of(self, engine_id: str) -> str | None:
        """The parent id of a group member, or ``None``."""
        return self._group_of.get(engine_id)

    def group_for_engine_group(self, engine_group: str) -> GroupNote | None:
        """The group recorded for an engine group id, or ``None``."""
        known = self._by_engine_group.get(engine_group)
        return None if known is None else self.groups[known]

    def leg_id(self, engine_id: str, index: int) -> str:
        """The Tradier id of leg ``index`` of a multileg engine order."""
        key = (engine_id, index)
        found = self._leg_ids.get(key)
        if found is None:
            found = self._leg_ids[key] = self._allocate()
        return found
