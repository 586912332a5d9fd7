"""The shared half of the TradeStation front: options, auth, error bodies, symbols, order views.

Errors are TradeStation's ``ErrorResponse``: ``{"Error": "<title>", "Message": "<text>"}`` with
the spec's titles (``BadRequest``, ``Unauthorized``, ``NotFound``, ``Forbidden``,
``TooManyRequests``, ``InternalServerError``, ``ServiceUnavailable``, ``GatewayTimeout``).
Every endpoint needs ``Authorization: Bearer <token>``; :meth:`FrontBase.authorized` refuses
requests without one, and the front then asks its sign-in server about the token (see
:mod:`.front`).
"""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import BadRequest, Front, Reply, status_for
from brokerlink.enums import AssetClass, GroupKind
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Crypto, Equity, Future, Instrument, Option
from brokerlink.models import Order
from brokerlink_tradestation.emulator.orders_in import OrderFailed
from brokerlink_tradestation.emulator.orders_out import OrderExtras, order_payload
from brokerlink_tradestation.emulator.personality import TradeStationPersonality
from brokerlink_tradestation.emulator.symbols import TsSymbol, parse_ts_symbol, ts_symbol

__all__ = ["TITLES", "FrontBase", "GroupInfo"]

TITLES = MappingProxyType(
    {
        400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
        405: "BadRequest", 429: "TooManyRequests", 500: "InternalServerError",
        501: "NotImplemented", 502: "InternalServerError", 503: "ServiceUnavailable",
        504: "GatewayTimeout",
    }
)  # fmt: skip
"""HTTP status -> the ``Error`` title TradeStation answers with."""

_MAX_ACCOUNTS = 25


@attrs.frozen(kw_only=True)
class GroupInfo:
    """How an engine group was asked for: its TradeStation type and display name."""

    kind: GroupKind
    name: str
    oso: bool = False


