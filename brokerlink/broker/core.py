"""The shared, I/O-free half of both facades.

:class:`BrokerCore` turns a facade call into a checked operation: it normalises symbols and
numbers, refuses what the capabilities exclude *before* any request is built, resolves the
default account, and adds the cross-broker logic (reconcile after an ambiguous placement, close
and flatten). :class:`~brokerlink.broker.sync.Broker` and
:class:`~brokerlink.broker.async_.AsyncBroker` only run what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from brokerlink import errors
from brokerlink.adapter import Adapter, OrderChanges
from brokerlink.broker import closing
from brokerlink.broker.closing import CloseTarget
from brokerlink.capabilities import Capabilities, Feature, StreamKind
from brokerlink.enums import TimeInForce
from brokerlink.instruments import Instrument, InstrumentLike, instrument
from brokerlink.models import (
    Account,
    Balance,
    Bar,
    NewOrder,
    OptionChain,
    Order,
    OrderGroup,
    OrderPreview,
    Position,
    Quote,
)
from brokerlink.money import DecimalLike, to_decimal
from brokerlink.redact import mask_account
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import ensure_utc

if TYPE_CHECKING:
    from brokerlink._http import Auth
    from brokerlink.runtime.operation import Operation

__all__ = ["AccountRef", "BarQuery", "BrokerCore"]

AccountRef = str | Account | None
"""An account id, an :class:`Account`, or ``None`` for the profile's default (or only) account."""


