"""The TradeStation wire front: every documented v3 path (and the v2 tick-bar stream).

================================================================ ==============================
path (under ``/v3`` unless it says ``/v2``)                       handler
================================================================ ==============================
``GET  /brokerage/accounts``                                     accounts
``GET  /brokerage/accounts/{accounts}/balances|bodbalances``     balances
``GET  /brokerage/accounts/{accounts}/positions``                positions (``symbol`` filter)
``GET  /brokerage/accounts/{accounts}/orders[/{orderIds}]``      current orders
``GET  /brokerage/accounts/{accounts}/historicalorders[/{ids}]`` closed orders (``since``)
``POST /orderexecution/orderconfirm|ordergroupconfirm``          previews
``POST /orderexecution/orders|ordergroups``                      placement
``PUT|DELETE /orderexecution/orders/{orderID}``                  replace, cancel
``GET  /orderexecution/routes|activationtriggers``               reference lists
``GET  /marketdata/barcharts/{symbol}``, ``quotes/{symbols}``,   market data
``symbols/{symbols}``, ``symbollists/cryptopairs/symbolnames``,
``options/expirations|strikes/{underlying}``,
``options/spreadtypes``, ``POST options/riskreward``
``GET  /marketdata/stream/...``, ``/brokerage/stream/...``       streams
``GET  /v2/stream/tickbars/{symbol}/{interval}/{barsBack}``      v2 tick bars
``GET /authorize``, ``POST /oauth/token``, ``POST /oauth/revoke`` the sign-in server (no ``/v3``)
================================================================ ==============================

Every API request needs ``Authorization: Bearer <token>``. A token the sign-in server
(:mod:`.signin`) issued must be live: expired or revoked ones get TradeStation's 401. A token it
never issued is accepted by default ("open" tokens), so callers bringing a fixed token
(``bl.StaticToken``, cassette recordings, benchmarks) keep working; ``strict_tokens=True``
refuses those too, which is how the OAuth tests run. :meth:`go_away` ends the open streams with
their GoAway frames.
"""

from __future__ import annotations

from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import Reply, Router
from brokerlink.emulator.oauth import OAuthServer
from brokerlink_tradestation.emulator.execution import ExecutionMixin
from brokerlink_tradestation.emulator.personality import (
    IDEAL,
    TradeStationPersonality,
    adopt_engine,
)
from brokerlink_tradestation.emulator.signin import signin_server
from brokerlink_tradestation.emulator.stream_account import AccountStreamsMixin
from brokerlink_tradestation.emulator.stream_options import OptionStreamsMixin

__all__ = ["TradeStationFront"]

_A = "/brokerage/accounts/{accounts}"
_S = "/marketdata/stream"


class TradeStationFront(ExecutionMixin, AccountStreamsMixin, OptionStreamsMixin):
    """TradeStation's REST and stream formats over an engine.

    ``personality`` is :data:`~brokerlink_tradestation.emulator.personality.IDEAL` (default) or
    ``SIM`` (fill frames dropped from the order stream), or any
    :class:`TradeStationPersonality`. A plain engine is given TradeStation's engine personality
    (same-id replaces, whole shares). ``oauth`` is the sign-in server (default: a new
    :func:`~.signin.signin_server`); ``strict_tokens`` refuses bearer tokens it did not issue.
    """

    def __init__(
        self,
        engine: Engine,
        personality: TradeStationPersonality = IDEAL,
        *,
        oauth: OAuthServer | None = None,
        strict_tokens: bool = False,
    ) -> None:
        adopt_engine(engine)
        super().__init__(engine, personality)
        self.oauth = oauth if oauth is not None else signin_server()
        self.strict_tokens = strict_tokens
        self.router = Router(error=lambda status, text: self.error_reply(status, text))
        self.oauth.mount(self.router)
        v3 = "/v3"
        for method, path, handler in (
            ("GET", "/brokerage/accounts", self.accounts_reply),
            ("GET", _A + "/balances", self.balances_reply),
            ("GET", _A + "/bodbalances", self.bod_balances_reply),
            ("GET", _A + "/positions", self.positions_reply),
            ("GET", _A + "/orders", self.orders_reply),
            ("GET", _A + "/orders/{order_ids}", self.orders_by_id_reply),
            ("GET", _A + "/historicalorders", self.historical_orders_reply),
            ("GET", _A + "/historicalorders/{order_ids}", self.historical_by_id_reply),
            ("POST", "/orderexecution/orderconfirm", self.confirm_reply),
            ("POST", "/orderexecution/ordergroupconfirm", self.group_confirm_reply),
            ("POST", "/orderexecution/orders", self.place_reply),
            ("POST", "/orderexecution/ordergroups", self.place_group_reply),
            ("PUT", "/orderexecution/orders/{order_id}", self.replace_reply),
            ("DELETE", "/orderexecution/orders/{order_id}", self.cancel_reply),
            ("GET", "/orderexecution/routes", self.routes_reply),
            ("GET", "/orderexecution/activationtriggers", self.triggers_reply),
            ("GET", "/marketdata/barcharts/{symbol}", self.bars_reply),
            ("GET", "/marketdata/quotes/{symbols}", self.quotes_reply),
            ("GET", "/marketdata/symbols/{symbols}", self.symbols_reply),
            ("GET", "/marketdata/symbollists/cryptopairs/symbolnames", self.crypto_reply),
            ("GET", "/marketdata/options/expirations/{underlying}", self.expirations_reply),
            ("GET", "/marketdata/options/strikes/{underlying}", self.strikes_reply),
            ("GET", "/marketdata/options/spreadtypes", self.spread_types_reply),
            ("POST", "/marketdata/options/riskreward", self.risk_reward_reply),
            ("GET", _S + "/barcharts/{symbol}", self.bar_stream_reply),
            ("GET", _S + "/quotes/{symbols}", self.quote_stream_reply),
            ("GET", _S + "/options/chains/{underlying}", self.chain_stream_reply),
            ("GET", _S + "/options/quotes", self.option_quote_stream_reply),
            ("GET", _S + "/marketdepth/quotes/{symbol}", self._depth_quotes),
            ("GET", _S + "/marketdepth/aggregates/{symbol}", self._depth_aggregates),
            ("GET", "/brokerage/stream/accounts/{accounts}/orders", self.order_stream_reply),
            ("GET", "/brokerage/stream/accounts/{accounts}/orders/{order_ids}",
             self.order_stream_reply),
            ("GET", "/brokerage/stream/accounts/{accounts}/positions", self.position_stream_reply),
        ):  # fmt: skip
            self.router.add(method, v3 + path, handler)
        self.router.add(
            "GET", "/v2/stream/tickbars/{symbol}/{interval}/{bars_back}", self.tickbar_stream_reply
        )

    def handle(self, request: Request) -> Reply:
        """Answer one request: the sign-in server's own paths as they are; API paths only with a
        bearer token the sign-in server does not refuse (see the module docstring)."""
        if not self.oauth.owns(request.url.path):
            refused = self.authorized(request) or self.oauth.validate(
                request, self.error_reply, accept_unknown=not self.strict_tokens
            )
            if refused is not None:
                return refused
        return self.dispatch(self.router, request)

    def _depth_quotes(self, request: Request, symbol: str) -> Reply:
        return self.depth_stream_reply(request, symbol, aggregated=False)

    def _depth_aggregates(self, request: Request, symbol: str) -> Reply:
        return self.depth_stream_reply(request, symbol, aggregated=True)

    def __repr__(self) -> str:
        return f"<TradeStationFront personality={self.personality.name}>"
