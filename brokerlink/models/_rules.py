"""The broker-neutral checks a new order must pass before it may leave the user's code.

Each failure is an :class:`~brokerlink.errors.InvalidOrderError` whose ``field`` names the culprit
and whose message says how to fix it. These are the rules every broker shares; one broker's own
limits (order types, TIFs, leg counts) live in its capabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from brokerlink.enums import OrderType, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Crypto, Equity, Future, FutureOption, Index, Instrument
from brokerlink.money import decimal_places

if TYPE_CHECKING:
    from brokerlink.models.leg import Leg
    from brokerlink.models.new_order import NewOrder

__all__ = ["MAX_LEGS", "check_leg", "check_order", "max_price_places"]

MAX_LEGS = 4
"""The most legs any supported broker takes in one order."""

_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_SINGLE_LEG_ONLY = (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP)


def _fail(field: str, message: str) -> InvalidOrderError:
    return InvalidOrderError(f"{field}: {message}", field=field)


def max_price_places(instrument: Instrument, price: Decimal) -> int:
    """The most decimal places a price of ``instrument`` may have.

    US equities trade in cents at or above $1 and in 1/100 cent below (SEC Rule 612); options
    quote in cents; futures ticks such as 1/128 need up to 7 places; crypto up to 8.
    """
    if isinstance(instrument, Equity):
        return 2 if abs(price) >= _ONE else 4
    if isinstance(instrument, Future | FutureOption):
        return 7
    if isinstance(instrument, Crypto):
        return 8
    return 2


def check_leg(instrument: Instrument, quantity: Decimal) -> None:
    """A leg trades something tradable, in a positive, whole (or fractional-allowed) quantity."""
    if isinstance(instrument, Index):
        raise _fail(
            "legs",
            f"{instrument} is an index: it can be quoted, not traded; "
            f"trade an ETF, option or future on it instead",
        )
    if quantity <= 0:
        raise _fail(
            "quantity", f"{quantity} is not positive; give the size, use side for direction"
        )
    if quantity != quantity.to_integral_value() and not isinstance(instrument, Equity | Crypto):
        raise _fail(
            "quantity",
            f"{quantity} is fractional; {instrument.kind} quantities must be whole contracts",
        )


def _check_legs(legs: Sequence[Leg], order_type: OrderType) -> None:
    if not legs:
        raise _fail("legs", "the order has no legs; add at least one Leg")
    if len(legs) > MAX_LEGS:
        raise _fail("legs", f"{len(legs)} legs; at most {MAX_LEGS} fit in one order, split it")
    if len(legs) == 1:
        return
    seen = [leg.instrument for leg in legs]
    if len(set(seen)) != len(seen):
        raise _fail("legs", "the same instrument appears twice; merge those legs into one")
    kinds = {type(i) for i in seen}
    if Crypto in kinds:
        raise _fail("legs", "crypto cannot be combined with other legs; place separate orders")
    if kinds & {Future, FutureOption} and kinds - {Future, FutureOption}:
        raise _fail("legs", "futures legs cannot be combined with equity or option legs")
    if order_type in _SINGLE_LEG_ONLY:
        raise _fail(
            "legs",
            f"a multi-leg order cannot be {order_type.name}; use MARKET or LIMIT with a net price",
        )
    for leg in legs:
        if leg.quantity != leg.quantity.to_integral_value():
            raise _fail("quantity", f"multi-leg quantities must be whole, got {leg.quantity}")


def _check_price(order: NewOrder, field: str, price: Decimal | None, needed: bool) -> None:
    kind = order.type.name
    if price is None:
        if needed:
            raise _fail(field, f"a {kind} order needs a {field}; pass {field}='187.50' for example")
        return
    if not needed:
        raise _fail(field, f"a {kind} order takes no {field}; remove it or change the order type")
    # A multi-leg net limit price carries the debit (+) / credit (-) sign; all others are > 0.
    if not (field == "limit_price" and order.is_multi_leg) and price <= 0:
        raise _fail(field, f"{price} is not positive; prices are > 0 (side gives direction)")
    places = max(max_price_places(leg.instrument, price) for leg in order.legs)
    if decimal_places(price) > places:
        raise _fail(
            field,
            f"{price} has {decimal_places(price)} decimals; this order's prices take at most "
            f"{places}; round it to {places} decimals",
        )


def _check_trailing(order: NewOrder) -> None:
    amount, percent = order.trail_amount, order.trail_percent
    if order.type is not OrderType.TRAILING_STOP:
        for field, value in (("trail_amount", amount), ("trail_percent", percent)):
            if value is not None:
                raise _fail(field, f"only a TRAILING_STOP order takes {field}; remove it")
        return
    if amount is None and percent is None:
        raise _fail("trail_amount", "a TRAILING_STOP needs trail_amount or trail_percent")
    if amount is not None and percent is not None:
        raise _fail("trail_percent", "give trail_amount or trail_percent, not both")
    if amount is not None:
        _check_price(order, "trail_amount", amount, needed=True)
    if percent is not None and not 0 < percent < _HUNDRED:
        raise _fail("trail_percent", f"{percent} must be between 0 and 100 ('2.5' is 2.5%)")


def check_order(order: NewOrder) -> None:
    """Every rule a new order must pass; the first failure raises."""
    _check_legs(order.legs, order.type)
    _check_price(order, "limit_price", order.limit_price, order.type.needs_limit_price)
    _check_price(order, "stop_price", order.stop_price, order.type.needs_stop_price)
    _check_trailing(order)
    gtd = order.time_in_force is TimeInForce.GTD
    if gtd and order.expires_at is None:
        raise _fail("expires_at", "a GTD order needs expires_at (an aware datetime)")
    if not gtd and order.expires_at is not None:
        raise _fail("expires_at", "only a GTD order takes expires_at; set time_in_force=GTD")
