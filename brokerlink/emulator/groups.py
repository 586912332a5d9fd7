"""Order groups inside the engine: which orders to cancel or release when a member changes.

The rules (DESIGN §4, ``OrderGroup``):

- **OCO**: a fill of any member, even a partial one, cancels the other members.
- **OTO**: the children are held (``PENDING``) until the trigger (the first order) is completely
  filled; then they are released and work. If the trigger ends without filling completely
  (canceled, expired, rejected), the held children are canceled.
- **BRACKET**: an OTO whose two children (take-profit, stop-loss) form an OCO once released.

The book only decides; the engine carries the decisions out (and logs the events).
"""

from __future__ import annotations

import attrs

from brokerlink.enums import GroupKind

__all__ = ["Group", "GroupBook"]


@attrs.define
class Group:
    """One group: its id, kind, and member order ids (trigger or entry first)."""

    id: str
    kind: GroupKind
    members: list[str]

    @property
    def trigger(self) -> str | None:
        """The order whose complete fill releases the others (OTO, bracket)."""
        return self.members[0] if self.kind is not GroupKind.OCO else None

    def oco_set(self, order_id: str) -> list[str]:
        """The members that cancel each other along with ``order_id`` (empty if none)."""
        if self.kind is GroupKind.OCO:
            return list(self.members)
        if self.kind is GroupKind.BRACKET and order_id in self.members[1:]:
            return list(self.members[1:])
        return []


class GroupBook:
    """All groups of an engine, by id and by member."""

    def __init__(self) -> None:
        self._groups: dict[str, Group] = {}
        self._by_order: dict[str, str] = {}

    def create(self, group_id: str, kind: GroupKind, members: list[str]) -> Group:
        """Register a new group."""
        group = Group(id=group_id, kind=kind, members=list(members))
        self._groups[group_id] = group
        for order_id in members:
            self._by_order[order_id] = group_id
        return group

    def of(self, order_id: str) -> Group | None:
        """The group ``order_id`` belongs to, if any."""
        group_id = self._by_order.get(order_id)
        return self._groups.get(group_id) if group_id is not None else None

    def replace_member(self, old_id: str, new_id: str) -> None:
        """``old_id`` was replaced by ``new_id``: the new order takes its place in the group."""
        group = self.of(old_id)
        if group is None:
            return
        group.members = [new_id if m == old_id else m for m in group.members]
        self._by_order[new_id] = group.id

    def cancel_on_fill(self, order_id: str) -> list[str]:
        """Members to cancel because ``order_id`` (an OCO member) got a fill."""
        group = self.of(order_id)
        if group is None:
            return []
        return [m for m in group.oco_set(order_id) if m != order_id]

    def release_on_complete(self, order_id: str) -> list[str]:
        """Held children to release because trigger ``order_id`` filled completely."""
        group = self.of(order_id)
        if group is None or group.trigger != order_id:
            return []
        return group.members[1:]

    def cancel_on_dead_trigger(self, order_id: str) -> list[str]:
        """Held children to cancel because trigger ``order_id`` ended without filling completely."""
        return self.release_on_complete(order_id)
