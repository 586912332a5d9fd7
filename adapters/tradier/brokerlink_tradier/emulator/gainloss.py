"""Closed positions from the account's executions, first in first out (DOC get-account-gainloss).

Each execution that reduces a position closes the oldest open lots first; every (lot, closing
execution) pair is one ``closed_position`` with its cost, proceeds, gain/loss and its term in
days. Commissions stay out of cost and proceeds, so a round trip at one price gains exactly 0.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from brokerlink.enums import Side
from brokerlink.instruments import Instrument
from brokerlink.models import Fill, Order

from .symbols import to_tradier
from .wire import money, qty

__all__ = ["Closed", "closed_positions"]

_HUNDRED = Decimal(100)
_PERCENT = Decimal("0.0001")


@attrs.frozen(kw_only=True)
class Closed:
    """One closed lot."""

    symbol: str
    quantity: Decimal
    cost: Decimal
    proceeds: Decimal
    open_date: datetime
    close_date: datetime

    @property
    def gain_loss(self) -> Decimal:
        """Proceeds minus cost."""
        return self.proceeds - self.cost

    def to_wire(self) -> dict[str, Any]:
        """The ``closed_position`` object."""
        percent = (
            (self.gain_loss / self.cost * _HUNDRED).quantize(_PERCENT) if self.cost else Decimal(0)
        )
        return {
            "close_date": _midnight(self.close_date),
            "cost": money(self.cost),
            "gain_loss": money(self.gain_loss),
            "gain_loss_percent": percent,
            "open_date": _midnight(self.open_date),
            "proceeds": money(self.proceeds),
            "quantity": qty(self.quantity),
            "symbol": self.symbol,
            "term": (self.close_date.date() - self.open_date.date()).days,
        }


def _midnight(when: datetime) -> str:
    return f"{when.date().isoformat()}T00:00:00.000Z"


@attrs.define
class _Lot:
    quantity: Decimal  # signed: negative for a short lot
    price: Decimal
    opened: datetime


def closed_positions(fills: Iterable[tuple[Order, Fill]]) -> list[Closed]:
    """The lots the executions closed, in the order they were closed."""
    lots: dict[Instrument, deque[_Lot]] = {}
    closed: list[Closed] = []
    for _order, fill in fills:
        book = lots.setdefault(fill.instrument, deque())
        signed = fill.quantity if fill.side is Side.BUY else -fill.quantity
        multiplier = fill.instrument.multiplier
        while signed and book and (book[0].quantity > 0) != (signed > 0):
            lot = book[0]
            size = min(abs(lot.quantity), abs(signed))
            opening, closing = lot.price * size * multiplier, fill.price * size * multiplier
            long_lot = lot.quantity > 0
            closed.append(
                Closed(
                    symbol=to_tradier(fill.instrument),
                    quantity=size,
                    cost=opening if long_lot else closing,
                    proceeds=closing if long_lot else opening,
                    open_date=lot.opened,
                    close_date=fill.time,
                )
            )
            lot.quantity += size if not long_lot else -size
            signed += size if signed < 0 else -size
            if lot.quantity == 0:
                book.popleft()
        if signed:
            book.append(_Lot(signed, fill.price, fill.time))
    return closed
