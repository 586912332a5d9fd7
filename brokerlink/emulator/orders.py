"""The engine's mutable order record and its conversion to the public :class:`Order` model."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.enums import OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.instruments import Instrument
from brokerlink.models.new_order import NewOrder
from brokerlink.models.order import Order, OrderLeg

__all__ = ["LegState", "OrderState", "tidy_price"]

_ZERO = Decimal(0)
_PLACES = Decimal("0.000001")


def tidy_price(value: Decimal) -> Decimal:
    """An average price with at most six decimals (exact values are left alone)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        return value.quantize(_PLACES)
    return value


@attrs.define
class LegState:
    """One leg of a working order: ``ratio`` legs-units per order unit, and its fill progress."""

    instrument: Instrument
    side: Side
    effect: PositionEffect
    ratio: Decimal
    filled: Decimal = _ZERO
    fill_value: Decimal = _ZERO  # sum of quantity * price, for the average

    def to_model(self, quantity: Decimal) -> OrderLeg:
        """The reported leg for an order of ``quantity`` units."""
        average = tidy_price(self.fill_value / self.filled) if self.filled else None
        return OrderLeg(
            instrument=self.instrument,
            side=self.side,
            effect=self.effect,
            quantity=quantity * self.ratio,
            filled_quantity=self.filled,
            average_fill_price=average,
        )


@attrs.define
class OrderState:
    """Everything the engine tracks about one order.

    ``deadline`` is when the order stops working (end of session for DAY, ``expires_at`` for
    GTD, ``None`` for GTC); ``held`` marks a group child waiting for its trigger; ``reserve`` the
    buying power the order holds back while it works; ``water_mark`` the best price seen by a
    trailing stop; ``active_from`` the first moment the order may trade.
    """

    id: str
    account: str
    request: NewOrder
    legs: list[LegState]
    quantity: Decimal
    type: OrderType
    time_in_force: TimeInForce
    limit_price: Decimal | None
    stop_price: Decimal | None
    trail_amount: Decimal | None
    trail_percent: Decimal | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime
    active_from: datetime
    status: OrderStatus = OrderStatus.PENDING
    deadline: datetime | None = None
    filled: Decimal = _ZERO
    fill_value: Decimal = _ZERO
    triggered: bool = False
    water_mark: float | None = None
    reserve: Decimal = _ZERO
    held: bool = False
    group_id: str | None = None
    parent_id: str | None = None
    reject_reason: str | None = None
    fill_count: int = 0

    @property
    def client_id(self) -> str | None:
        """The client order id the order was placed with."""
        return self.request.client_id

    @property
    def remaining(self) -> Decimal:
        """Units still to fill."""
        return max(self.quantity - self.filled, _ZERO)

    @property
    def is_multi_leg(self) -> bool:
        """True for spreads and combos."""
        return len(self.legs) > 1

    @property
    def can_fill(self) -> bool:
        """True while the order works in the market (not held, not being canceled, not final)."""
        return not self.held and self.status in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)

    @property
    def is_open(self) -> bool:
        """True until the order reaches a final status."""
        return not self.status.is_final

    def to_model(self) -> Order:
        """The public, immutable view of this order."""
        average = tidy_price(self.fill_value / self.filled) if self.filled else None
        return Order(
            id=self.id,
            client_id=self.client_id,
            account=self.account,
            status=self.status,
            type=self.type,
            time_in_force=self.time_in_force,
            legs=tuple(leg.to_model(self.quantity) for leg in self.legs),
            quantity=self.quantity,
            filled_quantity=self.filled,
            average_fill_price=average,
            limit_price=self.limit_price,
            stop_price=self.stop_price,
            created_at=self.created_at,
            updated_at=self.updated_at,
            trail_amount=self.trail_amount,
            trail_percent=self.trail_percent,
            expires_at=self.expires_at,
            group_id=self.group_id,
            parent_id=self.parent_id,
            reject_reason=self.reject_reason,
        )
