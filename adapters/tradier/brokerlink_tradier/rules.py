"""Tradier's order rules, checked before any request (NOTES §4.2, §8.7; the OMS error table).

The generic limits (asset classes, order types, durations per asset class, leg count, group
kinds) are in the capabilities and enforced by the facade. What only Tradier asks is here, raised
as :class:`~brokerlink.errors.InvalidOrderError` naming the field and the fix:

- equities trade in whole shares;
- no GTC short sales (``ShortOrderIsGtc``) and no GTC market orders (``MarketOrderIsGtc``);
- pre/post-market (``DAY_EXT``) orders are limit orders on equities;
- a multi-leg order is either all options on one underlying (``multileg``, up to 4 legs) or one
  equity leg with one or two options on it (``combo``), priced ``MARKET`` or at a net ``LIMIT``;
- OCO: two orders on one instrument, of different types, each limit/stop/stop-limit; OTO: two
  orders, the first limit/stop/stop-limit (``OtoFirstLesIsMarketNotAllowed``); a bracket is an
  ``otoco`` whose three orders are all limit/stop/stop-limit; every member has one leg;
- ``tag`` (our client id): letters, digits and ``-``, at most 255 characters.
"""

from __future__ import annotations

import re

from brokerlink.enums import GroupKind, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Equity, Option
from brokerlink.models import Leg, NewOrder, OrderGroup
from brokerlink_tradier.quirks import BROKER

__all__ = ["check_group", "check_order", "check_tag", "combo_order_of"]

_TAG = re.compile(r"[A-Za-z0-9-]{1,255}")
_PRICED = frozenset({OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT})


def _fail(field: str, message: str) -> InvalidOrderError:
    return InvalidOrderError(f"{field}: {message}", field=field, broker=BROKER)


def check_tag(client_id: str) -> None:
    """Tradier's ``tag`` takes letters, digits and ``-`` only, at most 255 characters."""
    if not _TAG.fullmatch(client_id):
        raise _fail(
            "client_id",
            f"{client_id!r} cannot be a Tradier tag (letters, digits and '-' only, at most 255 "
            "characters); omit client_id to have a valid one generated",
        )


def combo_order_of(order: NewOrder) -> tuple[Leg, ...] | None:
    """A combo's legs with the equity leg first, or ``None`` when ``order`` has no equity leg."""
    equities = [leg for leg in order.legs if isinstance(leg.instrument, Equity)]
    if not equities:
        return None
    options = [leg for leg in order.legs if not isinstance(leg.instrument, Equity)]
    return (*equities, *options)


def check_order(order: NewOrder) -> None:
    """Raise :class:`InvalidOrderError` when Tradier would refuse ``order``."""
    check_tag(order.client_id)
    for leg in order.legs:
        if isinstance(leg.instrument, Equity) and leg.quantity != leg.quantity.to_integral_value():
            raise _fail("quantity", f"Tradier trades whole shares; {leg.quantity} is fractional")
    if order.time_in_force is TimeInForce.GTC:
        if order.type is OrderType.MARKET:
            raise _fail("time_in_force", "Tradier refuses GTC market orders: use DAY or a limit")
        if any(_is_short_sale(leg) for leg in order.legs):
            raise _fail("time_in_force", "Tradier refuses GTC short sales: use DAY")
    if order.time_in_force is TimeInForce.DAY_EXT and (
        order.type is not OrderType.LIMIT or order.is_multi_leg
    ):
        raise _fail(
            "time_in_force",
            "pre/post-market (DAY_EXT) orders must be single-leg limit orders on Tradier",
        )
    if order.is_multi_leg:
        _check_multi_leg(order)


def _is_short_sale(leg: Leg) -> bool:
    return (
        isinstance(leg.instrument, Equity)
        and leg.side is Side.SELL
        and leg.effect is PositionEffect.OPEN
    )


def _check_multi_leg(order: NewOrder) -> None:
    if order.type not in (OrderType.MARKET, OrderType.LIMIT):
        raise _fail("type", "multi-leg orders are MARKET or a net LIMIT on Tradier")
    options = [leg.instrument for leg in order.legs if isinstance(leg.instrument, Option)]
    equities = [leg.instrument for leg in order.legs if isinstance(leg.instrument, Equity)]
    roots = {option.underlying for option in options} | {e.symbol for e in equities}
    if len(roots) > 1:
        raise _fail("legs", f"every leg must be on one underlying, got {', '.join(sorted(roots))}")
    if equities and (len(equities) > 1 or not 1 <= len(options) <= 2):
        raise _fail("legs", "a combo is one equity leg and one or two option legs on that equity")


def check_group(group: OrderGroup) -> None:
    """Raise :class:`InvalidOrderError` when Tradier would refuse ``group``."""
    for order in group.orders:
        check_order(order)
        if order.is_multi_leg:
            raise _fail("orders", "orders in a Tradier OCO/OTO/bracket must be single-leg")
    kind = group.kind
    if kind in (GroupKind.OCO, GroupKind.OTO) and len(group.orders) != 2:
        raise _fail("orders", f"a Tradier {kind.name} group is exactly two orders")
    if kind is GroupKind.OCO:
        first, second = group.orders
        if first.instrument != second.instrument:
            raise _fail("orders", "both orders of an OCO must trade the same instrument")
        if first.type is second.type:
            raise _fail("orders", "the two orders of an OCO must be of different types")
    members = group.orders if kind is not GroupKind.OTO else group.orders[:1]
    for order in members:
        if order.type not in _PRICED:
            raise _fail(
                "orders",
                f"{order.type.name} is not allowed here: Tradier takes limit, stop or stop-limit "
                f"orders in {'the trigger of an OTO' if kind is GroupKind.OTO else 'this group'}",
            )
