"""The ``tastytrade`` extension: what tastytrade offers beyond the neutral API.

``broker.extension("tastytrade")`` (sync) or ``async_broker.extension("tastytrade")`` (awaited)::

    tt = broker.extension("tastytrade")
    tt.balance_snapshots(start=date(2025, 1, 2), time_of_day="EOD")
    tt.transactions(start=date(2025, 1, 1))
    tt.place_notional("AAPL", bl.BUY, "10.00")        # ten dollars of AAPL (fractional)

Each method returns an operation the facade runs, exactly like the adapter's own operations;
``account=None`` means the profile's default (or only) account, as everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from brokerlink.broker.core import AccountRef
from brokerlink.broker.extensions import Extension
from brokerlink.enums import PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import InstrumentLike, instrument
from brokerlink.models import Order, _convert
from brokerlink.money import DecimalLike, to_decimal
from brokerlink.runtime.operation import Operation
from brokerlink_tastytrade.models import BalanceSnapshot, Transaction

if TYPE_CHECKING:
    from brokerlink_tastytrade import TastytradeAdapter

__all__ = ["TastytradeExtension"]


class TastytradeExtension(Extension):
    """Balance snapshots, transactions and notional orders (see the module docstring)."""

    @property
    def _tasty(self) -> TastytradeAdapter:
        from brokerlink_tastytrade import TastytradeAdapter

        assert isinstance(self.adapter, TastytradeAdapter)
        return self.adapter

    def balance_snapshots(
        self,
        *,
        account: AccountRef = None,
        start: date | None = None,
        end: date | None = None,
        time_of_day: str | None = None,
    ) -> Operation[list[BalanceSnapshot]]:
        """Daily balance snapshots (``time_of_day`` ``"BOD"`` or ``"EOD"``)."""
        account_id = yield from self.account_id(account)
        return (
            yield from self._tasty.balance_snapshots(
                account_id, start=start, end=end, time_of_day=time_of_day
            )
        )

    def transactions(
        self, *, account: AccountRef = None, start: date | None = None, end: date | None = None
    ) -> Operation[list[Transaction]]:
        """The account's transactions (trades, fees, transfers), every page."""
        account_id = yield from self.account_id(account)
        return (yield from self._tasty.transactions(account_id, start=start, end=end))

    def place_notional(
        self,
        symbol: InstrumentLike,
        side: Side | str,
        amount: DecimalLike,
        *,
        account: AccountRef = None,
        effect: PositionEffect | str = PositionEffect.OPEN,
        time_in_force: TimeInForce | str = TimeInForce.DAY,
        client_id: str | None = None,
    ) -> Operation[Order]:
        """A ``Notional Market`` order: ``amount`` dollars of ``symbol`` (equities, crypto)."""
        dollars = to_decimal(amount, field="amount")
        if dollars <= 0:
            raise InvalidOrderError(
                f"a notional order needs a positive dollar amount, not {amount}",
                field="amount",
                broker="tastytrade",
            )
        account_id = yield from self.account_id(account)
        return (
            yield from self._tasty.place_notional(
                account_id,
                instrument(symbol),
                _convert.side(side),
                dollars,
                effect=_convert.effect(effect),
                time_in_force=_convert.time_in_force(time_in_force),
                client_id=_convert.client_id(client_id),
            )
        )
