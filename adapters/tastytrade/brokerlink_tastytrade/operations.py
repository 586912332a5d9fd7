"""The tastytrade operations: one generator per adapter operation (DESIGN §5).

Every request carries the pinned ``Accept-Version`` (:data:`~.environments.API_VERSION`); the
``User-Agent: brokerlink/<version>`` tastytrade insists on is a header of every client the core
builds. Lists follow tastytrade's ``page-offset`` pagination to the last page. Placements carry a
``placement`` policy with the order's client id, which travels as ``external-identifier`` so
:func:`find_order` can find the order after a lost answer (tastytrade does not deduplicate).

Position effects: tastytrade needs ``Buy to Open`` / ``Sell to Close`` and so on, so a leg with
``effect=AUTO`` is resolved from the account's positions first (closing what is held on the
other side, opening otherwise); outright futures may stay ``Buy`` / ``Sell``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import attrs
import cattrs

from brokerlink.adapter import OrderChanges
from brokerlink.enums import PositionEffect, Side, TimeInForce
from brokerlink.errors import BrokerError, ResponseFormatError
from brokerlink.instruments import Future, FutureOption, Index, Instrument
from brokerlink.models import (
    Account,
    Balance,
    NewOrder,
    OptionChain,
    Order,
    OrderGroup,
    OrderPreview,
    Position,
    Quote,
)
from brokerlink.runtime.operation import CallPolicy, Operation, call
from brokerlink.timeutil import utcnow
from brokerlink_tastytrade import parse, parse_market, parse_orders
from brokerlink_tastytrade.environments import API_VERSION
from brokerlink_tastytrade.models import BalanceSnapshot, Transaction
from brokerlink_tastytrade.wire import WireOrder

__all__ = [
    "QuoteToken",
    "accounts",
    "balance_snapshots",
    "balances",
    "cancel",
    "find_order",
    "instrument",
    "option_chain",
    "order",
    "orders",
    "place",
    "place_group",
    "place_notional",
    "positions",
    "preview",
    "quote_token",
    "quotes",
    "replace",
    "streamer_symbols",
    "transactions",
]

_HEADERS = {"Accept-Version": API_VERSION}
_MARKET = CallPolicy(rate_class="market_data")
_TRADING_READ = CallPolicy(rate_class="trading")
_TRADING_WRITE = CallPolicy(kind="write", rate_class="trading")
_PER_PAGE = 200
Params = dict[str, str | int | None]


def _get(path: str, params: Params | None = None, policy: CallPolicy | None = None) -> Any:
    return call("GET", path, params=params, headers=_HEADERS, policy=policy)


def _account(account_id: str) -> str:
    return f"/accounts/{quote(account_id, safe='')}"


def _today() -> date:
    return utcnow().date()


def _pages(
    conv: cattrs.Converter, path: str, params: Params, policy: CallPolicy | None = None
) -> Operation[list[Any]]:
    """Every page of a paginated list: the decoded bodies, in order."""
    bodies: list[Any] = []
    page = 0
    while True:
        response = yield _get(path, {**params, "page-offset": page}, policy)
        body = parse.json_from_tastytrade(response.content)
        bodies.append(body)
        info = parse.pagination_of(conv, body)
        if info is None or info.total_pages is None or page >= info.total_pages - 1:
            return bodies
        page += 1


def accounts(conv: cattrs.Converter) -> Operation[list[Account]]:
    """``GET /customers/me/accounts`` (the customer id is never exposed: ``me``)."""
    response = yield _get("/customers/me/accounts")
    return parse.accounts_from_tastytrade(conv, parse.json_from_tastytrade(response.content))


def balances(conv: cattrs.Converter, account_id: str) -> Operation[Balance]:
    """``GET /accounts/{n}/balances``."""
    response = yield _get(f"{_account(account_id)}/balances")
    body = parse.json_from_tastytrade(response.content)
    return parse.balance_from_tastytrade(conv, parse.data_of(body))


def balance_snapshots(
    conv: cattrs.Converter,
    account_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    time_of_day: str | None = None,
) -> Operation[list[BalanceSnapshot]]:
    """``GET /accounts/{n}/balance-snapshots``, every page."""
    params: Params = {
        "start-date": None if start is None else start.isoformat(),
        "end-date": None if end is None else end.isoformat(),
        "time-of-day": time_of_day,
        "per-page": _PER_PAGE,
    }
    bodies = yield from _pages(conv, f"{_account(account_id)}/balance-snapshots", params)
    return [s for body in bodies for s in parse.snapshots_from_tastytrade(conv, body)]


def positions(conv: cattrs.Converter, account_id: str) -> Operation[list[Position]]:
    """``GET /accounts/{n}/positions``."""
    response = yield _get(f"{_account(account_id)}/positions")
    body = parse.json_from_tastytrade(response.content)
    return parse.positions_from_tastytrade(conv, body, today=_today())


def transactions(
    conv: cattrs.Converter, account_id: str, *, start: date | None = None, end: date | None = None
) -> Operation[list[Transaction]]:
    """``GET /accounts/{n}/transactions``, every page (250 per page by default)."""
    params: Params = {
        "start-date": None if start is None else start.isoformat(),
        "end-date": None if end is None else end.isoformat(),
        "per-page": 250,
    }
    bodies = yield from _pages(conv, f"{_account(account_id)}/transactions", params)
    today = _today()
    return [
        t for body in bodies for t in parse.transactions_from_tastytrade(conv, body, today=today)
    ]


def _orders_of(conv: cattrs.Converter, body: Any) -> list[Order]:
    today = _today()
    return [
        parse_orders.order_from_tastytrade(conv, raw, today=today) for raw in parse.items_of(body)
    ]


def orders(
    conv: cattrs.Converter, account_id: str, *, status: str, since: datetime | None
) -> Operation[list[Order]]:
    """Without ``since``: ``GET .../orders/live`` (every order touched today, any status);
    with it: the order search from ``since`` (``start-at``, required since order-api 20261012)."""
    if since is None:
        response = yield _get(f"{_account(account_id)}/orders/live", policy=_TRADING_READ)
        found = _orders_of(conv, parse.json_from_tastytrade(response.content))
    else:
        params: Params = {
            "start-at": since.isoformat().replace("+00:00", "Z"),
            "sort": "Asc",
            "per-page": _PER_PAGE,
        }
        path = f"{_account(account_id)}/orders"
        bodies = yield from _pages(conv, path, params, _TRADING_READ)
        found = [o for body in bodies for o in _orders_of(conv, body)]
    if status == "open":
        found = [o for o in found if o.status.is_working]
    return found


def order(conv: cattrs.Converter, account_id: str, order_id: str) -> Operation[Order]:
    """``GET /accounts/{n}/orders/{id}``."""
    path = f"{_account(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield _get(path, policy=_TRADING_READ)
    body = parse.json_from_tastytrade(response.content)
    return parse_orders.order_from_tastytrade(conv, parse.data_of(body), today=_today())


def find_order(conv: cattrs.Converter, account_id: str, client_id: str) -> Operation[Order | None]:
    """The order whose ``external-identifier`` is ``client_id``: today's orders, then the
    search from yesterday (an order sent just before midnight UTC)."""
    today = yield from orders(conv, account_id, status="all", since=None)
    found = next((o for o in today if o.client_id == client_id), None)
    if found is not None:
        return found
    since = utcnow() - timedelta(days=1)
    recent = yield from orders(conv, account_id, status="all", since=since)
    return next((o for o in recent if o.client_id == client_id), None)


def _resolve_effects(
    conv: cattrs.Converter, account_id: str, new_order: NewOrder
) -> Operation[NewOrder]:
    """``new_order`` with every ``AUTO`` effect made OPEN or CLOSE from the positions held."""
    pending = [
        leg
        for leg in new_order.legs
        if leg.effect is PositionEffect.AUTO and not isinstance(leg.instrument, Future)
    ]
    if not pending:
        return new_order
    held = yield from positions(conv, account_id)
    sizes = {str(p.instrument): p.quantity for p in held}
    legs = []
    for leg in new_order.legs:
        if leg in pending:
            size = sizes.get(str(leg.instrument), Decimal(0))
            closes = (size > 0 and leg.side is Side.SELL) or (size < 0 and leg.side is Side.BUY)
            leg = attrs.evolve(leg, effect=PositionEffect.CLOSE if closes else PositionEffect.OPEN)
        legs.append(leg)
    return new_order.evolve(legs=tuple(legs))


def preview(
    conv: cattrs.Converter, account_id: str, new_order: NewOrder, *, quote_market: bool = True
) -> Operation[OrderPreview]:
    """``POST /accounts/{n}/orders/dry-run``: nothing is routed, so it is a read.

    The answer prices no market order, so with ``quote_market`` (where REST quotes exist) one
    ``GET /market-data/by-type`` follows to estimate its cost.
    """
    resolved = yield from _resolve_effects(conv, account_id, new_order)
    body = parse_orders.order_to_tastytrade(resolved)
    response = yield call(
        "POST",
        f"{_account(account_id)}/orders/dry-run",
        json=body,
        headers=_HEADERS,
        policy=_TRADING_READ,
    )
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    found: dict[str, Quote] = {}
    if quote_market and new_order.limit_price is None and new_order.stop_price is None:
        # REST quotes are for funded accounts only: a refusal leaves the cost unestimated.
        with contextlib.suppress(BrokerError):
            found = yield from quotes(conv, [leg.instrument for leg in new_order.legs])
    return parse_orders.preview_from_tastytrade(conv, data, new_order, found)


def place(conv: cattrs.Converter, account_id: str, new_order: NewOrder) -> Operation[Order]:
    """``POST /accounts/{n}/orders``: never resent; ``external-identifier`` is the client id."""
    resolved = yield from _resolve_effects(conv, account_id, new_order)
    policy = CallPolicy(kind="placement", client_id=new_order.client_id, rate_class="trading")
    body = parse_orders.order_to_tastytrade(resolved)
    response = yield call(
        "POST", f"{_account(account_id)}/orders", json=body, headers=_HEADERS, policy=policy
    )
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    return parse_orders.orders_from_placed(conv, data, today=_today())[0]


def place_notional(
    conv: cattrs.Converter,
    account_id: str,
    target: Instrument,
    side: Side,
    amount: Decimal,
    *,
    effect: PositionEffect,
    time_in_force: TimeInForce,
    client_id: str,
) -> Operation[Order]:
    """A ``Notional Market`` order for ``amount`` dollars (crypto, fractional equities)."""
    policy = CallPolicy(kind="placement", client_id=client_id, rate_class="trading")
    body = parse_orders.notional_to_tastytrade(
        target, side, amount, effect=effect, time_in_force=time_in_force, client_id=client_id
    )
    response = yield call(
        "POST", f"{_account(account_id)}/orders", json=body, headers=_HEADERS, policy=policy
    )
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    return parse_orders.orders_from_placed(conv, data, today=_today())[0]


def place_group(
    conv: cattrs.Converter, account_id: str, group: OrderGroup
) -> Operation[list[Order]]:
    """``POST /accounts/{n}/complex-orders``: OCO, OTO, or OTOCO for a bracket."""
    resolved = []
    for member in group.orders:
        resolved.append((yield from _resolve_effects(conv, account_id, member)))
    group = attrs.evolve(group, orders=tuple(resolved))
    policy = CallPolicy(kind="placement", client_id=group.primary.client_id, rate_class="trading")
    body = parse_orders.group_to_tastytrade(group)
    response = yield call(
        "POST", f"{_account(account_id)}/complex-orders", json=body, headers=_HEADERS, policy=policy
    )
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    return parse_orders.orders_from_placed(conv, data, today=_today())


def replace(
    conv: cattrs.Converter, account_id: str, order_id: str, changes: OrderChanges
) -> Operation[Order]:
    """``PUT /accounts/{n}/orders/{id}``: the replacement is a new order with a new id."""
    path = f"{_account(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield _get(path, policy=_TRADING_READ)
    current_raw = parse.data_of(parse.json_from_tastytrade(response.content))
    current = parse.structure(conv, current_raw, WireOrder)
    body = parse_orders.changes_to_tastytrade(current, changes)
    response = yield call("PUT", path, json=body, headers=_HEADERS, policy=_TRADING_WRITE)
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    if isinstance(data, dict) and ("order" in data or "complex-order" in data):
        return parse_orders.orders_from_placed(conv, data, today=_today())[0]
    return parse_orders.order_from_tastytrade(conv, data, today=_today())


def cancel(conv: cattrs.Converter, account_id: str, order_id: str) -> Operation[Order]:
    """``DELETE /accounts/{n}/orders/{id}``: answers ``Cancel Requested`` (CANCEL_PENDING)."""
    path = f"{_account(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield call("DELETE", path, headers=_HEADERS, policy=_TRADING_WRITE)
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    return parse_orders.order_from_tastytrade(conv, data, today=_today())


def quotes(
    conv: cattrs.Converter, instruments: Sequence[Instrument]
) -> Operation[dict[str, Quote]]:
    """``GET /market-data/by-type``, at most 100 symbols per request."""
    found: dict[str, Quote] = {}
    wanted = list(instruments)
    for start in range(0, len(wanted), 100):
        params: Params = dict(parse_market.market_data_params(wanted[start : start + 100]))
        response = yield _get("/market-data/by-type", params, _MARKET)
        body = parse.json_from_tastytrade(response.content)
        found.update(parse_market.quotes_from_tastytrade(conv, body, today=_today()))
    return found


def option_chain(
    conv: cattrs.Converter, underlying: Instrument, expiration: date | None
) -> Operation[OptionChain]:
    """Nested chains: ``/option-chains/{sym}/nested``, or for futures
    ``/futures-option-chains/{product}/nested``."""
    today = _today()
    if isinstance(underlying, Future | FutureOption):
        root = underlying.root if isinstance(underlying, Future) else underlying.future.root
        response = yield _get(
            f"/futures-option-chains/{quote(root, safe='')}/nested", None, _MARKET
        )
        body = parse.json_from_tastytrade(response.content)
        return parse_market.futures_chain_from_tastytrade(
            body, underlying, expiration=expiration, today=today
        )
    symbol = underlying.symbol if isinstance(underlying, Index) else str(underlying)
    response = yield _get(f"/option-chains/{quote(symbol, safe='')}/nested", None, _MARKET)
    body = parse.json_from_tastytrade(response.content)
    return parse_market.chain_from_tastytrade(body, underlying, expiration=expiration, today=today)


def instrument(conv: cattrs.Converter, target: Instrument) -> Operation[Instrument]:
    """The instrument endpoint of ``target``'s kind, its symbol URL-encoded."""
    response = yield _get(parse_market.instrument_path(target), None, _MARKET)
    return parse_market.details_from_tastytrade(
        parse.json_from_tastytrade(response.content), target
    )


