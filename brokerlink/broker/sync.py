"""The blocking facade: ``bl.connect("tradier:sandbox")`` returns a :class:`Broker`."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar, overload

from brokerlink._http import AsyncClient, Client
from brokerlink.adapter import StreamSession
from brokerlink.broker.closing import CloseTarget
from brokerlink.broker.core import AccountRef, BarQuery, BrokerCore, as_instruments
from brokerlink.broker.extensions import SyncExtension, make_extension
from brokerlink.broker.live import EventStream
from brokerlink.broker.session import Connection
from brokerlink.broker.streams import StreamPortal
from brokerlink.capabilities import Capabilities, StreamKind
from brokerlink.enums import TimeInForce
from brokerlink.instruments import Instrument, InstrumentLike, instrument
from brokerlink.models import (
    Account,
    Balance,
    Bar,
    BarEvent,
    NewOrder,
    OptionChain,
    Order,
    OrderEvent,
    OrderGroup,
    OrderPreview,
    Position,
    PositionEvent,
    Quote,
    QuoteEvent,
)
from brokerlink.money import DecimalLike
from brokerlink.runtime.drivers import run_sync
from brokerlink.runtime.streaming import close_stream
from brokerlink.timeframes import Timeframe

if TYPE_CHECKING:
    from types import TracebackType

    from brokerlink.emulator import Engine
    from brokerlink.runtime.operation import Operation

__all__ = ["Broker"]

T = TypeVar("T")


class Broker:
    """One broker account connection with blocking methods (see DESIGN §3 for the contract).

    Use it as a context manager, or call :meth:`close`, to release connections.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._core: BrokerCore = connection.core()
        self._core.auth = connection.auth  # for the scope checks before each call
        self._context = connection.context(self._core.capabilities)
        self._client = Client(
            transport=connection.transport,  # type: ignore[arg-type]
            timeout=connection.timeout,
            headers=connection.headers,
        )
        self._portal = StreamPortal()

    # -- plumbing -------------------------------------------------------------------------------
    def _run(self, operation: Operation[T]) -> T:
        return run_sync(operation, self._client, self._context, self._connection.auth)

    @property
    def name(self) -> str:
        """``"<adapter>:<environment>"`` this broker is connected to."""
        return f"{self._connection.adapter.name}:{self._connection.adapter.environment.name}"

    @property
    def capabilities(self) -> Capabilities:
        """What this adapter supports in this environment."""
        return self._core.capabilities

    @property
    def emulator(self) -> Engine | None:
        """The emulator engine behind an ``emulator`` environment (clock, faults), else ``None``."""
        return self._connection.engine

    def close(self) -> None:
        """Close HTTP connections and stop any running stream."""
        self._portal.close()
        self._client.close()

    def __enter__(self) -> Broker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Broker {self.name}>"

    # -- account --------------------------------------------------------------------------------
    def accounts(self) -> list[Account]:
        """Every account the credentials can see."""
        return self._run(self._core.accounts())

    def balances(self, account: AccountRef = None) -> Balance:
        """Cash, equity and buying power of ``account`` (default: the profile's, or the only one)."""
        return self._run(self._core.balances(account))

    def positions(self, account: AccountRef = None) -> list[Position]:
        """Open positions; quantities are negative when short."""
        return self._run(self._core.positions(account))

    def orders(
        self, account: AccountRef = None, *, status: str = "open", since: datetime | None = None
    ) -> list[Order]:
        """Orders: working ones (``status="open"``) or all, optionally only those since ``since``."""
        return self._run(self._core.orders(account, status, since))

    def order(self, order_id: str, account: AccountRef = None) -> Order:
        """One order by its broker id."""
        return self._run(self._core.order(order_id, account))

    # -- trading --------------------------------------------------------------------------------
    def preview(self, new_order: NewOrder) -> OrderPreview:
        """Cost, fees, buying-power effect and warnings of ``new_order``, without placing it."""
        return self._run(self._core.preview(new_order))

    @overload
    def place(self, new_order: NewOrder) -> Order: ...

    @overload
    def place(self, new_order: OrderGroup) -> list[Order]: ...

    def place(self, new_order: NewOrder | OrderGroup) -> Order | list[Order]:
        """Place an order (returns :class:`Order`) or a group (returns its orders).

        Never retried. If the answer is lost after sending, the order is looked up by its
        ``client_id``; if it cannot be found, :class:`~brokerlink.AmbiguousOrderError` is raised.
        """
        if isinstance(new_order, OrderGroup):
            return self._run(self._core.place_group(new_order))
        return self._run(self._core.place(new_order))

    def replace(
        self,
        order_id: str,
        *,
        quantity: DecimalLike | None = None,
        limit_price: DecimalLike | None = None,
        stop_price: DecimalLike | None = None,
        time_in_force: TimeInForce | str | None = None,
        account: AccountRef = None,
    ) -> Order:
        """Change a working order; fields the broker cannot change raise ``NotSupportedError``."""
        operation = self._core.replace(
            order_id,
            account,
            quantity=quantity,
            limit_price=limit_price,
            stop_price=stop_price,
            time_in_force=time_in_force,
        )
        return self._run(operation)

    def cancel(self, order_id: str, account: AccountRef = None) -> Order:
        """Cancel a working order (may come back ``CANCEL_PENDING``: the final state follows)."""
        return self._run(self._core.cancel(order_id, account))

    def close_position(
        self,
        target: CloseTarget,
        quantity: DecimalLike | None = None,
        *,
        account: AccountRef = None,
        client_id: str | None = None,
    ) -> list[Order]:
        """Close a position, part of it, or a spread as one order; returns the orders placed.

        ``target`` is a :class:`Position`, a symbol, or a sequence of them naming the legs of a
        spread (``[long_call, short_call]``), which closes as **one** multi-leg order: each leg on
        the opposite side with effect CLOSE, the leg quantities in the legs' ratio. ``quantity``
        is how much to close (shares or contracts; for a spread, how many spreads); ``None``
        closes everything held. A quantity that is not positive or exceeds what is held, or a
        symbol with no position, raises :class:`~brokerlink.InvalidOrderError` naming the symbol
        and the held quantity, before any order is sent. ``account`` defaults to the position's,
        else the profile's.

        Sides and effects: a long is sold to close (equities: a plain sell), a short is bought to
        close (equities: buy to cover); futures sell or buy. Single positions close with a
        ``MARKET`` order. A spread's order type depends on the broker:

        - Tradier: ``MARKET`` (``type=market``; its multileg orders are market/debit/credit/even);
        - TradeStation: ``MARKET`` (``OrderType`` Market with ``Legs``);
        - tastytrade: a ``LIMIT`` at the net mid (its market orders take one leg only), from
          current quotes, rounded up to the legs' tick (positive debit, negative credit);
        - paper: ``MARKET``; any other adapter: the mid ``LIMIT``.

        Every order is checked against the capabilities and previewed (where the broker has
        previews) before it is placed; a failure places nothing and names the position. A
        placement is never retried. ``client_id`` names the closing order (``<id>-1``, ``<id>-2``,
        ... when there are several); by default each gets a generated one.
        """
        return self._run(self._core.close_position(target, quantity, account, client_id))

    def flatten(self, account: AccountRef = None, *, client_id: str | None = None) -> list[Order]:
        """Cancel working orders, then close every position; returns the closing orders.

        Orders already ``CANCEL_PENDING`` are not cancelled again. Equities and futures close one
        order each; option positions close by underlying in multi-leg orders of at most
        ``capabilities.max_legs`` legs (priced as in :meth:`close_position`), or one order each
        where the broker takes no multi-leg orders. All closing orders are checked and previewed
        before the first is placed, so a refusal leaves the positions untouched (only the
        cancels are done). ``client_id`` names the closing orders as in :meth:`close_position`.
        """
        return self._run(self._core.flatten(account, client_id))

    # -- market data ----------------------------------------------------------------------------
    def quotes(self, symbols: Iterable[InstrumentLike] | InstrumentLike) -> dict[str, Quote]:
        """Quotes keyed by canonical symbol."""
        return self._run(self._core.quotes(symbols))

    def bars(
        self,
        symbol: InstrumentLike,
        timeframe: Timeframe | str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
    ) -> list[Bar]:
        """Bars oldest first; long ranges are paged and chunked for you."""
        if self.capabilities.history.over_stream:
            return self._bars_over_stream(
                self._core.bar_query(symbol, timeframe, start, end, limit)
            )
        return self._run(self._core.bars(symbol, timeframe, start, end, limit))

    def _bars_over_stream(self, query: BarQuery) -> list[Bar]:
        """History that only a stream serves, read on the portal's loop with its own client."""
        connection = self._connection

        async def fetch() -> list[Bar]:
            async with AsyncClient(
                transport=connection.transport,  # type: ignore[arg-type]
                timeout=connection.timeout,
                headers=connection.headers,
            ) as client:
                session = StreamSession(client=client, auth=connection.auth)
                return await connection.adapter.bar_history(
                    session,
                    query.instrument,
                    query.timeframe,
                    start=query.start,
                    end=query.end,
                    limit=query.limit,
                )

        bars: list[Bar] = self._portal.call(fetch)
        return bars

    def option_chain(
        self, underlying: InstrumentLike, expiration: date | None = None
    ) -> OptionChain:
        """The option chain of ``underlying``, for one expiration or all."""
        return self._run(self._core.option_chain(underlying, expiration))

    def instrument(self, symbol: InstrumentLike) -> Instrument:
        """``symbol`` as an instrument with details (tick size, multiplier, tradable, ...)."""
        return self._run(self._core.instrument(symbol))

    # -- extensions -----------------------------------------------------------------------------
    def extension(self, name: str) -> SyncExtension:
        """The broker-specific extension ``name`` (``broker.extension("tradier").clock()``)."""
        return SyncExtension(make_extension(self._connection.adapter, self._core, name), self._run)

    # -- streams --------------------------------------------------------------------------------
    def _iterate(self, open_stream: Callable[[StreamSession], AsyncIterator[T]]) -> EventStream[T]:
        """Run ``open_stream`` on the portal's loop with a client that lives as long as it does."""
        connection = self._connection
        live = threading.Event()

        async def owned() -> AsyncIterator[T]:
            # The client is made on the portal's loop and closed when the caller stops iterating.
            async with AsyncClient(
                transport=connection.transport,  # type: ignore[arg-type]
                timeout=connection.timeout,
                headers=connection.headers,
            ) as client:
                session = StreamSession(client=client, auth=connection.auth, on_live=live.set)
                events = open_stream(session)
                try:
                    async for event in events:
                        yield event
                finally:
                    # Closed here, before its client: a bare ``async for`` leaves the adapter's
                    # stream suspended for the loop's shutdown, which closes all such leftovers
                    # at once ("aclose(): asynchronous generator is already running").
                    await close_stream(events)

        return EventStream(self._portal.iterate(owned), live)

    def stream_quotes(
        self, symbols: Iterable[InstrumentLike] | InstrumentLike
    ) -> EventStream[QuoteEvent]:
        """Quote events as they arrive; stop by breaking out of the loop."""
        self.capabilities.require_stream(StreamKind.QUOTES)
        self._core.require_scopes(StreamKind.QUOTES)
        wanted = as_instruments(symbols)
        return self._iterate(
            lambda session: self._connection.adapter.stream_quotes(session, wanted)
        )

    def stream_bars(
        self, symbol: InstrumentLike, timeframe: Timeframe | str
    ) -> EventStream[BarEvent]:
        """Bar events (``complete`` marks a closed bar)."""
        self.capabilities.require_stream(StreamKind.BARS)
        self._core.require_scopes(StreamKind.BARS)
        target, frame = instrument(symbol), Timeframe.parse(timeframe)
        return self._iterate(
            lambda session: self._connection.adapter.stream_bars(session, target, frame)
        )

    def stream_orders(self, account: AccountRef = None) -> EventStream[OrderEvent]:
        """Order events (with fills) for ``account``."""
        self.capabilities.require_stream(StreamKind.ORDERS)
        self._core.require_scopes(StreamKind.ORDERS)
        account_id = self._run(self._core.account_id(account))
        return self._iterate(
            lambda session: self._connection.adapter.stream_orders(session, account_id)
        )

    def stream_positions(self, account: AccountRef = None) -> EventStream[PositionEvent]:
        """Position events for ``account``."""
        self.capabilities.require_stream(StreamKind.POSITIONS)
        self._core.require_scopes(StreamKind.POSITIONS)
        account_id = self._run(self._core.account_id(account))
        return self._iterate(
            lambda session: self._connection.adapter.stream_positions(session, account_id)
        )
