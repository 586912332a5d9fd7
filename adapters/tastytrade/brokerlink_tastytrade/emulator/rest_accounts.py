"""Customer and account routes: customers/me, accounts, balances, balance snapshots, positions,
transactions (refs/tastytrade/NOTES.md §4-5.2; examples ``GET_customers_me*``,
``GET_accounts_N_balances``, ``..._balance-snapshots``, ``..._positions``, ``..._transactions*``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import Reply, query_param
from brokerlink.enums import PositionEffect
from brokerlink.models import Fill
from brokerlink_tastytrade.emulator.accounts_out import (
    CUSTOMER,
    account_json,
    balance_json,
    position_json,
    transaction_json,
)
from brokerlink_tastytrade.emulator.base import TastyFrontBase
from brokerlink_tastytrade.emulator.envelope import TastyError, collection, dec, page, single

__all__ = ["AccountRoutes"]

_A = "/accounts/{account}"


class AccountRoutes(TastyFrontBase):
    """Handlers for the customer and account endpoints."""

    def account_routes(self) -> list[tuple[str, str, Callable[..., Reply]]]:
        """(method, path, handler) for every route of this group."""
        return [
            ("GET", "/customers/me", self._customer),
            ("GET", "/customers/me/accounts", self._accounts),
            ("GET", "/customers/me/accounts/{account}", self._account),
            ("GET", _A + "/balances", self._balances),
            ("GET", _A + "/balance-snapshots", self._snapshots),
            ("GET", _A + "/positions", self._positions),
            ("GET", _A + "/transactions", self._transactions),
            ("GET", _A + "/transactions/total-fees", self._total_fees),
            ("GET", _A + "/transactions/{tx_id}", self._transaction),
        ]

    def _customer(self, request: Request) -> Reply:
        return single(CUSTOMER, "/customers/me")

    def _accounts(self, request: Request) -> Reply:
        items = [
            {"account": account_json(a), "authority-level": "owner"} for a in self.engine.accounts()
        ]
        return collection(items, "/customers/me/accounts")

    def _account(self, request: Request, account: str) -> Reply:
        for found in self.engine.accounts():
            if found.id == account:
                return single(account_json(found), f"/customers/me/accounts/{account}")
        raise TastyError(403, "not_permitted", "User not permitted access")

    def balance_payload(self, account: str) -> dict[str, Any]:
        """The balances object of ``account`` now (also sent as ``AccountBalance``)."""
        balance = self.engine.balance(account)
        return balance_json(balance, self.engine.positions(account), self.engine.now())

    def position_payloads(self, account: str) -> list[dict[str, Any]]:
        """Every position object of ``account`` now."""
        result = []
        for position in self.engine.positions(account):
            close = self.engine.quote(position.instrument).last
            result.append(
                position_json(position, close, self.today(), self.underlying(position.instrument))
            )
        return result

    def _balances(self, request: Request, account: str) -> Reply:
        return single(self.balance_payload(account), f"/accounts/{account}/balances")

    def _snapshots(self, request: Request, account: str) -> Reply:
        snapshot = self.balance_payload(account)
        snapshot.pop("updated-at", None)
        snapshot["time-of-day"] = query_param(request, "time-of-day", "EOD")
        day = query_param(request, "snapshot-date")
        if day is not None:
            snapshot["snapshot-date"] = day
        return page(
            [snapshot], f"/accounts/{account}/balance-snapshots", per_page=250, page_offset=0
        )

    def _positions(self, request: Request, account: str) -> Reply:
        items = self.position_payloads(account)
        symbol = query_param(request, "symbol")
        if symbol is not None:
            items = [p for p in items if p["symbol"] == symbol]
        return collection(items, f"/accounts/{account}/positions")

    # -- transactions: one "Trade" transaction per execution --------------------------------------
    def _trade_rows(self, account: str) -> list[dict[str, Any]]:
        self.engine.balance(account)  # an unknown account is 403 here too
        rows = []
        fills: list[Fill] = self.book.all_fills(account)
        for number, fill in enumerate(fills, 1):
            order = self.engine.order(account, fill.order_id)
            leg = next(leg for leg in order.legs if leg.instrument == fill.instrument)
            close = leg.effect is PositionEffect.CLOSE
            rows.append(transaction_json(number, account, fill, close, fill.order_id))
        return rows

    def _transactions(self, request: Request, account: str) -> Reply:
        rows = self._trade_rows(account)
        rows.reverse()  # newest first, as the documented list is
        per_page = int(query_param(request, "per-page", "250") or 250)
        offset = int(query_param(request, "page-offset", "0") or 0)
        return page(
            rows, f"/accounts/{account}/transactions", per_page=per_page, page_offset=offset
        )

    def _transaction(self, request: Request, account: str, tx_id: str) -> Reply:
        for row in self._trade_rows(account):
            if str(row["id"]) == tx_id:
                return single(row, f"/accounts/{account}/transactions/{tx_id}")
        raise TastyError(404, "record_not_found", f"no transaction {tx_id} in this account")

    def _total_fees(self, request: Request, account: str) -> Reply:
        total = sum((Decimal(str(r["commission"])) for r in self._trade_rows(account)), Decimal(0))
        body = {"total-fees": dec(total), "total-fees-effect": "Debit" if total else "None"}
        return single(body, f"/accounts/{account}/transactions/total-fees")
