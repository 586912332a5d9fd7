"""Order routes (refs/tastytrade/NOTES.md §5.3-5.5; examples ``POST_accounts_N_orders*``,
``GET_accounts_N_orders*``, ``PUT_/DELETE_accounts_N_orders_ID*``).

- ``GET /orders/live``: every order created or updated today, in any status, plus working ones;
- ``GET /orders``: the paginated search (``start-date``/``start-at`` mandatory from version
  20261012, dates in New York time; ``status[]``, ``underlying-symbol``, ``sort``, ``per-page`` 10, ``page-offset``);
- ``POST /orders``: ``{"order", "warnings", "buying-power-effect", "fee-calculation"}`` with the
  order ``Routed`` (or already ``Filled``); ``POST /orders/dry-run``: the same preview, no order;
- ``PUT``/``PATCH /orders/{id}``: cancel-replace; only price, order-type and time-in-force may
  change; the answer is the **new** order, the old one turns ``Cancelled`` with
  ``replacing-order-id``;
- ``DELETE /orders/{id}``: ``Cancel Requested``; the final ``Cancelled`` comes on the streamer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.emulator.http import Reply, json_body, query_param
from brokerlink.enums import OrderStatus
from brokerlink.models import NewOrder, Order
from brokerlink_tastytrade.emulator.base import START_REQUIRED_FROM, TastyFrontBase
from brokerlink_tastytrade.emulator.envelope import TastyError, collection, page, single
from brokerlink_tastytrade.emulator.orders_in import ParsedOrder, bad_request, parse_order
from brokerlink_tastytrade.emulator.orders_out import TIF_NAMES
from brokerlink_tastytrade.emulator.previews import (
    buying_power_effect,
    fee_calculation,
    preview_order,
)

__all__ = ["OrderRoutes"]

_A = "/accounts/{account}"


class OrderRoutes(TastyFrontBase):
    """Handlers for single orders."""

    def order_routes(self) -> list[tuple[str, str, Callable[..., Reply]]]:
        """(method, path, handler) for every route of this group."""
        return [
            ("GET", _A + "/orders/live", self._live),
            ("GET", _A + "/orders", self._search),
            ("POST", _A + "/orders/dry-run", self._dry_run),
            ("POST", _A + "/orders", self._place),
            ("GET", _A + "/orders/{order_id}", self._get),
            ("PUT", _A + "/orders/{order_id}", self._replace),
            ("PATCH", _A + "/orders/{order_id}", self._replace),
            ("DELETE", _A + "/orders/{order_id}", self._cancel),
        ]

    def parse(self, body: Any) -> ParsedOrder:
        """One order request as an engine order (tastytrade's validation and preflight rules)."""
        return parse_order(body, self.resolve_for_order, self.notional_price)

    # -- reads ----------------------------------------------------------------------------------
    def _live(self, request: Request, account: str) -> Reply:
        today = self.today()
        found = [
            o
            for o in self.engine.orders(account, "all")
            if not o.status.is_final or _day(o.updated_at or o.created_at) == today
        ]
        items = [self.render(o) for o in found]
        return collection(items, f"/accounts/{account}/orders/live")

    def _search(self, request: Request, account: str) -> Reply:
        version = int(request.extensions.get("tasty_version", 0))
        start = _start(request)
        if start is None and version >= START_REQUIRED_FROM:
            raise bad_request("start-date or start-at is required", "start-date")
        end = _end(request)
        statuses = set(request.url.params.get_list("status[]"))
        underlying = query_param(request, "underlying-symbol")
        items = []
        for order in self.engine.orders(account, "all"):
            stamp = order.updated_at or order.created_at
            if (start is not None and stamp < start) or (end is not None and stamp >= end):
                continue
            body = self.render(order)
            if statuses and body["status"] not in statuses:
                continue
            if underlying is not None and body["underlying-symbol"] != underlying:
                continue
            items.append(body)
        if query_param(request, "sort", "Desc") == "Desc":
            items.reverse()
        per_page = int(query_param(request, "per-page", "10") or 10)
        offset = int(query_param(request, "page-offset", "0") or 0)
        return page(items, f"/accounts/{account}/orders", per_page=per_page, page_offset=offset)

    def _get(self, request: Request, account: str, order_id: str) -> Reply:
        order = self.engine.order(account, order_id)
        return single(self.render(order), f"/accounts/{account}/orders/{order_id}")

    # -- writes ---------------------------------------------------------------------------------
    def _dry_run(self, request: Request, account: str) -> Reply:
        parsed = self.parse(json_body(request))
        preview = self.engine.preview(account, parsed.order)
        before = self.engine.balance(account).buying_power
        data = {
            "order": preview_order(parsed, account, self.underlying),
            "warnings": [{"message": w} for w in preview.warnings],
            "buying-power-effect": buying_power_effect(
                before, before + (preview.buying_power_effect or 0)
            ),
            "fee-calculation": fee_calculation(preview.commission + preview.fees),
        }
        return Reply.json(
            200,
            {"data": data, "api-version": "v1", "context": f"/accounts/{account}/orders/dry-run"},
        )

    def _place(self, request: Request, account: str) -> Reply:
        parsed = self.parse(json_body(request))
        before = self.engine.balance(account).buying_power
        self.book.expect(parsed.order.client_id, parsed.meta)
        order = self.engine.place(account, parsed.order)
        after = self.engine.balance(account).buying_power
        data = {
            "order": self.render(order, routed=True),
            "warnings": [],
            "buying-power-effect": buying_power_effect(before, after),
            "fee-calculation": fee_calculation(self._commission(order)),
        }
        return Reply.json(201, {"data": data, "context": f"/accounts/{account}/orders"})

    def _commission(self, order: Order) -> Decimal:
        return sum((f.fees for f in self.book.fills(order.id)), Decimal(0))

    def _replace(self, request: Request, account: str, order_id: str) -> Reply:
        current = self.engine.order(account, order_id)
        if current.status.is_final or current.status is OrderStatus.CANCEL_PENDING:
            raise TastyError(422, "cannot_update_order", "the order could not be replaced")
        wanted = self.parse(json_body(request)).order
        _check_unchanged(current, wanted)
        changes: dict[str, Any] = {}
        if wanted.limit_price != current.limit_price:
            changes["limit_price"] = wanted.limit_price
        if wanted.stop_price != current.stop_price:
            changes["stop_price"] = wanted.stop_price
        if wanted.time_in_force is not current.time_in_force:
            changes["time_in_force"] = wanted.time_in_force
        if not changes:
            raise bad_request("the replacement changes nothing (price, order-type, time-in-force)")
        new = self.engine.replace(account, order_id, **changes)
        self.book.link_replacement(order_id, new.id)
        return single(self.render(new), f"/accounts/{account}/orders/{order_id}")

    def _cancel(self, request: Request, account: str, order_id: str) -> Reply:
        current = self.engine.order(account, order_id)
        if current.status.is_final:
            raise TastyError(422, "cannot_update_order", "the order could not be cancelled")
        order = self.engine.cancel(account, order_id)
        return single(self.render(order), f"/accounts/{account}/orders/{order_id}")


def _check_unchanged(current: Order, wanted: NewOrder) -> None:
    if wanted.type is not current.type:
        raise bad_request("the emulator replaces price and time-in-force only", "order-type")
    pairs = zip(current.legs, wanted.legs, strict=False)
    same = len(current.legs) == len(wanted.legs) and all(
        old.instrument == new.instrument and old.side is new.side and old.quantity == new.quantity
        for old, new in pairs
    )
    if not same:
        raise bad_request("legs must equal the original order's (symbol, action, quantity)", "legs")
    if wanted.time_in_force not in TIF_NAMES:
        raise bad_request("unsupported time-in-force", "time-in-force")


def _day(when: datetime) -> date:
    return when.astimezone(NEW_YORK).date()


def _start(request: Request) -> datetime | None:
    text = query_param(request, "start-at")
    if text is not None:
        return _instant(text, "start-at")
    day = query_param(request, "start-date")
    if day is None:
        return None
    return datetime.combine(_date(day, "start-date"), time(0), NEW_YORK)


def _end(request: Request) -> datetime | None:
    text = query_param(request, "end-at")
    if text is not None:
        return _instant(text, "end-at")
    day = query_param(request, "end-date")
    if day is None:
        return None
    return datetime.combine(_date(day, "end-date"), time.max, NEW_YORK)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{field} must be YYYY-MM-DD", field) from None


def _instant(text: str, field: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{field} must be an ISO-8601 date-time", field) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
