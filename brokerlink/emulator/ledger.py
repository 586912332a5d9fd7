"""Accounts: cash, holdings, settlement and margin requirements.

Money rules, kept deliberately simple and documented so tests can state them:

- a fill moves cash by ``-signed quantity * price * multiplier - fees`` and updates the holding's
  average price (on increases) or realized P&L (on decreases);
- a **cash** account may only spend settled cash; sale proceeds settle at the next regular
  session's open (T+1). Short sales are not allowed there;
- a **margin** account's buying power is ``margin_multiplier * (equity - requirement)`` (Reg T
  "stock buying power"), where the requirement is 50% of equity positions, 100% of long options
  and crypto (not marginable), 20% of the underlying's value for naked short options, the width
  for short options covered by a long of the same series kind, and 5% of futures notional.

Working orders reserve the buying power their fill would consume, so many resting orders cannot
spend the same money twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.emulator.orders import tidy_price
from brokerlink.enums import AccountType, OptionRight, Side
from brokerlink.instruments import Crypto, Equity, Future, FutureOption, Instrument, Option

__all__ = ["AccountState", "Holding", "requirement"]

_ZERO = Decimal(0)
_EQUITY_RATE = Decimal("0.5")
_NAKED_OPTION_RATE = Decimal("0.2")
_FUTURE_RATE = Decimal("0.05")

Mark = Callable[[Instrument], Decimal]
"""The current mark price of an instrument (per unit, before the multiplier)."""


@attrs.define
class Holding:
    """One position of an account: signed quantity, average price, realized P&L so far."""

    instrument: Instrument
    quantity: Decimal
    average_price: Decimal
    opened_at: datetime
    realized_pnl: Decimal = _ZERO


@attrs.define
class AccountState:
    """The mutable ledger of one emulated account."""

    id: str
    type: AccountType
    cash: Decimal
    holdings: dict[Instrument, Holding] = attrs.Factory(dict)
    # (settles_at, amount): proceeds of sales in a cash account, not yet spendable.
    unsettled: list[tuple[datetime, Decimal]] = attrs.Factory(list)

    @property
    def is_cash(self) -> bool:
        """True for a cash account (no margin, no short sales, settled cash only)."""
        return self.type is AccountType.CASH

    def settle(self, now: datetime) -> None:
        """Release the unsettled proceeds whose settlement time has come."""
        self.unsettled = [(when, amount) for when, amount in self.unsettled if when > now]

    @property
    def unsettled_cash(self) -> Decimal:
        """Proceeds received but not settled yet."""
        return sum((amount for _when, amount in self.unsettled), _ZERO)

    @property
    def settled_cash(self) -> Decimal:
        """Cash that may be spent now."""
        return self.cash - self.unsettled_cash

    def quantity_of(self, inst: Instrument) -> Decimal:
        """Signed position quantity in ``inst`` (zero when flat)."""
        holding = self.holdings.get(inst)
        return holding.quantity if holding is not None else _ZERO

    def apply_fill(
        self,
        inst: Instrument,
        side: Side,
        quantity: Decimal,
        price: Decimal,
        fees: Decimal,
        at: datetime,
        settles_at: datetime | None,
    ) -> Holding:
        """Book an execution; return the holding afterwards (quantity zero when now flat).

        ``settles_at`` is when a cash account's sale proceeds become spendable (``None``: now).
        """
        signed = side.sign * quantity
        amount = signed * price * inst.multiplier
        self.cash -= amount + fees
        if self.is_cash and amount < 0 and settles_at is not None:
            self.unsettled.append((settles_at, -amount))
        holding = self.holdings.get(inst)
        if holding is None or holding.quantity == 0:
            holding = Holding(instrument=inst, quantity=_ZERO, average_price=price, opened_at=at)
            self.holdings[inst] = holding
        old = holding.quantity
        new = old + signed
        if old == 0 or (old > 0) == (signed > 0):
            # Growing (or opening): the average price blends in the new units.
            average = (old * holding.average_price + signed * price) / new
            holding.average_price = tidy_price(average)
        else:
            closed = min(abs(signed), abs(old))
            direction = 1 if old > 0 else -1
            holding.realized_pnl += (
                (price - holding.average_price) * closed * direction * inst.multiplier
            )
            if new != 0 and (new > 0) != (old > 0):
                # Crossed through zero: what is left is a fresh position at this price.
                holding.average_price = price
                holding.opened_at = at
        holding.quantity = new
        if new == 0:
            del self.holdings[inst]
        return holding


def requirement(
    positions: Mapping[Instrument, Decimal],
    mark: Mark,
    underlying_mark: Callable[[Option], Decimal],
) -> Decimal:
    """The margin requirement of ``positions`` (instrument -> signed quantity), in dollars.

    Short options are paired greedily with long options of the same root, right and expiration;
    a paired short needs the spread's maximum loss (zero for a debit spread), an unpaired one 20%
    of the underlying's value. A futures option needs its premium, and a short one the future's
    margin besides (no spread pairing).
    """
    total = _ZERO
    longs: dict[tuple[str, OptionRight, object], list[list[Decimal]]] = {}
    shorts: list[tuple[Option, Decimal]] = []
    for inst, qty in positions.items():
        if qty == 0:
            continue
        value = abs(qty) * mark(inst) * inst.multiplier
        if isinstance(inst, Equity):
            total += _EQUITY_RATE * value
        elif isinstance(inst, Future):
            total += _FUTURE_RATE * value
        elif isinstance(inst, Crypto):
            total += value
        elif isinstance(inst, FutureOption):
            # A long pays its premium; a short holds the premium plus the future's margin.
            total += value
            if qty < 0:
                total += _FUTURE_RATE * abs(qty) * mark(inst.future) * inst.multiplier
        elif isinstance(inst, Option):
            if qty > 0:
                total += value
                key = (inst.underlying, inst.right, inst.expiration)
                longs.setdefault(key, []).append([inst.strike, qty])
            else:
                shorts.append((inst, -qty))
        else:
            total += value
    for option, qty in sorted(shorts, key=lambda item: (str(item[0]), item[1])):
        remaining = qty
        for pair in longs.get((option.underlying, option.right, option.expiration), []):
            if remaining == 0:
                break
            take = min(pair[1], remaining)
            if take <= 0:
                continue
            pair[1] -= take
            remaining -= take
            width = (
                pair[0] - option.strike
                if option.right is OptionRight.CALL
                else option.strike - pair[0]
            )
            total += max(width, _ZERO) * take * option.multiplier
        if remaining > 0:
            total += _NAKED_OPTION_RATE * underlying_mark(option) * remaining * option.multiplier
    return total
