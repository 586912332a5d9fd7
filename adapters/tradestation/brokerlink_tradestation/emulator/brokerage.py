"""``/v3/brokerage``: accounts, balances, positions, current and historical orders.

List endpoints take 1-25 comma-separated accounts and answer HTTP 200 with the data and an
``Errors`` array for the accounts that failed (partial success, NOTES §3). Orders are "today's
orders and open orders", newest first; ``historicalorders`` needs ``since`` (at most 90 days
back) and excludes open orders. Both page with ``pageSize`` (1-600) and ``nextToken``.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, timedelta
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http import BadRequest, Reply, query_param
from brokerlink.models import Order
from brokerlink_tradestation.emulator.base import FrontBase
from brokerlink_tradestation.emulator.payloads import (
    account_payload,
    balance_payload,
    bod_balance_payload,
    position_payload,
)
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = ["BrokerageMixin"]

_MAX_PAGE = 600
_MAX_ORDER_IDS = 50
_SINCE_FORMATS = ("%Y-%m-%d", "%m-%d-%Y", "%Y/%m/%d", "%m/%d/%Y")
_HISTORY_DAYS = 90


def _invalid_account(account_id: str) -> dict[str, str]:
    return {"AccountID": account_id, "Error": "Forbidden", "Message": "Invalid Account ID."}


def _wildcard(pattern: str) -> re.Pattern[str]:
    # "*" matches anything; "**" is a literal star (the spec's `BHM**` finds `BHM*`).
    parts = [
        ".*".join(re.escape(piece) for piece in chunk.split("*")) for chunk in pattern.split("**")
    ]
    return re.compile(r"\*".join(parts))


def _sort_key(order: Order) -> tuple[datetime, int]:
    when = order.updated_at if order.is_final and order.updated_at else order.created_at
    return when, int(order.id) if order.id.isdigit() else 0


def _page(request: Request, orders: list[Order]) -> tuple[list[Order], str | None]:
    size_text = query_param(request, "pageSize")
    token = query_param(request, "nextToken")
    start = 0
    if token is not None:
        try:
            start = int(base64.urlsafe_b64decode(token.encode() + b"==").decode().partition("|")[2])
        except ValueError:
            raise BadRequest("nextToken is not a token this API issued") from None
    if size_text is None:
        return orders[start : start + _MAX_PAGE], None
    if not size_text.isdigit() or not 1 <= int(size_text) <= _MAX_PAGE:
        raise BadRequest(f"pageSize must be 1-{_MAX_PAGE}; got {size_text!r}")
    size = int(size_text)
    page = orders[start : start + size]
    # A token only while more remain: a full last page gets none (the spec's rule).
    more = start + size < len(orders)
    text = f"orders|{start + size}".encode()
    return page, base64.urlsafe_b64encode(text).decode().rstrip("=") if more else None


class BrokerageMixin(FrontBase):
    """Handlers of the ``/brokerage`` family."""

    def accounts_reply(self, request: Request) -> Reply:
        """``GET /brokerage/accounts``."""
        return Reply.json(200, {"Accounts": [account_payload(a) for a in self.engine.accounts()]})

    def _split(self, text: str) -> tuple[list[str], list[dict[str, str]]]:
        known = self.known_accounts()
        ids = self.account_ids(text)
        return [i for i in ids if i in known], [_invalid_account(i) for i in ids if i not in known]

    def balances_reply(self, request: Request, accounts: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/balances``."""
        found, failed = self._split(accounts)
        known = self.known_accounts()
        rows = [
            balance_payload(self.engine.balance(a), known[a].type, self.engine.positions(a))
            for a in found
        ]
        return Reply.json(200, {"Balances": rows, "Errors": failed})

    def bod_balances_reply(self, request: Request, accounts: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/bodbalances``."""
        found, failed = self._split(accounts)
        known = self.known_accounts()
        rows = [bod_balance_payload(self.engine.balance(a), known[a].type) for a in found]
        return Reply.json(200, {"BODBalances": rows, "Errors": failed})

    def positions_reply(self, request: Request, accounts: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/positions?symbol=MSFT,MSFT *``."""
        found, failed = self._split(accounts)
        filters = query_param(request, "symbol")
        patterns = [_wildcard(p.strip().upper()) for p in (filters or "").split(",") if p.strip()]
        rows = []
        for account in found:
            for position in self.engine.positions(account):
                if position.quantity == 0:
                    continue
                symbol = ts_symbol(position.instrument)
                if patterns and not any(p.fullmatch(symbol) for p in patterns):
                    continue
                quote = self.engine.quote(position.instrument)
                rows.append(position_payload(position, quote))
        return Reply.json(200, {"Positions": rows, "Errors": failed})

    # -- orders ---------------------------------------------------------------------------------
    def _orders_of(self, accounts: list[str]) -> list[Order]:
        return [o for a in accounts for o in self.engine.orders(a, "all")]

    def current_orders(self, accounts: list[str]) -> list[Order]:
        """Today's orders and the open ones, newest first (what the order stream snapshots)."""
        today = mkt.trading_date(mkt.Schedule.EQUITY, self.engine.now())
        kept = [
            o
            for o in self._orders_of(accounts)
            if not o.is_final
            or mkt.trading_date(mkt.Schedule.EQUITY, o.updated_at or o.created_at) >= today
        ]
        return sorted(kept, key=_sort_key, reverse=True)

    def _order_list(self, orders: list[Order], everything: list[Order]) -> list[dict[str, Any]]:
        return [self.payload(o, everything) for o in orders]

    def orders_reply(self, request: Request, accounts: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/orders`` (``pageSize``, ``nextToken``)."""
        found, failed = self._split(accounts)
        everything = self._orders_of(found)
        page, token = _page(request, self.current_orders(found))
        body: dict[str, Any] = {"Orders": self._order_list(page, everything), "Errors": failed}
        if token is not None:
            body["NextToken"] = token
        return Reply.json(200, body)

    def _by_ids(self, accounts: str, order_ids: str, orders: list[Order], everything: list[Order]) -> Reply:  # fmt: skip
        ids = list(dict.fromkeys(p.strip() for p in order_ids.split(",") if p.strip()))
        if not 1 <= len(ids) <= _MAX_ORDER_IDS:
            raise BadRequest(f"1 to {_MAX_ORDER_IDS} order IDs may be given; got {len(ids)}")
        by_id = {o.id: o for o in orders}
        rows = [self.payload(by_id[i], everything) for i in ids if i in by_id]
        errors = [
            {
                "AccountID": accounts,
                "OrderID": i,
                "Error": "NotFound",
                "Message": "Order not found.",
            }
            for i in ids
            if i not in by_id
        ]
        return Reply.json(200, {"Orders": rows, "Errors": errors})

    def orders_by_id_reply(self, request: Request, accounts: str, order_ids: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/orders/{orderIds}`` (1-50 ids)."""
        found, _failed = self._split(accounts)
        everything = self._orders_of(found)
        return self._by_ids(accounts, order_ids, everything, everything)

    def _since(self, request: Request) -> date:
        text = query_param(request, "since")
        if text is None:
            raise BadRequest("since is required, e.g. since=2006-01-13 (at most 90 days back)")
        for form in _SINCE_FORMATS:
            try:
                day = datetime.strptime(text, form).date()
            except ValueError:
                continue
            today = self.engine.now().date()
            if day < today - timedelta(days=_HISTORY_DAYS):
                raise BadRequest(f"since {text} is more than {_HISTORY_DAYS} days back")
            return day
        raise BadRequest(f"since {text!r}: use YYYY-MM-DD, MM-DD-YYYY, YYYY/MM/DD or MM/DD/YYYY")

    def _history(self, request: Request, found: list[str]) -> list[Order]:
        since = self._since(request)
        closed = [
            o
            for o in self._orders_of(found)
            if o.is_final and (o.updated_at or o.created_at).date() >= since
        ]
        return sorted(closed, key=_sort_key, reverse=True)

    def historical_orders_reply(self, request: Request, accounts: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/historicalorders?since=...``."""
        found, failed = self._split(accounts)
        history = self._history(request, found)
        page, token = _page(request, history)
        body: dict[str, Any] = {
            "Orders": self._order_list(page, self._orders_of(found)),
            "Errors": failed,
        }
        if token is not None:
            body["NextToken"] = token
        return Reply.json(200, body)

    def historical_by_id_reply(self, request: Request, accounts: str, order_ids: str) -> Reply:
        """``GET /brokerage/accounts/{accounts}/historicalorders/{orderIds}?since=...``."""
        found, _failed = self._split(accounts)
        return self._by_ids(
            accounts, order_ids, self._history(request, found), self._orders_of(found)
        )
