"""Core orders -> Tradier's form bodies (pure functions, named by direction).

Tradier takes ``application/x-www-form-urlencoded`` bodies (NOTES §3, §4.2). One order is a
``class`` (``equity``, ``option``, ``multileg``, ``combo``) with its fields; a group is ``oto``,
``oco`` or ``otoco`` with indexed fields per order (``symbol[0]``, ``side[1]``, ...). Our
``client_id`` travels as ``tag``. Position effects must be resolved (no ``AUTO`` on option legs)
before a body is built: the operations do that from the account's positions.

Sample (DOC trading/place-option-order)::

    class=option&symbol=SPY&option_symbol=SPY140118C00195000&side=buy_to_open&quantity=10
    &type=market&duration=day
"""

from __future__ import annotations

from decimal import Decimal

from brokerlink.adapter import OrderChanges
from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Equity, Option
from brokerlink.models import Leg, NewOrder, OrderGroup
from brokerlink.money import format_plain
from brokerlink_tradier.quirks import BROKER
from brokerlink_tradier.rules import check_tag, combo_order_of
from brokerlink_tradier.symbols import symbol_to_tradier

__all__ = [
    "Form",
    "changes_to_tradier",
    "equity_side",
    "group_to_tradier",
    "option_side",
    "order_to_tradier",
]

Form = dict[str, str]

_DURATION = {TimeInForce.DAY: "day", TimeInForce.GTC: "gtc"}
_SINGLE_TYPE = {
    OrderType.MARKET: "market",
    OrderType.LIMIT: "limit",
    OrderType.STOP: "stop",
    OrderType.STOP_LIMIT: "stop_limit",
}
_GROUP_CLASS = {"oco": "oco", "oto": "oto", "bracket": "otoco"}


def equity_side(leg: Leg) -> str:
    """``buy``, ``sell``, ``sell_short`` (SELL+OPEN) or ``buy_to_cover`` (BUY+CLOSE)."""
    if leg.side is Side.BUY:
        return "buy_to_cover" if leg.effect is PositionEffect.CLOSE else "buy"
    return "sell_short" if leg.effect is PositionEffect.OPEN else "sell"


def option_side(leg: Leg) -> str:
    """``buy_to_open``, ``buy_to_close``, ``sell_to_open`` or ``sell_to_close``."""
    if leg.effect is PositionEffect.AUTO:
        raise InvalidOrderError(
            f"effect: the option leg {leg.instrument} needs OPEN or CLOSE", field="effect"
        )
    return f"{leg.side.value}_to_{leg.effect.value}"


def duration_of(order: NewOrder, session: str | None) -> str:
    """The Tradier duration: ``day``/``gtc``, or ``pre``/``post`` (``session``) for ``DAY_EXT``."""
    if order.time_in_force is TimeInForce.DAY_EXT:
        if session not in ("pre", "post"):
            raise InvalidOrderError(
                "time_in_force: DAY_EXT needs the pre- or post-market session",
                field="time_in_force",
            )
        return session
    found = _DURATION.get(order.time_in_force)
    if found is None:
        raise InvalidOrderError(
            f"time_in_force: Tradier takes DAY, GTC or DAY_EXT, not {order.time_in_force.name}",
            field="time_in_force",
            broker=BROKER,
        )
    return found


_CENT = Decimal("0.01")


def _price(value: Decimal) -> str:
    """A price as Tradier's documents write them: at least two decimals (``1.00``, ``0.80``)."""
    text = format_plain(value)
    places = len(text.partition(".")[2])
    return format(value.quantize(_CENT), "f") if places < 2 else text


def order_to_tradier(order: NewOrder, *, session: str | None = None) -> Form:
    """The form body placing ``order`` (``session`` is ``pre``/``post`` for a DAY_EXT order)."""
    check_tag(order.client_id)
    duration = duration_of(order, session)
    if order.is_multi_leg:
        return _multi_leg(order, duration)
    leg = order.legs[0]
    form: Form = {}
    if isinstance(leg.instrument, Option):
        form.update(
            {
                "class": "option",
                "symbol": leg.instrument.underlying,
                "option_symbol": symbol_to_tradier(leg.instrument),
                "side": option_side(leg),
            }
        )
    else:
        form.update(
            {
                "class": "equity",
                "symbol": symbol_to_tradier(leg.instrument),
                "side": equity_side(leg),
            }
        )
    form["quantity"] = format_plain(leg.quantity)
    form["type"] = _SINGLE_TYPE[order.type]
    form["duration"] = duration
    if order.limit_price is not None:
        form["price"] = _price(order.limit_price)
    if order.stop_price is not None:
        form["stop"] = _price(order.stop_price)
    form["tag"] = order.client_id
    return form