class BrokerCore:
    """Builds the operations behind every facade method for one connected adapter."""

    def __init__(
        self, adapter: Adapter, default_account: str | None, auth: Auth | None = None
    ) -> None:
        self.adapter = adapter
        self.capabilities: Capabilities = adapter.capabilities()
        self._default_account = default_account
        self.auth = auth
        """The connection's auth: an OAuth strategy that knows its scopes is checked per call."""

    def require_scopes(self, needs: Feature | StreamKind) -> None:
        """Raise :class:`~brokerlink.errors.ScopeError` naming the broker scope the token lacks
        for ``needs``, before any request (strategies that do not know their scopes pass)."""
        from brokerlink.oauth.scopes import require_scopes  # the oauth package loads on demand

        require_scopes(self.auth, needs)

    # -- accounts -------------------------------------------------------------------------------
    def account_id(self, account: AccountRef) -> Operation[str]:
        """The id to use for ``account``: given, from the profile, or the only account there is."""
        if isinstance(account, Account):
            return account.id
        if account is not None:
            return str(account)
        if self._default_account is not None:
            return self._default_account
        self.capabilities.require(Feature.ACCOUNTS)
        self.require_scopes(Feature.ACCOUNTS)
        accounts = yield from self.adapter.accounts()
        if len(accounts) != 1:
            listed = ", ".join(mask_account(a.id) for a in accounts) or "none"
            raise errors.ConfigError(
                f"{len(accounts)} accounts are available ({listed}) and none was chosen",
                key="account",
                fix="pass account=... to the call, or set `account` in the profile",
            )
        self._default_account = accounts[0].id
        return accounts[0].id

    def accounts(self) -> Operation[list[Account]]:
        """See :meth:`brokerlink.Broker.accounts`."""
        self.capabilities.require(Feature.ACCOUNTS)
        self.require_scopes(Feature.ACCOUNTS)
        return (yield from self.adapter.accounts())

    def balances(self, account: AccountRef) -> Operation[Balance]:
        """See :meth:`brokerlink.Broker.balances`."""
        self.capabilities.require(Feature.BALANCES)
        self.require_scopes(Feature.BALANCES)
        account_id = yield from self.account_id(account)
        return (yield from self.adapter.balances(account_id))

    def positions(self, account: AccountRef) -> Operation[list[Position]]:
        """See :meth:`brokerlink.Broker.positions`."""
        self.capabilities.require(Feature.POSITIONS)
        self.require_scopes(Feature.POSITIONS)
        account_id = yield from self.account_id(account)
        return (yield from self.adapter.positions(account_id))

    # -- orders ---------------------------------------------------------------------------------
    def orders(
        self, account: AccountRef, status: str, since: datetime | None
    ) -> Operation[list[Order]]:
        """See :meth:`brokerlink.Broker.orders`."""
        if status not in ("open", "all"):
            raise ValueError(f"status must be 'open' or 'all', not {status!r}")
        self.capabilities.require(Feature.ORDERS if since is None else Feature.ORDER_HISTORY)
        self.require_scopes(Feature.ORDERS if since is None else Feature.ORDER_HISTORY)
        since_utc = ensure_utc(since, field="since") if since is not None else None
        account_id = yield from self.account_id(account)
        return (yield from self.adapter.orders(account_id, status=status, since=since_utc))

    def order(self, order_id: str, account: AccountRef) -> Operation[Order]:
        """See :meth:`brokerlink.Broker.order`."""
        self.capabilities.require(Feature.ORDERS)
        self.require_scopes(Feature.ORDERS)
        account_id = yield from self.account_id(account)
        return (yield from self.adapter.order(account_id, str(order_id)))

    def preview(self, new_order: NewOrder) -> Operation[OrderPreview]:
        """See :meth:`brokerlink.Broker.preview`."""
        self.capabilities.require(Feature.PREVIEW)
        self.require_scopes(Feature.PREVIEW)
        self.capabilities.require_order(new_order)
        account_id = yield from self.account_id(new_order.account)
        return (yield from self.adapter.preview(account_id, new_order))

    def place(self, new_order: NewOrder) -> Operation[Order]:
        """Place one order; after an ambiguous send, look it up by client id before reporting."""
        self.capabilities.require_order(new_order)
        self.require_scopes(Feature.PLACE)
        account_id = yield from self.account_id(new_order.account)
        try:
            return (yield from self.adapter.place(account_id, new_order))
        except errors.AmbiguousOrderError as exc:
            found = yield from self._reconcile(account_id, new_order.client_id, exc)
            return found

    def place_group(self, group: OrderGroup) -> Operation[list[Order]]:
        """Place an OCO / OTO / bracket group (same reconcile rule, by the primary's client id)."""
        self.capabilities.require_group(group)
        self.require_scopes(Feature.PLACE)
        account_id = yield from self.account_id(group.primary.account)
        try:
            return (yield from self.adapter.place_group(account_id, group))
        except errors.AmbiguousOrderError as exc:
            primary = yield from self._reconcile(account_id, group.primary.client_id, exc)
            siblings = []
            for member in group.all_orders[1:]:
                found = yield from self.adapter.find_order(account_id, member.client_id)
                if found is not None:
                    siblings.append(found)
            return [primary, *siblings]

    def _reconcile(
        self, account_id: str, client_id: str, cause: errors.AmbiguousOrderError
    ) -> Operation[Order]:
        found = yield from self.adapter.find_order(account_id, client_id)
        if found is None:
            raise errors.AmbiguousOrderError(
                f"{cause.message}. A lookup by client_id found no such order yet; it may still "
                "appear. Check orders() before placing it again",
                client_id=client_id,
                broker=self.adapter.name,
            ) from cause
        return found

    def replace(
        self,
        order_id: str,
        account: AccountRef,
        *,
        quantity: DecimalLike | None = None,
        limit_price: DecimalLike | None = None,
        stop_price: DecimalLike | None = None,
        time_in_force: TimeInForce | str | None = None,
    ) -> Operation[Order]:
        """See :meth:`brokerlink.Broker.replace`."""
        changes = OrderChanges(
            quantity=None if quantity is None else to_decimal(quantity, field="quantity"),
            limit_price=None
            if limit_price is None
            else to_decimal(limit_price, field="limit_price"),
            stop_price=None if stop_price is None else to_decimal(stop_price, field="stop_price"),
            time_in_force=None if time_in_force is None else TimeInForce(time_in_force),
        )
        fields = changes.changed_fields()
        if not fields:
            raise errors.InvalidOrderError(
                "replace needs at least one of quantity, limit_price, stop_price, time_in_force",
                field="replace",
            )
        if changes.quantity is not None and changes.quantity <= 0:
            raise errors.InvalidOrderError("quantity must be positive", field="quantity")
        self.capabilities.require_replace(fields)
        self.require_scopes(Feature.REPLACE)
        account_id = yield from self.account_id(account)
        return (yield from self.adapter.replace(account_id, str(order_id), changes))

    def cancel(self, order_id: str, account: AccountRef) -> Operation[Order]:
        """See :meth:`brokerlink.Broker.cancel`."""
        self.capabilities.require(Feature.CANCEL)
        self.require_scopes(Feature.CANCEL)
        account_id = yield from self.account_id(account)
        return (yield from self.adapter.cancel(account_id, str(order_id)))

    # -- closing --------------------------------------------------------------------------------
    def close_position(
        self,
        target: CloseTarget,
        quantity: DecimalLike | None,
        account: AccountRef,
        client_id: str | None = None,
    ) -> Operation[list[Order]]:
        """See :meth:`brokerlink.Broker.close_position` (the logic is in :mod:`.closing`)."""
        return (yield from closing.close_position(self, target, quantity, account, client_id))

    def flatten(self, account: AccountRef, client_id: str | None = None) -> Operation[list[Order]]:
        """See :meth:`brokerlink.Broker.flatten` (the logic is in :mod:`.closing`)."""
        return (yield from closing.flatten(self, account, client_id))

    # -- market data ----------------------------------------------------------------------------
    def quotes(
        self, symbols: Iterable[InstrumentLike] | InstrumentLike
    ) -> Operation[dict[str, Quote]]:
        """See :meth:`brokerlink.Broker.quotes`."""
        self.capabilities.require(Feature.QUOTES)
        self.require_scopes(Feature.QUOTES)
        wanted = as_instruments(symbols)
        return (yield from self.adapter.quotes(wanted))

    def bars(
        self,
        symbol: InstrumentLike,
        timeframe: Timeframe | str,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> Operation[list[Bar]]:
        """See :meth:`brokerlink.Broker.bars`."""
        query = self.bar_query(symbol, timeframe, start, end, limit)
        return (
            yield from self.adapter.bars(
                query.instrument,
                query.timeframe,
                start=query.start,
                end=query.end,
                limit=query.limit,
            )
        )

    def bar_query(
        self,
        symbol: InstrumentLike,
        timeframe: Timeframe | str,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> BarQuery:
        """The checked arguments of a ``bars`` call (also for history read over a stream)."""
        frame = Timeframe.parse(timeframe)
        self.capabilities.require_timeframe(str(frame))
        self.require_scopes(Feature.BARS)
        start_utc = ensure_utc(start, field="start") if start is not None else None
        end_utc = ensure_utc(end, field="end") if end is not None else None
        if start_utc and end_utc and start_utc >= end_utc:
            raise ValueError(
                f"start ({start_utc.isoformat()}) must be before end ({end_utc.isoformat()})"
            )
        if limit is not None and limit < 1:
            raise ValueError(f"limit must be a positive number of bars, not {limit}")
        return BarQuery(instrument(symbol), frame, start_utc, end_utc, limit)

    def option_chain(
        self, underlying: InstrumentLike, expiration: date | None
    ) -> Operation[OptionChain]:
        """See :meth:`brokerlink.Broker.option_chain`."""
        self.capabilities.require(Feature.OPTION_CHAIN)
        self.require_scopes(Feature.OPTION_CHAIN)
        return (yield from self.adapter.option_chain(instrument(underlying), expiration))

    def instrument(self, symbol: InstrumentLike) -> Operation[Instrument]:
        """See :meth:`brokerlink.Broker.instrument`."""
        self.capabilities.require(Feature.INSTRUMENT)
        self.require_scopes(Feature.INSTRUMENT)
        return (yield from self.adapter.instrument(instrument(symbol)))


class BarQuery(NamedTuple):
    """The checked arguments of a ``bars`` call."""

    instrument: Instrument
    timeframe: Timeframe
    start: datetime | None
    end: datetime | None
    limit: int | None


def as_instruments(symbols: Iterable[InstrumentLike] | InstrumentLike) -> list[Instrument]:
    """Normalise one symbol or many into instruments, keeping order and dropping duplicates."""
    items: Iterable[InstrumentLike] = (
        [symbols] if isinstance(symbols, str | Instrument) else symbols
    )
    seen: dict[str, Instrument] = {}
    for item in items:
        parsed = instrument(item)
        seen.setdefault(str(parsed), parsed)
    if not seen:
        raise ValueError("quotes() needs at least one symbol")
    return list(seen.values())
