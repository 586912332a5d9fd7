"""The tastytrade wire front: REST, DxLink and the account streamer over the core engine.

REST routes live in the mixins (:mod:`.rest_accounts`, :mod:`.rest_orders`,
:mod:`.rest_complex`, :mod:`.rest_market`); websockets are served on ``/dxlink``
(:mod:`.dxlink`) and ``/account-streamer`` (:mod:`.streamer`). The front sets the engine's
personality to tastytrade's: cancels are asynchronous (``Cancel Requested`` first, the final
``Cancelled`` when the exchange confirms, which the account streamer reports), a replace
issues a new order id, and an order refused by a preflight check is not recorded.
"""

from __future__ import annotations

import attrs

from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import Reply, Router, WebSocketHandler
from brokerlink_tastytrade.emulator.base import SandboxOptions
from brokerlink_tastytrade.emulator.dxlink import DxLinkSession
from brokerlink_tastytrade.emulator.reset import DailyReset
from brokerlink_tastytrade.emulator.rest_accounts import AccountRoutes
from brokerlink_tastytrade.emulator.rest_complex import ComplexRoutes
from brokerlink_tastytrade.emulator.rest_market import MarketRoutes
from brokerlink_tastytrade.emulator.streamer import AccountStreamerSession

__all__ = ["TastytradeFront"]


class TastytradeFront(AccountRoutes, ComplexRoutes, MarketRoutes):
    """tastytrade's REST API and websockets over ``engine``; ``sandbox`` picks cert quirks."""

    def __init__(self, engine: Engine, sandbox: SandboxOptions | None = None) -> None:
        super().__init__(engine, sandbox)
        engine.personality = attrs.evolve(
            engine.personality,
            name="tastytrade",
            cancel_is_async=True,
            replace_keeps_id=False,
            # A preflight failure creates no order at tastytrade: nothing to list as Rejected.
            record_rejections=False,
        )
        self.reset = (
            DailyReset(engine, self.book.clear_history) if self.sandbox.daily_reset else None
        )
        self.router = Router(error=lambda status, text: self.error_reply(status, text))
        for method, path, handler in (
            *self.account_routes(),
            *self.order_routes(),
            *self.complex_routes(),
            *self.market_routes(),
        ):
            self.router.add(method, path, handler)

    def handle(self, request: Request) -> Reply:
        """Answer one REST request."""
        if self.reset is not None:
            self.reset.check()
        return self.dispatch_tasty(request)

    def websocket(self, path: str) -> WebSocketHandler | None:
        """``/dxlink`` (market data) and ``/account-streamer`` (account notifications)."""
        if path.rstrip("/") == "/dxlink":
            return DxLinkSession(self).run
        if path.rstrip("/") == "/account-streamer":
            return AccountStreamerSession(self).run
        return None
