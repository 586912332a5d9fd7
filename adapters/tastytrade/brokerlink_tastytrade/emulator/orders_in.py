"""tastytrade order requests into engine orders (refs/tastytrade/NOTES.md §5.4).

A request (``POST /accounts/{n}/orders``, ``/orders/dry-run``, each member of a complex order)::

    {"time-in-force": "Day", "order-type": "Limit", "price": 0.85, "price-effect": "Credit",
     "external-identifier": "...", "source": "...",
     "legs": [{"instrument-type": "Equity Option", "symbol": "AAPL  221118C00155000",
               "quantity": 1, "action": "Sell to Open"}, ...]}

Rules enforced as tastytrade documents them: unsigned ``price`` with ``price-effect`` (a buy for
a credit is the preflight failure ``cant_buy_for_credit``), no ``price`` on Market/Stop/Notional
orders, ``stop-trigger`` on Stop/Stop Limit, ``gtc-date`` with GTD, no GTC/GTD market orders
(``gtc_market_orders_not_supported``), ``value``/``value-effect`` and no leg quantity on
``Notional Market`` (bought as a fractional market order at the current ask). Numbers are read
from JSON numbers or decimal strings alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Instrument
from brokerlink.models import Leg, NewOrder
from brokerlink_tastytrade.emulator.book import OrderMeta
from brokerlink_tastytrade.emulator.envelope import TastyError
from brokerlink_tastytrade.emulator.symbols import instrument_type

__all__ = ["ParsedOrder", "bad_request", "parse_order", "preflight"]

_ACTIONS = MappingProxyType(
    {
        "Buy to Open": (Side.BUY, PositionEffect.OPEN),
        "Buy to Close": (Side.BUY, PositionEffect.CLOSE),
        "Sell to Open": (Side.SELL, PositionEffect.OPEN),
        "Sell to Close": (Side.SELL, PositionEffect.CLOSE),
        "Buy": (Side.BUY, PositionEffect.AUTO),
        "Sell": (Side.SELL, PositionEffect.AUTO),
    }
)
_TIFS = MappingProxyType(
    {
        "Day": TimeInForce.DAY,
        "GTC": TimeInForce.GTC,
        "GTD": TimeInForce.GTD,
        "IOC": TimeInForce.IOC,
        "Ext": TimeInForce.DAY_EXT,
        "Ext Overnight": TimeInForce.DAY_EXT,
        "GTC Ext": TimeInForce.GTC_EXT,
        "GTC Ext Overnight": TimeInForce.GTC_EXT,
    }
)
_TYPES = MappingProxyType(
    {
        "Market": OrderType.MARKET,
        "Limit": OrderType.LIMIT,
        "Stop": OrderType.STOP,
        "Stop Limit": OrderType.STOP_LIMIT,
        "Marketable Limit": OrderType.LIMIT,
        "Notional Market": OrderType.MARKET,
    }
)
_CLIENT_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_STEP = Decimal("0.0001")  # the engine's fractional quantity increment (equities, crypto)


def bad_request(message: str, field: str = "body") -> TastyError:
    """A 400 for a malformed request, naming the field."""
    return TastyError(400, "validation_error", message, [(f"invalid_{field}", message)])


def preflight(code: str, message: str) -> TastyError:
    """A 422 ``preflight_check_failure`` with one inner error (the documented shape)."""
    return TastyError(422, "preflight_check_failure", "One or more preflight checks failed",
                      [(code, message)])  # fmt: skip


@attrs.frozen(kw_only=True)
class ParsedOrder:
    """An engine order and the tastytrade-only details to remember with it."""

    order: NewOrder
    meta: OrderMeta


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise bad_request(f"{field} must be a number or a decimal string", field)
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise bad_request(f"{field} {value!r} is not a number", field) from None
    if not result.is_finite() or result < 0:
        raise bad_request(f"{field} must be a non-negative number", field)
    return result


def _choice(body: Mapping[str, Any], field: str, table: Mapping[str, Any]) -> Any:
    value = body.get(field)
    if not isinstance(value, str) or value not in table:
        raise bad_request(f"{field} must be one of {', '.join(table)} (got {value!r})", field)
    return table[value]


def _expiry(body: Mapping[str, Any]) -> datetime:
    text = body.get("gtc-date")
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        raise bad_request("a GTD order needs gtc-date as YYYY-MM-DD", "gtc-date") from None
    return datetime.combine(day, time(16), tzinfo=NEW_YORK)


def parse_order(
    body: Any,
    resolve: Callable[[str], Instrument],
    notional_price: Callable[[Instrument, Side], Decimal],
) -> ParsedOrder:
    """Read one order request; ``resolve`` turns a symbol into a known instrument and
    ``notional_price`` gives the price a notional order is sized at."""
    if not isinstance(body, dict):
        raise bad_request("the order must be a JSON object")
    tif = _choice(body, "time-in-force", _TIFS)
    type_name = body.get("order-type")
    kind = _choice(body, "order-type", _TYPES)
    notional = type_name == "Notional Market"
    price = None if body.get("price") is None else _decimal(body["price"], "price")
    stop = (
        None if body.get("stop-trigger") is None else _decimal(body["stop-trigger"], "stop-trigger")
    )
    if kind is OrderType.LIMIT and stop is not None:
        kind = OrderType.STOP_LIMIT  # the documented "Stop Limit" example says Limit + trigger
    if kind is OrderType.STOP and price is not None:
        kind = OrderType.STOP_LIMIT  # and the other one says Stop + price
    if kind in (OrderType.MARKET, OrderType.STOP) and price is not None:
        raise bad_request(f"a {type_name} order takes no price", "price")
    if kind in (OrderType.STOP, OrderType.STOP_LIMIT) and stop is None:
        raise bad_request(f"a {type_name} order needs stop-trigger", "stop-trigger")
    limit = kind in (OrderType.LIMIT, OrderType.STOP_LIMIT)
    if limit and (price is None or body.get("price-effect") not in ("Debit", "Credit")):
        raise bad_request("a limit price needs price and price-effect (Debit/Credit)", "price")
    if kind is OrderType.MARKET and tif in (TimeInForce.GTC, TimeInForce.GTD) and not notional:
        raise preflight(
            "gtc_market_orders_not_supported", "GTC/GTD Market orders are not supported."
        )
    legs_in = body.get("legs")
    if not isinstance(legs_in, list) or not legs_in:
        raise bad_request("legs must be a non-empty list", "legs")
    meta = OrderMeta(
        external_identifier=_text(body, "external-identifier"),
        source=_text(body, "source"),
        notional=notional,
    )
    legs = [_leg(raw, resolve, notional) for raw in legs_in]
    if notional:
        legs = [_notional_leg(body, legs[0], notional_price, meta)]
    if price is not None and len(legs) == 1:
        debit = body["price-effect"] == "Debit"
        if legs[0].side is Side.BUY and not debit:
            raise preflight("cant_buy_for_credit", "You cannot buy for a credit.")
    elif price is not None and body["price-effect"] == "Credit":
        price = -price  # a multi-leg net credit is a negative net price in the engine
    external = meta.external_identifier
    client_id = (
        external if external and len(external) <= 40 and set(external) <= _CLIENT_ID_CHARS else None
    )
    try:
        order = NewOrder(
            legs=tuple(legs),
            type=kind,
            time_in_force=tif,
            limit_price=price if kind in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None,
            stop_price=stop if kind in (OrderType.STOP, OrderType.STOP_LIMIT) else None,
            expires_at=_expiry(body) if tif is TimeInForce.GTD else None,
            client_id=client_id,
        )
    except InvalidOrderError as exc:
        raise bad_request(exc.message, exc.field or "order") from None
    return ParsedOrder(order=order, meta=meta)


def _text(body: Mapping[str, Any], field: str) -> str | None:
    value = body.get(field)
    return None if value is None else str(value)


def _leg(raw: Any, resolve: Callable[[str], Instrument], notional: bool) -> Leg:
    if not isinstance(raw, dict) or not isinstance(raw.get("symbol"), str):
        raise bad_request("each leg needs a symbol", "legs")
    inst = resolve(raw["symbol"])
    declared = raw.get("instrument-type")
    if declared != instrument_type(inst):
        raise bad_request(
            f"leg {raw['symbol']!r} is a {instrument_type(inst)}, not {declared!r}",
            "instrument-type",
        )
    side, effect = _choice(raw, "action", _ACTIONS)
    if notional:
        quantity = Decimal(1)  # sized from the order's value below
    else:
        if raw.get("quantity") is None:
            raise bad_request("each leg needs a quantity", "quantity")
        quantity = _decimal(raw["quantity"], "quantity")
    try:
        return Leg(instrument=inst, side=side, quantity=quantity, effect=effect)
    except InvalidOrderError as exc:
        raise bad_request(exc.message, exc.field or "legs") from None


def _notional_leg(
    body: Mapping[str, Any],
    leg: Leg,
    notional_price: Callable[[Instrument, Side], Decimal],
    meta: OrderMeta,
) -> Leg:
    if body.get("value") is None or body.get("value-effect") not in ("Debit", "Credit"):
        raise bad_request("a Notional Market order needs value and value-effect", "value")
    value = _decimal(body["value"], "value")
    price = notional_price(leg.instrument, leg.side)
    quantity = (value / price).quantize(_STEP, rounding=ROUND_DOWN)
    if quantity <= 0:
        raise preflight("notional_value_too_small", f"{value} buys nothing at {price}")
    meta.value, meta.value_effect = value, str(body["value-effect"])
    return Leg(instrument=leg.instrument, side=leg.side, quantity=quantity, effect=leg.effect)
