"""Closing positions and flattening an account, the same way on every broker.

A close is planned completely before anything is sent: every closing order is built, checked
against the capabilities and previewed (where the broker offers previews); only when all of them
passed are they placed, one after the other, and never resent. A failure names the position that
could not be closed and why, so nothing is left half-done by a check that could have failed first.

Position effects (the adapters write them in each broker's words):

=================  ==============  =========================================================
position           closing leg     on the wire
=================  ==============  =========================================================
equity long        SELL + CLOSE    Tradier ``sell``, TradeStation ``SELL``, tastytrade ``Sell to Close``
equity short       BUY + CLOSE     ``buy_to_cover``, ``BUYTOCOVER``, ``Buy to Close``
option long        SELL + CLOSE    ``sell_to_close``, ``SELLTOCLOSE``, ``Sell to Close``
option short       BUY + CLOSE     ``buy_to_close``, ``BUYTOCLOSE``, ``Buy to Close``
future             SELL/BUY+CLOSE  TradeStation ``SELL``/``BUY`` (no effect on its wire);
                                   tastytrade ``Sell to Close`` (its futures example uses
                                   the to-open/to-close actions too)
=================  ==============  =========================================================

Spreads close as one multi-leg order, each leg on the opposite side with effect CLOSE, the leg
quantities in the legs' ratio. How that order is priced depends on what the broker accepts for a
combo (see :func:`~brokerlink.broker.closing_combos.combo_pricing`): a market order where a market combo is allowed, otherwise a
limit at the net mid from current quotes, rounded to the tick towards a fill.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

import attrs

from brokerlink import errors
from brokerlink.broker.closing_combos import (
    ComboPricing,
    combo_pricing,
    net_mid_price,
    option_groups,
)
from brokerlink.capabilities import Feature
from brokerlink.enums import OrderStatus, OrderType, PositionEffect, Side
from brokerlink.instruments import Instrument, InstrumentLike
from brokerlink.instruments import instrument as as_instrument
from brokerlink.models import Leg, NewOrder, Order, Position
from brokerlink.money import DecimalLike, format_plain, to_decimal

if TYPE_CHECKING:
    from brokerlink.broker.core import AccountRef, BrokerCore
    from brokerlink.runtime.operation import Operation

__all__ = [
    "CloseTarget",
    "Closing",
    "close_position",
    "closing_leg",
    "closing_order",
    "describe",
    "execute",
    "flatten",
    "named",
]

CloseTarget: TypeAlias = Position | InstrumentLike | Sequence[Position | InstrumentLike]
"""A position or symbol to close, or the legs of a spread (positions or symbols) to close as one."""


@attrs.frozen
class Closing:
    """One planned closing order and the positions it closes."""

    positions: tuple[Position, ...]
    order: NewOrder

    def describe(self) -> str:
        """The positions, for messages: ``AAPL (10 held)``, ``... + ... (-1 held)``."""
        return describe(self.positions)


def describe(positions: Iterable[Position]) -> str:
    """``AAPL (10 held) + MSFT (-4 held)``."""
    return " + ".join(f"{p.instrument} ({format_plain(p.quantity)} held)" for p in positions)


def closing_leg(position: Position, quantity: Decimal) -> Leg:
    """The leg closing ``quantity`` (positive) of ``position``: the opposite side, effect CLOSE."""
    side = Side.SELL if position.quantity > 0 else Side.BUY
    return Leg(
        instrument=position.instrument, side=side, quantity=quantity, effect=PositionEffect.CLOSE
    )


def closing_order(position: Position, quantity: Decimal, account_id: str) -> NewOrder:
    """A market order closing ``quantity`` of ``position`` (sell to close, buy to cover, ...)."""
    leg = closing_leg(position, quantity)
    return NewOrder(legs=(leg,), type=OrderType.MARKET, account=account_id)


def _about(exc: errors.BrokerError, positions: Iterable[Position]) -> errors.BrokerError:
    """``exc`` (same type and fields) with a message naming the positions it concerns."""
    exc.message = f"could not close {describe(positions)}: {exc.message}"
    exc.args = (exc.message,)
    return exc


def _targets(target: CloseTarget) -> list[Position | InstrumentLike]:
    if isinstance(target, Position | str | Instrument):
        return [target]
    items = list(target)
    if not items:
        raise errors.InvalidOrderError(
            "close_position needs a position or symbol, or the legs of a spread; got none",
            field="symbol",
        )
    return items


def _account_of(items: Sequence[Position | InstrumentLike], account: AccountRef) -> AccountRef:
    if account is not None:
        return account
    accounts = {item.account for item in items if isinstance(item, Position)}
    if len(accounts) > 1:
        raise errors.InvalidOrderError(
            "the positions to close belong to different accounts; close them one by one",
            field="account",
        )
    return accounts.pop() if accounts else None


def _size(quantity: DecimalLike | None, names: str) -> Decimal | None:
    """The requested quantity, refused before any request when it is not positive."""
    if quantity is None:
        return None
    size = to_decimal(quantity, field="quantity")
    if size <= 0:
        raise errors.InvalidOrderError(
            f"quantity {format_plain(size)} to close {names} must be positive", field="quantity"
        )
    return size


def _too_much(size: Decimal, held: Decimal, names: str, unit: str = "") -> errors.InvalidOrderError:
    return errors.InvalidOrderError(
        f"cannot close {format_plain(size)}{unit} of {names}: {format_plain(held)} held; "
        "pass a quantity up to that, or none to close it all",
        field="quantity",
    )


def _units(positions: Sequence[Position]) -> int:
    """How many spreads the legs hold: the gcd of their whole quantities."""
    for p in positions:
        if p.quantity != p.quantity.to_integral_value():
            raise errors.InvalidOrderError(
                f"{p.instrument} holds a fractional {format_plain(p.quantity)}: a spread is closed "
                "in whole contracts; close that leg on its own",
                field="quantity",
            )
    return math.gcd(*(int(abs(p.quantity)) for p in positions))


# -- the public operations ---------------------------------------------------------------------


def close_position(
    core: BrokerCore,
    target: CloseTarget,
    quantity: DecimalLike | None,
    account: AccountRef,
    client_id: str | None = None,
) -> Operation[list[Order]]:
    """See :meth:`brokerlink.Broker.close_position`."""
    items = _targets(target)
    names = ", ".join(
        str(item.instrument if isinstance(item, Position) else as_instrument(item))
        for item in items
    )
    size = _size(quantity, names)
    given = [item for item in items if isinstance(item, Position)]
    if size is not None and len(items) == 1 and given and size > abs(given[0].quantity):
        raise _too_much(size, abs(given[0].quantity), names)  # known before any request
    account_id = yield from core.account_id(_account_of(items, account))
    held = yield from core.positions(account_id)
    positions: list[Position] = []
    for item in items:
        wanted = item.instrument if isinstance(item, Position) else as_instrument(item)
        found = next((p for p in held if p.instrument == wanted and p.quantity != 0), None)
        if found is None:
            raise errors.InvalidOrderError(
                f"no open position in {wanted} to close (0 held)", field="symbol"
            )
        if found in positions:
            raise errors.InvalidOrderError(f"{wanted} is named twice", field="symbol")
        positions.append(found)
    if len(positions) == 1:
        position = positions[0]
        whole = abs(position.quantity)
        if size is not None and size > whole:
            raise _too_much(size, whole, names)
        order = closing_order(position, whole if size is None else size, account_id)
        plan = [Closing((position,), order)]
    else:
        units = _units(positions)
        if size is not None and (size > units or size != size.to_integral_value()):
            raise _too_much(size, Decimal(units), describe(positions), " spread(s)")
        try:
            order = yield from _combo(core, positions, units if size is None else size, account_id)
        except errors.BrokerError as exc:
            raise _about(exc, positions) from None
        plan = [Closing(tuple(positions), order)]
    return (yield from execute(core, named(plan, client_id)))


def flatten(
    core: BrokerCore, account: AccountRef, client_id: str | None = None
) -> Operation[list[Order]]:
    """See :meth:`brokerlink.Broker.flatten`."""
    account_id = yield from core.account_id(account)
    working = yield from core.orders(account_id, "open", None)
    for live in working:
        # An order already asked to cancel is not asked twice (brokers refuse the second ask).
        if live.status.is_working and live.status is not OrderStatus.CANCEL_PENDING:
            yield from core.cancel(live.id, account_id)
    held = yield from core.positions(account_id)
    plan: list[Closing] = []
    for group in option_groups([p for p in held if p.quantity != 0], core.capabilities.max_legs):
        if len(group) == 1:
            position = group[0]
            order = closing_order(position, abs(position.quantity), account_id)
        else:
            try:
                order = yield from _combo(core, group, _units(group), account_id)
            except errors.BrokerError as exc:
                raise _about(exc, group) from None
        plan.append(Closing(tuple(group), order))
    return (yield from execute(core, named(plan, client_id)))


def named(plan: Sequence[Closing], client_id: str | None) -> list[Closing]:
    """The plan with client ids taken from ``client_id`` (itself for one order, ``<id>-1``,
    ``<id>-2``, ... for several); ``None`` keeps the generated ones. A caller that replays a
    recorded session passes its own, because generated ids differ from run to run."""
    if client_id is None:
        return list(plan)
    if len(plan) == 1:
        return [attrs.evolve(plan[0], order=plan[0].order.evolve(client_id=client_id))]
    return [
        attrs.evolve(closing, order=closing.order.evolve(client_id=f"{client_id}-{number}"))
        for number, closing in enumerate(plan, start=1)
    ]


def execute(core: BrokerCore, plan: Sequence[Closing]) -> Operation[list[Order]]:
    """Check every order, preview every order, then place them all (each placed once)."""
    for closing in plan:
        try:
            core.capabilities.require_order(closing.order)
        except errors.BrokerError as exc:
            raise _about(exc, closing.positions) from None
    if core.capabilities.supports(Feature.PREVIEW):
        for closing in plan:
            try:
                yield from core.preview(closing.order)
            except errors.BrokerError as exc:
                raise _about(exc, closing.positions) from None
    placed: list[Order] = []
    for closing in plan:
        try:
            placed.append((yield from core.place(closing.order)))
        except errors.BrokerError as exc:
            if placed:
                exc.message += (
                    f"; {len(placed)} closing order(s) were already placed "
                    f"({', '.join(o.id for o in placed)}): check orders() before closing again"
                )
            raise _about(exc, closing.positions) from None
    return placed


# -- the closing combo ---------------------------------------------------------------------------


def _combo(
    core: BrokerCore, positions: Sequence[Position], units: Decimal | int, account_id: str
) -> Operation[NewOrder]:
    """The multi-leg order closing ``units`` spreads of ``positions`` (legs in their ratio)."""
    whole = _units(positions)
    legs = [closing_leg(p, abs(p.quantity) / whole * Decimal(units)) for p in positions]
    caps = core.capabilities
    if combo_pricing(caps) is ComboPricing.MARKET:
        return NewOrder(legs=tuple(legs), type=OrderType.MARKET, account=account_id)
    price = yield from net_mid_price(core, legs)
    return NewOrder(legs=tuple(legs), type=OrderType.LIMIT, limit_price=price, account=account_id)
