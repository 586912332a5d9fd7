"""Tradier adapter for brokerlink (distribution ``brokerlink-tradier``).

=============== =================================================================================
module          job
=============== =================================================================================
environments    ``live``, ``sandbox`` and ``emulator`` and their URLs
auth            personal access tokens; the OAuth endpoints, scopes and client auth (partners)
quirks          Tradier's JSON quirks, absorbed once (one-or-many, ``"null"``, times, errors)
wire            the cattrs converter and the status, side, type and duration tables
parse           account and order payloads -> core models
parse_market    quotes, bars, option chains, instrument details
parse_extras    history, gain/loss, watchlists, securities, clock, calendar, expirations
requests        core orders and changes -> Tradier form bodies
rules           Tradier's order rules, checked before any request
operations      account and trading operations (``operations_market``: market data)
extension       the ``tradier`` extension (``broker.extension("tradier")``)
streams         market events (stream or websocket), account events, polling fallbacks
errors          the error table (HTTP 200 ``errors``, gateway faults, quota violations)
capabilities    what works in each environment, rate limits, stream modes
emulator        the Tradier wire front over the core engine
=============== =================================================================================
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from brokerlink._http import Auth, Response
from brokerlink.adapter import Adapter, Environment, OrderChanges, StreamSession, Transport
from brokerlink.capabilities import Capabilities
from brokerlink.errors import BrokerError
from brokerlink.runtime.operation import policy_of
from brokerlink_tradier import operations, operations_market, streams
from brokerlink_tradier.auth import oauth_spec, tradier_auth
from brokerlink_tradier.capabilities import tradier_capabilities
from brokerlink_tradier.environments import ENVIRONMENTS
from brokerlink_tradier.errors import error_from_tradier
from brokerlink_tradier.extension import TradierExtension
from brokerlink_tradier.wire import tradier_converter

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
    from brokerlink.runtime.ratelimit import RateLimiter
    from brokerlink.timeframes import Timeframe

__all__ = ["TradierAdapter", "TradierExtension"]


class TradierAdapter(Adapter):
    """Tradier: equities and options, REST with form bodies, session-based streams."""

    name = "tradier"
    display_name = "Tradier"
    environments = ENVIRONMENTS
    extensions = MappingProxyType({"tradier": TradierExtension})

    def __init__(self, environment: Environment, profile: Profile) -> None:
        super().__init__(environment, profile)
        self.converter = tradier_converter()

    # -- declarations -----------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        """What Tradier supports in this environment (:mod:`brokerlink_tradier.capabilities`); the
        emulator in the ``sandbox`` personality declares what the sandbox does."""
        return tradier_capabilities(self.environment.name, self.profile.emulator_personality)

    def check_response(self, response: Response) -> BrokerError | None:
        """The Tradier error table (:mod:`brokerlink_tradier.errors`)."""
        return error_from_tradier(response)

    def authenticate(self) -> Auth | None:
        """The personal access token, or a partner's OAuth login refreshed through
        :meth:`oauth_spec`; on the emulator without credentials, an automatic OAuth login (see
        :func:`.auth.tradier_auth`)."""
        return tradier_auth(self.profile, self.environment)

    def oauth_spec(self) -> OAuthSpec | None:
        """Tradier's OAuth server for this environment (the emulator's on its host; ``None`` for
        the sandbox, which only takes its personal token)."""
        return oauth_spec(self.environment)

    def observe_response(self, response: Response, limiter: RateLimiter) -> None:
        """Adopt ``X-Ratelimit-Available`` until ``X-Ratelimit-Expiry`` (epoch ms) for the
        request's rate class."""
        available = response.headers.get("x-ratelimit-available", "")
        expiry = response.headers.get("x-ratelimit-expiry", "")
        if not (available.isdigit() and expiry.isdigit()):
            return
        try:
            rate_class = policy_of(response.request).rate_class
        except RuntimeError:  # a response without its request (tests)
            return
        reset_in = int(expiry) / 1000 - datetime.now(UTC).timestamp()
        limiter.observe(rate_class, remaining=int(available), reset_in=reset_in)

    def emulator_transport(self, engine: Engine) -> Transport:
        """The in-process transport serving Tradier's wire format over ``engine``.

        The front is kept with the engine (:meth:`Engine.attached`): every connection to one
        engine sees the same broker (its order ids, watchlists, stream sessions, sign-in server).
        The profile's ``emulator_personality="sandbox"`` builds it as the sandbox
        (:meth:`TradierOptions.sandbox_like`: no market stream, no tick time and sales, enforced
        60/min limits, fills found by polling).
        """
        from brokerlink.emulator.http import EmulatorTransport
        from brokerlink.emulator.personality import front_key
        from brokerlink_tradier.emulator import TradierOptions, emulator_front

        personality = self.profile.emulator_personality
        options = TradierOptions.sandbox_like() if personality == "sandbox" else TradierOptions()
        key = front_key(engine, "tradier", personality)
        front = engine.attached(key, lambda: emulator_front(engine, options))
        return EmulatorTransport(front, engine)

    # -- operations -------------------------------------------------------------------------------
    def accounts(self) -> Operation[list[Account]]:
        """``GET /user/profile``."""
        return operations.accounts()

    def balances(self, account_id: str) -> Operation[Balance]:
        """``GET /accounts/{id}/balances``."""
        return operations.balances(account_id)

    def positions(self, account_id: str) -> Operation[list[Position]]:
        """``GET /accounts/{id}/positions``."""
        return operations.positions(account_id)

    def orders(
        self, account_id: str, *, status: str, since: datetime | None
    ) -> Operation[list[Order]]:
        """``GET /accounts/{id}/orders``, page by page."""
        return operations.orders(account_id, status=status, since=since)

    def order(self, account_id: str, order_id: str) -> Operation[Order]:
        """``GET /accounts/{id}/orders/{order_id}``."""
        return operations.order(account_id, order_id)

    def find_order(self, account_id: str, client_id: str) -> Operation[Order | None]:
        """The order whose ``tag`` is ``client_id``, or ``None``."""
        return operations.find_order(account_id, client_id)

    def preview(self, account_id: str, order: NewOrder) -> Operation[OrderPreview]:
        """``POST /accounts/{id}/orders`` with ``preview=true``."""
        return operations.preview(account_id, order)

    def place(self, account_id: str, order: NewOrder) -> Operation[Order]:
        """``POST /accounts/{id}/orders`` (a placement: never resent)."""
        return operations.place(account_id, order)

    def place_group(self, account_id: str, group: OrderGroup) -> Operation[list[Order]]:
        """``POST /accounts/{id}/orders`` with ``class=oco|oto|otoco``."""
        return operations.place_group(account_id, group)

    def replace(self, account_id: str, order_id: str, changes: OrderChanges) -> Operation[Order]:
        """``PUT /accounts/{id}/orders/{order_id}``."""
        return operations.replace(account_id, order_id, changes)

    def cancel(self, account_id: str, order_id: str) -> Operation[Order]:
        """``DELETE /accounts/{id}/orders/{order_id}``."""
        return operations.cancel(account_id, order_id)

    def quotes(self, instruments: Sequence[Instrument]) -> Operation[dict[str, Quote]]:
        """``GET /markets/quotes``."""
        return operations_market.quotes(instruments)

    def bars(
        self,
        instrument: Instrument,
        timeframe: Timeframe,
        *,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> Operation[list[Bar]]:
        """``/markets/timesales`` (intraday) or ``/markets/history`` (daily and longer)."""
        return operations_market.bars(instrument, timeframe, start=start, end=end, limit=limit)

    def option_chain(
        self, underlying: Instrument, expiration: date | None
    ) -> Operation[OptionChain]:
        """``/markets/options/chains`` (one expiration) or ``/markets/options/lookup`` (all)."""
        return operations_market.option_chain(underlying, expiration)

    def instrument(self, instrument: Instrument) -> Operation[Instrument]:
        """Details from the instrument's quote."""
        return operations_market.instrument(instrument)

    # -- streams ----------------------------------------------------------------------------------
    def stream_quotes(
        self, session: StreamSession, instruments: Sequence[Instrument]
    ) -> AsyncIterator[QuoteEvent]:
        """Market events (stream/websocket), or polling where the environment has none."""
        return streams.stream_quotes(self, session, instruments)

    def stream_bars(
        self, session: StreamSession, instrument: Instrument, timeframe: Timeframe
    ) -> AsyncIterator[BarEvent]:
        """Closed bars, polled from time and sales / history."""
        return streams.stream_bars(self, session, instrument, timeframe)

    def stream_orders(self, session: StreamSession, account_id: str) -> AsyncIterator[OrderEvent]:
        """Account events over the websocket, each completed by fetching its order."""
        return streams.stream_orders(self, session, account_id)

    def stream_positions(
        self, session: StreamSession, account_id: str
    ) -> AsyncIterator[PositionEvent]:
        """Position changes, polled."""
        return streams.stream_positions(self, session, account_id)
