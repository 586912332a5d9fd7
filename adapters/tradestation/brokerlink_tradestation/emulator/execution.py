"""``/v3/orderexecution``: confirm and place orders and groups; routes; triggers (replace and
cancel: :mod:`.amend`).

Placement answers HTTP 200 with ``{"Orders": [{"Message", "OrderID"}], "Errors": [{"Error":
"FAILED", "Message", "OrderID"}]}``: one entry per order, a refused order in ``Errors`` (with
the id of the rejected order the engine recorded, when it recorded one). A malformed request is
a 400. Replace and cancel are acknowledgements (``"Cancel/Replace order sent."``, ``"Cancel
request sent"``); the outcome shows in the order's status.
"""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal
from typing import Any

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.emulator.http import BadRequest, Reply, json_body
from brokerlink.enums import GroupKind, OrderType
from brokerlink.models import NewOrder, Order, OrderGroup
from brokerlink_tradestation.emulator.amend import AmendMixin
from brokerlink_tradestation.emulator.base import GroupInfo
from brokerlink_tradestation.emulator.brokerage import BrokerageMixin
from brokerlink_tradestation.emulator.orders_in import (
    OrderFailed,
    ParsedOrder,
    read_order,
)
from brokerlink_tradestation.emulator.orders_out import (
    asset_type,
    buy_or_sell,
    num,
    response_duration,
    summary,
)
from brokerlink_tradestation.emulator.reference import ACTIVATION_TRIGGERS, ROUTES
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = ["ExecutionMixin"]

_Result = tuple[list[dict[str, str]], list[dict[str, str]]]
_CATEGORY = {"STOCK": "EQUITY", "FUTURE": "FUTURE"}


def _describe(order: NewOrder | Order) -> str:
    first, *others = order.legs
    side = buy_or_sell(first.instrument, first.side, first.effect)
    symbol = ts_symbol(first.instrument)
    quantity = first.quantity
    if others:  # a spread: every leg named with its own side and size, the net price once
        rest = [
            f"{buy_or_sell(x.instrument, x.side, x.effect)} {num(x.quantity)} {ts_symbol(x.instrument)}"
            for x in others
        ]
        symbol = " / ".join([symbol, *rest])
    return summary(None, side=side, quantity=quantity, symbol=symbol, kind=order.type,
                   limit=order.limit_price, stop=order.stop_price)  # fmt: skip


def _failed(message: str, order_id: str | None = None) -> dict[str, str]:
    row = {"Error": "FAILED", "Message": f"Order failed. Reason: {message}"}
    if order_id is not None:
        row["OrderID"] = order_id
    return row


