"""Tradier's order form (``POST /accounts/{id}/orders``) read into engine orders, rules enforced.

Classes (DOC trading/place-*-order): ``equity`` and ``option`` take plain fields; ``multileg``
(2-4 option legs) and ``combo`` (an equity leg ``[0]`` plus one or two option legs) take
``option_symbol[i]``, ``side[i]``, ``quantity[i]``; ``oto``, ``oco`` and ``otoco`` take one whole
order per index (``symbol[i]``, ``type[i]``, ``price[i]``, ``stop[i]``, ``duration[i]``...).

Tradier's own rules are checked here, before the engine sees the order, and answered the way the
sandbox does: malformed fields are HTTP 400 ``Invalid parameter, ...``; rules of the order
management system (market or short orders with GTC, market legs in conditional orders) are
HTTP 200 with an ``errors`` object naming the OMS code (NOTES §4.3).
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from brokerlink.emulator import Engine
from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError, SymbolNotFoundError
from brokerlink.instruments import Equity, Option
from brokerlink.models import Leg, NewOrder

from . import hours
from .book import OrderNote
from .forms import Params, invalid
from .symbols import resolve
from .wire import TradierError

__all__ = ["CLASSES", "Plan", "Ticket", "read_order_form"]

CLASSES = ("equity", "option", "multileg", "combo", "oto", "oco", "otoco")
EQUITY_SIDES = ("buy", "buy_to_cover", "sell", "sell_short")
OPTION_SIDES = ("buy_to_open", "buy_to_close", "sell_to_open", "sell_to_close")
SINGLE_TYPES = ("market", "limit", "stop", "stop_limit")
SPREAD_TYPES = ("market", "debit", "credit", "even")
DURATIONS = ("day", "gtc", "pre", "post")
_TAG = re.compile(r"[A-Za-z0-9-]{1,255}")
_SIDES = {
    "buy": (Side.BUY, PositionEffect.OPEN),
    "buy_to_cover": (Side.BUY, PositionEffect.CLOSE),
    "sell": (Side.SELL, PositionEffect.CLOSE),
    "sell_short": (Side.SELL, PositionEffect.OPEN),
    "buy_to_open": (Side.BUY, PositionEffect.OPEN),
    "buy_to_close": (Side.BUY, PositionEffect.CLOSE),
    "sell_to_open": (Side.SELL, PositionEffect.OPEN),
    "sell_to_close": (Side.SELL, PositionEffect.CLOSE),
}
_TIFS = {"day": TimeInForce.DAY, "gtc": TimeInForce.GTC,
         "pre": TimeInForce.DAY_EXT, "post": TimeInForce.DAY_EXT}  # fmt: skip


@attrs.frozen
class Ticket:
    """One engine order to place, with Tradier's note about it."""

    order: NewOrder
    note: OrderNote
    side: str


@attrs.frozen
class Plan:
    """What a valid order form asks for: tickets (one, or a group's in Tradier order)."""

    order_class: str
    tickets: tuple[Ticket, ...]
    preview: bool
    tag: str | None


def _oms(code: str, message: str) -> TradierError:
    return TradierError(message, status=200, code=code)


def _tif(duration: str, type_word: str, side: str, name: str) -> TimeInForce:
    if duration in ("pre", "post") and type_word != "limit":
        raise invalid(name, f"{duration} market sessions only take limit orders")
    if duration == "gtc" and type_word == "market":
        raise _oms("MarketOrderIsGtc", "You cannot place market orders with GTC.")
    if duration == "gtc" and side == "sell_short":
        raise _oms("ShortOrderIsGtc", "You cannot place short stock orders with GTC.")
    return _TIFS[duration]


def _quantity(text: str | None, name: str, whole: bool = True) -> Decimal:
    if text is None:
        raise invalid(name, "this parameter is required")
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise invalid(name, f"{text!r} is not a number") from None
    if not value.is_finite() or value <= 0 or value > 10_000_000:
        raise _oms("IncorrectOrderQuantity", "Quantity must be between 1 and 10,000,000.")
    if whole and value != value.to_integral_value():
        raise invalid(name, f"{text} is not a whole number of shares or contracts")
    return value