def _net_type(order: NewOrder) -> tuple[str, Decimal | None]:
    """Our signed net price as Tradier's type and unsigned price: debit +, credit -, even 0."""
    if order.type is OrderType.MARKET:
        return "market", None
    price = order.limit_price
    if price is None:
        raise InvalidOrderError("limit_price: a net price is required", field="limit_price")
    if price > 0:
        return "debit", price
    if price < 0:
        return "credit", -price
    return "even", None


def _multi_leg(order: NewOrder, duration: str) -> Form:
    net_type, price = _net_type(order)
    combo = combo_order_of(order)
    legs: list[Leg] = list(combo) if combo else list(order.legs)
    underlyings = {
        leg.instrument.underlying if isinstance(leg.instrument, Option) else str(leg.instrument)
        for leg in legs
    }
    form: Form = {
        "class": "combo" if combo else "multileg",
        "symbol": sorted(underlyings)[0],
        "type": net_type,
        "duration": duration,
    }
    if price is not None:
        form["price"] = _price(price)
    for index, leg in enumerate(legs):
        if isinstance(leg.instrument, Equity):
            form[f"side[{index}]"] = equity_side(leg)
        else:
            form[f"option_symbol[{index}]"] = symbol_to_tradier(leg.instrument)
            form[f"side[{index}]"] = option_side(leg)
        form[f"quantity[{index}]"] = format_plain(leg.quantity)
    form["tag"] = order.client_id
    return form


def group_to_tradier(group: OrderGroup, *, session: str | None = None) -> Form:
    """The form body of an OCO, OTO or bracket (``otoco``) group, with indexed fields."""
    check_tag(group.primary.client_id)
    durations = [duration_of(order, session) for order in group.orders]
    form: Form = {"class": _GROUP_CLASS[group.kind.value]}
    same = len(set(durations)) == 1
    if same:
        form["duration"] = durations[0]
    for index, order in enumerate(group.orders):
        leg = order.legs[0]
        if isinstance(leg.instrument, Option):
            form[f"symbol[{index}]"] = leg.instrument.underlying
            form[f"option_symbol[{index}]"] = symbol_to_tradier(leg.instrument)
            form[f"side[{index}]"] = option_side(leg)
        else:
            form[f"symbol[{index}]"] = symbol_to_tradier(leg.instrument)
            form[f"side[{index}]"] = equity_side(leg)
        form[f"quantity[{index}]"] = format_plain(leg.quantity)
        form[f"type[{index}]"] = _SINGLE_TYPE[order.type]
        if not same:
            form[f"duration[{index}]"] = durations[index]
        if order.limit_price is not None:
            form[f"price[{index}]"] = _price(order.limit_price)
        if order.stop_price is not None:
            form[f"stop[{index}]"] = _price(order.stop_price)
    form["tag"] = group.primary.client_id
    return form


def changes_to_tradier(changes: OrderChanges) -> Form:
    """The ``PUT /accounts/{id}/orders/{order_id}`` body: only the fields that change.

    A negative net price (a credit) is sent as ``type=credit`` with the unsigned price.
    """
    if changes.quantity is not None:
        raise InvalidOrderError(
            "quantity: Tradier cannot change an order's quantity; cancel and place a new order",
            field="quantity",
            broker=BROKER,
        )
    form: Form = {}
    if changes.limit_price is not None:
        if changes.limit_price < 0:
            form["type"] = "credit"
        form["price"] = _price(abs(changes.limit_price))
    if changes.stop_price is not None:
        form["stop"] = _price(changes.stop_price)
    if changes.time_in_force is not None:
        if changes.time_in_force not in _DURATION:
            raise InvalidOrderError(
                "time_in_force: a working order can be changed to DAY or GTC only (Tradier does "
                "not move orders into or out of the pre/post sessions)",
                field="time_in_force",
                broker=BROKER,
            )
        form["duration"] = _DURATION[changes.time_in_force]
    return form
