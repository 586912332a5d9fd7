"""The tastytrade wire front: REST, DxLink and the account streamer over the core engine.

REST routes live in the mixins (:mod:`.rest_accounts`, :mod:`.rest_orders`,
:mod:`.rest_complex`, :mod:`.rest_market`); websockets are served on ``/dxlink``
(:mod:`.dxlink`) and ``/account-streamer`` (:mod:`.streamer`). The front sets the engine's
personality to tastytrade's: cancels are asynchronous (``Cancel Requested`` first, the final
``Cancelled`` when the exchange confirms, which the account streamer reports), a replace
issues a new order id, and an order refused by a preflight check is not recorded.

OAuth: ``GET /oauth/authorize`` and ``POST /oauth/token`` are served by the emulated OAuth server
(:mod:`.signin`) with no bearer token. Every other request needs ``Authorization: Bearer
<token>`` (and the ``connect`` of the account streamer the same text in ``auth-token``): a token
the OAuth server issued must be live, else tastytrade's 401 ``{"error": {"code":
"unauthorized", "message": ...}}``. A token it never issued is accepted by default ("open"
tokens), so callers bringing a fixed token (``bl.StaticToken``, cassettes, benchmarks) keep
working; ``strict_tokens=True`` refuses those too, which is how the OAuth tests run.
"""

from __future__ import annotations

import attrs

from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import Reply, Router, WebSocketHandler
from brokerlink.emulator.oauth import OAuthServer
from brokerlink_tastytrade.emulator.base import SandboxOptions
from brokerlink_tastytrade.emulator.dxlink import DxLinkSession
from brokerlink_tastytrade.emulator.reset import DailyReset
from brokerlink_tastytrade.emulator.rest_accounts import AccountRoutes
from brokerlink_tastytrade.emulator.rest_complex import ComplexRoutes
from brokerlink_tastytrade.emulator.rest_market import MarketRoutes
from brokerlink_tastytrade.emulator.signin import signin_server
from brokerlink_tastytrade.emulator.streamer import AccountStreamerSession

__all__ = ["TastytradeFront"]


_REFUSALS = {
    "expired": "the access token has expired",
    "revoked": "the access token has been revoked",
    "unknown": "the access token is not valid",
}


class TastytradeFront(AccountRoutes, ComplexRoutes, MarketRoutes):
    """tastytrade's REST API and websockets over ``engine``; ``sandbox`` picks cert quirks.

    ``oauth`` is the OAuth server (default: a new :func:`~.signin.signin_server`);
    ``strict_tokens`` refuses bearer tokens it did not issue (see the module docstring).
    """

    def __init__(
        self,
        engine: Engine,
        sandbox: SandboxOptions | None = None,
        *,
        oauth: OAuthServer | None = None,
        strict_tokens: bool = False,
    ) -> None:
        super().__init__(engine, sandbox)
        self.oauth = oauth if oauth is not None else signin_server()
        self.strict_tokens = strict_tokens
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
        self.oauth.mount(self.router)
        for method, path, handler in (
            *self.account_routes(),
            *self.order_routes(),
            *self.complex_routes(),
            *self.market_routes(),
        ):
            self.router.add(method, path, handler)

    def handle(self, request: Request) -> Reply:
        """Answer one REST request: the OAuth server's own paths as they are (its token endpoint
        checks the User-Agent itself), the API's after the request checks (the token's
        standing included, :meth:`token_refusal`)."""
        if self.oauth.owns(request.url.path):
            return self.dispatch(self.router, request)
        if self.reset is not None:
            self.reset.check()
        return self.dispatch_tasty(request)

    def token_refusal(self, token: str) -> str | None:
        """Why the access token ``token`` is refused (``None``: accepted; see the module
        docstring for which tokens are)."""
        state = self.oauth.token_state(token.strip())
        if state == "live" or (state == "unknown" and not self.strict_tokens):
            return None
        return _REFUSALS[state]

    def websocket(self, path: str) -> WebSocketHandler | None:
        """``/dxlink`` (market data) and ``/account-streamer`` (account notifications)."""
        if path.rstrip("/") == "/dxlink":
            return DxLinkSession(self).run
        if path.rstrip("/") == "/account-streamer":
            return AccountStreamerSession(self).run
        return None