def streamer_symbols(instruments: Sequence[Instrument]) -> Operation[dict[str, Instrument]]:
    """DxLink streamer symbol -> instrument, read from each instrument's ``streamer-symbol``.

    An index has no instrument endpoint; its streamer symbol is its ticker (NOTES §6.2).
    """
    found: dict[str, Instrument] = {}
    for target in instruments:
        if isinstance(target, Index):
            found[target.symbol] = target
            continue
        response = yield _get(parse_market.instrument_path(target), None, _MARKET)
        found[parse_market.streamer_symbol_of(parse.json_from_tastytrade(response.content))] = (
            target
        )
    return found


@attrs.frozen
class QuoteToken:
    """A DxLink grant: the token, the URL to use it on, and the server's time when issued.

    ``issued_at`` comes from the answer's ``issued-at`` (OAS) or its HTTP ``Date``; candle
    requests without a start count back from it, so a server on simulated time (the emulator)
    gets a ``fromTime`` in its own past. ``None`` when neither was sent.
    """

    token: str = attrs.field(repr=False)  # a credential: never shown
    url: str
    issued_at: datetime | None = None


def quote_token(conv: cattrs.Converter) -> Operation[QuoteToken]:
    """``GET /api-quote-tokens``: the DxLink token and the URL to use it on (valid 24 h)."""
    response = yield _get("/api-quote-tokens", None, _MARKET)
    data = parse.data_of(parse.json_from_tastytrade(response.content))
    token, url = data.get("token"), data.get("dxlink-url")
    if not isinstance(token, str) or not isinstance(url, str):
        raise ResponseFormatError(
            "the quote-token answer lacks 'token' or 'dxlink-url'",
            path="$.data",
            broker="tastytrade",
        )
    issued: datetime | None = None
    if data.get("issued-at") is not None:
        issued = parse.structure(conv, data["issued-at"], datetime)
    elif response.headers.get("date"):
        with contextlib.suppress(TypeError, ValueError):  # an unreadable Date is no Date
            issued = parsedate_to_datetime(response.headers["date"]).astimezone(UTC)
    return QuoteToken(token=token, url=url, issued_at=issued)
