"""What a user builds to trade: :class:`NewOrder` (its legs are :class:`~brokerlink.models.leg.Leg`).

A ``NewOrder`` is checked completely when it is built (see :mod:`brokerlink.models._rules`), so a
malformed order fails in the user's code with an :class:`~brokerlink.errors.InvalidOrderError`
naming the field, not at the broker with a code to look up. Broker-specific limits (which order
types, TIFs and leg counts an adapter takes) are checked later, by the adapter's capabilities.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Self

import attrs

from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
from brokerlink.instruments import Instrument, InstrumentLike
from brokerlink.models import _convert, _rules
from brokerlink.models._common import masked, only_leg
from brokerlink.models._convert import new_client_id
from brokerlink.models.leg import Leg
from brokerlink.money import DecimalLike

__all__ = ["NewOrder", "new_client_id"]


@attrs.frozen(kw_only=True)
class NewOrder:
    """An order to place: legs, type, time in force, prices and a ``client_id``.

    Build one with :meth:`market`, :meth:`limit`, :meth:`stop`, :meth:`stop_limit`,
    :meth:`trailing_stop` or :meth:`multi_leg`. Prices are positive, except a multi-leg net
    ``limit_price``: positive for a debit, negative for a credit, zero for even. ``client_id`` is
    generated when absent and travels to the broker, so an order whose outcome is unknown after a
    timeout can be found again. ``account=None`` means the profile's default account.
    """

    legs: tuple[Leg, ...] = attrs.field(converter=_convert.legs)
    type: OrderType = attrs.field(converter=_convert.order_type)
    time_in_force: TimeInForce = attrs.field(
        default=TimeInForce.DAY, converter=_convert.time_in_force
    )
    limit_price: Decimal | None = attrs.field(default=None, converter=_convert.limit_price)
    stop_price: Decimal | None = attrs.field(default=None, converter=_convert.stop_price)
    trail_amount: Decimal | None = attrs.field(default=None, converter=_convert.trail_amount)
    trail_percent: Decimal | None = attrs.field(default=None, converter=_convert.trail_percent)
    expires_at: datetime | None = attrs.field(default=None, converter=_convert.expires_at)
    client_id: str = attrs.field(default=None, converter=_convert.client_id)
    account: str | None = attrs.field(default=None, repr=masked)

    def __attrs_post_init__(self) -> None:
        _rules.check_order(self)

    # -- builders ---------------------------------------------------------------------------
    # Explicit keyword parameters (not **kwargs) so editors and type checkers show every option.

    @classmethod
    def market(
        cls,
        symbol: InstrumentLike,
        side: Side | str,
        quantity: DecimalLike,
        *,
        effect: PositionEffect | str = PositionEffect.AUTO,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        expires_at: datetime | None = None,
        client_id: str | None = None,
        account: str | None = None,
    ) -> NewOrder:
        """A market order: ``NewOrder.market("AAPL", bl.BUY, 10)``."""
        leg = Leg(instrument=symbol, side=side, quantity=quantity, effect=effect)
        return cls(
            legs=(leg,),
            type=OrderType.MARKET,
            time_in_force=time_in_force,
            expires_at=expires_at,
            client_id=client_id,
            account=account,
        )

    @classmethod
    def limit(
        cls,
        symbol: InstrumentLike,
        side: Side | str,
        quantity: DecimalLike,
        limit_price: DecimalLike,
        *,
        effect: PositionEffect | str = PositionEffect.AUTO,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        expires_at: datetime | None = None,
        client_id: str | None = None,
        account: str | None = None,
    ) -> NewOrder:
        """A limit order: ``NewOrder.limit("AAPL", bl.BUY, 10, "187.50")``."""
        leg = Leg(instrument=symbol, side=side, quantity=quantity, effect=effect)
        return cls(
            legs=(leg,),
            type=OrderType.LIMIT,
            limit_price=limit_price,
            time_in_force=time_in_force,
            expires_at=expires_at,
            client_id=client_id,
            account=account,
        )

    @classmethod
    def stop(
        cls,
        symbol: InstrumentLike,
        side: Side | str,
        quantity: DecimalLike,
        stop_price: DecimalLike,
        *,
        effect: PositionEffect | str = PositionEffect.AUTO,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        expires_at: datetime | None = None,
        client_id: str | None = None,
        account: str | None = None,
    ) -> NewOrder:
        """A stop (market-on-trigger) order: ``NewOrder.stop("AAPL", bl.SELL, 10, "180")``."""
        leg = Leg(instrument=symbol, side=side, quantity=quantity, effect=effect)
        return cls(
            legs=(leg,),
            type=OrderType.STOP,
            stop_price=stop_price,
            time_in_force=time_in_force,
            expires_at=expires_at,
            client_id=client_id,
            account=account,
        )

    @classmethod
    def stop_limit(
        cls,
        symbol: InstrumentLike,
        side: Side | str,
        quantity: DecimalLike,
        stop_price: DecimalLike,
        limit_price: DecimalLike,
        *,
        effect: PositionEffect | str = PositionEffect.AUTO,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        expires_at: datetime | None = None,
        client_id: str | None = None,
        account: str | None = None,
    ) -> NewOrder:
        """A stop-limit order: triggers at ``stop_price``, then works at ``limit_price``."""
        leg = Leg(instrument=symbol, side=side, quantity=quantity, effect=effect)
        return cls(
            legs=(leg,),
            type=OrderType.STOP_LIMIT,
            stop_price=stop_price,
            limit_price=limit_price,
            time_in_force=time_in_force,
            expires_at=expires_at,
            client_id=client_id,
            account=account,
        )

    @classmethod
    def trailing_stop(
        cls,
        symbol: InstrumentLike,
        side: Side | str,
        quantity: DecimalLike,
        *,
        trail_amount: DecimalLike | None = None,
        trail_percent: DecimalLike | None = None,
        effect: PositionEffect | str = PositionEffect.AUTO,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        expires_at: datetime | None = None,
        client_id: str | None = None,
        account: str | None = None,
    ) -> NewOrder:
        """A trailing stop; give exactly one of ``trail_amount`` (price units) or
        ``trail_percent`` (``"2.5"`` is 2.5%)."""
        leg = Leg(instrument=symbol, side=side, quantity=quantity, effect=effect)
        return cls(
            legs=(leg,),
            type=OrderType.TRAILING_STOP,
            trail_amount=trail_amount,
            trail_percent=trail_percent,
            time_in_force=time_in_force,
            expires_at=expires_at,
            client_id=client_id,
            account=account,
        )

    @classmethod
    def multi_leg(
        cls,
        legs: Iterable[Leg],
        type: OrderType | str,
        *,
        limit_price: DecimalLike | None = None,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        expires_at: datetime | None = None,
        client_id: str | None = None,
        account: str | None = None,
    ) -> NewOrder:
        """A multi-leg (spread, combo) order, ``MARKET`` or ``LIMIT``.

        The net ``limit_price`` is positive for a debit, negative for a credit, zero for even:
        ``NewOrder.multi_leg([Leg.buy(c175, 1), Leg.sell(c180, 1)], bl.OrderType.LIMIT,
        limit_price="1.25")`` pays at most 1.25.
        """
        return cls(
            legs=legs,
            type=type,
            limit_price=limit_price,
            time_in_force=time_in_force,
            expires_at=expires_at,
            client_id=client_id,
            account=account,
        )

    # -- reading ----------------------------------------------------------------------------

    @property
    def is_multi_leg(self) -> bool:
        """True when the order has more than one leg."""
        return len(self.legs) > 1

    @property
    def quantity(self) -> Decimal:
        """The leg's quantity; for a multi-leg order, the gcd of the leg quantities (the number
        of spreads: legs of 2 and 4 are 2 units of a 1:2 ratio spread)."""
        if len(self.legs) == 1:
            return self.legs[0].quantity
        return Decimal(math.gcd(*(int(leg.quantity) for leg in self.legs)))

    @property
    def instrument(self) -> Instrument:
        """The instrument of a single-leg order; ``ValueError`` on a multi-leg one."""
        return only_leg(self.legs, "instrument").instrument

    @property
    def side(self) -> Side:
        """The side of a single-leg order; ``ValueError`` on a multi-leg one."""
        return only_leg(self.legs, "side").side

    def with_account(self, account: str | None) -> Self:
        """A copy for ``account`` (same ``client_id``: it is the same order)."""
        return attrs.evolve(self, account=account)

    def evolve(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, converted and validated like a new order.

        The ``client_id`` is kept unless changed; pass ``client_id=None`` for a fresh one when
        the copy is meant to be placed alongside the original.
        """
        return attrs.evolve(self, **changes)
