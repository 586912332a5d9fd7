"""Accounts, balances and positions, as brokers report them.

These are built by adapters from broker payloads, so they carry no converters: adapters pass
``Decimal`` and aware UTC datetimes, and the only check at construction is on the datetimes (see
:mod:`brokerlink.models._common`). Account ids are masked in every repr.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.enums import AccountStatus, AccountType, Side
from brokerlink.instruments import Instrument, InstrumentLike, instrument
from brokerlink.models._common import masked, optional_utc

__all__ = ["Account", "Balance", "Position", "held_quantity"]


@attrs.frozen(kw_only=True)
class Account:
    """A brokerage account the credentials can see.

    ``id`` is the broker's account number (masked in repr); ``type`` and ``status`` are descriptive
    and fall back to ``UNKNOWN`` for values an adapter does not know.
    """

    id: str = attrs.field(repr=masked)
    type: AccountType
    status: AccountStatus
    currency: str = "USD"
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def can_trade(self) -> bool:
        """True when the account is active (restricted and closed accounts cannot open trades)."""
        return self.status is AccountStatus.ACTIVE


@attrs.frozen(kw_only=True)
class Balance:
    """Cash, equity and buying power of one account at ``time``.

    ``cash`` is settled plus unsettled cash (negative on margin debit); ``equity`` is the
    account's liquidation value. Optional amounts are ``None`` when the broker does not report them
    (for this account type or environment), never a made-up zero.
    """

    account: str = attrs.field(repr=masked)
    cash: Decimal
    equity: Decimal
    buying_power: Decimal
    day_trading_buying_power: Decimal | None = None
    maintenance_requirement: Decimal | None = None
    unsettled_cash: Decimal | None = None
    currency: str = "USD"
    time: datetime | None = attrs.field(default=None, validator=optional_utc)
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Position:
    """An open position. ``quantity`` is signed: negative when short.

    ``average_price`` is per unit (per share, per contract, before the multiplier, as brokers
    quote prices). ``market_value`` and ``unrealized_pnl`` are ``None`` when the broker does not
    report them (Tradier's positions carry only cost basis).
    """

    account: str = attrs.field(repr=masked)
    instrument: Instrument
    quantity: Decimal
    average_price: Decimal
    market_value: Decimal | None
    unrealized_pnl: Decimal | None
    realized_pnl: Decimal | None = None
    opened_at: datetime | None = attrs.field(default=None, validator=optional_utc)
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def is_short(self) -> bool:
        """True when the position is short (negative quantity)."""
        return self.quantity < 0

    @property
    def side(self) -> Side:
        """``BUY`` for a long position, ``SELL`` for a short one (the side that opened it)."""
        return Side.SELL if self.quantity < 0 else Side.BUY

    @property
    def closing_side(self) -> Side:
        """The side of an order that closes this position."""
        return self.side.opposite

    @property
    def cost_basis(self) -> Decimal:
        """Signed amount paid to open: ``quantity * average_price * multiplier``."""
        return self.quantity * self.average_price * self.instrument.multiplier


def held_quantity(positions: Iterable[Position], symbol: InstrumentLike) -> Decimal:
    """The signed quantity of ``symbol`` across ``positions``: zero when none holds it,
    negative when short. ``symbol`` is matched as an instrument, so any spelling of it works."""
    target = instrument(symbol)
    return sum((p.quantity for p in positions if p.instrument == target), Decimal(0))
