"""paper: brokerlink's neutral reference adapter (``bl.connect("paper:emulator")``).

paper proves the whole pipeline end to end (operation generators -> drivers -> transport ->
emulator front -> engine -> JSON -> parse -> models) and is the template every broker adapter
copies: one module per job, as DESIGN §5 names them.

============== =================================================================================
module         job
============== =================================================================================
environments   the environments and their URLs (``emulator`` only)
auth           the auth flow (none)
wire           the cattrs converter (the core one, ``.copy()``-ed) and the payload envelopes
parse          pure payload <-> model functions, named by direction, with sample payloads
operations     one generator per operation (pagination and reconcile lookups included)
streams        async generators over NDJSON streams, with resume-after-reconnect
errors         the error table: exact codes, then broad status fallbacks
capabilities   what is supported (everything)
emulator       the paper wire front over the core engine
============== =================================================================================
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from brokerlink._http import Auth, Response
from brokerlink.adapter import Adapter, Environment, OrderChanges, StreamSession, Transport
from brokerlink.capabilities import Capabilities
from brokerlink.errors import BrokerError
from brokerlink.paper import operations, streams
from brokerlink.paper.auth import paper_auth
from brokerlink.paper.capabilities import paper_capabilities
from brokerlink.paper.environments import ENVIRONMENTS
from brokerlink.paper.errors import error_from_paper
from brokerlink.paper.wire import paper_converter

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
    from brokerlink.runtime.operation import Operation
    from brokerlink.timeframes import Timeframe

__all__ = ["PaperAdapter"]


class PaperAdapter(Adapter):
    """The paper adapter: a neutral JSON API served by the emulator (environment ``emulator``)."""

    name = "paper"
    display_name = "Paper"
    environments = ENVIRONMENTS

    def __init__(self, environment: Environment, profile: Profile) -> None:
        super().__init__(environment, profile)
        # One converter per adapter instance: hooks are compiled once, and nothing is global.
        self.converter = paper_converter()

    # -- declarations ---------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        """Everything, in the ``emulator`` environment."""
        return paper_capabilities(self.environment.name)

    def check_response(self, response: Response) -> BrokerError | None:
        """The paper error table (:mod:`brokerlink.paper.errors`)."""
        return error_from_paper(response)

    def authenticate(self) -> Auth | None:
        """No auth: the emulator needs no credentials."""
        return paper_auth()

    def emulator_transport(self, engine: Engine) -> Transport:
        """The in-process transport serving the paper API over ``engine``.

        Paper is brokerlink's own broker, with no sandbox to imitate: the profile's
        ``emulator_personality`` is accepted as ``"ideal"`` or ``"sandbox"`` and both serve the
        same front with the same capabilities.
        """
        from brokerlink.emulator.http import EmulatorTransport
        from brokerlink.paper.emulator import PaperFront

        return EmulatorTransport(PaperFront(engine, self.converter), engine)

    # -- operations -----------------------------------------------------------------------------
    def accounts(self) -> Operation[list[Account]]:
        """``GET /accounts``."""
        return operations.accounts(self.converter)

    def balances(self, account_id: str) -> Operation[Balance]:
        """``GET /accounts/{id}/balance``."""
        return operations.balances(self.converter, account_id)

    def positions(self, account_id: str) -> Operation[list[Position]]:
        """``GET /accounts/{id}/positions``."""
        return operations.positions(self.converter, account_id)

    def orders(
        self, account_id: str, *, status: str, since: datetime | None
    ) -> Operation[list[Order]]:
        """``GET /accounts/{id}/orders``."""
        return operations.orders(self.converter, account_id, status=status, since=since)

    def order(self, account_id: str, order_id: str) -> Operation[Order]:
        """``GET /accounts/{id}/orders/{order_id}``."""
        return operations.order(self.converter, account_id, order_id)

    def find_order(self, account_id: str, client_id: str) -> Operation[Order | None]:
        """The order carrying ``client_id``, or ``None``."""
        return operations.find_order(self.converter, account_id, client_id)

    def preview(self, account_id: str, order: NewOrder) -> Operation[OrderPreview]:
        """``POST /accounts/{id}/orders/preview``."""
        return operations.preview(self.converter, account_id, order)

    def place(self, account_id: str, order: NewOrder) -> Operation[Order]:
        """``POST /accounts/{id}/orders`` (a placement: never resent)."""
        return operations.place(self.converter, account_id, order)

    def place_group(self, account_id: str, group: OrderGroup) -> Operation[list[Order]]:
        """``POST /accounts/{id}/order_groups``."""
        return operations.place_group(self.converter, account_id, group)

    def replace(self, account_id: str, order_id: str, changes: OrderChanges) -> Operation[Order]:
        """``PATCH /accounts/{id}/orders/{order_id}``."""
        return operations.replace(self.converter, account_id, order_id, changes)

    def cancel(self, account_id: str, order_id: str) -> Operation[Order]:
        """``DELETE /accounts/{id}/orders/{order_id}``."""
        return operations.cancel(self.converter, account_id, order_id)

    def quotes(self, instruments: Sequence[Instrument]) -> Operation[dict[str, Quote]]:
        """``GET /quotes``."""
        return operations.quotes(self.converter, instruments)

    def bars(
        self,
        instrument: Instrument,
        timeframe: Timeframe,
        *,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> Operation[list[Bar]]:
        """``GET /bars``, following ``next_page``."""
        return operations.bars(
            self.converter, instrument, timeframe, start=start, end=end, limit=limit
        )

    def option_chain(
        self, underlying: Instrument, expiration: date | None
    ) -> Operation[OptionChain]:
        """``GET /option_chain``."""
        return operations.option_chain(self.converter, underlying, expiration)

    def instrument(self, instrument: Instrument) -> Operation[Instrument]:
        """``GET /instruments``."""
        return operations.instrument(self.converter, instrument)

    # -- streams --------------------------------------------------------------------------------
    def _stream_url(self, path: str) -> str:
        return self.environment.urls.get("stream", self.environment.base_url + "/stream") + path

    def stream_quotes(
        self, session: StreamSession, instruments: Sequence[Instrument]
    ) -> AsyncIterator[QuoteEvent]:
        """``/stream/quotes``: resubscribes after a drop."""
        url = self._stream_url("/quotes")
        return streams.stream_quotes(session, self.converter, url, instruments, self.check_response)

    def stream_bars(
        self, session: StreamSession, instrument: Instrument, timeframe: Timeframe
    ) -> AsyncIterator[BarEvent]:
        """``/stream/bars``: resumes after the last bar delivered."""
        url = self._stream_url("/bars")
        return streams.stream_bars(
            session, self.converter, url, instrument, timeframe, self.check_response
        )

    def stream_orders(self, session: StreamSession, account_id: str) -> AsyncIterator[OrderEvent]:
        """``/stream/accounts/{id}/orders``: resumes after the last sequence number seen."""
        url = self._stream_url(f"/accounts/{quote(account_id, safe='')}/orders")
        return streams.stream_orders(session, self.converter, url, self.check_response)

    def stream_positions(
        self, session: StreamSession, account_id: str
    ) -> AsyncIterator[PositionEvent]:
        """``/stream/accounts/{id}/positions``: resumes after the last sequence number seen."""
        url = self._stream_url(f"/accounts/{quote(account_id, safe='')}/positions")
        return streams.stream_positions(session, self.converter, url, self.check_response)