def _price(params: Params, name: str, needed: bool) -> Decimal | None:
    value = params.decimal(name)
    if needed and value is None:
        raise invalid(name, "this parameter is required for this order type")
    return value if needed else None


def _instrument(engine: Engine, text: str | None, name: str) -> Equity | Option:
    if text is None:
        raise invalid(name, "this parameter is required")
    try:
        found = resolve(engine, text)
    except SymbolNotFoundError:
        raise _oms("SecurityUndefined", f"Security {text.upper()} is not defined.") from None
    if not isinstance(found, Equity | Option):
        raise _oms("TradingDeniedForSecurity", f"{text.upper()} cannot be traded.")
    return found


def _single(engine: Engine, params: Params, index: int | None, duration: str | None) -> Ticket:
    """One equity or option order, from plain fields or from index ``index`` of a group."""

    def field(name: str) -> str:
        return name if index is None else f"{name}[{index}]"

    def get(name: str) -> str | None:
        return params.get(field(name))

    option_text = get("option_symbol")
    is_option = option_text is not None and option_text.lower() != "null"
    sides = OPTION_SIDES if is_option else EQUITY_SIDES
    side = (get("side") or "").lower()
    if side not in sides:
        raise invalid(field("side"), f"{side or 'nothing'!r} is not one of {', '.join(sides)}")
    type_word = (get("type") or "").lower()
    if type_word not in SINGLE_TYPES:
        raise invalid(field("type"), f"use one of {', '.join(SINGLE_TYPES)}")
    duration = (get("duration") or duration or "").lower()
    if duration not in DURATIONS:
        raise invalid(field("duration"), f"use one of {', '.join(DURATIONS)}")
    if is_option and duration in ("pre", "post"):
        raise invalid(field("duration"), "options do not trade in the pre and post sessions")
    if duration in ("pre", "post") and hours.segment(duration, engine.now()) is None:
        # Each extended duration trades in its own segment only (:mod:`.hours`).
        raise invalid(field("duration"), f"{duration} market no longer available")
    underlying = get("symbol")
    if underlying is None:
        raise invalid(field("symbol"), "this parameter is required")
    target = _instrument(engine, option_text if is_option else underlying, field("symbol"))
    quantity = _quantity(get("quantity"), field("quantity"))
    tif = _tif(duration, type_word, side, field("duration"))
    limit = _price(params, field("price"), type_word in ("limit", "stop_limit"))
    stop = _price(params, field("stop"), type_word in ("stop", "stop_limit"))
    direction, effect = _SIDES[side]
    try:
        new = NewOrder(
            legs=(Leg(instrument=target, side=direction, quantity=quantity, effect=effect),),
            type=OrderType(type_word), time_in_force=tif, limit_price=limit, stop_price=stop,
        )  # fmt: skip
    except InvalidOrderError as exc:
        raise invalid(field(exc.field or "price"), exc.message) from None
    note = OrderNote(
        order_class="option" if is_option else "equity",
        duration=duration,
        type_word=type_word,
        symbol=underlying.upper(),
    )
    return Ticket(order=new, note=note, side=side)


