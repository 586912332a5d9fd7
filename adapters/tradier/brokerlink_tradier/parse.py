"""Tradier account and order payloads -> core models (pure functions, named by direction).

Every function takes a decoded body (:func:`brokerlink_tradier.quirks.load`) and reads it
through the quirk normalizers, so one-item objects, ``"null"`` collections and string numbers
never reach the model code. A trimmed sample payload sits above each function.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from brokerlink.enums import (
    AccountStatus,
    AccountType,
    OrderType,
    Side,
    lenient,
)
from brokerlink.errors import ResponseFormatError
from brokerlink.models import Account, Balance, NewOrder, Order, OrderLeg, OrderPreview, Position
from brokerlink.timeutil import utcnow
from brokerlink_tradier import quirks
from brokerlink_tradier.quirks import BROKER, dec, items, obj, opt_dec, opt_text, when
from brokerlink_tradier.symbols import instrument_from_tradier
from brokerlink_tradier.wire import (
    DURATION_FROM_TRADIER,
    SIDE_FROM_TRADIER,
    STATUSES,
    TYPE_FROM_TRADIER,
)

__all__ = [
    "GROUP_CLASSES",
    "accounts_from_tradier",
    "balance_from_tradier",
    "order_from_tradier",
    "order_id_from_tradier",
    "orders_from_tradier",
    "positions_from_tradier",
    "preview_from_tradier",
]

GROUP_CLASSES = frozenset({"oto", "oco", "otoco"})
"""Order classes whose ``leg`` entries are whole orders of a group, not legs of one order."""

_ZERO = Decimal(0)


# {"profile": {"account": [{"account_number": "VA000001", "classification": "individual",
#   "status": "active", "type": "margin", ...}], "id": "id-gcostanza", "name": "George Costanza"}}
def accounts_from_tradier(payload: dict[str, Any]) -> list[Account]:
    """``GET /user/profile``: every account of the user (one account comes as an object)."""
    found = []
    for index, item in enumerate(items(payload, "profile", "account")):
        path = f"$.profile.account[{index}]"
        classification = str(item.get("classification") or "")
        kind = (
            AccountType.IRA
            if "ira" in classification
            else lenient(AccountType, item.get("type"), default=AccountType.UNKNOWN)
        )
        found.append(
            Account(
                id=_required_text(item, "account_number", path),
                type=kind,
                status=lenient(AccountStatus, item.get("status"), default=AccountStatus.UNKNOWN),
                raw=item,
            )
        )
    return found


# {"balances": {"account_number": "VA00000000", "account_type": "margin", "total_cash": 6363.86,
#   "total_equity": 17798.36, "current_requirement": 2557.0,
#   "margin": {"stock_buying_power": 12727.72, "option_buying_power": 6363.86, ...}}}
def balance_from_tradier(payload: dict[str, Any], account: str) -> Balance:
    """``GET /accounts/{id}/balances``: the cash, margin or PDT shape into one :class:`Balance`.

    Buying power is the stock buying power of a margin or PDT account and the available cash of
    a cash account; a PDT account's stock buying power is also its day-trading buying power.
    """
    body = obj(payload, "balances")
    if body is None:
        raise ResponseFormatError("no balances in the answer", path="$.balances", broker=BROKER)
    kind = str(body.get("account_type") or "").lower()
    found = body.get(kind) if kind in ("cash", "margin", "pdt") else None
    if isinstance(found, list):  # a 2013 capture had [number, {...}]: keep the object
        found = next((part for part in found if isinstance(part, dict)), None)
    detail = found if isinstance(found, dict) else None
    cash = dec(body.get("total_cash"), path="$.balances.total_cash")
    if detail is None:
        buying_power = cash
    elif kind == "cash":
        buying_power = dec(detail.get("cash_available"), path="$.balances.cash.cash_available")
    else:
        buying_power = dec(detail.get("stock_buying_power"), path=f"$.balances.{kind}")
    return Balance(
        account=account,
        cash=cash,
        equity=dec(body.get("total_equity"), path="$.balances.total_equity"),
        buying_power=buying_power,
        day_trading_buying_power=buying_power if kind == "pdt" else None,
        maintenance_requirement=opt_dec(body.get("current_requirement")),
        unsettled_cash=opt_dec(detail.get("unsettled_funds"))
        if kind == "cash" and detail
        else None,
        raw=body,
    )


# {"positions": {"position": [{"cost_basis": 207.01, "date_acquired": "2018-08-08T14:41:11.405Z",
#   "id": 130089, "quantity": 1.00000000, "symbol": "AAPL"}]}}   ("null" when there are none)
def positions_from_tradier(payload: dict[str, Any], account: str) -> list[Position]:
    """``GET /accounts/{id}/positions``: cost basis (a total) becomes the per-unit average price."""
    found = []
    for index, item in enumerate(items(payload, "positions", "position")):
        path = f"$.positions.position[{index}]"
        target = instrument_from_tradier(_required_text(item, "symbol", path))
        quantity = dec(item.get("quantity"), path=f"{path}.quantity")
        cost = dec(item.get("cost_basis"), path=f"{path}.cost_basis")
        units = abs(quantity) * target.multiplier
        found.append(
            Position(
                account=account,
                instrument=target,
                quantity=quantity,
                average_price=abs(cost) / units if units else _ZERO,
                market_value=None,
                unrealized_pnl=None,
                opened_at=when(item.get("date_acquired")),
                raw=item,
            )
        )
    return found


# {"orders": {"order": [{"id": 228175, "type": "limit", "symbol": "AAPL", "side": "buy",
#   "quantity": 50.0, "status": "expired", "duration": "pre", "price": 22.0, "class": "equity",
#   "exec_quantity": 0.0, "avg_fill_price": 0.0, "create_date": "2018-06-01T12:02:29.682Z", ...}]}}
def orders_from_tradier(payload: dict[str, Any], account: str) -> list[Order]:
    """``GET /accounts/{id}/orders``: every order; a group order (oto/oco/otoco) becomes its
    member orders, linked by ``group_id``."""
    found: list[Order] = []
    for index, item in enumerate(items(payload, "orders", "order")):
        found.extend(expand_order(item, account, f"$.orders.order[{index}]"))
    return found


# {"order": {"id": 229063, "class": "combo", "type": "debit", "price": 42.0, "num_legs": 2,
#   "leg": [{"id": 229064, "class": "equity", "side": "buy", "quantity": 100.0, ...},
#           {"id": 229065, "class": "option", "option_symbol": "SPY180720C00274000", ...}]}}
def order_from_tradier(payload: dict[str, Any], account: str) -> list[Order]:
    """``GET /accounts/{id}/orders/{order_id}``: the order (a group's member orders)."""
    item = obj(payload, "order")
    if item is None:
        raise ResponseFormatError("no order in the answer", path="$.order", broker=BROKER)
    return expand_order(item, account, "$.order")


def expand_order(item: dict[str, Any], account: str, path: str) -> list[Order]:
    """One wire order as core orders: itself, or a group's members (primary first)."""
    klass = str(item.get("class") or "")
    if klass not in GROUP_CLASSES:
        return [_order(item, account, path)]
    group_id = str(item.get("id"))
    members = items(item, "", "leg")
    orders = []
    for index, member in enumerate(members):
        parent = group_id if klass == "oto" or (klass == "otoco" and index > 0) else None
        order = _order(member, account, f"{path}.leg[{index}]", group_id=group_id, parent=parent)
        orders.append(order)
    return orders


def _order(
    item: dict[str, Any],
    account: str,
    path: str,
    *,
    group_id: str | None = None,
    parent: str | None = None,
) -> Order:
    klass = str(item.get("class") or "")
    wire_type = str(item.get("type") or "")
    order_type = TYPE_FROM_TRADIER.get(wire_type)
    if order_type is None:
        raise ResponseFormatError(
            f"unknown order type {wire_type!r}", path=f"{path}.type", broker=BROKER
        )
    duration = str(item.get("duration") or "day")
    tif = DURATION_FROM_TRADIER.get(duration)
    if tif is None:
        raise ResponseFormatError(
            f"unknown duration {duration!r}", path=f"{path}.duration", broker=BROKER
        )
    filled = opt_dec(item.get("exec_quantity")) or _ZERO
    price = opt_dec(item.get("price"))
    if price is not None and wire_type == "credit":
        price = -abs(price)
    elif wire_type == "even":
        price = _ZERO
    if order_type is OrderType.MARKET:
        price = None
    stop = opt_dec(item.get("stop_price")) if order_type.needs_stop_price else None
    if klass in ("multileg", "combo"):
        legs = tuple(
            _leg(child, f"{path}.leg[{i}]") for i, child in enumerate(items(item, "", "leg"))
        )
    else:
        legs = (_leg(item, path),)
    average = opt_dec(item.get("avg_fill_price"))
    return Order(
        id=str(_required(item, "id", path)),
        client_id=opt_text(item.get("tag")),
        account=account,
        status=STATUSES.parse(str(item.get("status")), path=f"{path}.status"),
        type=order_type,
        time_in_force=tif,
        legs=legs,
        quantity=dec(item.get("quantity"), path=f"{path}.quantity"),
        filled_quantity=filled,
        average_fill_price=average if filled else None,
        limit_price=price,
        stop_price=stop or None,
        created_at=when(item.get("create_date"), path=f"{path}.create_date") or utcnow(),
        updated_at=when(item.get("transaction_date")),
        group_id=group_id,
        parent_id=parent,
        reject_reason=opt_text(item.get("reason_description")),
        raw=item,
    )


def _leg(item: dict[str, Any], path: str) -> OrderLeg:
    symbol = opt_text(item.get("option_symbol")) or _required_text(item, "symbol", path)
    side = str(item.get("side") or "")
    found = SIDE_FROM_TRADIER.get(side)
    if found is None:
        raise ResponseFormatError(f"unknown side {side!r}", path=f"{path}.side", broker=BROKER)
    filled = opt_dec(item.get("exec_quantity")) or _ZERO
    average = opt_dec(item.get("avg_fill_price"))
    return OrderLeg(
        instrument=instrument_from_tradier(symbol),
        side=found[0],
        effect=found[1],
        quantity=dec(item.get("quantity"), path=f"{path}.quantity"),
        filled_quantity=filled,
        average_fill_price=average if filled else None,
    )


# {"order": {"id": 257459, "status": "ok", "partner_id": "c4998eb7-..."}}
def order_id_from_tradier(payload: dict[str, Any]) -> str:
    """The id of a placed, changed or canceled order (Tradier acknowledges with the id only)."""
    item = obj(payload, "order")
    if item is None or item.get("id") is None:
        raise ResponseFormatError("no order id in the answer", path="$.order.id", broker=BROKER)
    return str(item["id"])


# {"order": {"status": "ok", "commission": 3.49, "cost": 34.7151, "fees": 0, "order_cost": 31.2251,
#   "margin_change": 0, "result": true, "request_date": "2019-05-14T15:56:47.371", ...}}
def preview_from_tradier(payload: dict[str, Any], order: NewOrder) -> OrderPreview:
    """``POST /accounts/{id}/orders`` with ``preview=true``: ``order_cost`` is the cost before
    commission and fees, signed positive for cash out (buys, debits) and negative for cash in."""
    item = obj(payload, "order")
    if item is None:
        raise ResponseFormatError("no order in the preview", path="$.order", broker=BROKER)
    cost = abs(dec(item.get("order_cost", item.get("cost")), path="$.order.order_cost"))
    warnings = (
        [] if quirks.flag(item.get("result", True)) else ["Tradier marked the preview result false"]
    )
    warnings.extend(quirks.error_messages(item))
    return OrderPreview(
        order=order,
        estimated_cost=cost * _cash_sign(order),
        commission=opt_dec(item.get("commission")) or _ZERO,
        fees=opt_dec(item.get("fees")) or _ZERO,
        buying_power_effect=None,
        margin_requirement=opt_dec(item.get("margin_change")),
        warnings=tuple(warnings),
        raw=item,
    )


def _cash_sign(order: NewOrder) -> int:
    if order.is_multi_leg:
        return -1 if order.limit_price is not None and order.limit_price < 0 else 1
    return 1 if order.side is Side.BUY else -1


def _required(item: dict[str, Any], key: str, path: str) -> Any:
    value = item.get(key)
    if value is None:
        raise ResponseFormatError(
            f"required field {key!r} is missing", path=f"{path}.{key}", broker=BROKER
        )
    return value


def _required_text(item: dict[str, Any], key: str, path: str) -> str:
    return str(_required(item, key, path))