class ExecutionMixin(BrokerageMixin, AmendMixin):
    """Handlers of the ``/orderexecution`` family."""

    def _read(self, body: Any) -> ParsedOrder:
        return read_order(body, self.tradable, self.engine.now())

    def _account_of(self, parsed: ParsedOrder) -> str:
        account = parsed.order.account
        if account is None:
            raise BadRequest("AccountID is required")
        if account not in self.known_accounts():
            raise errors.RejectedError("Invalid Account ID.", code="account_not_found")
        return account

    def _rejected_id(self, account: str, order: NewOrder) -> str | None:
        found = self.engine.find_by_client_id(account, order.client_id)
        return found.id if found is not None else None

    # -- placing --------------------------------------------------------------------------------
    def _place_group(self, account: str, kind: GroupKind, parsed: list[ParsedOrder], info: GroupInfo) -> list[Order]:  # fmt: skip
        group = OrderGroup(kind=kind, orders=tuple(p.order for p in parsed))
        placed = self.engine.place_group(account, group)
        for order, source in zip(placed, parsed, strict=True):
            self.remember(order.id, source.extras, info, order.group_id)
        return placed

    def _oso_group(self, parsed: ParsedOrder) -> tuple[GroupKind, list[ParsedOrder], GroupInfo]:
        if len(parsed.osos) > 1:
            raise BadRequest("the emulator places one OSOs group per order; send the others later")
        kind, children = parsed.osos[0]
        if kind == "NORMAL" or len(children) == 1:
            return (
                GroupKind.OTO,
                [parsed, *children],
                GroupInfo(kind=GroupKind.OTO, name="", oso=True),
            )
        limits = [c for c in children if c.order.type is OrderType.LIMIT]
        stops = [c for c in children if c.order.type is not OrderType.LIMIT]
        if len(children) != 2 or len(limits) != 1 or len(stops) != 1:
            raise BadRequest(f"an OSO {kind} group needs one Limit and one stop exit")
        info = GroupInfo(kind=GroupKind.BRACKET, name=self.group_name(kind), oso=True)
        return GroupKind.BRACKET, [parsed, limits[0], stops[0]], info

    def _place_one(self, parsed: ParsedOrder) -> _Result:
        account = self._account_of(parsed)
        earlier = self.claim_confirm_id(parsed.confirm_id, parsed.order.client_id)
        if earlier is not None:
            return [], [_failed(f"OrderConfirmID {parsed.confirm_id} was already used")]
        try:
            if parsed.osos:
                kind, members, info = self._oso_group(parsed)
                placed = self._place_group(account, kind, members, info)
            else:
                placed = [self.engine.place(account, parsed.order)]
                self.remember(placed[0].id, parsed.extras)
        except errors.InvalidOrderError as exc:
            return [], [_failed(exc.message, self._rejected_id(account, parsed.order))]
        except errors.SymbolNotFoundError:
            return [], [_failed("Failed to build order: FAILED, INVALID SYMBOL")]
        except errors.RejectedError as exc:
            if exc.code == "account_not_found":
                raise
            return [], [_failed(exc.message, self._rejected_id(account, parsed.order))]
        return [{"Message": f"Sent order: {_describe(o)}", "OrderID": o.id} for o in placed], []

    def place_reply(self, request: Request) -> Reply:
        """``POST /orderexecution/orders``."""
        try:
            orders, failures = self._place_one(self._read(json_body(request)))
        except OrderFailed as exc:
            orders, failures = [], [_failed(str(exc))]
        return Reply.json(200, {"Orders": orders, "Errors": failures})

    def _group_request(self, request: Request) -> tuple[str, list[ParsedOrder]]:
        kind, raw = self._group_body(request)
        parsed = [self._read(item) for item in raw]
        if kind != "NORMAL" and len(parsed) < 2:
            raise BadRequest(f"a {kind} group needs at least 2 orders")
        return kind, parsed

    def _group_body(self, request: Request) -> tuple[str, list[Any]]:
        body = json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("Orders"), list):
            raise BadRequest('a group request is {"Type": "OCO"|"BRK"|"NORMAL", "Orders": [...]}')
        kind = str(body.get("Type", "")).upper()
        if kind not in ("OCO", "BRK", "NORMAL"):
            raise BadRequest(f"Type {body.get('Type')!r} is not OCO, BRK or NORMAL")
        return kind, list(body["Orders"])

    def _place_normal(self, raw: list[Any]) -> Reply:
        # A NORMAL group is a batch: each order stands or fails on its own.
        orders, failures = [], []
        for item in raw:
            try:
                placed, failed = self._place_one(self._read(item))
            except OrderFailed as exc:
                placed, failed = [], [_failed(str(exc))]
            orders += placed
            failures += failed
        return Reply.json(200, {"Orders": orders, "Errors": failures})

    def place_group_reply(self, request: Request) -> Reply:
        """``POST /orderexecution/ordergroups`` (``OCO``, ``BRK``, ``NORMAL``)."""
        kind, raw = self._group_body(request)
        if kind == "NORMAL":
            return self._place_normal(raw)
        try:
            kind, parsed = self._group_request(request)
        except OrderFailed as exc:
            return Reply.json(200, {"Orders": [], "Errors": [_failed(str(exc))]})
        accounts = {self._account_of(p) for p in parsed}
        if len(accounts) > 1 or any(p.osos for p in parsed):
            raise BadRequest("a group's orders must share one AccountID and carry no OSOs")
        # A BRK group is a bracket of exits on a held position: the engine's OCO behaviour.
        shown = GroupKind.BRACKET if kind == "BRK" else GroupKind.OCO
        info = GroupInfo(kind=shown, name=self.group_name(kind))
        try:
            placed = self._place_group(accounts.pop(), GroupKind.OCO, parsed, info)
        except (errors.InvalidOrderError, errors.InsufficientFundsError) as exc:
            return Reply.json(200, {"Orders": [], "Errors": [_failed(exc.message)]})
        rows = [{"Message": f"Sent order: {_describe(o)}", "OrderID": o.id} for o in placed]
        return Reply.json(200, {"Orders": rows, "Errors": []})

    # -- confirming -----------------------------------------------------------------------------
    def _confirmation(self, parsed: ParsedOrder, preview: bool) -> dict[str, Any]:
        order, account = parsed.order, self._account_of(parsed)
        category = asset_type(order.legs[0].instrument)
        body: dict[str, Any] = {
            "OrderAssetCategory": _CATEGORY.get(category, category),
            "Currency": "USD",
            "Route": parsed.extras.route,
            "TimeInForce": {"Duration": parsed.extras.duration or _duration_code(order)},
            "AccountID": account,
            "SummaryMessage": _describe(order),
        }
        digest = hashlib.sha256(order.client_id.encode()).digest()
        body["OrderConfirmID"] = (parsed.confirm_id or _b64(digest))[:22]
        if preview:
            result = self.engine.preview(account, order)
            multiplier = order.legs[0].instrument.multiplier * order.quantity
            price = result.estimated_cost / multiplier if multiplier else result.estimated_cost
            body["EstimatedPrice"] = num(abs(price).quantize(Decimal("0.01")))
            body["EstimatedCost"] = num(abs(result.estimated_cost))
            body["DebitCreditEstimatedCost"] = num(result.estimated_cost)
            body["EstimatedCommission"] = num(result.commission)
        return body

    def _confirm(self, parsed: list[ParsedOrder], preview_all: bool) -> Reply:
        try:
            rows = [self._confirmation(p, preview_all or i == 0) for i, p in enumerate(parsed)]
        except (errors.InvalidOrderError, errors.InsufficientFundsError) as exc:
            raise BadRequest(exc.message) from None
        except OrderFailed as exc:
            raise BadRequest(str(exc)) from None
        return Reply.json(200, {"Confirmations": rows})

    def confirm_reply(self, request: Request) -> Reply:
        """``POST /orderexecution/orderconfirm``: one confirmation per order (OSOs included)."""
        try:
            parsed = self._read(json_body(request))
        except OrderFailed as exc:
            raise BadRequest(str(exc)) from None
        children = [child for _kind, group in parsed.osos for child in group]
        return self._confirm([parsed, *children], preview_all=False)

    def group_confirm_reply(self, request: Request) -> Reply:
        """``POST /orderexecution/ordergroupconfirm``."""
        try:
            kind, parsed = self._group_request(request)
        except OrderFailed as exc:
            raise BadRequest(str(exc)) from None
        return self._confirm(parsed, preview_all=kind == "NORMAL")

    # -- reference data -------------------------------------------------------------------------
    def routes_reply(self, request: Request) -> Reply:
        """``GET /orderexecution/routes``."""
        return Reply.json(200, {"Routes": [dict(r) for r in ROUTES]})

    def triggers_reply(self, request: Request) -> Reply:
        """``GET /orderexecution/activationtriggers``."""
        return Reply.json(200, {"ActivationTriggers": [dict(t) for t in ACTIVATION_TRIGGERS]})


def _duration_code(order: NewOrder) -> str:
    code = response_duration(order.time_in_force)
    return {"DAY+": "DYP", "GTC+": "GCP"}.get(code, code)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
