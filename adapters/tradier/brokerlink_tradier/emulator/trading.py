"""Tradier's order endpoints: list, look up, place (and preview), modify, cancel.

=============================================== =============================================
``GET    /accounts/{id}/orders``                ``filter`` (intraday|all), ``page``, ``limit``
                                                (25), ``date``, ``start``/``end``,
                                                ``includeTags``; none: ``{"orders": "null"}``
``GET    /accounts/{id}/orders/{order_id}``     ``{"order": {...}}`` (a group parent too)
``POST   /accounts/{id}/orders``                the order form (:mod:`.orderform`); answers
                                                ``{"order": {id, status: "ok", partner_id}}``
``POST   ... preview=true``                     the documented preview object
``PUT    /accounts/{id}/orders/{order_id}``     ``type``, ``duration``, ``price``, ``stop``
``DELETE /accounts/{id}/orders/{order_id}``     ``{"order": {id, status: "ok"}}``
=============================================== =============================================
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import Reply
from brokerlink.errors import InvalidOrderError, OrderNotFoundError, RejectedError
from brokerlink.models import OrderGroup

from . import hours
from .forms import Params, invalid
from .ledger import account_orders, render_order, render_orders
from .orderform import Plan, Ticket, read_order_form
from .wire import NEW_YORK, TradierError, collection, json_reply, ny_local

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["PARTNER_ID", "ROUTES"]

PARTNER_ID = "5c1e7d62-8f0a-4b3e-9d21-6e6d75000001"
"""The ``partner_id`` the emulator answers placements with."""

_A = "/accounts/{account_id}/orders"


def _orders(front: TradierFront, request: Request, account_id: str) -> Reply:
    params = Params(request)
    which = params.choice("filter", ("intraday", "all"), default="intraday")
    page, limit = params.whole("page", 1), params.whole("limit", 25)
    day, start, end = params.day("date"), params.day("start"), params.day("end")
    engine = front.engine
    today = engine.now().astimezone(NEW_YORK).date()
    found = []
    for order in account_orders(engine, account_id):
        created = order.created_at.astimezone(NEW_YORK).date()
        if which == "intraday" and created != today and not order.is_working:
            continue
        if which == "all" and created < today - timedelta(days=31):
            continue  # "all will return a maximum of 1 month of data"
        if day is not None and created != day:
            continue
        if which == "all" and ((start and created < start) or (end and created > end)):
            continue
        found.append(order)
    views = render_orders(front, account_id, found, include_tags=params.flag("includeTags"))
    chunk = views[(page - 1) * limit : page * limit]
    return json_reply(200, {"orders": {"order": collection(chunk)} if chunk else "null"})


def _order(front: TradierFront, request: Request, account_id: str, order_id: str) -> Reply:
    include = Params(request).flag("includeTags")
    return json_reply(200, {"order": render_order(front, account_id, order_id, include)})


def _place(front: TradierFront, request: Request, account_id: str) -> Reply:
    engine = front.engine
    engine.balance(account_id)  # an unknown account is refused before the form is read
    plan = read_order_form(engine, Params(request))
    if plan.preview:
        return json_reply(200, {"order": _preview(front, account_id, plan)})
    with front.book.lock, hours.waiting_for(engine, _segment_wait(engine, plan)):
        try:
            if len(plan.tickets) == 1:
                placed = [engine.place(account_id, plan.tickets[0].order)]
            else:
                placed = _place_group(front, account_id, plan)
        except InvalidOrderError as exc:
            raise _oms_error(exc, plan.tickets) from None
        for order, ticket in zip(placed, plan.tickets, strict=True):
            front.book.notes[order.id] = ticket.note
            if ticket.note.duration == "pre" and order.is_working:
                front.book.pre_orders[order.id] = account_id
        order_id = placed[0].id
        if len(placed) > 1:
            group = front.book.add_group(
                plan.order_class, placed[0].group_id, [o.id for o in placed], plan.tag
            )
            order_id = group.parent_id
    return json_reply(
        200, {"order": {"id": int(order_id), "status": "ok", "partner_id": PARTNER_ID}}
    )


def _segment_wait(engine: Engine, plan: Plan) -> timedelta:
    """How long a ``pre``/``post`` order placed now waits for its segment to open."""
    now = engine.now()
    found = (hours.segment(t.note.duration, now) for t in plan.tickets)
    return max([timedelta(0), *(bounds[0] - now for bounds in found if bounds is not None)])


def _place_group(front: TradierFront, account_id: str, plan: Plan) -> list[Any]:
    orders = [t.order for t in plan.tickets]
    kind = plan.order_class
    if kind == "oco":
        return front.engine.place_group(account_id, OrderGroup.oco(*orders))
    if kind == "oto":
        return front.engine.place_group(account_id, OrderGroup.oto(*orders))
    # OTOCO is the engine's bracket: entry, then the limit exit, then the stop exit.
    entry, *exits = plan.tickets
    limits = [t for t in exits if t.note.type_word == "limit"]
    if len(limits) != 1:
        raise invalid("type[1]", "the emulator's otoco needs one limit exit and one stop exit")
    stop = next(t for t in exits if t is not limits[0])
    try:
        group = OrderGroup.bracket(entry.order, take_profit=limits[0].order, stop_loss=stop.order)
    except InvalidOrderError as exc:
        raise invalid("price[1]", exc.message) from None
    placed = front.engine.place_group(account_id, group)
    by_ticket = {id(entry): placed[0], id(limits[0]): placed[1], id(stop): placed[2]}
    return [by_ticket[id(t)] for t in plan.tickets]


def _oms_error(exc: InvalidOrderError, tickets: tuple[Ticket, ...]) -> TradierError:
    """The OMS code Tradier gives for what the engine refused (position and price rules)."""
    side = tickets[0].side
    option = side.endswith(("_open", "_close"))
    message = exc.message
    if "tick size" in message:
        return TradierError(message, status=200, code="OrderPriceIsInvalid")
    if "close it before opening" in message or "to close" in message:
        base = {"buy": "UnexpectedBuyOrder", "sell_short": "UnexpectedSellShortOrder",
                "sell": "UnexpectedSellOrder", "buy_to_cover": "UnexpectedBuyToCoverOrder",
                "buy_to_open": "UnexpectedBuyOrder", "sell_to_open": "UnexpectedSellShortOrder",
                "sell_to_close": "UnexpectedSellOrder",
                "buy_to_close": "UnexpectedBuyToCoverOrder"}[side]  # fmt: skip
        return TradierError(message, status=200, code=base + ("Option" if option else ""))
    if "but the position is" in message:
        code = "LongPositionCrossZero" if side.startswith("sell") else "ShortPositionCrossZero"
        return TradierError(message, status=200, code=code)
    return TradierError(f"Invalid parameter, {exc.field or 'order'}: {message}")


def _preview(front: TradierFront, account_id: str, plan: Plan) -> dict[str, Any]:
    ticket = plan.tickets[0]
    try:
        preview = front.engine.preview(account_id, ticket.order)
    except InvalidOrderError as exc:
        raise _oms_error(exc, plan.tickets) from None
    now = front.engine.now()
    local = ny_local(now) + f".{now.microsecond // 1000:03d}"
    strategy = (
        ticket.note.order_class if ticket.note.order_class in ("equity", "option") else ("spread")
    )
    return {
        "status": "ok",
        "commission": preview.commission,
        "cost": preview.total_cost,
        "fees": preview.fees,
        "symbol": ticket.note.symbol,
        "quantity": ticket.order.quantity,
        "side": ticket.side,
        "type": ticket.note.type_word,
        "duration": ticket.note.duration,
        "result": True,
        "order_cost": preview.estimated_cost,
        "margin_change": preview.margin_requirement or 0,
        "request_date": local,
        "extended_hours": ticket.note.duration in ("pre", "post"),
        "class": plan.order_class,
        "strategy": strategy,
        "day_trades": 0,
    }


def _modify(front: TradierFront, request: Request, account_id: str, order_id: str) -> Reply:
    params = Params(request)
    if params.has("quantity"):
        raise invalid("quantity", "the quantity of an order cannot be changed; cancel it and "
                      "place a new order")  # fmt: skip
    if order_id in front.book.groups:
        raise invalid("order_id", "modify the orders of a group by their own ids")
    order = front.engine.order(account_id, order_id)
    note = front.book.note(order)
    type_word = (params.get("type") or note.type_word).lower()
    spread = order.is_multi_leg
    if type_word != note.type_word and not (spread and type_word in ("debit", "credit", "even")):
        # The engine changes prices and durations in place; a new order type needs a new order.
        raise invalid(
            "type", f"the emulator cannot change a {note.type_word} order into {type_word}"
        )
    duration = (params.get("duration") or note.duration).lower()
    if duration not in ("day", "gtc", "pre", "post"):
        raise invalid("duration", "use one of day, gtc, pre, post")
    if duration != note.duration and {duration, note.duration} & {"pre", "post"}:
        raise invalid(
            "duration", "You may not change the session of a pre/post market session order"
        )
    price, stop = params.decimal("price"), params.decimal("stop")
    if spread and price is not None:
        # Net prices carry the debit (+) / credit (-) sign in the engine; even is zero.
        price = {"credit": -abs(price), "even": Decimal(0)}.get(type_word, abs(price))
    changes: dict[str, Any] = {}
    if price is not None and order.limit_price is not None:
        changes["limit_price"] = price
    if stop is not None and order.stop_price is not None:
        changes["stop_price"] = stop
    if duration != note.duration:
        changes["time_in_force"] = "gtc" if duration == "gtc" else "day"
    if not changes:
        raise invalid("price", "send at least one change (price, stop or duration)")
    try:
        front.engine.replace(account_id, order_id, **changes)
    except InvalidOrderError as exc:
        raise TradierError(f"Invalid parameter, {exc.field or 'price'}: {exc.message}") from None
    except RejectedError as exc:
        raise TradierError(f"Order is not open: {exc.message}") from None
    front.book.notes[order_id] = attrs.evolve(note, duration=duration, type_word=type_word)
    return json_reply(
        200, {"order": {"id": int(order_id), "status": "ok", "partner_id": PARTNER_ID}}
    )


def _cancel(front: TradierFront, request: Request, account_id: str, order_id: str) -> Reply:
    engine = front.engine
    group = front.book.groups.get(order_id)
    targets = list(group.members) if group is not None else [order_id]
    if group is not None:
        engine.balance(account_id)
    statuses = [engine.order(account_id, target) for target in targets]
    working = [o for o in statuses if o.is_working or o.status.value == "pending"]
    if not working:
        final = statuses[0].status.value
        raise TradierError(f"order already in finalized state: {final}")
    for order in working:
        try:
            engine.cancel(account_id, order.id)
        except OrderNotFoundError:
            raise
        except RejectedError:
            continue  # a member the fill of another canceled meanwhile
    return json_reply(200, {"order": {"id": int(order_id), "status": "ok"}})


ROUTES = (
    ("GET", _A, _orders),
    ("GET", _A + "/{order_id}", _order),
    ("POST", _A, _place),
    ("PUT", _A + "/{order_id}", _modify),
    ("DELETE", _A + "/{order_id}", _cancel),
)
"""(method, path, handler) of this module, registered by the front."""
