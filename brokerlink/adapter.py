"""The adapter contract: what a broker package provides to plug into brokerlink.

An adapter is a class registered under the entry-point group ``brokerlink.adapters`` (see
:mod:`brokerlink.registry`). The core creates one instance per connection, for one environment,
and asks it for *operations* (generators of requests, :mod:`brokerlink.runtime.operation`) and
*streams* (async iterators). An adapter performs no I/O of its own outside streams.

======================== ========================================================= ==========
part                     what it is                                                required
======================== ========================================================= ==========
``name``                 selector name: ``"tradier"``                              yes
``display_name``         for people: ``"Tradier"``                                 yes
``environments``         ``{name: Environment}``; ``live`` must set ``is_live``    yes
``capabilities()``       :class:`~brokerlink.capabilities.Capabilities` for the    yes
                         instance's environment; the facade refuses anything it
                         excludes before a request is built
``check_response()``     the error table: response -> our error, or ``None``       yes
                         (HTTP 200 bodies with errors included)
``observe_response()``   read rate-limit headers into the limiter                  no
``authenticate()``       an ``httpx2.Auth`` from the profile's credentials         yes
``emulator_transport()`` the in-process transport serving this broker's wire       for ``emulator``
                         format over the core engine (DESIGN §9)
operations               ``accounts``, ``balances``, ``positions``, ``orders``,    what the
                         ``order``, ``find_order``, ``preview``, ``place``,        capabilities
                         ``place_group``, ``replace``, ``cancel``, ``quotes``,     declare
                         ``bars``, ``option_chain``, ``instrument``
streams                  ``stream_quotes``, ``stream_bars``, ``stream_orders``,    what the
                         ``stream_positions``: async iterators of events           capabilities
                                                                                   declare
======================== ========================================================= ==========

Operations that an adapter's capabilities do not declare keep the base implementation, which
raises :class:`~brokerlink.errors.NotSupportedError`; a conformance test checks that every
declared feature is overridden.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

import attrs

from brokerlink._http import AsyncBaseTransport, AsyncClient, Auth, BaseTransport, Response
from brokerlink.enums import TimeInForce
from brokerlink.errors import BrokerError, NotSupportedError

if TYPE_CHECKING:
    from brokerlink.capabilities import Capabilities
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

__all__ = [
    "Adapter",
    "DeclaredAdapter",
    "Environment",
    "OrderChanges",
    "StreamSession",
    "Transport",
]


class Transport(BaseTransport, AsyncBaseTransport):
    """A transport usable by both the sync and the async client (the emulators provide one)."""


@attrs.frozen(kw_only=True)
class Environment:
    """One place an adapter can connect to.

    ``urls`` holds the adapter's other endpoints by role (``"stream"``, ``"websocket"``,
    ``"authorize"``, ``"token"``, ...). ``is_live`` environments need the explicit opt-in.
    ``default_account`` is the account ``account=None`` means when the profile names none (an
    emulator's first account, so ``bl.connect("paper:emulator").balances()`` just works).
    """

    name: str
    base_url: str
    is_live: bool = False
    is_emulator: bool = False
    urls: Mapping[str, str] = attrs.field(factory=dict)
    description: str = ""
    default_account: str | None = None


@attrs.frozen(kw_only=True)
class OrderChanges:
    """What ``replace`` changes; ``None`` leaves a field as it is."""

    quantity: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce | None = None

    def changed_fields(self) -> list[str]:
        """Names of the fields that are set."""
        return [
            field.name
            for field in attrs.fields(OrderChanges)
            if getattr(self, field.name) is not None
        ]


@attrs.frozen(kw_only=True)
class StreamSession:
    """What a stream needs: an async client (with auth and transport) and the retry budget.

    ``on_live`` is called each time the stream is *live*: the broker accepted it (an HTTP stream
    answered, a websocket handshake acknowledged or its subscription sent), so an event from
    then on will be delivered. Whoever places an order right after opening a stream waits for
    it, or the order's first events could pass before the stream is there to see them. A stream
    that cannot tell (a poll) never calls it, so a wait for it must be bounded.
    """

    client: AsyncClient
    auth: Auth | None
    max_reconnects: int = 5
    on_live: Callable[[], None] | None = None

    def live(self) -> None:
        """Tell ``on_live`` (if any) that the stream is live now."""
        if self.on_live is not None:
            self.on_live()


class Adapter(abc.ABC):
    """Base class of every broker adapter; see the module docstring for the contract."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    environments: ClassVar[Mapping[str, Environment]]
    keepalive_messages: ClassVar[tuple[Mapping[str, str], ...]] = ()
    """Messages the client sends on its websockets to keep them open (each as the fields that
    identify it). Their timing is the client's own, so a replayed recording does not compare
    them (:mod:`brokerlink.testing`)."""

    def __init__(self, environment: Environment, profile: Profile) -> None:
        self.environment = environment
        self.profile = profile

    # -- declarations -------------------------------------------------------------------------
    @abc.abstractmethod
    def capabilities(self) -> Capabilities:
        """What this adapter supports in :attr:`environment`."""

    @abc.abstractmethod
    def check_response(self, response: Response) -> BrokerError | None:
        """The error ``response`` stands for, or ``None`` when it is a good answer."""

    @abc.abstractmethod
    def authenticate(self) -> Auth | None:
        """The auth flow for :attr:`profile` in :attr:`environment` (``None``: no auth needed)."""

    def oauth_spec(self) -> OAuthSpec | None:
        """The broker's OAuth server for :attr:`environment` (``None``: no OAuth login).

        Declaring one lets :func:`~brokerlink.auth.bearer_from_environment` build a refreshing
        strategy from a refresh token, and ``brokerlink login`` / ``logout`` work for the adapter.
        """
        return None

    def observe_response(self, response: Response, limiter: RateLimiter) -> None:  # noqa: B027
        """Feed the broker's rate-limit headers into ``limiter`` (default: nothing to read)."""

    def emulator_transport(self, engine: Engine) -> Transport:
        """The in-process transport for the ``emulator`` environment."""
        raise self._unsupported("an emulator")

    def _unsupported(self, what: str) -> NotSupportedError:
        return NotSupportedError(
            f"{what} is not provided by {self.name} {self.environment.name}", broker=self.name
        )

    # -- operations (override what the capabilities declare) ----------------------------------
    def accounts(self) -> Operation[list[Account]]:
        """Every account the credentials can see."""
        raise self._unsupported("accounts")

    def balances(self, account_id: str) -> Operation[Balance]:
        """Cash, equity and buying power of one account."""
        raise self._unsupported("balances")

    def positions(self, account_id: str) -> Operation[list[Position]]:
        """Open positions of one account."""
        raise self._unsupported("positions")

    def orders(
        self, account_id: str, *, status: str, since: datetime | None
    ) -> Operation[list[Order]]:
        """Orders of one account: ``status`` is ``"open"`` or ``"all"``."""
        raise self._unsupported("orders")

    def order(self, account_id: str, order_id: str) -> Operation[Order]:
        """One order by the broker's id."""
        raise self._unsupported("order lookup")

    def find_order(self, account_id: str, client_id: str) -> Operation[Order | None]:
        """The order carrying our ``client_id``, or ``None``: used to reconcile after a timeout."""
        raise self._unsupported("order lookup by client id")

    def preview(self, account_id: str, order: NewOrder) -> Operation[OrderPreview]:
        """What placing ``order`` would cost, without placing it."""
        raise self._unsupported("preview")

    def place(self, account_id: str, order: NewOrder) -> Operation[Order]:
        """Place one order. Must attach a ``placement`` :class:`CallPolicy` with the client id."""
        raise self._unsupported("placing orders")

    def place_group(self, account_id: str, group: OrderGroup) -> Operation[list[Order]]:
        """Place an OCO, OTO or bracket group."""
        raise self._unsupported("order groups")

    def replace(self, account_id: str, order_id: str, changes: OrderChanges) -> Operation[Order]:
        """Change a working order; returns the order as it now stands (a new id on some brokers)."""
        raise self._unsupported("replace")

    def cancel(self, account_id: str, order_id: str) -> Operation[Order]:
        """Cancel a working order; returns it as the broker reports it (may be CANCEL_PENDING)."""
        raise self._unsupported("cancel")

    def quotes(self, instruments: Sequence[Instrument]) -> Operation[dict[str, Quote]]:
        """Quotes keyed by canonical symbol; the facade batches for the broker's limits."""
        raise self._unsupported("quotes")

    def bars(
        self,
        instrument: Instrument,
        timeframe: Timeframe,
        *,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> Operation[list[Bar]]:
        """Bars oldest first, paginated and chunked inside the operation."""
        raise self._unsupported("bars")

    def option_chain(
        self, underlying: Instrument, expiration: date | None
    ) -> Operation[OptionChain]:
        """The option chain of ``underlying`` (one expiration, or all)."""
        raise self._unsupported("option chains")

    def instrument(self, instrument: Instrument) -> Operation[Instrument]:
        """``instrument`` with its details filled in."""
        raise self._unsupported("instrument details")

    # -- streams ------------------------------------------------------------------------------
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
        """Bars oldest first, read over a stream: for brokers whose history exists only there
        (``capabilities.history.over_stream``); the facades call it instead of :meth:`bars`."""
        raise self._unsupported("bar history over a stream")

    def stream_quotes(
        self, session: StreamSession, instruments: Sequence[Instrument]
    ) -> AsyncIterator[QuoteEvent]:
        """Quote events until the consumer stops."""
        raise self._unsupported("quote streaming")

    def stream_bars(
        self, session: StreamSession, instrument: Instrument, timeframe: Timeframe
    ) -> AsyncIterator[BarEvent]:
        """Bar events until the consumer stops."""
        raise self._unsupported("bar streaming")

    def stream_orders(self, session: StreamSession, account_id: str) -> AsyncIterator[OrderEvent]:
        """Order events (with fills) until the consumer stops."""
        raise self._unsupported("order streaming")

    def stream_positions(
        self, session: StreamSession, account_id: str
    ) -> AsyncIterator[PositionEvent]:
        """Position events until the consumer stops."""
        raise self._unsupported("position streaming")


class DeclaredAdapter(Adapter):
    """An adapter that so far declares only its environments: every capability is empty.

    Broker packages start from this while their endpoints are being built, so they install,
    register and answer every call with a clear :class:`~brokerlink.errors.NotSupportedError`
    (raised by the facade before any request) instead of failing to load.
    """

    def capabilities(self) -> Capabilities:
        """Nothing is supported yet, in any environment."""
        from brokerlink.capabilities import Capabilities

        return Capabilities(
            adapter=self.name,
            environment=self.environment.name,
            features=frozenset(),
            asset_classes=frozenset(),
            notes=(
                f"{self.display_name} endpoints, streams and emulator are not in this release yet",
            ),
        )

    def check_response(self, response: Response) -> BrokerError | None:
        """The broad status table."""
        from brokerlink.runtime.statuses import error_for_status

        return error_for_status(response, broker=self.name)

    def authenticate(self) -> Auth | None:
        """A bearer token from ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``, or a refreshing strategy
        when a refresh token is available and :meth:`oauth_spec` declares the OAuth server."""
        from brokerlink.auth import bearer_from_environment

        return bearer_from_environment(self.profile, spec=self.oauth_spec())
