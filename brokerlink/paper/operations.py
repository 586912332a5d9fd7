"""The paper operations: one generator per adapter operation (DESIGN §5).

Each yields the requests it needs (built with :func:`~brokerlink.runtime.operation.call`) and
returns core models; the sync and async drivers run them unchanged. The drivers check each
response against the error table before resuming the generator, so the code below only sees good
answers. Multi-step work lives here too: :func:`bars` follows ``next_page`` tokens until the
range (or the ``limit``) is covered.

Rate classes: account reads use ``default``, market data ``market_data``, and everything that
touches orders ``trading``. Placements carry a ``placement`` policy with the order's client id:
the drivers never resend them, and after a lost answer the core looks the order up with
:func:`find_order`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import cattrs

from brokerlink.adapter import OrderChanges
from brokerlink.instruments import Instrument
from brokerlink.models import (
    Account,
    Balance,
    Bar,
    NewOrder,
    OptionChain,
    Order,
    OrderGroup,
    OrderPreview,
    Position,
    Quote,
)
from brokerlink.paper import parse
from brokerlink.runtime.operation import CallPolicy, Operation, call
from brokerlink.timeframes import Timeframe

__all__ = [
    "accounts",
    "balances",
    "bars",
    "cancel",
    "find_order",
    "instrument",
    "option_chain",
    "order",
    "orders",
    "place",
    "place_group",
    "positions",
    "preview",
    "quotes",
    "replace",
]

_MARKET = CallPolicy(rate_class="market_data")
_TRADING_READ = CallPolicy(rate_class="trading")
_TRADING_WRITE = CallPolicy(kind="write", rate_class="trading")


def _account(account_id: str) -> str:
    return f"/accounts/{quote(account_id, safe='')}"


def _iso(conv: cattrs.Converter, when: datetime | date | None) -> str | None:
    return None if when is None else str(conv.unstructure(when))


def accounts(conv: cattrs.Converter) -> Operation[list[Account]]:
    """``GET /accounts``."""
    response = yield call("GET", "/accounts")
    return parse.accounts_from_paper(conv, parse.json_from_paper(response.content))


def balances(conv: cattrs.Converter, account_id: str) -> Operation[Balance]:
    """``GET /accounts/{id}/balance``."""
    response = yield call("GET", f"{_account(account_id)}/balance")
    return parse.balance_from_paper(conv, parse.json_from_paper(response.content))


def positions(conv: cattrs.Converter, account_id: str) -> Operation[list[Position]]:
    """``GET /accounts/{id}/positions``."""
    response = yield call("GET", f"{_account(account_id)}/positions")
    return parse.positions_from_paper(conv, parse.json_from_paper(response.content))


def orders(
    conv: cattrs.Converter, account_id: str, *, status: str, since: datetime | None
) -> Operation[list[Order]]:
    """``GET /accounts/{id}/orders?status=open|all&since=...``."""
    params = {"status": status, "since": _iso(conv, since)}
    response = yield call(
        "GET", f"{_account(account_id)}/orders", params=params, policy=_TRADING_READ
    )
    return parse.orders_from_paper(conv, parse.json_from_paper(response.content))


def order(conv: cattrs.Converter, account_id: str, order_id: str) -> Operation[Order]:
    """``GET /accounts/{id}/orders/{order_id}``."""
    path = f"{_account(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield call("GET", path, policy=_TRADING_READ)
    return parse.order_from_paper(conv, parse.json_from_paper(response.content))


def find_order(conv: cattrs.Converter, account_id: str, client_id: str) -> Operation[Order | None]:
    """The order carrying ``client_id`` (``GET .../orders?status=all&client_id=...``), or None."""
    params = {"status": "all", "client_id": client_id}
    response = yield call(
        "GET", f"{_account(account_id)}/orders", params=params, policy=_TRADING_READ
    )
    found = parse.orders_from_paper(conv, parse.json_from_paper(response.content))
    return next((o for o in found if o.client_id == client_id), None)


def preview(
    conv: cattrs.Converter, account_id: str, new_order: NewOrder
) -> Operation[OrderPreview]:
    """``POST /accounts/{id}/orders/preview``: a read (nothing is placed), so it may be retried."""
    body = parse.order_to_paper(conv, new_order)
    response = yield call(
        "POST", f"{_account(account_id)}/orders/preview", json=body, policy=_TRADING_READ
    )
    return parse.preview_from_paper(conv, parse.json_from_paper(response.content), new_order)


def place(conv: cattrs.Converter, account_id: str, new_order: NewOrder) -> Operation[Order]:
    """``POST /accounts/{id}/orders``: never resent; the client id travels in the body."""
    policy = CallPolicy(kind="placement", client_id=new_order.client_id, rate_class="trading")
    body = parse.order_to_paper(conv, new_order)
    response = yield call("POST", f"{_account(account_id)}/orders", json=body, policy=policy)
    return parse.order_from_paper(conv, parse.json_from_paper(response.content))


def place_group(
    conv: cattrs.Converter, account_id: str, group: OrderGroup
) -> Operation[list[Order]]:
    """``POST /accounts/{id}/order_groups``: the group's orders, primary first."""
    policy = CallPolicy(kind="placement", client_id=group.primary.client_id, rate_class="trading")
    body = parse.group_to_paper(conv, group)
    response = yield call("POST", f"{_account(account_id)}/order_groups", json=body, policy=policy)
    return parse.orders_from_paper(conv, parse.json_from_paper(response.content))


