"""Brokerage operations: accounts, balances, positions and orders (DESIGN §5).

Each yields requests built with :func:`~brokerlink.runtime.operation.call` and returns models;
the drivers check every response against :mod:`~brokerlink_tradestation.errors` first (HTTP 200
error bodies included). What lives here besides plain calls:

- batching: brokerage paths take 1-25 account ids and 1-50 order ids; longer lists are split;
- paging: ``NextToken`` is followed until it stops coming;
- the ``since`` rule: history comes from ``historicalorders`` (which needs ``since``, at most 90
  days back, and leaves out open orders), merged with today's and open orders.

Placing, replacing and cancelling live in :mod:`~brokerlink_tradestation.placing`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TypeVar
from urllib.parse import quote

import cattrs

from brokerlink import errors
from brokerlink.models import (
    Account,
    Balance,
    Order,
    Position,
)
from brokerlink.runtime.operation import CallPolicy, Operation, call
from brokerlink.timeutil import utcnow
from brokerlink_tradestation import parse
from brokerlink_tradestation.capabilities import HISTORY_DAYS, MAX_ACCOUNTS, MAX_ORDER_IDS
from brokerlink_tradestation.models import BODBalance
from brokerlink_tradestation.wire import BROKER, json_body

__all__ = [
    "READ",
    "TRADING_READ",
    "WRITE",
    "accounts",
    "balances",
    "balances_many",
    "bod_balances",
    "chunks",
    "current_orders",
    "order",
    "order_id_path",
    "orders",
    "orders_by_id",
    "positions",
]

T = TypeVar("T")
READ = CallPolicy(rate_class="default")
TRADING_READ = CallPolicy(rate_class="trading")
WRITE = CallPolicy(kind="write", rate_class="trading")
_PAGE_SIZE = 600


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in runs of at most ``size`` (TradeStation's per-path id limits)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ids(values: Sequence[str], what: str) -> str:
    if not values:
        raise ValueError(f"give at least one {what}")
    return ",".join(quote(value, safe="") for value in values)


def order_id_path(order_id: str) -> str:
    # TradeStation rejects dashed ids ("1-2345-6789") in these paths: say so before sending.
    if not order_id.isdigit():
        raise errors.InvalidOrderError(
            f"order id {order_id!r} is not a TradeStation order id (digits only, e.g. '123456789')",
            field="order_id",
            broker=BROKER,
        )
    return order_id


def _first_error(found: list[errors.BrokerError], account_id: str) -> errors.BrokerError:
    return (
        found[0]
        if found
        else errors.RejectedError(
            f"TradeStation returned nothing for account {account_id[-4:]:*>8}", broker=BROKER
        )
    )


# -- accounts -------------------------------------------------------------------------------------
def accounts(conv: cattrs.Converter) -> Operation[list[Account]]:
    """``GET /brokerage/accounts``."""
    response = yield call("GET", "/brokerage/accounts", policy=READ)
    return parse.accounts_from_ts(conv, json_body(response.content))


def balances_many(
    conv: cattrs.Converter, account_ids: Sequence[str]
) -> Operation[tuple[list[Balance], list[errors.BrokerError]]]:
    """``GET /brokerage/accounts/{ids}/balances`` for any number of accounts (25 per request)."""
    found: list[Balance] = []
    problems: list[errors.BrokerError] = []
    for batch in chunks(account_ids, MAX_ACCOUNTS):
        response = yield call(
            "GET", f"/brokerage/accounts/{_ids(batch, 'account')}/balances", policy=READ
        )
        got, bad = parse.balances_from_ts(conv, json_body(response.content))
        found += got
        problems += bad
    return found, problems


def balances(conv: cattrs.Converter, account_id: str) -> Operation[Balance]:
    """One account's balance; an ``Errors`` item for it becomes the error raised."""
    found, problems = yield from balances_many(conv, [account_id])
    mine = [b for b in found if b.account == account_id]
    if not mine:
        raise _first_error(problems, account_id)
    return mine[0]


def bod_balances(conv: cattrs.Converter, account_ids: Sequence[str]) -> Operation[list[BODBalance]]:
    """``GET /brokerage/accounts/{ids}/bodbalances`` (beginning of day), 25 accounts per request."""
    found: list[BODBalance] = []
    for batch in chunks(account_ids, MAX_ACCOUNTS):
        response = yield call(
            "GET", f"/brokerage/accounts/{_ids(batch, 'account')}/bodbalances", policy=READ
        )
        payload = json_body(response.content)
        found += parse.bod_balances_from_ts(conv, payload)
        if not found and (problems := parse.errors_from_ts(conv, payload)):
            raise problems[0]
    return found


