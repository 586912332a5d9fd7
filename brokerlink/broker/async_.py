"""The asyncio facade: ``async with bl.connect_async("tastytrade:sandbox") as broker``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar, overload

from brokerlink._http import AsyncClient
from brokerlink.adapter import StreamSession
from brokerlink.broker.closing import CloseTarget
from brokerlink.broker.core import AccountRef, BrokerCore, as_instruments
from brokerlink.broker.extensions import AsyncExtension, make_extension
from brokerlink.broker.live import AsyncEventStream
from brokerlink.broker.session import Connection
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
from brokerlink.runtime.drivers import run_async
from brokerlink.runtime.streaming import close_stream
from brokerlink.timeframes import Timeframe

if TYPE_CHECKING:
    from types import TracebackType

    from brokerlink.emulator import Engine
    from brokerlink.runtime.operation import Operation

__all__ = ["AsyncBroker"]

T = TypeVar("T")


class AsyncBroker:
    """The same methods as :class:`~brokerlink.Broker`, awaited; streams are async iterators.

    Use ``async with``, or ``await broker.aclose()``, to release connections.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._core: BrokerCore = connection.core()
        self._core.auth = connection.auth  # for the scope checks before each call
        self._context = connection.context(self._core.capabilities)
        self._client = AsyncClient(
            transport=connection.transport,  # type: ignore[arg-type]
            timeout=connection.timeout,
            headers=connection.headers,
        )

    async def _run(self, operation: Operation[T]) -> T:
        return await run_async(operation, self._client, self._context, self._connection.auth)

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

    async def aclose(self) -> None:
        """Close HTTP connections."""
        await self._client.aclose()

    async def __aenter__(self) -> AsyncBroker:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncBroker {self.name}>"

    async def accounts(self) -> list[Account]:
        """Every account the credentials can see."""
        return await self._run(self._core.accounts())

    async def balances(self, account: AccountRef = None) -> Balance:
        """Cash, equity and buying power of ``account``."""
        return await self._run(self._core.balances(account))

    async def positions(self, account: AccountRef = None) -> list[Position]:
        """Open positions; quantities are negative when short."""
        return await self._run(self._core.positions(account))

    async def orders(
        self, account: AccountRef = None, *, status: str = "open", since: datetime | None = None
    ) -> list[Order]:
        """Orders: working ones (``status="open"``) or all, optionally only those since ``since``."""
        return await self._run(self._core.orders(account, status, since))

    async def order(self, order_id: str, account: AccountRef = None) -> Order:
        """One order by its broker id."""
        return await self._run(self._core.order(order_id, account))

    async def preview(self, new_order: NewOrder) -> OrderPreview:
        """Cost, fees, buying-power effect and warnings of ``new_order``, without placing it."""
        return await self._run(self._core.preview(new_order))

    @overload
    async def place(self, new_order: NewOrder) -> Order: ...

    @overload
    async def place(self, new_order: OrderGroup) -> list[Order]: ...

    async def place(self, new_order: NewOrder | OrderGroup) -> Order | list[Order]:
        """Place an order or a group; never retried, reconciled by ``client_id`` when ambiguous."""
        if isinstance(new_order, OrderGroup):
            return await self._run(self._core.place_group(new_order))
        return await self._run(self._core.place(new_order))

    async def replace(
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
        return await self._run(operation)

    async def cancel(self, order_id: str, account: AccountRef = None) -> Order:
        """Cancel a working order (may come back ``CANCEL_PENDING``: the final state follows)."""
        return await self._run(self._core.cancel(order_id, account))

    async def close_position(
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
        return await self._run(self._core.close_position(target, quantity, account, client_id))

    async def flatten(
        self, account: AccountRef = None, *, client_id: str | None = None
    ) -> list[Order]:
        """Cancel working orders, then close every position; returns the closing orders.

        Orders already ``CANCEL_PENDING`` are not cancelled again. Equities and futures close one
        order each; option positions close by underlying in multi-leg orders of at most
        ``capabilities.max_legs`` legs (priced as in :meth:`close_position`), or one order each
        where the broker takes no multi-leg orders. All closing orders are checked and previewed
        before the first is placed, so a refusal leaves the positions untouched (only the
        cancels are done). ``client_id`` names the closing orders as in :meth:`close_position`.
        """
        return await self._run(self._core.flatten(account, client_id))

    async def quotes(self, symbols: Iterable[InstrumentLike] | InstrumentLike) -> dict[str, Quote]:
        """Quotes keyed by canonical symbol."""
        return await self._run(self._core.quotes(symbols))

    async def bars(
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
            query = self._core.bar_query(symbol, timeframe, start, end, limit)
            return await self._connection.adapter.bar_history(
                StreamSession(client=self._client, auth=self._connection.auth),
                query.instrument,
                query.timeframe,
                start=query.start,
                end=query.end,
                limit=query.limit,
            )
        return await self._run(self._core.bars(symbol, timeframe, start, end, limit))

    async def option_chain(
        self, underlying: InstrumentLike, expiration: date | None = None
    ) -> OptionChain:
        """The option chain of ``underlying``, for one expiration or all."""
        return await self._run(self._core.option_chain(underlying, expiration))

    async def instrument(self, symbol: InstrumentLike) -> Instrument:
        """``symbol`` as an instrument with details (tick size, multiplier, tradable, ...)."""
        return await self._run(self._core.instrument(symbol))

    def extension(self, name: str) -> AsyncExtension:
        """The broker-specific extension ``name``; its methods are awaitables."""
        return AsyncExtension(make_extension(self._connection.adapter, self._core, name), self._run)

    def _stream(
        self, open_stream: Callable[[StreamSession], AsyncIterator[T]]
    ) -> AsyncEventStream[T]:
        live = asyncio.Event()
        session = StreamSession(client=self._client, auth=self._connection.auth, on_live=live.set)
        return AsyncEventStream(open_stream(session), live)

    def stream_quotes(
        self, symbols: Iterable[InstrumentLike] | InstrumentLike
    ) -> AsyncEventStream[QuoteEvent]:
        """Quote events as they arrive."""
        self.capabilities.require_stream(StreamKind.QUOTES)
        self._core.require_scopes(StreamKind.QUOTES)
        wanted = as_instruments(symbols)
        return self._stream(lambda session: self._connection.adapter.stream_quotes(session, wanted))

    def stream_bars(
        self, symbol: InstrumentLike, timeframe: Timeframe | str
    ) -> AsyncEventStream[BarEvent]:
        """Bar events (``complete`` marks a closed bar)."""
        self.capabilities.require_stream(StreamKind.BARS)
        self._core.require_scopes(StreamKind.BARS)
        target, frame = instrument(symbol), Timeframe.parse(timeframe)
        return self._stream(
            lambda session: self._connection.adapter.stream_bars(session, target, frame)
        )

    def stream_orders(self, account: AccountRef = None) -> AsyncEventStream[OrderEvent]:
        """Order events (with fills) for ``account``."""
        self.capabilities.require_stream(StreamKind.ORDERS)
        self._core.require_scopes(StreamKind.ORDERS)
        adapter = self._connection.adapter
        return self._stream(
            lambda session: self._account_stream(session, account, adapter.stream_orders)
        )

    def stream_positions(self, account: AccountRef = None) -> AsyncEventStream[PositionEvent]:
        """Position events for ``account``."""
        self.capabilities.require_stream(StreamKind.POSITIONS)
        self._core.require_scopes(StreamKind.POSITIONS)
        adapter = self._connection.adapter
        return self._stream(
            lambda session: self._account_stream(session, account, adapter.stream_positions)
        )

    async def _account_stream(
        self, session: StreamSession, account: AccountRef, open_stream: _AccountStream[T]
    ) -> AsyncIterator[T]:
        account_id = await self._run(self._core.account_id(account))
        events = open_stream(session, account_id)
        try:
            async for event in events:
                yield event
        finally:
            # Close the adapter's stream here, in the consumer's task: left to the garbage
            # collector, a websocket inside it would be closed from another task.
            await close_stream(events)


if TYPE_CHECKING:
    from collections.abc import Callable

    _AccountStream = Callable[[StreamSession, str], AsyncIterator[T]]
