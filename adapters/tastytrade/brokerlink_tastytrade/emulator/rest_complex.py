"""Complex orders: OTO, OCO and OTOCO (refs/tastytrade/NOTES.md §5.3; examples
``POST_accounts_N_complex-orders.{OTO,OCO,OTOCO}.*``, ``DELETE_accounts_N_complex-orders_ID``).

Requests carry ``type`` plus ``trigger-order`` (OTO, OTOCO) and ``orders``; the answer is
``{"complex-order": {"id", "account-number", "type", "trigger-order", "orders"}, "warnings",
"buying-power-effect", "fee-calculation"}`` whose members carry ``complex-order-id``,
``complex-order-tag`` (``OTOCO::trigger-order``, ``OTOCO::oco-1-order``, ``OTO::order``,
``OCO::order``) and ``preflight-id``. The engine's OTO, OCO and bracket groups do the work; an
OTOCO's exits are handed to the engine as (take-profit limit, stop) whatever their order here.
Cancel with the complex-order id: every member still working is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import Reply, json_body
from brokerlink.enums import GroupKind, OrderType
from brokerlink.errors import BrokerError
from brokerlink.models import OrderGroup
from brokerlink_tastytrade.emulator.book import ComplexOrder
from brokerlink_tastytrade.emulator.envelope import TastyError, collection, single
from brokerlink_tastytrade.emulator.orders_in import ParsedOrder, bad_request
from brokerlink_tastytrade.emulator.previews import (
    buying_power_effect,
    fee_calculation,
    preview_order,
)
from brokerlink_tastytrade.emulator.rest_orders import OrderRoutes

__all__ = ["ComplexRoutes"]

_C = "/accounts/{account}/complex-orders"
_ZERO = Decimal(0)
_TAGS = {
    "OTO": ("OTO::trigger-order", "OTO::order"),
    "OCO": (None, "OCO::order"),
    "OTOCO": ("OTOCO::trigger-order", "OTOCO::oco-1-order"),
}


class ComplexRoutes(OrderRoutes):
    """Handlers for complex orders."""

    def complex_routes(self) -> list[tuple[str, str, Callable[..., Reply]]]:
        """(method, path, handler) for every route of this group."""
        return [
            ("POST", _C, self._place_complex),
            ("POST", _C + "/dry-run", self._dry_run_complex),
            ("GET", _C + "/live", self._live_complex),
            ("GET", _C + "/{complex_id}", self._get_complex),
            ("DELETE", _C + "/{complex_id}", self._cancel_complex),
        ]

    def _group(self, body: Any) -> tuple[str, ParsedOrder | None, list[ParsedOrder], OrderGroup]:
        if not isinstance(body, dict) or body.get("type") not in _TAGS:
            raise bad_request("type must be OTO, OCO or OTOCO", "type")
        kind = str(body["type"])
        members = body.get("orders")
        if not isinstance(members, list):
            raise bad_request("orders must be a list", "orders")
        orders = [self.parse(raw) for raw in members]
        trigger = None
        if kind != "OCO":
            trigger = self.parse(body.get("trigger-order"))
        wanted = {"OTO": (1, 99), "OCO": (2, 2), "OTOCO": (2, 2)}[kind]
        if not wanted[0] <= len(orders) <= wanted[1]:
            raise bad_request(f"an {kind} order takes {wanted[0]}-{wanted[1]} orders", "orders")
        if kind == "OTOCO":
            # The engine's bracket is (entry, take-profit, stop-loss).
            orders.sort(key=lambda p: p.order.type is not OrderType.LIMIT)
        try:
            if kind == "OCO":
                group = OrderGroup.oco(*(p.order for p in orders))
            elif kind == "OTO":
                assert trigger is not None
                group = OrderGroup.oto(trigger.order, *(p.order for p in orders))
            else:
                assert trigger is not None
                group = OrderGroup(
                    kind=GroupKind.BRACKET, orders=(trigger.order, *(p.order for p in orders))
                )
        except BrokerError as exc:
            raise bad_request(exc.message, "orders") from None
        return kind, trigger, orders, group

    def complex_json(self, found: ComplexOrder) -> dict[str, Any]:
        """The complex-order object with its members as they stand."""
        body: dict[str, Any] = {"id": found.id, "account-number": found.account, "type": found.type}
        if found.trigger is not None:
            body["trigger-order"] = self.render(self.engine.order(found.account, found.trigger))
        body["orders"] = [self.render(self.engine.order(found.account, i)) for i in found.orders]
        return body

    def _place_complex(self, request: Request, account: str) -> Reply:
        kind, trigger, orders, group = self._group(json_body(request))
        before = self.engine.balance(account).buying_power
        parsed = ([trigger] if trigger else []) + orders
        complex_id = self.book.next_complex_id()
        trigger_tag, order_tag = _TAGS[kind]
        for preflight_id, item in enumerate(parsed):
            item.meta.complex_id = complex_id
            item.meta.complex_tag = trigger_tag if item is trigger else order_tag
            item.meta.preflight_id = preflight_id
            self.book.expect(item.order.client_id, item.meta)
        placed = [order.id for order in self.engine.place_group(account, group)]
        found = ComplexOrder(
            id=complex_id,
            type=kind,
            account=account,
            trigger=placed[0] if trigger else None,
            orders=placed[1:] if trigger else placed,
        )
        self.book.add_complex(found)
        after = self.engine.balance(account).buying_power
        data = {
            "complex-order": self.complex_json(found),
            "warnings": [],
            "buying-power-effect": buying_power_effect(before, after),
            "fee-calculation": fee_calculation(0),
        }
        return Reply.json(201, {"data": data, "context": f"/accounts/{account}/complex-orders"})

    def _dry_run_complex(self, request: Request, account: str) -> Reply:
        kind, trigger, orders, _ = self._group(json_body(request))
        # What would work at once is previewed: the trigger, or every OCO member. Contingent
        # orders are only checked when released (their closing legs need the trigger's fill).
        working = [trigger] if trigger is not None else orders
        before = self.engine.balance(account).buying_power
        previews = [self.engine.preview(account, item.order) for item in working]
        effect = sum((p.buying_power_effect or _ZERO for p in previews), _ZERO)
        if kind == "OCO":
            effect = min((p.buying_power_effect or _ZERO for p in previews), default=effect)
        body: dict[str, Any] = {"type": kind}
        if trigger is not None:
            body["trigger-order"] = preview_order(trigger, account, self.underlying)
        body["orders"] = [preview_order(item, account, self.underlying) for item in orders]
        data = {
            "complex-order": body,
            "warnings": [],
            "buying-power-effect": buying_power_effect(before, before + effect),
            "fee-calculation": fee_calculation(sum((p.commission for p in previews), _ZERO)),
        }
        context = f"/accounts/{account}/complex-orders/dry-run"
        return Reply.json(200, {"data": data, "context": context})

    def _find(self, account: str, complex_id: str) -> ComplexOrder:
        self.engine.balance(account)  # an unknown account is 403
        found = self.book.complex(int(complex_id)) if complex_id.isdigit() else None
        if found is None or found.account != account:
            raise TastyError(404, "record_not_found", f"no complex order {complex_id}")
        return found

    def _get_complex(self, request: Request, account: str, complex_id: str) -> Reply:
        found = self._find(account, complex_id)
        return single(self.complex_json(found), f"/accounts/{account}/complex-orders/{complex_id}")

    def _live_complex(self, request: Request, account: str) -> Reply:
        self.engine.balance(account)
        items = [self.complex_json(c) for c in self.book.complexes(account)]
        return collection(items, f"/accounts/{account}/complex-orders/live")

    def _cancel_complex(self, request: Request, account: str, complex_id: str) -> Reply:
        found = self._find(account, complex_id)
        working = [i for i in found.members if not self.engine.order(account, i).status.is_final]
        if not working:
            raise TastyError(422, "cannot_update_order", "the complex order could not be cancelled")
        # Children first: cancelling the trigger first would cancel held children under it.
        for order_id in reversed(working):
            if not self.engine.order(account, order_id).status.is_final:
                self.engine.cancel(account, order_id)
        return single(self.complex_json(found), f"/accounts/{account}/complex-orders/{complex_id}")
