"""TradeStation order requests (``OrderRequest``, ``GroupOrderRequest``) read into engine orders.

The request vocabulary is the spec's (``#/components/schemas/OrderRequest``, NOTES §7):
``TradeAction`` (``BUY``, ``SELLSHORT``, ``BUYTOOPEN``, ...; the documented examples also use
mixed case, which TradeStation accepts), ``TimeInForce.Duration`` (``DAY``, ``DYP``, ``GTC``,
``GCP``, ``GTD``, ``GDP``, ``OPG``, ``CLO``, ``IOC``, ``FOK``, ``1``/``3``/``5`` minutes),
``OrderType`` (``Market``, ``Limit``, ``StopMarket``, ``StopLimit``; a trailing stop is a
``StopMarket`` with ``AdvancedOptions.TrailingStop``), option ``Legs`` and ``OSOs``. Numbers
arrive as strings, and as JSON numbers in some documented examples; both are read.

A malformed request raises :class:`~brokerlink.emulator.http.BadRequest` (HTTP 400); an order
TradeStation would accept for parsing but refuse to place raises :class:`OrderFailed` (reported
in the ``Errors`` array of an HTTP 200 answer).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink.emulator.http import BadRequest
from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Equity, Instrument
from brokerlink.models import Leg, NewOrder
from brokerlink_tradestation.emulator.orders_out import OrderExtras

__all__ = ["OrderFailed", "ParsedOrder", "Resolver", "decimal_field", "read_order"]

Resolver = Callable[[str], Instrument]
"""Turns a TradeStation symbol into a tradable instrument, or raises :class:`OrderFailed`."""

_ACTIONS = MappingProxyType(
    {
        "BUY": (Side.BUY, PositionEffect.AUTO), "SELL": (Side.SELL, PositionEffect.AUTO),
        "SELLSHORT": (Side.SELL, PositionEffect.OPEN),
        "BUYTOCOVER": (Side.BUY, PositionEffect.CLOSE),
        "BUYTOOPEN": (Side.BUY, PositionEffect.OPEN), "BUYTOCLOSE": (Side.BUY, PositionEffect.CLOSE),
        "SELLTOOPEN": (Side.SELL, PositionEffect.OPEN),
        "SELLTOCLOSE": (Side.SELL, PositionEffect.CLOSE),
    }
)  # fmt: skip

_DURATIONS = MappingProxyType(
    {
        "DAY": TimeInForce.DAY, "DYP": TimeInForce.DAY_EXT, "GTC": TimeInForce.GTC,
        "GCP": TimeInForce.GTC_EXT, "GTD": TimeInForce.GTD, "GDP": TimeInForce.GTD,
        "OPG": TimeInForce.OPG, "CLO": TimeInForce.CLS, "IOC": TimeInForce.IOC,
        "FOK": TimeInForce.FOK, "1": TimeInForce.GTD, "3": TimeInForce.GTD, "5": TimeInForce.GTD,
    }
)  # fmt: skip
_SHOWN = MappingProxyType({"GDP": "GTD+", "1": "1 min", "3": "3 min", "5": "5 min"})

_TYPES = MappingProxyType(
    {"MARKET": OrderType.MARKET, "LIMIT": OrderType.LIMIT, "STOPMARKET": OrderType.STOP,
     "STOPLIMIT": OrderType.STOP_LIMIT}
)  # fmt: skip

# Request flags -> the codes of the response's AdvancedOptions string (NOTES §6.4); AddLiquidity
# with BookOnly is TradeStation's post-only (PSO).
_FLAGS = MappingProxyType(
    {"AllOrNone": "AON", "BookOnly": "BKO", "NonDisplay": "NON", "AddLiquidity": "PSO"}
)
_VALUED = MappingProxyType(
    {"ShowOnlyQuantity": "SHWQTY", "DiscretionaryPrice": "DSCPR", "PegValue": "PEGVAL"}
)


class OrderFailed(Exception):
    """TradeStation would refuse to place this order: answered in ``Errors`` with HTTP 200."""


@attrs.frozen(kw_only=True)
class ParsedOrder:
    """One order of a request: the engine's ``NewOrder``, what the engine does not keep, and
    the request's ``OSOs`` (each a group type and its orders)."""

    order: NewOrder
    extras: OrderExtras
    osos: tuple[tuple[str, tuple[ParsedOrder, ...]], ...] = ()
    confirm_id: str | None = None


