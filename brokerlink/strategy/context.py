"""What a strategy's hooks are handed: :class:`StrategyContext`, the broker-neutral API of one run.

The context forwards to the connected :class:`~brokerlink.Broker` with the run's account filled
in, remembers every order the strategy places (the run's result settles and reports them), and
stamps deterministic client ids on orders whose ids brokerlink generated, so a recorded run
replays request for request. Market-data subscriptions are made in ``on_start``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, overload

import attrs

from brokerlink.capabilities import Capabilities, StreamKind
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
from brokerlink.models.account import held_quantity
from brokerlink.strategy.orders import (
    OrderBook,
    require_capabilities,
)
from brokerlink.timeframes import Timeframe

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker
    from brokerlink.money import DecimalLike
    from brokerlink.strategy.clock import RunClock

__all__ = ["StrategyContext", "Subscription"]

logger = logging.getLogger("brokerlink.strategy")


@attrs.frozen
class Subscription:
    """A market-data stream the strategy asked for: ``kind`` is ``"bars"`` or ``"quotes"``."""

    kind: str
    instruments: tuple[Instrument, ...]
    timeframe: Timeframe | None = None
    forming: bool = False


class StrategyContext:
    """The broker-neutral calls of one run, for a strategy's hooks (see :class:`Strategy`).

    Reads: :meth:`accounts`, :meth:`balances`, :meth:`positions`, :meth:`orders`, :meth:`order`,
    :meth:`quotes`, :meth:`bars`, :meth:`option_chain`, :meth:`instrument`,
    :attr:`capabilities`. Trading: :meth:`preview`, :meth:`place`, :meth:`cancel`,
    :meth:`replace`, :meth:`close_position`, :meth:`flatten`. Running: :meth:`subscribe_bars`,
    :meth:`subscribe_quotes`, :meth:`require`, :meth:`stop`, :attr:`now`, :meth:`log`.
    Every call uses the run's account.
    """

    def __init__(
        self,
        broker: Broker,
        clock: RunClock,
        *,
        account: str | None = None,
        run_id: str = "run",
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        self._broker = broker
        self._clock = clock
        self._account = account
        self._on_log = on_log
        self.book = OrderBook(run_id)
        """The orders this run placed (and how client ids are stamped)."""
        self.subscriptions: list[Subscription] = []
        """What the strategy subscribed to in ``on_start``."""
        self.lines: list[str] = []
        """Every line :meth:`log` wrote."""
        self.stop_reason: str | None = None
        """Why :meth:`stop` was called, once it was."""
        self.started = False
        """True once ``on_start`` returned: subscriptions are closed from then on."""

    # -- the run ----------------------------------------------------------------------------
    @property
    def broker_name(self) -> str:
        """``"<adapter>:<environment>"`` of the connection (for logs; strategies stay neutral)."""
        return self._broker.name

    @property
    def account(self) -> str | None:
        """The account the run trades (``None``: the profile's default or only one)."""
        return self._account

    @property
    def now(self) -> datetime:
        """The broker's current time in UTC (the emulator's simulated clock on an emulator)."""
        return self._clock.now()

    @property
    def capabilities(self) -> Capabilities:
        """What this broker and environment support."""
        return self._broker.capabilities

    def require(self, *needs: object) -> None:
        """Raise :class:`~brokerlink.NotSupportedError` unless the broker supports every need.

        A need is an asset class (``"futures"``, ``bl.AssetClass.OPTION``), a feature
        (``bl.Feature.REPLACE``), a stream (``bl.StreamKind.QUOTES``), an order type
        (``bl.OrderType.TRAILING_STOP``) or a group kind (``bl.GroupKind.BRACKET``). Call it in
        ``on_start`` so that a broker that cannot run the strategy refuses before any order.
        """
        require_capabilities(self.capabilities, needs)

    def subscribe_bars(
        self, symbol: InstrumentLike, timeframe: Timeframe | str = "1min", *, forming: bool = False
    ) -> None:
        """Deliver ``symbol``'s completed bars of ``timeframe`` to ``on_bar`` (call it in
        ``on_start``); ``forming=True`` also delivers the updates of the bar still forming
        (``event.complete`` False)."""
        self._check_subscribing()
        self.capabilities.require_stream(StreamKind.BARS)
        frame = Timeframe.parse(timeframe)
        self.capabilities.require_timeframe(str(frame))
        self.subscriptions.append(Subscription("bars", (instrument(symbol),), frame, forming))

    def subscribe_quotes(self, symbols: Iterable[InstrumentLike] | InstrumentLike) -> None:
        """Deliver quotes of ``symbols`` to ``on_quote`` (call it in ``on_start``)."""
        self._check_subscribing()
        self.capabilities.require_stream(StreamKind.QUOTES)
        items = [symbols] if isinstance(symbols, str | Instrument) else list(symbols)
        if not items:
            raise ValueError("subscribe_quotes() needs at least one symbol")
        self.subscriptions.append(Subscription("quotes", tuple(instrument(s) for s in items)))

    def _check_subscribing(self) -> None:
        if self.started:
            raise RuntimeError(
                "subscriptions are made in on_start: the streams are open once it returns"
            )

    def stop(self, reason: str = "stopped by the strategy") -> None:
        """End the run after the current hook returns (``on_stop`` is still called)."""
        if self.stop_reason is None:
            self.stop_reason = reason

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self.stop_reason is not None

    def log(self, *parts: object) -> None:
        """Write one line, stamped with :attr:`now` (kept in the run's result, and logged)."""
        line = f"{self.now:%Y-%m-%d %H:%M:%S}Z " + " ".join(str(part) for part in parts)
        self.lines.append(line)
        logger.info("%s", line)
        if self._on_log is not None:
            self._on_log(line)

    # -- reads ------------------------------------------------------------------------------
    def accounts(self) -> list[Account]:
        """Every account the credentials can see."""
        return self._broker.accounts()

    def balances(self) -> Balance:
        """Cash, equity and buying power of the run's account."""
        return self._broker.balances(self._account)

    def positions(self) -> list[Position]:
        """Open positions of the run's account (quantities negative when short)."""
        return self._broker.positions(self._account)

    def held(self, symbol: InstrumentLike) -> Decimal:
        """The quantity held in ``symbol`` (zero when there is no position; negative when short)."""
        return held_quantity(self.positions(), symbol)

    def orders(self, *, status: str = "open", since: datetime | None = None) -> list[Order]:
        """The account's orders: working ones (``"open"``) or ``"all"``."""
        return self._broker.orders(self._account, status=status, since=since)

    def order(self, order_id: str) -> Order:
        """One order by its broker id."""
        return self._broker.order(order_id, self._account)

    def quotes(self, symbols: Iterable[InstrumentLike] | InstrumentLike) -> dict[str, Quote]:
        """Quotes keyed by canonical symbol."""
        return self._broker.quotes(symbols)

    def bars(
        self,
        symbol: InstrumentLike,
        timeframe: Timeframe | str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
    ) -> list[Bar]:
        """Bar history, oldest first."""
        return self._broker.bars(symbol, timeframe, start=start, end=end, limit=limit)

    def option_chain(
        self, underlying: InstrumentLike, expiration: date | None = None
    ) -> OptionChain:
        """The option chain of ``underlying`` (one expiration, or all)."""
        return self._broker.option_chain(underlying, expiration)

    def instrument(self, symbol: InstrumentLike) -> Instrument:
        """``symbol`` with the broker's details (tick size, multiplier, ...)."""
        return self._broker.instrument(symbol)

    # -- trading ----------------------------------------------------------------------------
    def client_id(self) -> str:
        """The run's next client order id (deterministic: a recorded run replays exactly)."""
        return self.book.next_client_id()

    def preview(self, new_order: NewOrder) -> OrderPreview:
        """What placing ``new_order`` would cost, without placing it."""
        return self._broker.preview(self.book.prepare(new_order, self._account))

    @overload
    def place(self, new_order: NewOrder) -> Order: ...

    @overload
    def place(self, new_order: OrderGroup) -> list[Order]: ...

    def place(self, new_order: NewOrder | OrderGroup) -> Order | list[Order]:
        """Place an order (returns it) or a group (returns its orders) for the run's account."""
        if isinstance(new_order, OrderGroup):
            placed = self._broker.place(self.book.prepare_group(new_order, self._account))
            self.book.add(*placed)
            return placed
        order = self._broker.place(self.book.prepare(new_order, self._account))
        self.book.add(order)
        return order

    def cancel(self, order_id: str) -> Order:
        """Cancel a working order (it may come back ``CANCEL_PENDING``)."""
        return self._broker.cancel(order_id, self._account)

    def replace(
        self,
        order_id: str,
        *,
        quantity: DecimalLike | None = None,
        limit_price: DecimalLike | None = None,
        stop_price: DecimalLike | None = None,
        time_in_force: TimeInForce | str | None = None,
    ) -> Order:
        """Change a working order; the result (maybe a new id) is tracked by the run."""
        order = self._broker.replace(
            order_id,
            quantity=quantity,
            limit_price=limit_price,
            stop_price=stop_price,
            time_in_force=time_in_force,
            account=self._account,
        )
        self.book.add(order)
        return order

    def close_position(
        self,
        target: Position | InstrumentLike | Sequence[Position | InstrumentLike],
        quantity: DecimalLike | None = None,
    ) -> list[Order]:
        """Close a position (all, or ``quantity``), or a spread's legs as one multi-leg order.

        The broker's :meth:`~brokerlink.Broker.close_position` builds the opposite order with
        that broker's position effect, previews it and places it; the order carries the run's
        next client id, so a replay asks for exactly what the recording holds.
        """
        placed = self._broker.close_position(
            target if isinstance(target, Position | str | Instrument) else list(target),
            quantity,
            account=self._account,
            client_id=self.client_id(),
        )
        self.book.add(*placed)
        return placed

    def flatten(self) -> list[Order]:
        """Cancel the account's working orders, then close every position (options per
        underlying as multi-leg orders), through the broker's :meth:`~brokerlink.Broker.flatten`.
        Returns the closing orders."""
        placed = self._broker.flatten(self._account, client_id=self.client_id())
        self.book.add(*placed)
        return placed
