"""The Tradier wire front: Tradier's REST, streams and websockets over the core engine.

Every REST request needs ``Authorization: Bearer <token>``; without one, or with one the OAuth
server (:mod:`.signin`, ``/v1/oauth/...``, which needs none) issued that has expired, the gateway
answers 401 with its ``fault`` body (``Access Token expired`` / ``Invalid Access Token``). A token
that server never issued is accepted by default ("open" tokens: ``bl.StaticToken``, cassettes,
benchmarks); ``strict_tokens=True`` refuses those too, which is how the OAuth tests run. Each
answer of a rate-limited class carries the ``X-Ratelimit-*`` headers (see :mod:`.sessions`).
The HTTP streams (``/v1/markets/events``, ``/v1/accounts/events``) authenticate with their
session id instead, as on ``stream.tradier.com``. Paths nobody serves get the gateway's 404
``fault``; Tradier's own refusals are ``{"errors": {"error": ...}}`` (:mod:`.wire`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http import Front, Reply, Router, WebSocketHandler
from brokerlink.emulator.oauth import OAuthServer
from brokerlink.models import Order

from . import accounts, hours, markets, streams, trading, watchlists
from . import options as option_routes
from .book import OrderBook
from .events import account_cursor
from .personality import TradierOptions, tradier_personality
from .sessions import RateWindows, StreamSessions, Usage
from .signin import signin_server
from .watchlists import Watchlists
from .wire import TradierError, errors_reply, fault

__all__ = ["TradierFront"]

_STREAM_PATHS = ("/v1/markets/events", "/v1/accounts/events")
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "The Service is temporarily unavailable",
            504: "Gateway Timeout"}  # fmt: skip


class TradierFront(Front):
    """Tradier's API over an engine; hand it to an ``EmulatorTransport`` or to ``serve``.

    ``options`` picks the ideal broker (default) or the sandbox's ways
    (:meth:`TradierOptions.sandbox_like`); ``clock`` is the real-time source of rate-limit
    windows and session expiry (tests pass a fake one). ``oauth`` is the OAuth server (default:
    a new :func:`~.signin.signin_server`); ``strict_tokens`` refuses bearer tokens it did not
    issue.
    """

    name = "tradier"

    def __init__(
        self,
        engine: Engine,
        options: TradierOptions | None = None,
        *,
        clock: Callable[[], float] = time.time,
        oauth: OAuthServer | None = None,
        strict_tokens: bool = False,
    ) -> None:
        super().__init__(engine)
        self.options = options or TradierOptions()
        if engine.personality.name in (None, "tradier"):
            # An engine built without a personality (connect, the CLI) takes Tradier's.
            engine.personality = tradier_personality(self.options)
        self.clock = clock
        self.book = OrderBook()
        self.watchlists = Watchlists()
        self.rates = RateWindows(self.options.rate_limits, clock)
        self.sessions = StreamSessions(self.options.session_ttl, clock, engine.config.seed)
        self.router = Router(prefix="/v1", error=self._route_error)
        for module in (accounts, trading, markets, option_routes, watchlists, streams):
            for method, path, handler in module.ROUTES:
                self.router.add(method, path, functools.partial(handler, self))
        self.oauth = oauth if oauth is not None else signin_server()
        self.strict_tokens = strict_tokens
        # The OAuth paths already carry /v1 (they come from the spec's URLs), and owns() compares
        # whole paths: so they get a router of their own, without the API router's prefix.
        self.oauth_router = Router(error=self._route_error)
        self.oauth.mount(self.oauth_router)

    # -- the Front contract -------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        """Answer one Tradier request: OAuth paths as they are; otherwise auth, rate limits, then
        the route."""
        path = request.url.path
        if path in _STREAM_PATHS:
            return self._dispatch(request)
        if self.oauth.owns(path):
            return self.dispatch(self.oauth_router, request)
        token = bearer_token(request)
        if token is None:
            return self.error_reply(401, "Invalid Access Token")
        refused = self.oauth.validate(
            request, self.error_reply, accept_unknown=not self.strict_tokens
        )
        if refused is not None:
            return refused
        usage = self.rates.count(token, rate_class(request.method, path))
        if usage.exceeded and self.options.enforce_rate_limits:
            return _quota_violation(usage)
        self._advance(self.options.request_step)
        return self._dispatch(request).with_headers(usage.headers())

    def _advance(self, step: timedelta) -> None:
        """Move the clock ``step`` (the sandbox's polled fills), ending ``pre`` orders exactly
        when their segment ends on the way (:mod:`.hours`)."""
        target = self.engine.now() + step
        for end in sorted(self._pre_segment_ends()):
            if end > target:
                break
            if end > self.engine.now():
                self.engine.advance_to(end)
            self._end_pre_orders()
        if target > self.engine.now():
            self.engine.advance_to(target)
        self._end_pre_orders()

    def _pre_end(self, account_id: str, order_id: str) -> tuple[Order, datetime | None]:
        order = self.engine.order(account_id, order_id)
        day = mkt.trading_date(mkt.Schedule.EQUITY, order.created_at)
        window = hours.TRADIER_HOURS.window(mkt.Session.PRE, day)
        return order, None if window is None else window[1]

    def _pre_segment_ends(self) -> set[datetime]:
        found = (self._pre_end(a, o)[1] for o, a in list(self.book.pre_orders.items()))
        return {end for end in found if end is not None}

    def _end_pre_orders(self) -> None:
        """``pre`` orders still working after 09:24 stop: canceled in the engine, shown as
        ``expired`` (Tradier's pre-market segment is over; they never reach the open)."""
        with self.book.lock:
            for order_id, account_id in list(self.book.pre_orders.items()):
                order, end = self._pre_end(account_id, order_id)
                if order.is_working and end is not None and self.engine.now() < end:
                    continue
                del self.book.pre_orders[order_id]
                if order.is_working:
                    self.engine.cancel(account_id, order_id)
                    note = self.book.note(order)
                    self.book.notes[order_id] = attrs.evolve(note, segment_ended=True)

    def _dispatch(self, request: Request) -> Reply:
        try:
            return self.dispatch(self.router, request)
        except TradierError as exc:
            return errors_reply(exc)

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        """Tradier's answer for ``status``: gateway faults for 401/5xx, ``errors`` otherwise."""
        if status == 401:
            if "expired" in message.lower():
                return fault(
                    401, "Access Token expired", "keymanagement.service.access_token_expired"
                )
            return fault(401, "Invalid Access Token", "keymanagement.service.invalid_access_token")
        if status == 429:
            reset = int((self.clock() + (retry_after or 60.0)) * 1000)
            return Reply(status=429, headers={"Content-Type": "text/plain"},
                         body=f"Quota Violation. Try again after {reset}".encode())  # fmt: skip
        if status >= 500:
            reason = _REASONS.get(status, "Internal Server Error")
            return fault(status, reason, f"messaging.adaptors.http.flow.{reason.replace(' ', '')}")
        return errors_reply(TradierError(message, status=status))

    def _route_error(self, status: int, message: str) -> Reply:
        # Unknown paths never reach Tradier's API: the gateway answers them.
        text = f"Unable to identify proxy for host: default and url: {message.split(' ')[-1]}"
        if status == 405:
            return fault(405, message, "messaging.adaptors.http.flow.MethodNotAllowed")
        return fault(404, text, "messaging.adaptors.http.flow.ApplicationNotFound")

    def map_error(self, exc: errors.BrokerError) -> Reply:
        """Engine errors in Tradier's shapes (OMS rejections are HTTP 200, as Tradier does)."""
        if exc.code == "account_not_found":
            return Reply(status=401, headers={"Content-Type": "text/plain"},
                         body=b"Unauthorized Account")  # fmt: skip
        if isinstance(exc, errors.OrderNotFoundError):
            return errors_reply(TradierError("Order not found", status=404))
        if isinstance(exc, errors.InsufficientFundsError):
            code = (
                "ShortStockTradingDeniedForAccount"
                if "cash account" in exc.message
                else ("InitialMargin")
            )
            return errors_reply(TradierError(exc.message, status=200, code=code))
        if isinstance(exc, errors.SymbolNotFoundError):
            return errors_reply(TradierError(exc.message, status=400))
        return super().map_error(exc)

    def websocket(self, path: str) -> WebSocketHandler | None:
        """The market and account event websockets (``/v1/markets/events``, ``/v1/accounts/events``)."""
        if path == "/v1/markets/events":
            return functools.partial(streams.market_socket, self)
        if path == "/v1/accounts/events":
            # The cursor is taken now, before the accept: see account_socket.
            return functools.partial(streams.account_socket, self, opened_at=account_cursor(self))
        return None


def bearer_token(request: Request) -> str | None:
    """The bearer token of ``request`` (``None`` when missing or empty)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def rate_class(method: str, path: str) -> str:
    """Which rate limit a request counts against (DOC overview/rate-limiting)."""
    if path.startswith("/v1/markets"):
        return "market"
    if "/orders" in path and path.startswith("/v1/accounts/") and method != "GET":
        return "trading"
    return "standard"


def _quota_violation(usage: Usage) -> Reply:
    body = f"Quota Violation. Try again after {usage.expiry_ms}".encode()
    headers = {"Content-Type": "text/plain", **usage.headers()}
    return Reply(status=429, headers=headers, body=body)
