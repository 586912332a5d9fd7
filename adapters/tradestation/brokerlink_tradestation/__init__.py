"""TradeStation adapter for brokerlink (distribution ``brokerlink-tradestation``).

``bl.connect("tradestation:sim")`` (or ``live``, or the offline ``emulator``). One module per
job, as DESIGN §5 names them:

============== =================================================================================
module         job
============== =================================================================================
environments   live, sim and emulator URLs (v3 REST and streams, v2 tick bars, OAuth)
auth           OAuth endpoints, audience, scopes, token-endpoint auth, token lifetime
wire           request/response vocabulary tables, order statuses, a path-aware payload reader
parse          payloads -> models (``*_from_ts``); ``requests``: orders -> bodies (``*_to_ts``)
symbology      TradeStation symbols <-> instruments (legacy futures roots, continuous @ES)
operations     brokerage and order generators; ``marketdata``: quotes, bars, symbols, options
streams        chunked NDJSON streams with heartbeats, GoAway, snapshots and REST reconcile
errors         the error table (Errors arrays and HTTP 200 error bodies included)
capabilities   what works per environment
models         TradeStation-only models (routes, depth, spread quotes, tick bars, ...)
roll           the futures roll helper
emulator       the TradeStation wire front over the core engine (its own package)
============== =================================================================================

TradeStation-only calls are the ``tradestation`` extension (``broker.extension("tradestation")``,
:mod:`~brokerlink_tradestation.extension`) and, for streams, methods of :class:`TradeStationAdapter`
taking a :class:`~brokerlink.adapter.StreamSession`; see ``docs/tradestation.md``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from brokerlink._http import Auth, Response
from brokerlink.adapter import Adapter, Environment, OrderChanges, StreamSession, Transport
from brokerlink.capabilities import Capabilities
from brokerlink.errors import BrokerError
from brokerlink.runtime.ratelimit import RateLimiter
from brokerlink.timeutil import utcnow
from brokerlink_tradestation import marketdata, operations, placing, streams
from brokerlink_tradestation.auth import oauth_spec, tradestation_auth
from brokerlink_tradestation.capabilities import tradestation_capabilities
from brokerlink_tradestation.environments import ENVIRONMENTS
from brokerlink_tradestation.errors import error_from_tradestation
from brokerlink_tradestation.extension import TradeStationExtension
from brokerlink_tradestation.requests import ActivationRule, OrderExtras, Oso, TimeActivation
from brokerlink_tradestation.symbology import ContinuousFuture
from brokerlink_tradestation.wire import tradestation_converter

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
    from brokerlink_tradestation.models import (
        MarketDepth,
        OptionSpreadQuote,
        TickBar,
    )

__all__ = [
    "ActivationRule",
    "ContinuousFuture",
    "OrderExtras",
    "Oso",
    "TimeActivation",
    "TradeStationAdapter",
    "TradeStationExtension",
]


class TradeStationAdapter(Adapter):
    """TradeStation Web API v3 (and the v2 tick-bar stream)."""

    name = "tradestation"
    display_name = "TradeStation"
    environments = ENVIRONMENTS
    extensions = MappingProxyType({"tradestation": TradeStationExtension})

    def __init__(self, environment: Environment, profile: Profile) -> None:
        super().__init__(environment, profile)
        self.converter = tradestation_converter()
        # What this instance placed, so find_order can recognise it (TradeStation echoes no id).
        self.sent = placing.SentOrders(clock=self.broker_now)
        # The broker's clock: the engine's when the emulator runs in-process (its time is
        # simulated), the wall clock for TradeStation itself; see broker_now().
        self._engine_clock: Callable[[], datetime] | None = None

    def broker_now(self) -> datetime:
        """TradeStation's current time, for its date rules (the 90-day order history).

        In-process emulators run on simulated time, so the engine's clock is used; against an
        emulator served on a port, whose clock cannot be read, the wall clock stands in.
        """
        return self._engine_clock() if self._engine_clock is not None else utcnow()

    def _rule_clock(self) -> datetime | None:
        # A served emulator enforces the date rules against its own clock; checking them here
        # against the wall clock would refuse what it accepts.
        if self.environment.is_emulator and self._engine_clock is None:
            return None
        return self.broker_now()

    # -- declarations ---------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        """TradeStation's capabilities in this environment (the emulator in the ``sandbox``
        personality declares what SIM does)."""
        return tradestation_capabilities(self.environment.name, self.profile.emulator_personality)

    def check_response(self, response: Response) -> BrokerError | None:
        """The TradeStation error table (HTTP 200 error bodies included)."""
        return error_from_tradestation(response)

    def authenticate(self) -> Auth | None:
        """The profile's credentials (refreshed through :meth:`oauth_spec`); on the emulator
        without credentials, an automatic OAuth login (see :func:`.auth.tradestation_auth`)."""
        return tradestation_auth(self.environment, self.profile)

    def oauth_spec(self) -> OAuthSpec:
        """TradeStation's OAuth server for this environment (the emulator's on its host)."""
        return oauth_spec(self.environment)

    def observe_response(self, response: Response, limiter: RateLimiter) -> None:
        """Adopt ``X-RateLimit-Remaining``/``-Reset`` when TradeStation sends them."""
        remaining = response.headers.get("x-ratelimit-remaining")
        reset = response.headers.get("x-ratelimit-reset")
        if remaining is None or reset is None or not remaining.isdigit():
            return
        from brokerlink.runtime.operation import policy_of

        try:
            reset_in = float(reset)
        except ValueError:
            return
        limiter.observe(
            policy_of(response.request).rate_class, remaining=int(remaining), reset_in=reset_in
        )

    def emulator_transport(self, engine: Engine) -> Transport:
        """The in-process transport serving TradeStation's wire format over ``engine``.

        The front is kept with the engine (:meth:`Engine.attached`): every connection to one
        engine sees the same broker, confirm ids and sign-in server included. The profile's
        ``emulator_personality="sandbox"`` builds it as the SIM (its order stream drops fill
        frames; :data:`~brokerlink_tradestation.emulator.SIM`).
        """
        from brokerlink.emulator.http import EmulatorTransport
        from brokerlink.emulator.personality import front_key
        from brokerlink_tradestation.emulator import IDEAL, SIM, emulator_front

        self._engine_clock = engine.now
        personality = self.profile.emulator_personality
        chosen = SIM if personality == "sandbox" else IDEAL
        key = front_key(engine, "tradestation", personality)
        front = engine.attached(key, lambda: emulator_front(engine, personality=chosen))
        return EmulatorTransport(front, engine)

    # -- brokerage ------------------------------------------------------------------------------
    def accounts(self) -> Operation[list[Account]]:
        """``GET /brokerage/accounts``."""
        return operations.accounts(self.converter)

    def balances(self, account_id: str) -> Operation[Balance]:
        """``GET /brokerage/accounts/{id}/balances``."""
        return operations.balances(self.converter, account_id)

    def positions(self, account_id: str) -> Operation[list[Position]]:
        """``GET /brokerage/accounts/{id}/positions``."""
        return operations.positions(self.converter, account_id)

    def orders(
        self, account_id: str, *, status: str, since: datetime | None
    ) -> Operation[list[Order]]:
        """Today's and open orders, plus ``historicalorders`` when ``since`` is given."""
        return operations.orders(
            self.converter, account_id, status=status, since=since, now=self._rule_clock()
        )

    def order(self, account_id: str, order_id: str) -> Operation[Order]:
        """One order by id (today's first, then the 90-day history)."""
        return operations.order(self.converter, account_id, order_id, self._rule_clock())

    def find_order(self, account_id: str, client_id: str) -> Operation[Order | None]:
        """The order this adapter placed with ``client_id`` (matched by content), or ``None``."""
        return placing.find_order(self.converter, account_id, client_id, self.sent)

    def preview(self, account_id: str, order: NewOrder) -> Operation[OrderPreview]:
        """``POST /orderexecution/orderconfirm``."""
        return placing.preview(self.converter, account_id, order)

    def place(self, account_id: str, order: NewOrder) -> Operation[Order]:
        """``POST /orderexecution/orders`` (a placement: never resent)."""
        return placing.place(self.converter, account_id, order, self.sent)

    def place_group(self, account_id: str, group: OrderGroup) -> Operation[list[Order]]:
        """OCO on ``/ordergroups``; OTO and brackets as an order with OSOs."""
        return placing.place_group(self.converter, account_id, group, self.sent)

    def replace(self, account_id: str, order_id: str, changes: OrderChanges) -> Operation[Order]:
        """``PUT /orderexecution/orders/{id}``."""
        return placing.replace(self.converter, account_id, order_id, changes)

    def cancel(self, account_id: str, order_id: str) -> Operation[Order]:
        """``DELETE /orderexecution/orders/{id}``."""
        return placing.cancel(self.converter, account_id, order_id)

    # -- market data ----------------------------------------------------------------------------
    def quotes(self, instruments: Sequence[Instrument]) -> Operation[dict[str, Quote]]:
        """``GET /marketdata/quotes/{symbols}`` (100 per request)."""
        return marketdata.quotes(self.converter, instruments)

    def bars(
        self,
        instrument: Instrument,
        timeframe: Timeframe,
        *,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> Operation[list[Bar]]:
        """``GET /marketdata/barcharts/{symbol}``, chunked past 57,600 intraday bars."""
        return marketdata.bars(
            self.converter, instrument, timeframe, start=start, end=end, limit=limit
        )

    def option_chain(
        self, underlying: Instrument, expiration: date | None
    ) -> Operation[OptionChain]:
        """Expirations and strikes as an :class:`~brokerlink.models.OptionChain`."""
        return marketdata.option_chain(self.converter, underlying, expiration)

    def instrument(self, instrument: Instrument) -> Operation[Instrument]:
        """``GET /marketdata/symbols/{symbol}``: the instrument with its details."""
        return marketdata.instrument(self.converter, instrument)

    # -- streams --------------------------------------------------------------------------------
    def _stream(self, path: str) -> str:
        return self.environment.base_url.rstrip("/") + path

    def stream_quotes(
        self, session: StreamSession, instruments: Sequence[Instrument]
    ) -> AsyncIterator[QuoteEvent]:
        """``/marketdata/stream/quotes/{symbols}``: quote changes merged into full quotes."""
        return streams.stream_quotes(
            session, self.converter, self._stream, instruments, self.check_response
        )

    def stream_bars(
        self, session: StreamSession, instrument: Instrument, timeframe: Timeframe
    ) -> AsyncIterator[BarEvent]:
        """``/marketdata/stream/barcharts/{symbol}``: bars as they build, complete when closed."""
        return streams.stream_bars(
            session, self.converter, self._stream, instrument, timeframe, self.check_response
        )

    def stream_orders(self, session: StreamSession, account_id: str) -> AsyncIterator[OrderEvent]:
        """``/brokerage/stream/accounts/{id}/orders``, reconciled against REST after reconnects."""
        return streams.stream_orders(
            session,
            self.converter,
            self._stream,
            self.environment.base_url,
            account_id,
            self.check_response,
        )

    def stream_positions(
        self, session: StreamSession, account_id: str
    ) -> AsyncIterator[PositionEvent]:
        """``/brokerage/stream/accounts/{id}/positions``: snapshot replays de-duplicated."""
        return streams.stream_positions(
            session, self.converter, self._stream, account_id, self.check_response
        )

    def stream_option_chain(
        self,
        session: StreamSession,
        underlying: Instrument,
        *,
        expiration: date | None = None,
        strike_proximity: int = 5,
        spread_type: str = "Single",
        enable_greeks: bool = True,
    ) -> AsyncIterator[OptionSpreadQuote]:
        """``/marketdata/stream/options/chains/{underlying}``: spread quotes with greeks."""
        return streams.stream_option_chain(
            session, self.converter, self._stream, underlying, self.check_response,
            expiration=expiration, strike_proximity=strike_proximity, spread_type=spread_type,
            enable_greeks=enable_greeks,
        )  # fmt: skip

    def stream_market_depth(
        self,
        session: StreamSession,
        instrument: Instrument,
        *,
        aggregated: bool = False,
        levels: int = 20,
    ) -> AsyncIterator[MarketDepth]:
        """``/marketdata/stream/marketdepth/{quotes|aggregates}/{symbol}`` (scope ``Matrix``)."""
        return streams.stream_market_depth(
            session,
            self.converter,
            self._stream,
            instrument,
            self.check_response,
            aggregated=aggregated,
            levels=levels,
        )

    def stream_tick_bars(
        self, session: StreamSession, instrument: Instrument, *, ticks: int = 1, bars_back: int = 10
    ) -> AsyncIterator[TickBar]:
        """v2 ``/stream/tickbars/{symbol}/{interval}/{barsBack}``: bars of ``ticks`` trades."""
        v2 = self.environment.urls.get("v2", self.environment.base_url.rsplit("/", 1)[0] + "/v2")
        return streams.stream_tick_bars(
            session, v2, instrument, self.check_response, ticks=ticks, bars_back=bars_back
        )