class FrontBase(Front):
    """Options, state and helpers every TradeStation endpoint family uses."""

    name = "tradestation"

    def __init__(self, engine: Engine, personality: TradeStationPersonality) -> None:
        super().__init__(engine)
        self.personality = personality
        self._state_lock = threading.Lock()
        self._extras: dict[str, OrderExtras] = {}
        self._groups: dict[str, GroupInfo] = {}
        self._confirm_ids: dict[str, str] = {}
        self._go_away = 0
        # SIM fill-drop bookkeeping: fill events numbered in log order (see streaming.py).
        self._fill_numbers: dict[int, int] = {}
        self._fill_count = 0
        self._fills_scanned = 0
        self._next_group_name = 2706452145  # shaped like the documented "OCO 2706452145"

    # -- the Front contract ---------------------------------------------------------------------
    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        """``{"Error": title, "Message": text}`` (429s say "Rate quota exceeded", as documented)."""
        title = TITLES.get(status, "InternalServerError" if status >= 500 else "BadRequest")
        if status == 429:
            message = "Rate quota exceeded"
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return Reply.json(status, {"Error": title, "Message": message}, headers=headers)

    def v2_error(self, status: int, message: str) -> Reply:
        """A v2 endpoint's error body: ``{"TraceId", "StatusCode", "Message"}``."""
        trace = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{status}|{message}"))
        body = {"TraceId": trace, "StatusCode": status, "Message": message}
        return Reply.json(status, body)

    def map_error(self, exc: errors.BrokerError) -> Reply:
        """Engine errors as TradeStation bodies; unknown accounts are ``Forbidden``."""
        if exc.code == "account_not_found":
            return self.error_reply(403, "Invalid Account ID.")
        return self.error_reply(status_for(exc), exc.message)

    def authorized(self, request: Request) -> Reply | None:
        """``None`` when the request carries a bearer token, else the 401 answer."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return None
        return self.error_reply(401, "Authorization header with a Bearer token is required.")

    # -- GoAway ---------------------------------------------------------------------------------
    def go_away(self) -> None:
        """Make every open stream send its GoAway frame and end, as a server shutting down does.

        Brokerage streams send ``{"StreamStatus": "GoAway"}``; market-data streams send
        ``{"Error": "GoAway", "Message": ...}``. Streams opened afterwards are unaffected.
        """
        with self._state_lock:
            self._go_away += 1

    @property
    def go_away_generation(self) -> int:
        """Bumped by :meth:`go_away`; a stream compares it with the value it started under."""
        return self._go_away

    # -- symbols --------------------------------------------------------------------------------
    def crypto_bases(self) -> frozenset[str]:
        """The crypto assets the engine lists (``BTC``, ``ETH``)."""
        specs = self.engine.universe.specs.values()
        return frozenset(s.key.partition("/")[0] for s in specs if s.kind is AssetClass.CRYPTO)

    def parse(self, text: str) -> TsSymbol:
        """A TradeStation symbol; ``SymbolNotFoundError`` when it fits no form."""
        try:
            return parse_ts_symbol(text, crypto_bases=self.crypto_bases())
        except ValueError as exc:
            raise SymbolNotFoundError(f"{text!r}: {exc}") from None

    def instrument(self, text: str) -> Instrument:
        """The engine instrument (with details) for a TradeStation symbol; ``@ES`` gives the
        front contract. ``SymbolNotFoundError`` for anything the engine does not list."""
        parsed = self.parse(text)
        if parsed.continuous is not None:
            listed = self.engine.universe.futures(parsed.continuous, self.engine.now().date())
            if not listed:
                raise SymbolNotFoundError(f"{text!r}: no such continuous future")
            return self.engine.details(listed[0])
        assert parsed.instrument is not None
        return self.engine.details(parsed.instrument)

    def tradable(self, text: str) -> Instrument:
        """Like :meth:`instrument`, for orders: continuous futures, indices and crypto refuse."""
        parsed = self.parse(text)
        if parsed.continuous is not None:
            front = ts_symbol(self.instrument(text))
            raise OrderFailed(
                f"{parsed.text} is a continuous contract and cannot be traded; "
                f"place the order on a contract such as {front}"
            )
        try:
            inst = self.instrument(text)
        except SymbolNotFoundError:
            raise OrderFailed(f"Failed to build order: FAILED, INVALID SYMBOL ({text})") from None
        if isinstance(inst, Crypto):
            raise OrderFailed(f"{text}: crypto pairs are data only and cannot be traded")
        return inst

    # -- accounts -------------------------------------------------------------------------------
    def account_ids(self, text: str) -> list[str]:
        """The comma-separated account ids of a path (1-25), in order, without duplicates."""
        ids = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
        if not 1 <= len(ids) <= _MAX_ACCOUNTS:
            raise BadRequest(f"1 to {_MAX_ACCOUNTS} account IDs may be given; got {len(ids)}")
        return ids

    def known_accounts(self) -> dict[str, Any]:
        """The engine's accounts by id."""
        return {a.id: a for a in self.engine.accounts()}

    # -- orders ---------------------------------------------------------------------------------
    def remember(
        self,
        order_id: str,
        extras: OrderExtras,
        group: GroupInfo | None = None,
        gid: str | None = None,
    ) -> None:
        """Keep what the engine does not store about an order (and its group)."""
        with self._state_lock:
            self._extras[order_id] = extras
            if group is not None and gid is not None:
                self._groups[gid] = group

    def group_name(self, kind: str) -> str:
        """A fresh display name such as ``OCO 2706452146``."""
        with self._state_lock:
            self._next_group_name += 1
            return f"{kind} {self._next_group_name}"

    def claim_confirm_id(self, confirm_id: str | None, order_id: str) -> str | None:
        """Record an ``OrderConfirmID``; the id of the earlier order when it was used before."""
        if confirm_id is None:
            return None
        with self._state_lock:
            earlier = self._confirm_ids.get(confirm_id)
            if earlier is None:
                self._confirm_ids[confirm_id] = order_id
            return earlier

    def payload(self, order: Order, siblings: list[Order] | None = None) -> dict[str, Any]:
        """The TradeStation ``Order`` object, with its group's ``ConditionalOrders``."""
        with self._state_lock:
            extras = self._extras.get(order.id)
            group = self._groups.get(order.group_id) if order.group_id else None
        if group is not None and _named(order, group):
            extras = attrs.evolve(extras or OrderExtras(), group_name=group.name)
        conditional = _conditional(order, group, siblings or []) if group is not None else None
        commission = self._commission(order)
        return order_payload(order, extras=extras, conditional=conditional, commission=commission)

    def _commission(self, order: Order) -> Decimal:
        # The engine's own rates (its config), applied to what filled.
        config = self.engine.config
        total = Decimal(0)
        for leg in order.legs:
            inst, qty = leg.instrument, leg.filled_quantity
            if isinstance(inst, Option):
                total += config.commission_per_option_contract * qty
            elif isinstance(inst, Future):
                total += config.commission_per_future_contract * qty
            elif isinstance(inst, Equity):
                total += config.commission_per_share * qty
        return total.quantize(Decimal("0.01"))


def _named(order: Order, group: GroupInfo) -> bool:
    # OCO members share a group name ("OCO 2706452145"); in an entry + bracket only the exits do.
    if group.kind is GroupKind.OTO:
        return False
    return not (group.oso and order.parent_id is None)


def _conditional(order: Order, group: GroupInfo, orders: list[Order]) -> list[dict[str, str]]:
    members = [o for o in orders if o.group_id == order.group_id and o.id != order.id]
    found = []
    for other in members:
        if other.id == order.parent_id:
            relation = "OSP"
        elif other.parent_id == order.id:
            relation = "OSO"
        elif group.kind is GroupKind.BRACKET:
            relation = "BRK"
        else:
            relation = "OCO"
        found.append({"Relationship": relation, "OrderID": other.id})
    return found