def _spread(engine: Engine, params: Params, order_class: str) -> Ticket:
    """A multileg or combo order: one engine order with several legs."""
    symbol = params.required("symbol").upper()
    type_word = params.choice("type", SPREAD_TYPES)
    duration = params.choice("duration", ("day", "gtc"))
    if duration == "gtc" and type_word == "market":
        raise _oms("MarketOrderIsGtc", "You cannot place market orders with GTC.")
    count = params.leg_count()
    low, high = (2, 4) if order_class == "multileg" else (2, 3)
    if not low <= count <= high:
        raise invalid("side[0]", f"a {order_class} order takes {low} to {high} legs, not {count}")
    legs = []
    for i in range(count):
        option_text = params.indexed("option_symbol", i)
        equity_leg = order_class == "combo" and i == 0
        sides = EQUITY_SIDES if equity_leg else OPTION_SIDES
        side = (params.indexed("side", i) or "").lower()
        if side not in sides:
            raise invalid(f"side[{i}]", f"use one of {', '.join(sides)}")
        text = symbol if equity_leg else option_text
        target = _instrument(engine, text, f"option_symbol[{i}]")
        if not equity_leg and not isinstance(target, Option):
            raise invalid(f"option_symbol[{i}]", f"{text} is not an option symbol")
        quantity = _quantity(params.indexed("quantity", i), f"quantity[{i}]")
        direction, effect = _SIDES[side]
        legs.append(Leg(instrument=target, side=direction, quantity=quantity, effect=effect))
    price = params.decimal("price")
    if type_word in ("debit", "credit") and price is None:
        raise invalid("price", "debit and credit orders need a price")
    net = None
    if type_word != "market":
        net = Decimal(0) if type_word == "even" else abs(price or Decimal(0))
        net = -net if type_word == "credit" else net
    try:
        new = NewOrder.multi_leg(
            legs,
            OrderType.MARKET if type_word == "market" else OrderType.LIMIT,
            limit_price=net,
            time_in_force=_TIFS[duration],
        )
    except InvalidOrderError as exc:
        raise invalid(exc.field or "side[0]", exc.message) from None
    note = OrderNote(order_class=order_class, duration=duration, type_word=type_word, symbol=symbol)
    return Ticket(order=new, note=note, side=legs[0].side.value)


def _group(engine: Engine, params: Params, kind: str) -> tuple[Ticket, ...]:
    count = params.leg_count()
    wanted = 3 if kind == "otoco" else 2
    if count != wanted:
        raise invalid("type[0]", f"an {kind} order takes exactly {wanted} orders, not {count}")
    duration = params.get("duration")
    tickets = tuple(_single(engine, params, i, duration) for i in range(count))
    types = [t.note.type_word for t in tickets]
    if kind == "oto" and types[0] == "market":
        raise _oms("OtoFirstLesIsMarketNotAllowed", "The first order of an OTO cannot be market.")
    if kind in ("oco", "otoco") and "market" in types:
        raise _oms("OtoOcoMarketNotAllowed", "Market orders are not allowed in OCO orders.")
    exits = tickets[-2:]
    if kind in ("oco", "otoco"):
        a, b = exits
        if a.note.type_word == b.note.type_word:
            raise invalid(
                f"type[{count - 1}]", "the two one-cancels-other orders need different types"
            )
        if a.order.instrument != b.order.instrument:
            raise invalid(
                f"symbol[{count - 1}]", "the one-cancels-other orders need the same symbol"
            )
        if a.note.duration != b.note.duration:
            raise _oms("OcoExpirationTypeNotTheSame", "OCO orders need the same duration.")
    return tickets


def read_order_form(engine: Engine, params: Params) -> Plan:
    """The order a Tradier order form describes; :class:`TradierError` when Tradier refuses it."""
    order_class = params.choice("class", CLASSES)
    tag = params.get("tag")
    if tag is not None and not _TAG.fullmatch(tag):
        raise invalid("tag", "use at most 255 letters, digits and '-'")
    if order_class in ("equity", "option"):
        ticket = _single(engine, params, None, None)
        if order_class == "option" and ticket.note.order_class != "option":
            raise invalid("option_symbol", "an option order needs option_symbol")
        if order_class == "equity" and ticket.note.order_class != "equity":
            raise invalid("class", "an order with option_symbol is class option")
        tickets: tuple[Ticket, ...] = (ticket,)
    elif order_class in ("multileg", "combo"):
        tickets = (_spread(engine, params, order_class),)
    else:
        tickets = _group(engine, params, order_class)
    if tag is not None:
        tickets = tuple(
            attrs.evolve(t, order=t.order.evolve(client_id=tag[:40]) if len(tag) <= 40 else t.order,
                         note=attrs.evolve(t.note, tag=tag))
            for t in tickets
        )  # fmt: skip
    return Plan(order_class=order_class, tickets=tickets, preview=params.flag("preview"), tag=tag)
