"""What the tastytrade front remembers beside the engine: the wire details the engine has no
field for (``external-identifier``, ``source``, notional values, complex-order ids and tags,
replacement links), every fill per order (``legs[].fills[]``), and the quote tokens it issued.

The engine's event log is the source of fills: :meth:`OrderBook.sync` reads it from where it
last stopped, including the fill events a personality hides from streams (the REST view of an
order always has all its fills).
"""

from __future__ import annotations

import threading
from decimal import Decimal

import attrs

from brokerlink.emulator import Engine
from brokerlink.models import Fill, Order, OrderEvent

__all__ = ["ComplexOrder", "OrderBook", "OrderMeta"]


@attrs.define
class OrderMeta:
    """tastytrade-only attributes of one order."""

    external_identifier: str | None = None
    source: str | None = None
    notional: bool = False
    value: Decimal | None = None
    value_effect: str | None = None
    complex_id: int | None = None
    complex_tag: str | None = None
    replaces: str | None = None
    replacing: str | None = None
    preflight_id: int | None = None


@attrs.define
class ComplexOrder:
    """One complex order: its id, ``type`` (OTO, OCO, OTOCO), account and member order ids."""

    id: int
    type: str
    account: str
    trigger: str | None
    orders: list[str]

    @property
    def members(self) -> list[str]:
        """Every member order id, trigger first."""
        return ([self.trigger] if self.trigger else []) + self.orders


class OrderBook:
    """Front-side order state, safe to use from the REST thread and the websocket loop."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._meta: dict[str, OrderMeta] = {}
        self._by_client: dict[str, OrderMeta] = {}
        self._fills: dict[str, list[Fill]] = {}
        self._accounts: dict[str, str] = {}
        self._cursor = 0
        self._complex: dict[int, ComplexOrder] = {}
        self._next_complex = 1
        self.tokens: set[str] = set()
        self._sessions = 0

    def next_session_id(self) -> str:
        """A new ``web-socket-session-id`` (8 hex digits, counting up)."""
        with self._lock:
            self._sessions += 1
            return f"{0x5B6E2700 + self._sessions:08x}"

    def expect(self, client_id: str, meta: OrderMeta) -> None:
        """Store ``meta`` for the order about to be placed with ``client_id``.

        Stored before the engine sees the order, so a notification streamed while the REST
        request is still being answered already carries the wire details.
        """
        with self._lock:
            self._by_client[client_id] = meta

    def meta(self, order: Order) -> OrderMeta:
        """The order's tastytrade attributes (empty ones for an order placed some other way)."""
        with self._lock:
            found = self._meta.get(order.id)
            if found is None:
                client = order.client_id
                found = self._by_client.get(client) if client else None
                found = self._meta[order.id] = found if found is not None else OrderMeta()
            return found

    def link_replacement(self, old_id: str, new_id: str) -> None:
        """``new_id`` replaced ``old_id``: it inherits the wire details and the two are linked."""
        with self._lock:
            old = self._meta.setdefault(old_id, OrderMeta())
            self._meta[new_id] = attrs.evolve(old, replaces=old_id, replacing=None)
            old.replacing = new_id

    def fills(self, order_id: str) -> list[Fill]:
        """Every execution of the order so far, oldest first."""
        self.sync()
        with self._lock:
            return list(self._fills.get(order_id, ()))

    def sync(self) -> None:
        """Read fills from the engine's log up to now."""
        with self._lock:
            events, self._cursor = self._engine.events_since(self._cursor, include_hidden=True)
            for entry in events:
                event = entry.event
                if isinstance(event, OrderEvent) and event.fill is not None:
                    self._fills.setdefault(event.order.id, []).append(event.fill)
                    self._accounts[event.order.id] = entry.account

    def clear_history(self) -> None:
        """Forget every fill and complex order (the engine's accounts were reset)."""
        self.sync()  # consume the log up to the reset, so old fills do not come back
        with self._lock:
            self._fills.clear()
            self._accounts.clear()
            self._complex.clear()

    def all_fills(self, account: str) -> list[Fill]:
        """Every fill of ``account``'s orders, in time order."""
        self.sync()
        with self._lock:
            found = [
                fill
                for order_id, fills in self._fills.items()
                for fill in fills
                if self._accounts.get(order_id) == account
            ]
        return sorted(found, key=lambda f: (f.time, f.id or ""))

    def next_complex_id(self) -> int:
        """An id for the complex order about to be placed."""
        with self._lock:
            self._next_complex += 1
            return self._next_complex - 1

    def add_complex(self, found: ComplexOrder) -> None:
        """Register a placed complex order."""
        with self._lock:
            self._complex[found.id] = found

    def complex(self, complex_id: int) -> ComplexOrder | None:
        """A complex order by id."""
        with self._lock:
            return self._complex.get(complex_id)

    def complexes(self, account: str) -> list[ComplexOrder]:
        """``account``'s complex orders by id."""
        with self._lock:
            return [c for c in self._complex.values() if c.account == account]
