"""What brokers report about orders: :class:`Order`, its :class:`OrderLeg`\\ s, :class:`Fill`\\ s,
and the :class:`OrderPreview` of an order not yet placed.

No validation beyond the datetimes: brokers report what they report (an order may show more filled
than ordered for a moment, a price with odd decimals), and refusing to represent it would hide the
broker's state from the user exactly when it matters.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.enums import OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.instruments import Instrument
from brokerlink.models._common import masked, only_leg, optional_utc, utc
from brokerlink.models.new_order import NewOrder

__all__ = ["Fill", "Order", "OrderLeg", "OrderPreview"]

_ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class OrderLeg:
    """One leg of a reported order, with its own fill progress."""

    instrument: Instrument
    side: Side
    effect: PositionEffect
    quantity: Decimal
    filled_quantity: Decimal
    average_fill_price: Decimal | None = None

    @property
    def remaining_quantity(self) -> Decimal:
        """Quantity still to fill on this leg (never negative)."""
        return max(self.quantity - self.filled_quantity, _ZERO)


@attrs.frozen(kw_only=True)
class Order:
    """An order as the broker reports it.

    ``quantity`` and ``filled_quantity`` count units of the whole order (spreads for a multi-leg
    order); ``average_fill_price`` is per unit, a net price (debit +, credit -) for multi-leg
    orders. ``client_id`` is ours when the broker echoed it back, else ``None``. ``group_id`` and
    ``parent_id`` link the members of OCO/OTO/bracket groups.
    """

    id: str
    client_id: str | None
    account: str = attrs.field(repr=masked)
    status: OrderStatus
    type: OrderType
    time_in_force: TimeInForce
    legs: tuple[OrderLeg, ...]
    quantity: Decimal
    filled_quantity: Decimal
    average_fill_price: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    created_at: datetime = attrs.field(validator=utc)
    updated_at: datetime | None = attrs.field(validator=optional_utc)
    trail_amount: Decimal | None = None
    trail_percent: Decimal | None = None
    expires_at: datetime | None = attrs.field(default=None, validator=optional_utc)
    group_id: str | None = None
    parent_id: str | None = None
    reject_reason: str | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def remaining_quantity(self) -> Decimal:
        """Quantity still to fill (never negative); zero once the order is final."""
        if self.status.is_final:
            return _ZERO
        return max(self.quantity - self.filled_quantity, _ZERO)

    @property
    def is_final(self) -> bool:
        """True once the order can no longer change (filled, canceled, rejected, ...)."""
        return self.status.is_final

    @property
    def is_working(self) -> bool:
        """True while the order can still fill."""
        return self.status.is_working

    @property
    def is_multi_leg(self) -> bool:
        """True when the order has more than one leg."""
        return len(self.legs) > 1

    @property
    def instrument(self) -> Instrument:
        """The instrument of a single-leg order; ``ValueError`` on a multi-leg one."""
        return only_leg(self.legs, "instrument").instrument

    @property
    def side(self) -> Side:
        """The side of a single-leg order; ``ValueError`` on a multi-leg one."""
        return only_leg(self.legs, "side").side


@attrs.frozen(kw_only=True)
class Fill:
    """One execution: ``quantity`` units of ``instrument`` at ``price``, at ``time``.

    ``id`` is the broker's execution id when it has one; ``fees`` are what the broker charged for
    this execution (commission included), zero when it does not itemise them.
    """

    order_id: str
    instrument: Instrument
    side: Side
    quantity: Decimal
    price: Decimal
    time: datetime = attrs.field(validator=utc)
    id: str | None = None
    fees: Decimal = _ZERO
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def gross_amount(self) -> Decimal:
        """Signed cash effect before fees: negative for a buy (cash out), positive for a sell."""
        return -self.side.sign * self.quantity * self.price * self.instrument.multiplier


@attrs.frozen(kw_only=True)
class OrderPreview:
    """What placing ``order`` would do, as the broker estimates it.

    ``estimated_cost`` is signed: positive is cash out (a buy, a debit), negative cash in.
    ``buying_power_effect`` is the signed change in buying power (usually negative). ``warnings``
    are the broker's own, verbatim.
    """

    order: NewOrder
    estimated_cost: Decimal
    commission: Decimal
    fees: Decimal
    buying_power_effect: Decimal | None
    margin_requirement: Decimal | None = None
    warnings: tuple[str, ...] = ()
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def total_cost(self) -> Decimal:
        """``estimated_cost`` plus commission and fees (signed: positive is cash out)."""
        return self.estimated_cost + self.commission + self.fees
