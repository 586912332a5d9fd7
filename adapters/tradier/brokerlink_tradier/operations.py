"""The Tradier account and trading operations: one generator per operation (DESIGN §5).

Each yields the requests it needs (:func:`~brokerlink.runtime.operation.call`) and returns core
models; the drivers check every response against :mod:`brokerlink_tradier.errors` first (HTTP 200
``errors`` bodies included). Multi-step work lives here:

- placing, changing and canceling return the order *as Tradier then reports it*: the
  acknowledgement carries only an id, so the order is fetched once after it;
- an option leg with ``effect=AUTO`` is resolved from the account's positions (a leg that
  reduces a held position closes it, anything else opens), and a ``DAY_EXT`` order asks the
  market clock whether it goes to the ``pre`` or the ``post`` session;
- order lists page through ``page``/``limit`` until Tradier answers ``"null"`` or a short page.

Tradier's own order rules are checked before the first request (:mod:`brokerlink_tradier.rules`).
Rate classes: ``account`` for reads, ``trading`` for everything that acts on orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import attrs

from brokerlink.adapter import OrderChanges
from brokerlink.enums import PositionEffect, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Option
from brokerlink.models import NewOrder, Order, OrderGroup, OrderPreview, Position
from brokerlink.runtime.operation import CallPolicy, Operation
from brokerlink_tradier import parse, requests, rules
from brokerlink_tradier.calls import tradier_call
from brokerlink_tradier.capabilities import ACCOUNT, TRADING
from brokerlink_tradier.parse_extras import clock_from_tradier
from brokerlink_tradier.quirks import BROKER, NEW_YORK, items, load

__all__ = [
    "PAGE_SIZE",
    "accounts",
    "balances",
    "cancel",
    "extended_session",
    "find_order",
    "order",
    "orders",
    "paged_orders",
    "place",
    "place_group",
    "positions",
    "preview",
    "replace",
    "resolve_effects",
]

PAGE_SIZE = 100
"""Orders asked per page (Tradier's default is 25)."""

_READ = CallPolicy(rate_class=ACCOUNT)
_TRADING_READ = CallPolicy(rate_class=TRADING)
_TRADING_WRITE = CallPolicy(kind="write", rate_class=TRADING)


def account_path(account_id: str) -> str:
    """``/accounts/{id}`` with the id escaped."""
    return f"/accounts/{quote(account_id, safe='')}"


def accounts() -> Operation[list[Any]]:
    """``GET /user/profile``: every account of the user."""
    response = yield tradier_call("GET", "/user/profile", policy=_READ)
    return parse.accounts_from_tradier(load(response.content))


def balances(account_id: str) -> Operation[Any]:
    """``GET /accounts/{id}/balances``."""
    response = yield tradier_call("GET", f"{account_path(account_id)}/balances", policy=_READ)
    return parse.balance_from_tradier(load(response.content), account_id)


def positions(account_id: str) -> Operation[list[Position]]:
    """``GET /accounts/{id}/positions``."""
    response = yield tradier_call("GET", f"{account_path(account_id)}/positions", policy=_READ)
    return parse.positions_from_tradier(load(response.content), account_id)


def paged_orders(account_id: str, params: dict[str, str | int | None]) -> Operation[list[Order]]:
    """``GET /accounts/{id}/orders`` with ``params``, page after page, tags included."""
    found: list[Order] = []
    page = 1
    while True:
        query = {**params, "page": page, "limit": PAGE_SIZE, "includeTags": "true"}
        response = yield tradier_call(
            "GET", f"{account_path(account_id)}/orders", params=query, policy=_READ
        )
        payload = load(response.content)
        found.extend(parse.orders_from_tradier(payload, account_id))
        if len(items(payload, "orders", "order")) < PAGE_SIZE:
            return found
        page += 1


def orders(account_id: str, *, status: str, since: datetime | None) -> Operation[list[Order]]:
    """``GET /accounts/{id}/orders``: working orders (Tradier's default, intraday view) or all
    (``filter=all``, at most a month back; ``since`` becomes ``start``)."""
    params: dict[str, str | int | None] = {}
    if status == "all" or since is not None:
        params["filter"] = "all"
        if since is not None:
            params["start"] = since.astimezone(NEW_YORK).date().isoformat()
    found = yield from paged_orders(account_id, params)
    if status == "open":
        found = [o for o in found if o.status.is_working]
    if since is not None:
        found = [o for o in found if o.created_at >= since]
    return found


def order(account_id: str, order_id: str) -> Operation[Order]:
    """``GET /accounts/{id}/orders/{order_id}``; a group member by its own id."""
    members = yield from _order_members(account_id, order_id)
    return next((m for m in members if m.id == order_id), members[0])


def _order_members(account_id: str, order_id: str) -> Operation[list[Order]]:
    path = f"{account_path(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield tradier_call("GET", path, params={"includeTags": "true"}, policy=_READ)
    return parse.order_from_tradier(load(response.content), account_id)


def find_order(account_id: str, client_id: str) -> Operation[Order | None]:
    """The order tagged ``client_id``: today's orders first, then (sparingly) ``filter=all``."""
    for params in ({}, {"filter": "all"}):
        found = yield from paged_orders(account_id, dict(params))
        match = next((o for o in found if o.client_id == client_id), None)
        if match is not None:
            return match
    return None


def resolve_effects(new_order: NewOrder, held: list[Position]) -> NewOrder:
    """``new_order`` with every option leg's ``AUTO`` effect made OPEN or CLOSE from ``held``."""
    sizes = {p.instrument: p.quantity for p in held}
    legs = []
    for leg in new_order.legs:
        if leg.effect is PositionEffect.AUTO and isinstance(leg.instrument, Option):
            position = sizes.get(leg.instrument, 0)
            closes = position * leg.side.sign < 0
            leg = attrs.evolve(leg, effect=PositionEffect.CLOSE if closes else PositionEffect.OPEN)
        legs.append(leg)
    return new_order.evolve(legs=tuple(legs))


def _needs_positions(orders_: tuple[NewOrder, ...]) -> bool:
    return any(
        leg.effect is PositionEffect.AUTO and isinstance(leg.instrument, Option)
        for o in orders_
        for leg in o.legs
    )


def extended_session(account_id: str) -> Operation[str]:
    """``pre`` or ``post``: the extended session the market is in now (``GET /markets/clock``)."""
    response = yield tradier_call(
        "GET", "/markets/clock", policy=CallPolicy(rate_class="market_data")
    )
    clock = clock_from_tradier(load(response.content))
    session = {"premarket": "pre", "postmarket": "post"}.get(clock.state)
    if session is None:
        raise InvalidOrderError(
            f"time_in_force: DAY_EXT orders go to Tradier's pre- or post-market session, and "
            f"the market is {clock.state} now; use DAY (or wait for the extended session)",
            field="time_in_force",
            broker=BROKER,
        )
    return session


def _prepare(
    account_id: str, members: tuple[NewOrder, ...]
) -> Operation[tuple[list[NewOrder], str | None]]:
    """Resolve AUTO option effects and the DAY_EXT session (at most two reads)."""
    ready = list(members)
    if _needs_positions(members):
        held = yield from positions(account_id)
        ready = [resolve_effects(o, held) for o in members]
    session = None
    if any(o.time_in_force is TimeInForce.DAY_EXT for o in members):
        session = yield from extended_session(account_id)
    return ready, session


def preview(account_id: str, new_order: NewOrder) -> Operation[OrderPreview]:
    """``POST /accounts/{id}/orders`` with ``preview=true``: nothing is placed (a retryable read)."""
    rules.check_order(new_order)
    (ready,), session = yield from _prepare(account_id, (new_order,))
    form = {**requests.order_to_tradier(ready, session=session), "preview": "true"}
    response = yield tradier_call(
        "POST", f"{account_path(account_id)}/orders", form=form, policy=_TRADING_READ
    )
    return parse.preview_from_tradier(load(response.content), new_order)


def place(account_id: str, new_order: NewOrder) -> Operation[Order]:
    """``POST /accounts/{id}/orders`` (never resent; ``tag`` carries the client id), then the
    placed order as Tradier reports it."""
    rules.check_order(new_order)
    (ready,), session = yield from _prepare(account_id, (new_order,))
    form = requests.order_to_tradier(ready, session=session)
    policy = CallPolicy(kind="placement", client_id=new_order.client_id, rate_class=TRADING)
    response = yield tradier_call(
        "POST", f"{account_path(account_id)}/orders", form=form, policy=policy
    )
    placed_id = parse.order_id_from_tradier(load(response.content))
    return (yield from order(account_id, placed_id))


def place_group(account_id: str, group: OrderGroup) -> Operation[list[Order]]:
    """``POST /accounts/{id}/orders`` with ``class=oco|oto|otoco``, then the group's orders."""
    rules.check_group(group)
    ready, session = yield from _prepare(account_id, group.orders)
    form = requests.group_to_tradier(attrs.evolve(group, orders=tuple(ready)), session=session)
    policy = CallPolicy(kind="placement", client_id=group.primary.client_id, rate_class=TRADING)
    response = yield tradier_call(
        "POST", f"{account_path(account_id)}/orders", form=form, policy=policy
    )
    placed_id = parse.order_id_from_tradier(load(response.content))
    return (yield from _order_members(account_id, placed_id))


def replace(account_id: str, order_id: str, changes: OrderChanges) -> Operation[Order]:
    """``PUT /accounts/{id}/orders/{order_id}`` with the changed fields; Tradier keeps the id."""
    form = requests.changes_to_tradier(changes)
    path = f"{account_path(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield tradier_call("PUT", path, form=form, policy=_TRADING_WRITE)
    changed_id = parse.order_id_from_tradier(load(response.content))
    return (yield from order(account_id, changed_id))


def cancel(account_id: str, order_id: str) -> Operation[Order]:
    """``DELETE /accounts/{id}/orders/{order_id}``, then the order as it now stands."""
    path = f"{account_path(account_id)}/orders/{quote(order_id, safe='')}"
    response = yield tradier_call("DELETE", path, policy=_TRADING_WRITE)
    canceled_id = parse.order_id_from_tradier(load(response.content))
    return (yield from order(account_id, canceled_id))
