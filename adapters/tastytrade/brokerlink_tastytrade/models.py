"""Models only tastytrade has: balance snapshots and account transactions.

They are what :meth:`TastytradeAdapter.balance_snapshots` and
:meth:`TastytradeAdapter.transactions` return. Amounts are signed the brokerlink way (cash in is
positive, cash out negative), folded from tastytrade's unsigned amount + ``*-effect`` pairs at the
parse boundary. Account numbers are masked in reprs; ``raw`` keeps the payload.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import attrs

from brokerlink.instruments import Instrument
from brokerlink.models import Balance
from brokerlink.redact import mask_account as masked

__all__ = ["BalanceSnapshot", "Transaction"]


@attrs.frozen(kw_only=True)
class BalanceSnapshot:
    """An account's balances at the beginning (``BOD``) or end (``EOD``) of ``day``."""

    day: date
    time_of_day: Literal["BOD", "EOD"] | None
    balance: Balance


@attrs.frozen(kw_only=True)
class Transaction:
    """One ledger entry: a trade, a dividend, a fee, a deposit, ...

    ``value`` is the gross cash effect and ``net_value`` the effect after fees (positive: cash
    came in). ``quantity`` and ``price`` are set for trades and deliveries; ``instrument`` when
    the entry is about one.
    """

    id: str
    account: str = attrs.field(repr=masked)
    type: str
    sub_type: str | None
    description: str | None
    executed_at: datetime
    instrument: Instrument | None
    action: str | None
    quantity: Decimal | None
    price: Decimal | None
    value: Decimal | None
    net_value: Decimal | None
    fees: Decimal
    order_id: str | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)
