"""TradeStation-only calls, as the ``"tradestation"`` extension of the facades.

``broker.extension("tradestation")`` (sync) or ``async_broker.extension("tradestation")`` (each
method awaited) exposes what the neutral API has no word for::

    ts = broker.extension("tradestation")
    ts.routes()                                   # [Route(id="AMEX", ...), ...]
    ts.front_contract("ES")                       # Future("ES", 3, 2025): what @ES stands for
    ts.continuous_bars("ES", "1d", limit=20)      # data on the continuous contract
    ts.place_with(order, OrderExtras(all_or_none=True, route="ARCA"))

Every method returns an operation, so one implementation serves both facades; ``account=None``
means the profile's default (or only) account, as everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from brokerlink.adapter import OrderChanges
from brokerlink.broker.core import AccountRef
from brokerlink.broker.extensions import Extension
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Future, Instrument, InstrumentDetails, InstrumentLike, instrument
from brokerlink.models import Bar, NewOrder, Order, OrderPreview, Position
from brokerlink.runtime.operation import Operation
from brokerlink.timeframes import Timeframe, TimeframeLike
from brokerlink_tradestation import marketdata, operations, placing
from brokerlink_tradestation.models import (
    ActivationTrigger,
    BODBalance,
    ExpirationInfo,
    RiskReward,
    Route,
    SpreadType,
)
from brokerlink_tradestation.requests import PLAIN, OrderExtras
from brokerlink_tradestation.symbology import ContinuousFuture, from_tradestation, order_symbol
from brokerlink_tradestation.wire import BROKER

if TYPE_CHECKING:
    from brokerlink_tradestation import TradeStationAdapter

__all__ = ["TradeStationExtension"]

Details = tuple[Instrument | ContinuousFuture, InstrumentDetails, str | None]


def _continuous(root: str) -> ContinuousFuture:
    return ContinuousFuture(root.strip().upper().lstrip("/@"))


class TradeStationExtension(Extension):
    """What only TradeStation offers (see the module docstring)."""

    @property
    def _ts(self) -> TradeStationAdapter:
        return self.adapter  # type: ignore[return-value]

    def place_with(self, order: NewOrder, extras: OrderExtras = PLAIN) -> Operation[Order]:
        """Place ``order`` with a route, advanced options, activation rules or OSO children."""
        self._ts.capabilities().require_order(order)
        account_id = yield from self.account_id(order.account)
        return (
            yield from placing.place(self._ts.converter, account_id, order, self._ts.sent, extras)
        )

    def preview_with(self, order: NewOrder, extras: OrderExtras = PLAIN) -> Operation[OrderPreview]:
        """Preview ``order`` with TradeStation extras (``orderconfirm``)."""
        account_id = yield from self.account_id(order.account)
        return (yield from placing.preview(self._ts.converter, account_id, order, extras))

    def replace_with(
        self,
        order_id: str,
        account: AccountRef = None,
        *,
        quantity: Decimal | None = None,
        limit_price: Decimal | None = None,
        stop_price: Decimal | None = None,
        trail_amount: Decimal | None = None,
        trail_percent: Decimal | None = None,
        to_market: bool = False,
    ) -> Operation[Order]:
        """Replace with what only TradeStation can change: a trailing stop's offset, or
        turning the order into a market order (``to_market``)."""
        account_id = yield from self.account_id(account)
        changes = OrderChanges(quantity=quantity, limit_price=limit_price, stop_price=stop_price)
        return (
            yield from placing.replace(
                self._ts.converter, account_id, order_id, changes,
                trail_amount=trail_amount, trail_percent=trail_percent, to_market=to_market,
            )
        )  # fmt: skip

    def bod_balances(self, accounts: Sequence[str] | None = None) -> Operation[list[BODBalance]]:
        """Beginning-of-day balances (default: the default account)."""
        ids = list(accounts) if accounts else [(yield from self.account_id(None))]
        return (yield from operations.bod_balances(self._ts.converter, ids))

    def positions_matching(
        self, symbols: Sequence[str], account: AccountRef = None
    ) -> Operation[list[Position]]:
        """Positions filtered by TradeStation symbols with ``*`` wildcards (``"MSFT *"``)."""
        account_id = yield from self.account_id(account)
        return (yield from operations.positions(self._ts.converter, account_id, symbols))

    def orders_by_id(
        self, order_ids: Sequence[str], account: AccountRef = None, *, history: bool = False
    ) -> Operation[list[Order]]:
        """Orders by id (50 per request); ``history`` reads the last 90 days instead of today."""
        account_id = yield from self.account_id(account)
        found, _ = yield from operations.orders_by_id(
            self._ts.converter, [account_id], order_ids, history=history
        )
        return found

    def symbol_details(
        self, symbols: Sequence[InstrumentLike | ContinuousFuture]
    ) -> Operation[list[Details]]:
        """Symbol details (50 per request): (instrument, details, ``Underlying``)."""
        wanted = [s if isinstance(s, ContinuousFuture) else _parse(s) for s in symbols]
        return (yield from marketdata.symbol_details(self._ts.converter, wanted))

    def front_contract(self, root: str) -> Operation[Future]:
        """The contract TradeStation's continuous ``@root`` stands for today (``"ES"`` ->
        ``/ESH25``), from its symbol details' ``Underlying``."""
        found = yield from marketdata.symbol_details(self._ts.converter, [_continuous(root)])
        underlying = found[0][2] if found else None
        if not underlying:
            raise SymbolNotFoundError(
                f"TradeStation names no current contract for @{root}", broker=BROKER
            )
        contract = from_tradestation(underlying, asset_type="FUTURE")
        if not isinstance(contract, Future):
            raise SymbolNotFoundError(
                f"@{root} stands for {underlying}, not a futures contract", broker=BROKER
            )
        return contract.with_details(found[0][1])

    def order_instrument(self, symbol: InstrumentLike | ContinuousFuture) -> Operation[Instrument]:
        """The instrument an order on ``symbol`` must name: itself when tradable; for a
        continuous contract (``"@ES"``), an ``InvalidOrderError`` naming today's contract."""
        target = symbol if isinstance(symbol, ContinuousFuture) else _parse(symbol)
        if isinstance(target, ContinuousFuture):
            found = yield from marketdata.symbol_details(self._ts.converter, [target])
            order_symbol(target, current=found[0][2] if found else None)
        assert not isinstance(target, ContinuousFuture)  # order_symbol raised for those
        order_symbol(target)  # crypto is data only: refused the same way
        return target

    def continuous_bars(
        self,
        root: str,
        timeframe: TimeframeLike,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
    ) -> Operation[list[Bar]]:
        """Bars of the continuous contract ``@root`` (data only; orders need a dated contract)."""
        frame = Timeframe.parse(timeframe)
        return (
            yield from marketdata.bars(
                self._ts.converter, _continuous(root), frame, start=start, end=end, limit=limit
            )
        )

    def bars(
        self,
        symbol: InstrumentLike,
        timeframe: TimeframeLike,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        session: marketdata.SessionTemplate | None = None,
    ) -> Operation[list[Bar]]:
        """Bars with a US-equity session template (``"USEQPreAndPost"``: pre- and post-market
        included; ``"USEQ24Hour"``; ...); ignored by TradeStation for other instruments."""
        frame = Timeframe.parse(timeframe)
        self._ts.capabilities().require_timeframe(str(frame))
        return (
            yield from marketdata.bars(
                self._ts.converter, instrument(symbol), frame,
                start=start, end=end, limit=limit, session=session,
            )
        )  # fmt: skip

    def option_expirations(
        self, underlying: InstrumentLike, strike: Decimal | None = None
    ) -> Operation[list[ExpirationInfo]]:
        """Expiration dates of ``underlying``'s options, with their kind (Weekly, Monthly, ...)."""
        return (
            yield from marketdata.expirations(self._ts.converter, instrument(underlying), strike)
        )

    def option_strikes(
        self,
        underlying: InstrumentLike,
        expiration: date | None = None,
        spread_type: str = "Single",
    ) -> Operation[list[tuple[Decimal, ...]]]:
        """Strikes per spread of ``spread_type`` (one tuple per spread)."""
        return (
            yield from marketdata.strikes(
                self._ts.converter,
                instrument(underlying),
                expiration=expiration,
                spread_type=spread_type,
            )
        )

    def option_spread_types(self) -> Operation[list[SpreadType]]:
        """The option spread types TradeStation knows."""
        return (yield from marketdata.spread_types(self._ts.converter))

    def option_risk_reward(
        self, spread_price: Decimal, legs: Sequence[tuple[InstrumentLike, int]]
    ) -> Operation[RiskReward]:
        """Max gain, max loss and breakevens of a spread; ``legs`` are (option, signed qty)."""
        parsed = [(instrument(symbol), quantity) for symbol, quantity in legs]
        return (yield from marketdata.risk_reward(self._ts.converter, spread_price, parsed))

    def crypto_pairs(self) -> Operation[list[Instrument]]:
        """The crypto pairs TradeStation quotes (data only)."""
        return (yield from marketdata.crypto_pairs(self._ts.converter))

    def routes(self) -> Operation[list[Route]]:
        """Order routes, for :attr:`OrderExtras.route`."""
        return (yield from marketdata.routes(self._ts.converter))

    def activation_triggers(self) -> Operation[list[ActivationTrigger]]:
        """Trigger keys for activation rules."""
        return (yield from marketdata.activation_triggers(self._ts.converter))


def _parse(symbol: InstrumentLike) -> Instrument | ContinuousFuture:
    if isinstance(symbol, str) and symbol.strip().startswith("@"):
        return _continuous(symbol)
    return instrument(symbol)