def decimal_field(body: dict[str, Any], name: str) -> Decimal | None:
    """A numeric field sent as a string (or a JSON number); ``BadRequest`` if it is not one."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRequest(f'{name} must be a number in a string, e.g. "10"; got {value!r}')
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadRequest(f'{name} must be a number in a string, e.g. "10"; got {value!r}') from None
    if not number.is_finite():
        raise BadRequest(f"{name} must be a finite number; got {value!r}")
    return number


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string; got {value!r}")
    return value


def _action(text: str) -> tuple[Side, PositionEffect]:
    found = _ACTIONS.get(text.replace("_", "").upper())
    if found is None:
        raise BadRequest(f"TradeAction {text!r} is not one of {', '.join(_ACTIONS)}")
    return found


def _time_in_force(body: dict[str, Any], now: datetime) -> tuple[TimeInForce, datetime | None, str | None]:  # fmt: skip
    tif = body.get("TimeInForce")
    if not isinstance(tif, dict) or not tif.get("Duration"):
        raise BadRequest('TimeInForce is required, e.g. {"Duration": "DAY"}')
    code = str(tif["Duration"]).strip().upper()
    found = _DURATIONS.get(code)
    if found is None:
        raise BadRequest(
            f"TimeInForce.Duration {tif['Duration']!r} is not one of {', '.join(_DURATIONS)}"
        )
    if code in ("1", "3", "5"):
        return found, now + timedelta(minutes=int(code)), _SHOWN[code]
    if found is TimeInForce.GTD:
        expiration = tif.get("Expiration")
        if not expiration:
            raise BadRequest(f"Duration {code} needs TimeInForce.Expiration (a full timestamp)")
        try:
            day = datetime.fromisoformat(str(expiration).replace("Z", "+00:00")).date()
        except ValueError:
            raise BadRequest(f"TimeInForce.Expiration {expiration!r} is not a timestamp") from None
        # Only the date counts (the spec ignores the time part): good through that whole day.
        return found, datetime.combine(day, time(23, 59, 59), tzinfo=UTC), _SHOWN.get(code)
    return found, None, None


def _advanced(body: dict[str, Any]) -> tuple[Decimal | None, Decimal | None, tuple[str, ...]]:
    options = body.get("AdvancedOptions")
    if options is None:
        return None, None, ()
    if not isinstance(options, dict):
        raise BadRequest("AdvancedOptions must be an object")
    if options.get("MarketActivationRules") or options.get("TimeActivationRules"):
        raise BadRequest(
            "activation rules (MarketActivationRules, TimeActivationRules) are not emulated; "
            "place the order without them"
        )
    flags = tuple(code for name, code in _FLAGS.items() if options.get(name) is True)
    flags += tuple(f"{code}={options[name]}" for name, code in _VALUED.items() if options.get(name))
    trailing = options.get("TrailingStop")
    if trailing is None:
        return None, None, flags
    if not isinstance(trailing, dict):
        raise BadRequest("AdvancedOptions.TrailingStop must be an object with Amount or Percent")
    amount, percent = decimal_field(trailing, "Amount"), decimal_field(trailing, "Percent")
    if (amount is None) == (percent is None):
        raise BadRequest("AdvancedOptions.TrailingStop takes exactly one of Amount or Percent")
    return amount, percent, flags


def _legs(body: dict[str, Any], resolve: Resolver) -> list[Leg]:
    raw_legs = body.get("Legs")
    if raw_legs:
        if not isinstance(raw_legs, list):
            raise BadRequest("Legs must be an array")
        legs = []
        for i, raw in enumerate(raw_legs):
            if not isinstance(raw, dict):
                raise BadRequest(f"Legs[{i}] must be an object")
            side, effect = _action(_text(raw, "TradeAction") or "")
            quantity = decimal_field(raw, "Quantity")
            if quantity is None:
                raise BadRequest(f"Legs[{i}].Quantity is required")
            inst = resolve(_text(raw, "Symbol") or "")
            legs.append(_leg(inst, side, quantity, effect))
        return legs
    side, effect = _action(_text(body, "TradeAction") or "")
    quantity = decimal_field(body, "Quantity")
    if quantity is None:
        raise BadRequest("Quantity is required")
    inst = resolve(_text(body, "Symbol") or "")
    return [_leg(inst, side, quantity, effect)]


def _leg(inst: Instrument, side: Side, quantity: Decimal, effect: PositionEffect) -> Leg:
    if isinstance(inst, Equity) and effect is PositionEffect.AUTO:
        # Equities: BUY opens and SELL closes; shorts and covers have their own actions.
        effect = PositionEffect.OPEN if side is Side.BUY else PositionEffect.CLOSE
    if isinstance(inst, Equity) and quantity != quantity.to_integral_value():
        raise OrderFailed(f"Quantity {quantity} must be a whole number of shares")
    try:
        return Leg(instrument=inst, side=side, quantity=quantity, effect=effect)
    except InvalidOrderError as exc:
        raise BadRequest(exc.message) from None


def read_order(body: Any, resolve: Resolver, now: datetime) -> ParsedOrder:
    """Read one ``OrderRequest`` (with its ``OSOs``)."""
    if not isinstance(body, dict):
        raise BadRequest("the order request must be a JSON object")
    kind_text = (_text(body, "OrderType") or "").upper()
    kind = _TYPES.get(kind_text)
    if kind is None:
        raise BadRequest(
            f"OrderType {body['OrderType']!r} is not Market, Limit, StopMarket or StopLimit"
        )
    tif, expires, shown = _time_in_force(body, now)
    amount, percent, flags = _advanced(body)
    if amount is not None or percent is not None:
        if kind is not OrderType.STOP:
            raise BadRequest("a TrailingStop needs OrderType StopMarket")
        kind = OrderType.TRAILING_STOP
    legs = _legs(body, resolve)
    limit, stop = decimal_field(body, "LimitPrice"), decimal_field(body, "StopPrice")
    try:
        order = NewOrder(
            legs=tuple(legs), type=kind, time_in_force=tif, expires_at=expires,
            limit_price=limit if kind.needs_limit_price else None,
            stop_price=stop if kind.needs_stop_price else None,
            trail_amount=amount, trail_percent=percent,
            account=_text(body, "AccountID", required=False) or _text(body, "AccountId"),
        )  # fmt: skip
    except InvalidOrderError as exc:
        raise BadRequest(exc.message) from None
    extras = OrderExtras(
        route=_text(body, "Route", required=False) or "Intelligent", duration=shown, advanced=flags
    )
    osos = []
    for i, oso in enumerate(body.get("OSOs") or ()):
        if not isinstance(oso, dict) or not isinstance(oso.get("Orders"), list):
            raise BadRequest(f"OSOs[{i}] must be an object with Type and Orders")
        kind_name = str(oso.get("Type", "NORMAL")).upper()
        if kind_name not in ("NORMAL", "BRK", "OCO"):
            raise BadRequest(f"OSOs[{i}].Type must be NORMAL, BRK or OCO")
        children = tuple(read_order(child, resolve, now) for child in oso["Orders"])
        osos.append((kind_name, children))
    confirm = _text(body, "OrderConfirmID", required=False)
    if confirm is not None and len(confirm) > 22:
        raise BadRequest("OrderConfirmID must be 1-22 characters")
    return ParsedOrder(order=order, extras=extras, osos=tuple(osos), confirm_id=confirm)
