"""The trading half of the engine's public API: preview, place, groups, replace, cancel, lookups.

Checks run in a fixed order so the error a caller sees is predictable: symbols and the order's
own fields first (``SymbolNotFoundError``, ``InvalidOrderError``), then market hours, then
positions (closing more than is held) and finally buying power (``InsufficientFundsError``).
Rejections that depend on the account or the market are recorded as ``REJECTED`` orders when the
personality says so; malformed orders never are.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

import attrs

from brokerlink.emulator.ledger import AccountState
from brokerlink.emulator.lifecycle import LifecycleMixin
from brokerlink.emulator.orders import OrderState
from brokerlink.emulator.placement import PlacementMixin
from brokerlink.enums import AccountType, GroupKind, OrderStatus, TimeInForce
from brokerlink.errors import InsufficientFundsError, InvalidOrderError, RejectedError
from brokerlink.models.groups import OrderGroup
from brokerlink.models.new_order import NewOrder
from brokerlink.models.order import Order, OrderPreview
from brokerlink.money import DecimalLike, optional_decimal

__all__ = ["TradingMixin"]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


class TradingMixin(PlacementMixin, LifecycleMixin):
    """Order entry and order lookups (every public method takes the engine lock)."""

    # -- orders -------------------------------------------------------------------------------

    def preview(self, account_id: str, new_order: NewOrder) -> OrderPreview:
        """What placing ``new_order`` would cost; raises the errors :meth:`place` would."""
        with self._lock:
            account = self._account(account_id)
            state = self._build(account, new_order)
            problem = self._market_hours_problem(state, self._now())
            if problem is not None:
                raise self._invalid(problem, "type")
            self._resolve_effects(account, state)
            estimate = self._estimate(account, state)
            self._check_funds(account, state, estimate)
            margin = account.type is not AccountType.CASH
            return OrderPreview(
                order=new_order,
                estimated_cost=_cents(estimate.cost),
                commission=estimate.commission,
                fees=_ZERO,
                buying_power_effect=_cents(estimate.bp_after - estimate.bp_before),
                margin_requirement=_cents(estimate.req_after - estimate.req_before)
                if margin
                else None,
                warnings=self._warnings(state, self._now()),
            )

    def place(self, account_id: str, new_order: NewOrder) -> Order:
        """Accept ``new_order``: it becomes PENDING, then OPEN, and trades at once if it can."""
        with self._lock:
            account = self._account(account_id)
            state = self._build(account, new_order)
            self._admit(account, state)
            self._accept(state)
            return state.to_model()

    def place_group(self, account_id: str, group: OrderGroup) -> list[Order]:
        """Place an OCO, OTO or bracket group; returns its orders, primary first.

        OTO and bracket children are held (PENDING) until the first order fills completely.
        Every order is checked before any is accepted, so a bad member places nothing.
        """
        with self._lock:
            account = self._account(account_id)
            oco = group.kind is GroupKind.OCO
            states = [
                self._build(account, new, held=not oco and i > 0)
                for i, new in enumerate(group.orders)
            ]
            reserves = []
            for state in states:
                if not state.held:
                    self._admit(account, state, record=False)
                    reserves.append(state.reserve)
            if oco:
                # Only one member of an OCO can fill: hold back the largest need once.
                for state in states:
                    state.reserve = _ZERO
                states[0].reserve = max(reserves)
                self._check_reserve(account, states[0])
            group_id = self._new_group_id()
            for state in states:
                state.id = self._new_order_id()
                state.group_id = group_id
                if not oco and state is not states[0]:
                    state.parent_id = states[0].id
            self._groups.create(group_id, group.kind, [s.id for s in states])
            now = self._now()
            for state in states:
                self._orders[state.id] = state
                self._emit_order(state, now)
            for state in states:
                if not state.held and state.status is OrderStatus.PENDING:
                    self._activate(state, now)
            return [s.to_model() for s in states]

    def replace(
        self,
        account_id: str,
        order_id: str,
        *,
        quantity: DecimalLike | None = None,
        limit_price: DecimalLike | None = None,
        stop_price: DecimalLike | None = None,
        time_in_force: TimeInForce | str | None = None,
        trail_amount: DecimalLike | None = None,
        trail_percent: DecimalLike | None = None,
    ) -> Order:
        """Change a working order. ``quantity`` is the new total (filled units included).

        ``trail_amount`` or ``trail_percent`` (one of them) re-sets a trailing stop's distance.

        The old order becomes REPLACED and a new order (new id, same client id) carries the
        changes, unless the personality's ``replace_keeps_id`` modifies it in place.
        """
        with self._lock:
            account = self._account(account_id)
            order = self._order(account, order_id)
            if not order.is_open or order.status is OrderStatus.CANCEL_PENDING:
                raise RejectedError(
                    f"order {order.id} is {order.status} and cannot be replaced",
                    broker=self._broker,
                    code="order_not_open",
                )
            total = optional_decimal(quantity, field="quantity")
            limit = optional_decimal(limit_price, field="limit_price")
            stop = optional_decimal(stop_price, field="stop_price")
            tif = _time_in_force(time_in_force)
            trail = (
                optional_decimal(trail_amount, field="trail_amount"),
                optional_decimal(trail_percent, field="trail_percent"),
            )
            trailing = trail != (None, None)
            if total is None and limit is None and stop is None and tif is None and not trailing:
                raise self._invalid("replace needs at least one change", None)
            total = order.quantity if total is None else total
            if total <= order.filled:
                raise self._invalid(
                    f"quantity {total} must exceed the {order.filled} already filled", "quantity"
                )
            keeps = self.personality.replace_keeps_id
            units = total if keeps else total - order.filled
            changes: dict[str, object] = {
                "legs": tuple(
                    attrs.evolve(leg, quantity=units * state_leg.ratio)
                    for leg, state_leg in zip(order.request.legs, order.legs, strict=True)
                )
            }
            if limit is not None:
                changes["limit_price"] = limit
            if stop is not None:
                changes["stop_price"] = stop
            if tif is not None:
                changes["time_in_force"] = tif
            if trailing:
                changes["trail_amount"], changes["trail_percent"] = trail
            request = order.request.evolve(**changes)
            candidate = self._build(account, request, held=order.held)
            for new_leg, old_leg in zip(candidate.legs, order.legs, strict=True):
                new_leg.effect = old_leg.effect
            candidate.filled = order.filled if keeps else _ZERO
            candidate.id = order.id
            if not order.held:
                self._resolve_effects(account, candidate)
                estimate = self._estimate(account, candidate)
                self._check_funds(account, candidate, estimate)
                candidate.reserve = estimate.reserve
            now = self._now()
            if keeps:
                self._modify(order, candidate, now)
                return order.to_model()
            return self._supersede(order, candidate, now).to_model()

    def cancel(self, account_id: str, order_id: str) -> Order:
        """Cancel a working order (CANCEL_PENDING first when the personality's cancels are async)."""
        with self._lock:
            account = self._account(account_id)
            order = self._order(account, order_id)
            if order.status is OrderStatus.CANCEL_PENDING:
                return order.to_model()
            if not order.is_open:
                raise RejectedError(
                    f"order {order.id} is already {order.status}",
                    broker=self._broker,
                    code="order_final",
                )
            now = self._now()
            if order.held or not self.personality.cancel_is_async:
                self._finish(order, OrderStatus.CANCELED, now)
            else:
                order.status = OrderStatus.CANCEL_PENDING
                order.updated_at = now
                self._emit_order(order, now)
            return order.to_model()

    def orders(
        self,
        account_id: str,
        status: Literal["open", "all"] = "open",
        since: datetime | None = None,
    ) -> list[Order]:
        """The account's orders by id: the open ones, or all; ``since`` keeps those updated at or
        after that time."""
        if status not in ("open", "all"):
            raise ValueError(f"status must be 'open' or 'all', not {status!r}")
        with self._lock:
            account = self._account(account_id)
            return [
                o.to_model()
                for o in self._orders.values()
                if o.account == account.id
                and (status == "all" or o.is_open)
                and (since is None or o.updated_at >= since)
            ]

    def order(self, account_id: str, order_id: str) -> Order:
        """One order of the account; OrderNotFoundError when it has none with that id."""
        with self._lock:
            return self._order(self._account(account_id), order_id).to_model()

    def find_by_client_id(self, account_id: str, client_id: str) -> Order | None:
        """The newest order placed with ``client_id`` (a replacement shares it), or ``None``."""
        with self._lock:
            account = self._account(account_id)
            for order in reversed(self._orders.values()):
                if order.account == account.id and order.client_id == client_id:
                    return order.to_model()
            return None

    # -- internals ----------------------------------------------------------------------------

    def _admit(self, account: AccountState, state: OrderState, *, record: bool = True) -> None:
        """Market-hours, position and funds checks; business rejections may be recorded."""
        problem = self._market_hours_problem(state, self._now())
        if problem is not None:
            if record:
                self._record_rejection(state, problem)
            raise self._invalid(problem, "type")
        try:
            self._resolve_effects(account, state)
            estimate = self._estimate(account, state)
            state.reserve = estimate.reserve
            self._check_funds(account, state, estimate)
        except InsufficientFundsError as exc:
            if record:
                self._record_rejection(state, exc.message)
            raise

    def _check_reserve(self, account: AccountState, state: OrderState) -> None:
        available = self._buying_power(account)
        if state.reserve > available:
            raise InsufficientFundsError(
                f"the orders need {state.reserve:.2f} of buying power; "
                f"{max(available, _ZERO):.2f} is available",
                broker=self._broker,
            )

    def _record_rejection(self, state: OrderState, reason: str) -> None:
        if not self.personality.record_rejections:
            return
        state.id = self._new_order_id()
        state.status = OrderStatus.REJECTED
        state.reject_reason = reason
        state.reserve = _ZERO
        self._orders[state.id] = state
        self._emit_order(state, self._now())

    def _accept(self, state: OrderState) -> None:
        state.id = self._new_order_id()
        self._orders[state.id] = state
        now = self._now()
        self._emit_order(state, now)
        if not state.held:
            self._activate(state, now)

    def _prepare_release(self, account: AccountState, child: OrderState) -> None:
        self._resolve_effects(account, child)
        estimate = self._estimate(account, child)
        child.reserve = estimate.reserve
        self._check_funds(account, child, estimate)

    def _modify(self, order: OrderState, candidate: OrderState, now: datetime) -> None:
        """Replace in place: same id, new terms."""
        tif_changed = candidate.time_in_force is not order.time_in_force
        order.request = candidate.request
        order.quantity = candidate.quantity
        order.limit_price = candidate.limit_price
        order.stop_price = candidate.stop_price if order.water_mark is None else order.stop_price
        order.time_in_force = candidate.time_in_force
        order.trail_amount, order.trail_percent = candidate.trail_amount, candidate.trail_percent
        order.reserve = candidate.reserve
        order.updated_at = now
        if tif_changed and not order.held:
            order.deadline = self._deadline(order, now)
        self._emit_order(order, now)
        if order.can_fill:
            self._try_now(order, now)

    def _supersede(self, order: OrderState, candidate: OrderState, now: datetime) -> OrderState:
        """Replace with a new order: the old one becomes REPLACED."""
        new = candidate
        new.id = self._new_order_id()
        new.group_id, new.parent_id = order.group_id, order.parent_id
        new.triggered, new.water_mark = order.triggered, order.water_mark
        if order.water_mark is not None:
            new.stop_price = order.stop_price
        self._groups.replace_member(order.id, new.id)
        for other in self._orders.values():
            if other.parent_id == order.id:
                other.parent_id = new.id
        order.reserve = _ZERO
        self._finish(order, OrderStatus.REPLACED, now)
        self._orders[new.id] = new
        if new.held:
            self._emit_order(new, now)
        else:
            self._activate(new, now)
        return new


def _time_in_force(value: TimeInForce | str | None) -> TimeInForce | None:
    if value is None or isinstance(value, TimeInForce):
        return value
    text = str(value).strip().lower()
    for member in TimeInForce:
        if text in (member.value, member.name.lower()):
            return member
    raise InvalidOrderError(f"time_in_force {value!r} is not recognised", field="time_in_force")
