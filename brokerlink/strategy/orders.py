"""The orders of one run: deterministic client ids, tracking, settling, fills and P&L; and the
capability check behind ``ctx.require``.

Client ids matter for replay: a recorded session is matched request by request, and an order's
client id travels in its request body. brokerlink generates a random one (``bl-`` + 20 hex
digits) when the user gives none, so the run replaces exactly those with ``<run id>-<n>``, which
are the same in a recording and in its replay. Ids a user chose are kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from decimal import Decimal

import attrs

from brokerlink.capabilities import Capabilities, Feature, StreamKind
from brokerlink.enums import AssetClass, GroupKind, OrderType
from brokerlink.errors import NotSupportedError
from brokerlink.instruments import Instrument
from brokerlink.models import Fill, NewOrder, Order, OrderGroup
from brokerlink.models.groups import exit_client_id

__all__ = [
    "OrderBook",
    "fills_of",
    "require_capabilities",
]

_CONTRACTS = frozenset({AssetClass.FUTURE, AssetClass.FUTURE_OPTION})
_GENERATED = re.compile(r"bl-[0-9a-f]{20}")
_ZERO = Decimal(0)

# Words a strategy may pass to ``ctx.require`` for asset classes (singular and plural).
_ASSET_WORDS = {
    "equity": AssetClass.EQUITY,
    "equities": AssetClass.EQUITY,
    "stocks": AssetClass.EQUITY,
    "option": AssetClass.OPTION,
    "options": AssetClass.OPTION,
    "future": AssetClass.FUTURE,
    "futures": AssetClass.FUTURE,
    "future_option": AssetClass.FUTURE_OPTION,
    "futures options": AssetClass.FUTURE_OPTION,
    "crypto": AssetClass.CRYPTO,
}
_ASSET_LABELS = {AssetClass.FUTURE: "futures", AssetClass.FUTURE_OPTION: "futures options"}


class OrderBook:
    """Client ids for one run, and every order it placed (latest state by id, in order)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self._count = 0
        self._orders: dict[str, Order] = {}

    def next_client_id(self) -> str:
        """``<run id>-<n>``, counting from 1."""
        self._count += 1
        return f"{self.run_id}-{self._count}"

    def _stamp(self, order: NewOrder, account: str | None) -> NewOrder:
        if account is not None and order.account is None:
            order = order.with_account(account)
        if _GENERATED.fullmatch(order.client_id):
            order = order.evolve(client_id=self.next_client_id())
        return order

    def prepare(self, order: NewOrder, account: str | None) -> NewOrder:
        """``order`` for ``account`` (unless it names one) with a run client id if it had none."""
        return self._stamp(order, account)

    def prepare_group(self, group: OrderGroup, account: str | None) -> OrderGroup:
        """Like :meth:`prepare` for every member; bracket exits keep ids derived from the entry's."""
        entry, *rest = group.orders
        stamped = self._stamp(entry, account)
        members = [stamped]
        for member in rest:
            for role in ("tp", "sl"):
                if member.client_id == exit_client_id(entry.client_id, role):
                    member = member.evolve(client_id=exit_client_id(stamped.client_id, role))
            members.append(self._stamp(member, account))
        return attrs.evolve(group, orders=tuple(members))

    def add(self, *orders: Order) -> None:
        """Track ``orders`` (a later state of a known id replaces the earlier one)."""
        for order in orders:
            self._orders[order.id] = order

    @property
    def orders(self) -> tuple[Order, ...]:
        """The tracked orders, in the order they were first placed."""
        return tuple(self._orders.values())

    def settle(self, fetch: Callable[[Order], Order], polls: int = 20, pause: float = 0.05) -> None:
        """Refresh every order until it is final, at most ``polls`` times each.

        A fixed number of polls rather than a deadline: a replayed run then asks exactly what
        the recording asked, however fast the machine is.
        """
        for order_id, order in list(self._orders.items()):
            for attempt in range(polls):
                order = fetch(order)
                if order.is_final:
                    break
                if attempt + 1 < polls:
                    time.sleep(pause)
            self._orders[order_id] = order


def fills_of(
    orders: Iterable[Order], resolve: Callable[[Instrument], Instrument] | None = None
) -> list[Fill]:
    """One fill per traded order leg, at the leg's average price (the order's for one leg).

    ``resolve`` gives a futures (or futures option) leg without details the broker's, so the
    fill's cash amount uses the contract's real multiplier (``/ES`` is 50 per point).
    """
    found: list[Fill] = []
    for order in orders:
        when = order.updated_at or order.created_at
        for leg in order.legs:
            price = leg.average_fill_price
            if price is None and len(order.legs) == 1:
                price = order.average_fill_price
            quantity = leg.filled_quantity or (
                order.filled_quantity if len(order.legs) == 1 else _ZERO
            )
            if price is None or quantity == 0:
                continue
            held = leg.instrument
            if resolve is not None and held.details is None and held.asset_class in _CONTRACTS:
                held = resolve(held)
            found.append(
                Fill(
                    order_id=order.id,
                    instrument=held,
                    side=leg.side,
                    quantity=quantity,
                    price=price,
                    time=when,
                )
            )
    return found


def require_capabilities(capabilities: Capabilities, needs: Iterable[object]) -> None:
    """Raise NotSupportedError naming the first need ``capabilities`` lack (see ``ctx.require``)."""
    for need in needs:
        missing = _missing(capabilities, _as_need(need))
        if missing is not None:
            raise NotSupportedError(
                f"not supported by {capabilities.where}: {missing}", broker=capabilities.adapter
            )


def _as_need(need: object) -> object:
    if not isinstance(need, str) or isinstance(
        need, AssetClass | Feature | StreamKind | OrderType | GroupKind
    ):
        return need
    word = need.strip().lower()
    if word in _ASSET_WORDS:
        return _ASSET_WORDS[word]
    for kind in (Feature, OrderType, GroupKind, AssetClass):
        try:
            return kind(word)
        except ValueError:
            continue
    raise ValueError(
        f"ctx.require() does not know {need!r}: pass an asset class ('futures', 'options'), "
        "a bl.Feature, bl.StreamKind, bl.OrderType or bl.GroupKind"
    )


def _missing(caps: Capabilities, need: object) -> str | None:
    if isinstance(need, AssetClass):
        if need in caps.asset_classes:
            return None
        offered = ", ".join(sorted(a.value for a in caps.asset_classes))
        return f"{_ASSET_LABELS.get(need, need.value)} (it trades {offered})"
    if isinstance(need, Feature):
        return None if caps.supports(need) else f"{need.value}"
    if isinstance(need, StreamKind):
        return None if need in caps.streams else f"{need.value} streaming"
    if isinstance(need, OrderType):
        return None if need in caps.order_types else f"{need.name} orders"
    if isinstance(need, GroupKind):
        return None if need in caps.groups else f"{need.name} order groups"
    raise ValueError(f"ctx.require() does not know {need!r}")