def positions(
    conv: cattrs.Converter, account_id: str, symbols: Sequence[str] = ()
) -> Operation[list[Position]]:
    """``GET /brokerage/accounts/{id}/positions``, optionally filtered by TradeStation symbols
    with ``*`` wildcards (``"MSFT *"``: every MSFT option; ``"* 2303*C*"``: March-2023 calls)."""
    params = {"symbol": ",".join(symbols) if symbols else None}
    response = yield call(
        "GET",
        f"/brokerage/accounts/{_ids([account_id], 'account')}/positions",
        params=params,
        policy=READ,
    )
    found, problems = parse.positions_from_ts(conv, json_body(response.content))
    if not found and problems:
        raise problems[0]
    return found


# -- orders ---------------------------------------------------------------------------------------
def _paged(
    conv: cattrs.Converter, path: str, params: dict[str, str | int | None]
) -> Operation[list[Order]]:
    found: list[Order] = []
    token: str | None = None
    while True:
        response = yield call(
            "GET", path, params={**params, "nextToken": token}, policy=TRADING_READ
        )
        page, problems, token = parse.orders_from_ts(conv, json_body(response.content))
        found += page
        if not found and problems and not token:
            raise problems[0]
        if not token or not page:
            return found


def current_orders(conv: cattrs.Converter, account_ids: Sequence[str]) -> Operation[list[Order]]:
    """``GET /brokerage/accounts/{ids}/orders``: today's orders and open ones, newest first."""
    found: list[Order] = []
    for batch in chunks(account_ids, MAX_ACCOUNTS):
        found += yield from _paged(
            conv, f"/brokerage/accounts/{_ids(batch, 'account')}/orders", {"pageSize": _PAGE_SIZE}
        )
    return found


def _since_text(since: datetime, now: datetime | None) -> str:
    # ``now`` is None against a served emulator, whose clock we cannot read: its front applies
    # the same 90-day rule against its own clock.
    if now is not None and since < now - timedelta(days=HISTORY_DAYS):
        raise errors.NotSupportedError(
            f"TradeStation keeps order history for {HISTORY_DAYS} days; since="
            f"{since.date().isoformat()} is older: pass a date after "
            f"{(now - timedelta(days=HISTORY_DAYS)).date().isoformat()}",
            broker=BROKER,
        )
    return since.date().isoformat()


def orders(
    conv: cattrs.Converter,
    account_id: str,
    *,
    status: str,
    since: datetime | None,
    now: datetime | None = None,
) -> Operation[list[Order]]:
    """Working orders (``open``) or all; with ``since``, closed history back to that date too.

    ``now`` is the broker's time (:meth:`TradeStationAdapter.broker_now`), for the 90-day rule.
    """
    since_text = None if since is None else _since_text(since, now)
    current = yield from current_orders(conv, [account_id])
    if status == "open":
        return [
            o for o in current if o.status.is_working and (since is None or o.created_at >= since)
        ]
    if since_text is None:
        return current
    history = yield from _paged(
        conv,
        f"/brokerage/accounts/{_ids([account_id], 'account')}/historicalorders",
        {"since": since_text, "pageSize": _PAGE_SIZE},
    )
    merged = {o.id: o for o in history}
    merged.update({o.id: o for o in current})  # today's view of an order is the fresher one
    # TradeStation filters history by date already ("since" is a day); keep all it returns.
    return sorted(merged.values(), key=lambda o: o.created_at, reverse=True)


def orders_by_id(
    conv: cattrs.Converter,
    account_ids: Sequence[str],
    order_ids: Sequence[str],
    *,
    history: bool = False,
    now: datetime | None = None,
) -> Operation[tuple[list[Order], list[errors.BrokerError]]]:
    """Orders by id (50 ids and 25 accounts per request); ``history`` asks ``historicalorders``
    (the last 90 days before ``now``, the broker's time) instead of today's and open orders."""
    found: list[Order] = []
    problems: list[errors.BrokerError] = []
    kind = "historicalorders" if history else "orders"
    params = (
        {"since": ((now or utcnow()) - timedelta(days=HISTORY_DAYS - 1)).date().isoformat()}
        if history
        else {}
    )
    for accounts_batch in chunks(account_ids, MAX_ACCOUNTS):
        for id_batch in chunks([order_id_path(i) for i in order_ids], MAX_ORDER_IDS):
            path = f"/brokerage/accounts/{_ids(accounts_batch, 'account')}/{kind}/{_ids(id_batch, 'order id')}"
            response = yield call("GET", path, params=params, policy=TRADING_READ)
            got, bad, _ = parse.orders_from_ts(conv, json_body(response.content))
            found += got
            problems += bad
    return found, problems


def order(
    conv: cattrs.Converter, account_id: str, order_id: str, now: datetime | None = None
) -> Operation[Order]:
    """One order: today's and open orders first, then the 90-day history."""
    other: list[errors.BrokerError] = []
    for history in (False, True):
        found, problems = yield from orders_by_id(
            conv, [account_id], [order_id], history=history, now=now
        )
        for item in found:
            if item.id == order_id:
                return item
        other += [p for p in problems if not isinstance(p, errors.OrderNotFoundError)]
    if other:
        raise other[0]
    raise errors.OrderNotFoundError(
        f"no order {order_id} in this account today or in the last {HISTORY_DAYS} days",
        broker=BROKER,
    )
