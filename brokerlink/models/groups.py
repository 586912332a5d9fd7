"""Order groups: one-cancels-other, one-triggers-others, and brackets.

A bracket is an entry order plus two exits that cancel each other once the entry fills: a
take-profit (a ``LIMIT`` on the opposite side) and a stop-loss (a ``STOP``, ``STOP_LIMIT`` or
``TRAILING_STOP`` on the opposite side). Its ``orders`` are ``(entry, take_profit, stop_loss)``.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from brokerlink.enums import GroupKind, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.models.new_order import NewOrder
from brokerlink.money import DecimalLike

__all__ = ["OrderGroup"]

_STOP_TYPES = (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP)


def _fail(field: str, message: str) -> InvalidOrderError:
    return InvalidOrderError(f"{field}: {message}", field=field)


def _orders(value: tuple[NewOrder, ...] | list[NewOrder]) -> tuple[NewOrder, ...]:
    orders = tuple(value)
    for order in orders:
        if not isinstance(order, NewOrder):
            raise _fail(
                "orders", f"{order!r} is not a NewOrder; build one with NewOrder.limit(...)"
            )
    return orders


@attrs.frozen(kw_only=True)
class OrderGroup:
    """Orders placed together: build one with :meth:`oco`, :meth:`oto` or :meth:`bracket`.

    OCO: any fill cancels the others. OTO: ``orders[0]`` triggers the rest when it fills. BRACKET:
    ``(entry, take_profit, stop_loss)``; the entry's fill triggers the exits, which are an OCO.
    """

    kind: GroupKind
    orders: tuple[NewOrder, ...] = attrs.field(converter=_orders)

    def __attrs_post_init__(self) -> None:
        if self.kind is GroupKind.OCO and len(self.orders) < 2:
            raise _fail("orders", "an OCO group needs at least 2 orders")
        if self.kind is GroupKind.OTO and len(self.orders) < 2:
            raise _fail("orders", "an OTO group needs a trigger order and at least 1 child")
        if self.kind is GroupKind.BRACKET:
            if len(self.orders) != 3:
                raise _fail("orders", "a bracket is exactly (entry, take_profit, stop_loss)")
            _check_bracket(*self.orders)
        accounts = {order.account for order in self.orders}
        if len(accounts) > 1:
            raise _fail("orders", "the orders name different accounts; a group is one account's")

    @classmethod
    def oco(cls, first: NewOrder, second: NewOrder, *more: NewOrder) -> OrderGroup:
        """One-cancels-other: when any order fills, the others are canceled."""
        return cls(kind=GroupKind.OCO, orders=(first, second, *more))

    @classmethod
    def oto(cls, trigger: NewOrder, *children: NewOrder) -> OrderGroup:
        """One-triggers-others: ``children`` are sent once ``trigger`` fills."""
        return cls(kind=GroupKind.OTO, orders=(trigger, *children))

    @classmethod
    def bracket(
        cls,
        entry: NewOrder,
        *,
        take_profit: DecimalLike | NewOrder,
        stop_loss: DecimalLike | NewOrder,
        exit_time_in_force: TimeInForce | str | None = None,
    ) -> OrderGroup:
        """An entry with a take-profit and a stop-loss exit.

        A price for ``take_profit`` becomes a ``LIMIT`` exit, a price for ``stop_loss`` a ``STOP``
        exit: opposite side, ``effect=CLOSE``, the entry's instrument, quantity and account, and
        the entry's time in force unless ``exit_time_in_force`` is given (``GTC`` keeps the exits
        working after the day). Built exits take client ids derived from the entry's
        (``<entry>-tp``, ``<entry>-sl``), so the group is traceable at the broker and the same
        bracket is the same request every time. Ready-made ``NewOrder`` exits are used as they
        are, except that one without an account takes the entry's.
        """
        if entry.is_multi_leg:
            raise _fail("orders", "a bracket's entry must be a single-leg order")
        tif = entry.time_in_force if exit_time_in_force is None else exit_time_in_force
        expires = entry.expires_at if tif == TimeInForce.GTD else None
        side, qty, close = entry.side.opposite, entry.quantity, PositionEffect.CLOSE
        try:
            if not isinstance(take_profit, NewOrder):
                take_profit = NewOrder.limit(
                    entry.instrument, side, qty, take_profit, effect=close, time_in_force=tif,
                    expires_at=expires, account=entry.account,
                    client_id=exit_client_id(entry.client_id, "tp"),
                )  # fmt: skip
        except InvalidOrderError as exc:
            raise _fail("take_profit", exc.message) from exc
        try:
            if not isinstance(stop_loss, NewOrder):
                stop_loss = NewOrder.stop(
                    entry.instrument, side, qty, stop_loss, effect=close, time_in_force=tif,
                    expires_at=expires, account=entry.account,
                    client_id=exit_client_id(entry.client_id, "sl"),
                )  # fmt: skip
        except InvalidOrderError as exc:
            raise _fail("stop_loss", exc.message) from exc
        # Ready-made exits without an account follow the entry's.
        if entry.account is not None:
            if take_profit.account is None:
                take_profit = take_profit.with_account(entry.account)
            if stop_loss.account is None:
                stop_loss = stop_loss.with_account(entry.account)
        return cls(kind=GroupKind.BRACKET, orders=(entry, take_profit, stop_loss))

    @property
    def primary(self) -> NewOrder:
        """The first order: the trigger of an OTO, the entry of a bracket."""
        return self.orders[0]

    @property
    def children(self) -> tuple[NewOrder, ...]:
        """The orders after :attr:`primary`: a bracket's two exits, an OTO's triggered orders."""
        return self.orders[1:]

    @property
    def all_orders(self) -> tuple[NewOrder, ...]:
        """Every order of the group, primary first."""
        return self.orders

    def with_account(self, account: str | None) -> OrderGroup:
        """A copy with every order set to ``account``."""
        return attrs.evolve(self, orders=tuple(o.with_account(account) for o in self.orders))


def exit_client_id(entry_client_id: str, role: str) -> str:
    """The client id of a bracket exit built for the entry ``entry_client_id`` (``role``: tp/sl).

    Client ids are at most 40 characters, so a long entry id is cut to leave room for the suffix.
    """
    return f"{entry_client_id[: 39 - len(role)]}-{role}"


def _check_bracket(entry: NewOrder, take_profit: NewOrder, stop_loss: NewOrder) -> None:
    if entry.is_multi_leg:
        raise _fail("orders", "a bracket's entry must be a single-leg order")
    for field, exit_ in (("take_profit", take_profit), ("stop_loss", stop_loss)):
        if exit_.is_multi_leg or exit_.instrument != entry.instrument:
            raise _fail(field, f"the exit must trade the entry's instrument, {entry.instrument}")
        if exit_.side is entry.side:
            raise _fail(field, f"the exit must be on the opposite side ({entry.side.opposite})")
        if exit_.quantity > entry.quantity:
            raise _fail(field, f"exit quantity {exit_.quantity} exceeds entry {entry.quantity}")
    if take_profit.type is not OrderType.LIMIT:
        raise _fail("take_profit", "the take-profit exit must be a LIMIT order")
    if stop_loss.type not in _STOP_TYPES:
        raise _fail("stop_loss", "the stop-loss exit must be a STOP, STOP_LIMIT or TRAILING_STOP")
    _check_bracket_prices(entry, take_profit.limit_price, stop_loss.stop_price)


def _check_bracket_prices(entry: NewOrder, target: Decimal | None, stop: Decimal | None) -> None:
    # ``sign`` folds buys and sells into one rule: profit is above a long entry, below a short.
    sign = entry.side.sign
    word = "above" if entry.side is Side.BUY else "below"
    other = "below" if entry.side is Side.BUY else "above"
    if target is not None and stop is not None and sign * (target - stop) <= 0:
        raise _fail(
            "take_profit",
            f"take_profit {target} must be {word} stop_loss {stop} for a {entry.side} entry",
        )
    reference = entry.limit_price if entry.limit_price is not None else entry.stop_price
    if reference is None:
        return
    if target is not None and sign * (target - reference) <= 0:
        raise _fail("take_profit", f"take_profit {target} must be {word} the entry's {reference}")
    if stop is not None and sign * (reference - stop) <= 0:
        raise _fail("stop_loss", f"stop_loss {stop} must be {other} the entry's {reference}")
