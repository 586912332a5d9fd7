"""What happens to accepted orders: activation, fills, cancels, expiry, groups, the minute loop.

Order statuses move ``PENDING -> OPEN -> PARTIALLY_FILLED -> FILLED``, or to ``CANCELED``,
``EXPIRED``, ``REPLACED``; a group child stays ``PENDING`` (held) until its trigger fills. Every
change is logged as an event stamped with simulated time: immediate executions at the current
time, per-minute executions at the end of the minute they happened in.
"""

from __future__ import annotations

import abc
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.ledger import AccountState
from brokerlink.emulator.matching import Execution
from brokerlink.emulator.orders import OrderState
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.emulator.state import EngineState
from brokerlink.enums import OptionRight, OrderStatus, PositionEffect, Side, TimeInForce
from brokerlink.errors import BrokerError
from brokerlink.instruments import Future, FutureOption, Instrument, Option
from brokerlink.models.order import Fill

__all__ = ["LifecycleMixin"]

_ZERO = Decimal(0)
_MINUTE = timedelta(minutes=1)


def floor_minute(dt: datetime) -> datetime:
    """``dt`` with seconds and microseconds cleared."""
    return dt.replace(second=0, microsecond=0)


def ceil_minute(dt: datetime) -> datetime:
    """The first whole minute at or after ``dt``."""
    floored = floor_minute(dt)
    return floored if floored == dt else floored + _MINUTE


