"""tastytrade adapter for brokerlink (distribution ``brokerlink-tastytrade``).

============== =================================================================================
module         job
============== =================================================================================
environments   live / sandbox / emulator URLs, the pinned ``Accept-Version``
auth           OAuth2 declarations (token on the API host, 15-minute tokens, scopes)
wire           typed payload records, the dash-case converter, the order status table
parse          envelopes, accounts, balances, positions, transactions (``parse_orders``,
               ``parse_market`` for orders and market data)
symbology      tastytrade symbols <-> instruments (OCC padding, ``/ESZ4``, future options)
operations     one generator per operation
dxlink         the DxLink websocket protocol; ``market_stream`` turns its events into quotes
               and bars (bar history comes only from candle snapshots)
streamer       the account streamer, reconciled against REST after every (re)connect
errors         the error table (exact codes, preflight failures, then the status)
capabilities   per environment
emulator       the tastytrade wire front (another module's job)
============== =================================================================================
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import aclosing
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from brokerlink._http import URL, Auth, Request, Response
from brokerlink.adapter import Adapter, Environment, OrderChanges, StreamSession, Transport
from brokerlink.capabilities import Capabilities, Feature
from brokerlink.enums import PositionEffect, Side, TimeInForce
from brokerlink.errors import BrokerError
from brokerlink.runtime.drivers import run_async
from brokerlink.runtime.steps import RunContext
from brokerlink_tastytrade import dxlink, market_stream, operations, streamer
from brokerlink_tastytrade.auth import oauth_spec, tastytrade_auth
from brokerlink_tastytrade.capabilities import tastytrade_capabilities
from brokerlink_tastytrade.dxlink import TokenSource
from brokerlink_tastytrade.environments import ENVIRONMENTS
from brokerlink_tastytrade.errors import error_from_tastytrade
from brokerlink_tastytrade.extension import TastytradeExtension
from brokerlink_tastytrade.models import BalanceSnapshot, Transaction
from brokerlink_tastytrade.wire import tastytrade_converter

if TYPE_CHECKING:
    from brokerlink.config import Profile
    from brokerlink.emulator import Engine
    from brokerlink.instruments import Instrument
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
    from brokerlink.oauth import OAuthSpec
    from brokerlink.runtime.operation import Operation
    from brokerlink.timeframes import Timeframe

__all__ = ["BalanceSnapshot", "TastytradeAdapter", "Transaction"]

T = TypeVar("T")


class TastytradeAdapter(Adapter):
    """tastytrade: REST over api.tastyworks.com, DxLink market data, the account streamer."""

    name = "tastytrade"
    display_name = "tastytrade"
    environments = ENVIRONMENTS
    extensions = MappingProxyType({"tastytrade": TastytradeExtension})
    keepalive_messages = (
        MappingProxyType({"type": "KEEPALIVE"}),  # DxLink (NOTES.md §9)
        MappingProxyType({"action": "heartbeat"}),  # the account streamer
    )

    # Stream timing. The defaults are tastytrade's documented ones; a subclass (or a test) may
    # shorten them to notice a dead connection sooner.
    dxlink_silence: float = dxlink.SILENCE_SECONDS
    """Seconds a DxLink server may stay silent (keepalives count) before we reconnect."""
    dxlink_keepalive: float = dxlink.KEEPALIVE_SECONDS
    """Seconds between our DxLink ``KEEPALIVE`` messages while we have nothing else to say."""
    streamer_heartbeat: float = streamer.HEARTBEAT_SECONDS
    """Seconds between account-streamer ``heartbeat`` messages."""

    def __init__(self, environment: Environment, profile: Profile) -> None:
        super().__init__(environment, profile)
        self.converter = tastytrade_converter()

    # -- declarations ---------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        """See :mod:`brokerlink_tastytrade.capabilities` (the emulator in the ``sandbox``
        personality declares what the cert sandbox does)."""
        return tastytrade_capabilities(self.environment.name, self.profile.emulator_personality)

    def check_response(self, response: Response) -> BrokerError | None:
        """The tastytrade error table (:mod:`brokerlink_tastytrade.errors`)."""
        return error_from_tastytrade(response)

    def authenticate(self) -> Auth | None:
        """The profile's credentials (refreshed through :meth:`oauth_spec`); on the emulator
        without credentials, an automatic OAuth login (see :func:`.auth.tastytrade_auth`)."""
        return tastytrade_auth(self.environment, self.profile)

    def oauth_spec(self) -> OAuthSpec:
        """tastytrade's OAuth server for this environment (the emulator's on its host)."""
        return oauth_spec(self.environment)

    def emulator_transport(self, engine: Engine) -> Transport:
        """The in-process transport of the tastytrade wire front.

        The front is kept with the engine (:meth:`Engine.attached`): every connection to one
        engine sees the same broker (its order book, quote tokens, sign-in server). The
        profile's ``emulator_personality="sandbox"`` builds it as the cert sandbox
        (``SandboxOptions.cert()``: delayed quotes, the daily reset, ...).
        """
        from brokerlink.emulator.http import EmulatorTransport
        from brokerlink.emulator.personality import front_key

        # Imported on use: the emulator front is only needed for the emulator environment.
        emulator = importlib.import_module("brokerlink_tastytrade.emulator")
        personality = self.profile.emulator_personality
        options = emulator.SandboxOptions.cert() if personality == "sandbox" else None
        key = front_key(engine, "tastytrade", personality)
        front = engine.attached(key, lambda: emulator.emulator_front(engine, options))
        return EmulatorTransport(front, engine)

    # -- operations -----------------------------------------------------------------------------
    def accounts(self) -> Operation[list[Account]]:
        """``GET /customers/me/accounts``."""
        return operations.accounts(self.converter)

    def balances(self, account_id: str) -> Operation[Balance]:
        """``GET /accounts/{n}/balances``."""
        return operations.balances(self.converter, account_id)

    def balance_snapshots(
        self,
        account_id: str,
        *,
        start: date | None = None,
        end: date | None = None,
        time_of_day: str | None = None,
    ) -> Operation[list[BalanceSnapshot]]:
        """``GET /accounts/{n}/balance-snapshots`` (``time_of_day`` ``"BOD"`` or ``"EOD"``)."""
        return operations.balance_snapshots(
            self.converter, account_id, start=start, end=end, time_of_day=time_of_day
        )

    def transactions(
        self, account_id: str, *, start: date | None = None, end: date | None = None
    ) -> Operation[list[Transaction]]:
        """``GET /accounts/{n}/transactions``, every page."""
        return operations.transactions(self.converter, account_id, start=start, end=end)

    def positions(self, account_id: str) -> Operation[list[Position]]:
        """``GET /accounts/{n}/positions``."""
        return operations.positions(self.converter, account_id)

    def orders(
        self, account_id: str, *, status: str, since: datetime | None
    ) -> Operation[list[Order]]:
        """Today's orders (``/orders/live``), or the search from ``since``."""
        return operations.orders(self.converter, account_id, status=status, since=since)

    def order(self, account_id: str, order_id: str) -> Operation[Order]:
        """``GET /accounts/{n}/orders/{id}``."""
        return operations.order(self.converter, account_id, order_id)

    def find_order(self, account_id: str, client_id: str) -> Operation[Order | None]:
        """The order whose ``external-identifier`` is ``client_id``."""
        return operations.find_order(self.converter, account_id, client_id)

    def preview(self, account_id: str, order: NewOrder) -> Operation[OrderPreview]:
        """``POST /accounts/{n}/orders/dry-run``; a market order's cost is estimated from a
        REST quote where there are REST quotes (not in the sandbox)."""
        quote_market = Feature.QUOTES in self.capabilities().features
        return operations.preview(self.converter, account_id, order, quote_market=quote_market)

    def place(self, account_id: str, order: NewOrder) -> Operation[Order]:
        """``POST /accounts/{n}/orders``."""
        return operations.place(self.converter, account_id, order)

    def place_notional(
        self,
        account_id: str,
        target: Instrument,
        side: Side,
        amount: Decimal,
        *,
        effect: PositionEffect = PositionEffect.OPEN,
        time_in_force: TimeInForce = TimeInForce.DAY,
        client_id: str,
    ) -> Operation[Order]:
        """A ``Notional Market`` order: ``amount`` dollars of ``target``."""
        return operations.place_notional(
            self.converter,
            account_id,
            target,
            side,
            amount,
            effect=effect,
            time_in_force=time_in_force,
            client_id=client_id,
        )

    def place_group(self, account_id: str, group: OrderGroup) -> Operation[list[Order]]:
        """``POST /accounts/{n}/complex-orders``."""
        return operations.place_group(self.converter, account_id, group)

    def replace(self, account_id: str, order_id: str, changes: OrderChanges) -> Operation[Order]:
        """``PUT /accounts/{n}/orders/{id}``: a new order id."""
        return operations.replace(self.converter, account_id, order_id, changes)

    def cancel(self, account_id: str, order_id: str) -> Operation[Order]:
        """``DELETE /accounts/{n}/orders/{id}``."""
        return operations.cancel(self.converter, account_id, order_id)

    def quotes(self, instruments: Sequence[Instrument]) -> Operation[dict[str, Quote]]:
        """``GET /market-data/by-type``."""
        return operations.quotes(self.converter, instruments)

    def option_chain(
        self, underlying: Instrument, expiration: date | None
    ) -> Operation[OptionChain]:
        """Nested option chains (equity or futures)."""
        return operations.option_chain(self.converter, underlying, expiration)

    def instrument(self, instrument: Instrument) -> Operation[Instrument]:
        """The instrument endpoint of the kind."""
        return operations.instrument(self.converter, instrument)

    # -- streams --------------------------------------------------------------------------------
    def _context(self) -> RunContext:
        return RunContext(
            broker=self.name,
            base_url=URL(self.environment.base_url),
            check=self.check_response,
        )

    async def _rest(self, session: StreamSession, operation: Operation[T]) -> T:
        return await run_async(operation, session.client, self._context(), session.auth)

    def _token_source(
        self, session: StreamSession, first: operations.QuoteToken | None = None
    ) -> TokenSource:
        """Fetches a quote token per connection; ``first`` (already fetched) is used once."""
        ready = [first] if first is not None else []

        async def fetch() -> tuple[str, str]:
            grant = (
                ready.pop()
                if ready
                else await self._rest(session, operations.quote_token(self.converter))
            )
            return grant.token, grant.url

        return fetch

    async def _streamer_symbol(self, session: StreamSession, target: Instrument) -> str:
        found = await self._rest(session, operations.streamer_symbols([target]))
        return next(iter(found))

    async def bar_history(
        self,
        session: StreamSession,
        instrument: Instrument,
        timeframe: Timeframe,
        *,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> list[Bar]:
        """Bars from a DxLink candle snapshot, oldest first."""
        symbol = await self._streamer_symbol(session, instrument)
        grant = await self._rest(session, operations.quote_token(self.converter))
        return await market_stream.bar_history(
            session,
            self._token_source(session, grant),
            symbol,
            timeframe,
            start=start,
            end=end,
            limit=limit,
            now=grant.issued_at,
            silence=self.dxlink_silence,
            keepalive=self.dxlink_keepalive,
        )

    async def stream_quotes(
        self, session: StreamSession, instruments: Sequence[Instrument]
    ) -> AsyncIterator[QuoteEvent]:
        """DxLink Quote and Trade events as quote events."""
        symbols = await self._rest(session, operations.streamer_symbols(instruments))
        source = self._token_source(session)
        quotes = market_stream.quote_events(
            session, source, symbols, silence=self.dxlink_silence, keepalive=self.dxlink_keepalive
        )
        async with aclosing(quotes) as events:
            async for event in events:
                yield event

    async def stream_bars(
        self, session: StreamSession, instrument: Instrument, timeframe: Timeframe
    ) -> AsyncIterator[BarEvent]:
        """Live DxLink candles as bar events."""
        symbol = await self._streamer_symbol(session, instrument)
        grant = await self._rest(session, operations.quote_token(self.converter))
        source = self._token_source(session, grant)
        bars = market_stream.stream_bar_events(
            session,
            source,
            symbol,
            instrument,
            timeframe,
            now=grant.issued_at,
            silence=self.dxlink_silence,
            keepalive=self.dxlink_keepalive,
        )
        async with aclosing(bars) as events:
            async for event in events:
                yield event

    def _account_events(
        self, session: StreamSession, account_id: str
    ) -> AsyncGenerator[streamer.AccountEvent, None]:
        async def reconcile() -> tuple[list[Order], list[Position]]:
            found = await self._rest(
                session, operations.orders(self.converter, account_id, status="all", since=None)
            )
            held = await self._rest(session, operations.positions(self.converter, account_id))
            return found, held

        async def bearer() -> str:
            return await _bearer(session, self.environment.base_url)

        url = self.environment.urls["account_streamer"]
        return streamer.account_events(
            session,
            url,
            account_id,
            bearer,
            reconcile,
            self.converter,
            heartbeat=self.streamer_heartbeat,
        )

    async def stream_orders(
        self, session: StreamSession, account_id: str
    ) -> AsyncIterator[OrderEvent]:
        """Order notifications from the account streamer (reconciled after reconnects)."""
        from brokerlink.models import OrderEvent

        async with aclosing(self._account_events(session, account_id)) as events:
            async for event in events:
                if isinstance(event, OrderEvent):
                    yield event

    async def stream_positions(
        self, session: StreamSession, account_id: str
    ) -> AsyncIterator[PositionEvent]:
        """Position notifications from the account streamer (reconciled after reconnects)."""
        from brokerlink.models import PositionEvent

        async with aclosing(self._account_events(session, account_id)) as events:
            async for event in events:
                if isinstance(event, PositionEvent):
                    yield event


async def _bearer(session: StreamSession, base_url: str) -> str:
    """``Bearer <token>`` as the session's auth would send it (the streamer's ``auth-token``).

    An OAuth strategy hands out its current access token, refreshed first (single-flight) when
    it is about to expire; any other auth runs its flow on a probe request, the requests it needs
    first being sent for it. Without auth (a test transport) a placeholder is sent.
    """
    from brokerlink.oauth import OAuthStrategy

    if isinstance(session.auth, OAuthStrategy):
        return "Bearer " + await session.auth.fresh_access_token(session.client)
    if session.auth is None:
        return "Bearer emulator"
    probe = Request("GET", base_url + "/customers/me")
    flow = session.auth.async_auth_flow(probe)
    request = await flow.__anext__()
    while request is not probe:
        response = await session.client.send(request)
        await response.aread()
        request = await flow.asend(response)
    header = probe.headers.get("Authorization", "")
    await flow.aclose()
    return header