def replace(
    conv: cattrs.Converter, account_id: str, order_id: str, changes: OrderChanges
) -> Operation[Order]:
    """``PATCH /accounts/{id}/orders/{order_id}`` with the changed fields only."""
    path = f"{_account(account_id)}/orders/{quote(order_id, safe='')}"
    body = parse.changes_to_paper(conv, changes)
    response = yield call("PATCH", path, json=body, policy=_TRADING_WRITE)
    return parse.order_from_paper(conv, parse.json_from_paper(response.content))


def cancel(conv: cattrs.Converter, account_id: str, order_id: str) -> Operation[Order]:
    """``DELETE /accounts/{id}/orders/{order_id}``."""
    path = f"{_account(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield call("DELETE", path, policy=_TRADING_WRITE)
    return parse.order_from_paper(conv, parse.json_from_paper(response.content))


def quotes(
    conv: cattrs.Converter, instruments: Sequence[Instrument]
) -> Operation[dict[str, Quote]]:
    """``GET /quotes?symbols=a,b``."""
    params = {"symbols": ",".join(str(i) for i in instruments)}
    response = yield call("GET", "/quotes", params=params, policy=_MARKET)
    return parse.quotes_from_paper(conv, parse.json_from_paper(response.content))


def bars(
    conv: cattrs.Converter,
    target: Instrument,
    timeframe: Timeframe,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int | None,
) -> Operation[list[Bar]]:
    """``GET /bars``, page after page, oldest first and without duplicates.

    Without ``start`` the broker answers the last ``limit`` bars before ``end`` (or now); with
    ``start``, the bars from there on, at most ``limit``. Each page holds at most 1000 bars and
    names the next with an opaque ``next_page`` token, which is sent back with the same query.
    """
    params: dict[str, Any] = {
        "symbol": str(target),
        "timeframe": str(timeframe),
        "start": _iso(conv, start),
        "end": _iso(conv, end),
        "limit": limit,
    }
    collected: list[Bar] = []
    token: str | None = None
    while True:
        response = yield call(
            "GET", "/bars", params={**params, "page_token": token}, policy=_MARKET
        )
        page = parse.bar_page_from_paper(response.content, timeframe)
        # Pages never overlap, but a broker's paging is not ours to trust: keep strictly newer bars.
        newest = collected[-1].time if collected else None
        collected.extend(b for b in page.bars if newest is None or b.time > newest)
        token = page.next_page
        if not token or not page.bars or (limit is not None and len(collected) >= limit):
            break
    return collected if limit is None else collected[:limit]


def option_chain(
    conv: cattrs.Converter, underlying: Instrument, expiration: date | None
) -> Operation[OptionChain]:
    """``GET /option_chain?underlying=...&expiration=...``."""
    params = {"underlying": str(underlying), "expiration": _iso(conv, expiration)}
    response = yield call("GET", "/option_chain", params=params, policy=_MARKET)
    return parse.option_chain_from_paper(conv, parse.json_from_paper(response.content))


def instrument(conv: cattrs.Converter, target: Instrument) -> Operation[Instrument]:
    """``GET /instruments?symbol=...``: the instrument with its details."""
    response = yield call("GET", "/instruments", params={"symbol": str(target)}, policy=_MARKET)
    return parse.instrument_from_paper(conv, parse.json_from_paper(response.content))