class LifecycleMixin(EngineState, abc.ABC):
    """Order state transitions and the per-minute matching loop."""

    # -- sessions -----------------------------------------------------------------------------

    def _deadline(self, order: OrderState, at: datetime) -> datetime | None:
        """When ``order`` stops working, for its time in force, starting at ``at``."""
        inst = order.legs[0].instrument
        tif = order.time_in_force
        deadline: datetime | None = None
        if tif in (TimeInForce.DAY, TimeInForce.CLS, TimeInForce.IOC, TimeInForce.FOK):
            deadline = mkt.session_end(inst, at, extended=False)
        elif tif is TimeInForce.DAY_EXT:
            deadline = mkt.session_end(inst, at, extended=True)
        elif tif is TimeInForce.GTD:
            deadline = order.expires_at
        elif tif is TimeInForce.OPG:
            opens = mkt.next_open(inst, at + timedelta(seconds=1), extended=False)
            deadline = opens + _MINUTE if opens is not None else None
        expiry = self._contract_expiry(inst)
        if expiry is not None and (deadline is None or expiry < deadline):
            deadline = expiry
        return deadline

    def _contract_expiry(self, inst: Instrument) -> datetime | None:
        if isinstance(inst, Option | FutureOption):
            return option_expiry_time(inst.expiration)
        if isinstance(inst, Future):
            day = self.universe.last_trade_date(inst)
            return datetime.combine(day, time(17), tzinfo=mkt.NEW_YORK).astimezone(UTC)
        return None

    def _may_trade(self, order: OrderState, minute: datetime) -> bool:
        """Whether ``order`` works during the minute starting at ``minute``."""
        inst = order.legs[0].instrument
        tif = order.time_in_force
        session = mkt.session_at(inst, minute)
        if session is mkt.Session.CLOSED:
            return False
        if tif.extended_hours:
            return True
        if session is not mkt.Session.REGULAR:
            return False
        if tif is TimeInForce.OPG:
            return mkt.session_at(inst, minute - _MINUTE) is not mkt.Session.REGULAR
        if tif is TimeInForce.CLS:
            return mkt.session_at(inst, minute + _MINUTE) is not mkt.Session.REGULAR
        return True

    # -- activation ---------------------------------------------------------------------------

    def _activate(self, order: OrderState, at: datetime) -> None:
        """Make an accepted (or released) order work: OPEN now, and trade if it can."""
        order.held = False
        order.status = OrderStatus.OPEN
        order.active_from = at + self.personality.fill_delay
        order.updated_at = at
        order.deadline = self._deadline(order, at)
        self._emit_order(order, at)
        self._try_now(order, at)

    def _try_now(self, order: OrderState, at: datetime) -> None:
        """Trade against the current quote when the session allows; IOC/FOK end here."""
        tif = order.time_in_force
        immediate = (
            tif not in (TimeInForce.OPG, TimeInForce.CLS)
            and order.active_from <= at
            and self._may_trade(order, floor_minute(at))
        )
        if immediate and order.can_fill:
            execution = self.matcher.immediate(order, at)
            if (
                tif is TimeInForce.FOK
                and execution is not None
                and execution.units < order.remaining
            ):
                execution = None
            if execution is not None:
                self._book(order, execution, at)
        if tif in (TimeInForce.IOC, TimeInForce.FOK) and order.can_fill:
            reason = None if immediate else "market closed"
            self._finish(order, OrderStatus.CANCELED, at, reason=reason)

    # -- fills --------------------------------------------------------------------------------

    def _closable(self, account: AccountState, order: OrderState, units: Decimal) -> Decimal:
        """``units`` cut down to what CLOSE legs can still close (positions may have moved)."""
        for leg in order.legs:
            if leg.effect is not PositionEffect.CLOSE:
                continue
            held = account.quantity_of(leg.instrument)
            closable = abs(held) if held != 0 and (held > 0) != (leg.side is Side.BUY) else _ZERO
            units = min(units, closable / leg.ratio)
        return units if not order.is_multi_leg or units == order.remaining else _ZERO

    def _book(self, order: OrderState, execution: Execution, at: datetime) -> None:
        """Book ``execution``: ledger, order progress, events, then group consequences."""
        account = self._accounts[order.account]
        units = self._closable(account, order, execution.units)
        if units <= 0:
            self._finish(order, OrderStatus.CANCELED, at, reason="the position to close is gone")
            return
        settles = mkt.next_open(mkt.Schedule.EQUITY, mkt.session_end(mkt.Schedule.EQUITY, at) or at)
        order.filled += units
        order.fill_value += units * execution.price
        order.status = OrderStatus.FILLED if order.remaining == 0 else OrderStatus.PARTIALLY_FILLED
        order.updated_at = at
        order.reserve = (
            order.reserve * order.remaining / order.quantity if order.quantity else _ZERO
        )
        touched = []
        fills = []
        for leg, price in zip(order.legs, execution.prices, strict=True):
            qty = units * leg.ratio
            fees = self._commission(leg.instrument, qty, price)
            holding = account.apply_fill(leg.instrument, leg.side, qty, price, fees, at, settles)
            leg.filled += qty
            leg.fill_value += qty * price
            order.fill_count += 1
            fills.append(
                Fill(
                    order_id=order.id,
                    instrument=leg.instrument,
                    side=leg.side,
                    quantity=qty,
                    price=price,
                    time=at,
                    id=f"{order.id}-{order.fill_count}",
                    fees=fees,
                )
            )
            touched.append(holding)
        for fill in fills:
            self._emit_order(order, at, fill)
        for holding in touched:
            self._emit_position(account, holding, at)
        for sibling in self._groups.cancel_on_fill(order.id):
            other = self._orders[sibling]
            if other.is_open and other is not order:
                self._finish(
                    other, OrderStatus.CANCELED, at, reason=f"OCO: order {order.id} filled"
                )
        if order.status is OrderStatus.FILLED:
            for child_id in self._groups.release_on_complete(order.id):
                child = self._orders[child_id]
                if child.held and child.status is OrderStatus.PENDING:
                    self._release(child, at)

    def _release(self, child: OrderState, at: datetime) -> None:
        """A held child's trigger filled: check it against the account now and let it work."""
        account = self._accounts[child.account]
        try:
            self._prepare_release(account, child)
        except BrokerError as exc:
            child.held = False
            self._finish(child, OrderStatus.REJECTED, at, reason=str(exc))
            return
        self._activate(child, at)

    @abc.abstractmethod
    def _prepare_release(self, account: AccountState, child: OrderState) -> None:
        """Resolve effects and reserve funds for a released child (the trading layer knows how)."""

    # -- endings ------------------------------------------------------------------------------

    def _finish(
        self, order: OrderState, status: OrderStatus, at: datetime, *, reason: str | None = None
    ) -> None:
        """Move ``order`` to a final ``status``; a trigger that did not fill takes its held
        children with it."""
        order.status = status
        order.updated_at = at
        order.reserve = _ZERO
        if reason is not None and status in (OrderStatus.REJECTED, OrderStatus.CANCELED):
            order.reject_reason = reason
        self._emit_order(order, at)
        if status is not OrderStatus.FILLED:
            for child_id in self._groups.cancel_on_dead_trigger(order.id):
                child = self._orders[child_id]
                if child.is_open and child.held:
                    self._finish(
                        child, OrderStatus.CANCELED, at, reason=f"trigger {order.id} {status}"
                    )

    def _expire_due(self, until: datetime, orders: list[OrderState] | None = None) -> None:
        """Expire every working order (of ``orders``, default all) whose deadline has come."""
        for order in list(self._orders.values()) if orders is None else orders:
            due = order.deadline is not None and order.deadline <= until
            # A cancel already requested wins over expiry: it completes on the next advance.
            if due and order.can_fill and order.deadline is not None:
                self._finish(order, OrderStatus.EXPIRED, order.deadline)

    def _complete_cancels(self, at: datetime) -> None:
        """Asynchronous cancels requested earlier take effect now."""
        for order in list(self._orders.values()):
            if order.status is OrderStatus.CANCEL_PENDING:
                self._finish(order, OrderStatus.CANCELED, at)

    # -- the minute loop ----------------------------------------------------------------------

    def _run_until(self, target: datetime) -> None:
        """Step minute by minute from where the last advance stopped up to ``target``."""
        self._complete_cancels(self._now())
        first = ceil_minute(self._processed_until)
        # Orders only leave the working set inside the loop (new ones are never created there:
        # released children are already open), so the open orders are gathered once.
        live = [order for order in self._orders.values() if order.is_open]
        for minute in self._candidate_minutes(first, target):
            end = minute + _MINUTE
            self._expire_due(minute, live)
            self.clock.set(max(self._now(), end))
            for order in live:
                if (
                    not order.can_fill
                    or order.active_from > minute
                    or not self._may_trade(order, minute)
                ):
                    continue
                execution = self.matcher.on_minute(order, minute)
                if execution is not None:
                    self._book(order, execution, end)
            self._expire_due(end, live)
        self._expire_due(target)
        self.clock.set(target)
        self._processed_until = max(self._processed_until, floor_minute(target))
        self._settle_expired_contracts(target)

    def _candidate_minutes(self, first: datetime, target: datetime) -> list[datetime]:
        """Minutes in ``[first, target)`` that end by ``target`` and in which some open order's
        market trades (closed stretches are skipped without looking at every minute)."""
        last = floor_minute(target)
        if last <= first:
            return []
        minutes: set[datetime] = set()
        seen: set[tuple[mkt.Schedule, bool]] = set()
        for order in self._orders.values():
            if not order.is_open:
                continue
            key = (mkt.schedule_for(order.legs[0].instrument), order.time_in_force.extended_hours)
            if key in seen:
                continue
            seen.add(key)
            minutes.update(mkt.trading_minutes(key[0], first, last, key[1]))
        return sorted(minutes)

    def _settle_expired_contracts(self, now: datetime) -> None:
        """Cash-settle options (at intrinsic value) and futures (at their final price) that have
        expired: the position closes with a PositionEvent and its P&L is realized."""
        for account in self._accounts.values():
            for inst in list(account.holdings):
                expiry = self._contract_expiry(inst)
                if expiry is None or expiry > now:
                    continue
                holding = account.holdings[inst]
                price = self._final_price(inst, expiry)
                side = Side.SELL if holding.quantity > 0 else Side.BUY
                after = account.apply_fill(
                    inst, side, abs(holding.quantity), price, _ZERO, expiry, None
                )
                self._emit_position(account, after, expiry)

    def _final_price(self, inst: Instrument, at: datetime) -> Decimal:
        before = at - timedelta(seconds=1)
        if isinstance(inst, Option | FutureOption):
            # A futures option settles at intrinsic value against its future's price.
            underlying = (
                inst.future if isinstance(inst, FutureOption) else self.universe.underlying_of(inst)
            )
            spot = Decimal(repr(self.pricer.mid(underlying, before)))
            call = inst.right is OptionRight.CALL
            intrinsic = spot - inst.strike if call else inst.strike - spot
            return max(intrinsic, _ZERO).quantize(Decimal("0.01"))
        last = self.market.quote(inst, before).last
        assert last is not None
        return last
