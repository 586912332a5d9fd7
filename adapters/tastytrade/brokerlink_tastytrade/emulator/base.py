"""The tastytrade front's shared core: request checks, errors, symbols and order rendering.

Every REST request must carry ``Authorization: Bearer <token>`` (a token the front's OAuth
server does not refuse: :meth:`TastyFrontBase.token_refusal`) and a ``User-Agent``, else **401**
in tastytrade's error envelope.
``Accept-Version`` is optional: without it the oldest live version is served; a version older
than that, or not ``YYYYMMDD``, is **406** ``{"error": {"code": 406, "message": "The requested
version is not supported."}}``; the one behaviour that depends on it here is the mandatory start
date of order searches from ``20261012`` (NOTES §3).

Engine errors are answered as tastytrade answers them: an unknown account is 403
``not_permitted``, a missing order 404 ``record_not_found``, an unknown symbol 404
``invalid_symbol`` (in an order: a preflight failure), a business rejection 422 ``preflight_check_failure`` with
one inner error, cancelling or replacing a finished order 422 ``cannot_update_order``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http import Front, Reply
from brokerlink.enums import AssetClass, Side
from brokerlink.instruments import FutureOption, Instrument, Option
from brokerlink.models import Fill, Order, Quote
from brokerlink_tastytrade.emulator.book import OrderBook
from brokerlink_tastytrade.emulator.envelope import TastyError, error_body
from brokerlink_tastytrade.emulator.orders_in import preflight
from brokerlink_tastytrade.emulator.orders_out import order_json
from brokerlink_tastytrade.emulator.symbols import parse_symbol

__all__ = ["OLDEST_VERSION", "SandboxOptions", "TastyFrontBase"]

OLDEST_VERSION = 20250813
"""The oldest order-api version still served (what a request without ``Accept-Version`` gets)."""

START_REQUIRED_FROM = 20261012
"""From this version on, order searches need ``start-date`` or ``start-at``."""

_VERSION = re.compile(r"\d{8}")
_STATUS_CODES = MappingProxyType(
    {400: "bad_request", 401: "unauthorized", 403: "not_permitted", 404: "not_found",
     405: "method_not_allowed", 422: "unprocessable_entity", 429: "too_many_requests"}
)  # fmt: skip


@attrs.frozen(kw_only=True)
class SandboxOptions:
    """The cert sandbox's "personality" switches; all off (an ideal broker) by default.

    - ``delayed_quotes``: quotes (REST and DxLink) are 15 minutes old and the quote token's
      ``level`` is ``demo``, as in the sandbox (NOTES §10: "Quotes always 15-min delayed";
      §9.1: the sandbox token's level is ``demo``);
    - ``daily_reset``: at each New York midnight the accounts' orders and positions are wiped
      and cash restored (NOTES §10: the sandbox's 24-hour reset);
    - ``future_options_without_streamer_symbol``: futures-option instruments and chains carry
      no ``streamer-symbol`` (NOTES §10 and §5.6, tastyware/tastytrade#181);
    - ``empty_auto_candles``: candle subscriptions on a ``contract: AUTO`` channel answer an
      empty snapshot (the known DxLink issue of NOTES §9.4; ``HISTORY`` channels still
      backfill). It is not a sandbox rule, so :meth:`cert` leaves it off.

    Fills need no switch: the sandbox routes orders to a market simulator that fills at market
    prices on the venue ``MARKET_SIMULATOR_A`` (NOTES §10, the 2026 rules), which is what the
    engine does in both personalities; the notes document no fill delay.
    """

    delayed_quotes: bool = False
    daily_reset: bool = False
    future_options_without_streamer_symbol: bool = False
    empty_auto_candles: bool = False

    @classmethod
    def cert(cls, **changes: bool) -> SandboxOptions:
        """Every documented cert-sandbox behaviour on (the ``sandbox`` personality), with
        ``changes`` on top."""
        base = cls(
            delayed_quotes=True, daily_reset=True, future_options_without_streamer_symbol=True
        )
        return attrs.evolve(base, **changes)

    @property
    def quote_delay_minutes(self) -> int:
        """How old quotes are, in minutes."""
        return 15 if self.delayed_quotes else 0


class TastyFrontBase(Front):
    """State and helpers the REST route mixins and the websocket handlers share."""

    name = "tastytrade"

    def __init__(self, engine: Engine, sandbox: SandboxOptions | None = None) -> None:
        super().__init__(engine)
        self.sandbox = sandbox or SandboxOptions()
        self.book = OrderBook(engine)
        self.index_keys = frozenset(
            key.removeprefix("$")
            for key, spec in engine.universe.specs.items()
            if spec.kind is AssetClass.INDEX
        )

    # -- errors -------------------------------------------------------------------------------
    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        """tastytrade's error envelope; 406 carries the numeric code as documented."""
        code: str | int = 406 if status == 406 else _STATUS_CODES.get(status, "internal_error")
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return Reply.json(status, error_body(code, message), headers=headers)

    def map_error(self, exc: errors.BrokerError) -> Reply:
        """Engine errors in tastytrade's codes (see the module docstring)."""
        return self.tasty_error(exc).reply()

    def tasty_error(self, exc: errors.BrokerError) -> TastyError:
        """The tastytrade error an engine error stands for."""
        if exc.code == "account_not_found":
            return TastyError(403, "not_permitted", "User not permitted access")
        if exc.code in ("order_final", "order_not_open"):
            return TastyError(422, "cannot_update_order", exc.message)
        if isinstance(exc, errors.OrderNotFoundError):
            return TastyError(404, "record_not_found", exc.message)
        if isinstance(exc, errors.SymbolNotFoundError):
            return TastyError(404, "invalid_symbol", exc.message)
        if isinstance(exc, errors.InsufficientFundsError):
            return preflight("insufficient_buying_power", exc.message)
        if isinstance(exc, errors.RejectedError):
            return preflight(exc.code or "order_rejected", exc.message)
        if isinstance(exc, errors.RateLimitedError):
            return TastyError(429, "too_many_requests", exc.message)
        return TastyError(500, "internal_error", exc.message)

    # -- request checks -----------------------------------------------------------------------
    def check_request(self, request: Request) -> int:
        """Authorization, User-Agent and ``Accept-Version``; the effective version."""
        token = request.headers.get("authorization", "")
        if not token.startswith("Bearer ") or not token[7:].strip():
            raise TastyError(
                401, "unauthorized", "Missing or invalid Authorization: send Bearer <access token>"
            )
        refusal = self.token_refusal(token[7:].strip())
        if refusal is not None:
            raise TastyError(401, "unauthorized", refusal)
        if not request.headers.get("user-agent", "").strip():
            raise TastyError(
                401, "unauthorized", "A User-Agent header (product/version) is required"
            )
        wanted = request.headers.get("accept-version")
        if wanted is None:
            return OLDEST_VERSION
        if not _VERSION.fullmatch(wanted.strip()) or int(wanted) < OLDEST_VERSION:
            raise TastyError(406, 406, "The requested version is not supported.")
        return int(wanted)

    def token_refusal(self, token: str) -> str | None:
        """Why the access token ``token`` is refused (``None``: accepted); the front asks its
        OAuth server."""
        return None

    # -- symbols ------------------------------------------------------------------------------
    def today(self) -> date:
        """The trading date in New York."""
        return mkt.trading_date(mkt.Schedule.EQUITY, self.engine.now())

    def resolve(self, symbol: str) -> Instrument:
        """A tastytrade symbol as an instrument the engine lists (with details)."""
        inst = parse_symbol(symbol, self.today(), index_keys=self.index_keys)
        return self.engine.details(inst)

    def resolve_for_order(self, symbol: str) -> Instrument:
        """Like :meth:`resolve`, but an unknown symbol is the order's preflight failure."""
        try:
            return self.resolve(symbol)
        except errors.SymbolNotFoundError as exc:
            raise preflight("invalid_symbol", exc.message) from None

    def notional_price(self, inst: Instrument, side: Side) -> Decimal:
        """The price a notional order is sized at: the ask for a buy, the bid for a sell."""
        quote = self.engine.quote(inst)
        price = quote.ask if side is Side.BUY else quote.bid
        if price is None or price <= 0:
            raise preflight("no_quote", f"{inst} has no quote to size a notional order with")
        return price

    def quote_of(self, inst: Instrument) -> Quote:
        """The quote a client sees now: current, or 15 minutes old with delayed quotes."""
        delay = self.sandbox.quote_delay_minutes
        if not delay:
            return self.engine.quote(inst)
        known = self.engine.details(inst)
        return self.engine.market.quote(known, self.engine.now() - timedelta(minutes=delay))

    def day_summary(self, inst: Instrument) -> dict[str, Decimal | None]:
        """Today's open, high and low, and the previous close, from the engine's daily bars."""
        today = self.today()
        bars = self.engine.bars(inst, "1d", self.engine.now() - timedelta(days=10))
        current = [b for b in bars if b.time.date() == today]
        earlier = [b for b in bars if b.time.date() < today]
        summary: dict[str, Decimal | None] = {"prev_close": earlier[-1].close if earlier else None}
        if current:
            summary.update(open=current[0].open, high=current[0].high, low=current[0].low)
        return summary

    def underlying(self, inst: Instrument) -> Instrument | None:
        """An option's underlying instrument, a futures option's future (``None`` for anything
        else)."""
        if isinstance(inst, Option):
            return self.engine.universe.underlying_of(inst)
        if isinstance(inst, FutureOption):
            return inst.future
        return None

    # -- orders -------------------------------------------------------------------------------
    def render(
        self, order: Order, *, routed: bool = False, as_of_event: bool = False
    ) -> dict[str, Any]:
        """The tastytrade order object for an engine order.

        ``as_of_event``: ``order`` is a snapshot from an event, so only the fills it already
        counts are shown (later ones may exist by now).
        """
        fills = self.book.fills(order.id)
        if as_of_event:
            fills = _fills_upto(order, fills)
        return order_json(
            order,
            self.book.meta(order),
            fills,
            routed=routed,
            underlying=self.underlying(order.legs[0].instrument),
        )

    def dispatch_tasty(self, request: Request) -> Reply:
        """Check and route ``request``, answering every failure in tastytrade's envelope."""
        try:
            request.extensions["tasty_version"] = self.check_request(request)
            return self.dispatch(self.router, request)
        except TastyError as exc:
            return exc.reply()

    router: Any


def _fills_upto(order: Order, fills: list[Fill]) -> list[Fill]:
    """The first fills of each leg that add up to the leg's filled quantity in ``order``."""
    kept: list[Fill] = []
    for leg in order.legs:
        total = Decimal(0)
        for fill in fills:
            if fill.instrument == leg.instrument and total + fill.quantity <= leg.filled_quantity:
                kept.append(fill)
                total += fill.quantity
    return sorted(kept, key=lambda f: f.time)
