"""Our orders -> TradeStation request bodies (``*_to_ts``), with TradeStation's extras.

A :class:`~brokerlink.models.NewOrder` says what to trade; TradeStation can say more: a route,
advanced options (all-or-none, book-only, activation rules, ...), and orders sent when this one
fills (``OSOs``). :class:`OrderExtras` carries those, and :func:`order_to_ts` writes the
``OrderRequest`` body (NOTES.md §7):

- ``TradeAction`` from side and position effect: equities ``BUY``/``SELL``/``SELLSHORT``/
  ``BUYTOCOVER``, options (and every leg of a multi-leg order) ``BUYTOOPEN``... ``SELLTOCLOSE``,
  futures ``BUY``/``SELL``;
- ``TimeInForce.Duration`` request codes (``DYP`` for DAY_EXT, ``GCP`` for GTC_EXT, ``CLO`` for
  CLS), ``Expiration`` for GTD;
- a trailing stop is a ``StopMarket`` with ``AdvancedOptions.TrailingStop``;
- a multi-leg order sends ``Legs`` with a net ``LimitPrice``: positive debit, negative credit
  (our sign convention is TradeStation's, so it passes through);
- numbers as strings, exactly as the user wrote them (``Decimal("225.00")`` -> ``"225.00"``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import attrs

from brokerlink.adapter import OrderChanges
from brokerlink.enums import GroupKind, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Equity, Future, FutureOption, Instrument
from brokerlink.models import NewOrder, OrderGroup
from brokerlink_tradestation.symbology import order_symbol
from brokerlink_tradestation.wire import DURATION_TO_TS, ORDER_TYPE_TO_TS

__all__ = [
    "ActivationRule",
    "OrderExtras",
    "Oso",
    "TimeActivation",
    "changes_to_ts",
    "confirm_id",
    "group_to_ts",
    "order_to_ts",
    "risk_reward_to_ts",
    "trade_action",
]

GroupType = Literal["OCO", "BRK", "NORMAL"]


@attrs.frozen(kw_only=True)
class ActivationRule:
    """A market activation rule: send the order once ``symbol``'s price crosses ``price``.

    ``predicate`` is ``Lt``, ``Lte``, ``Gt`` or ``Gte``; ``trigger`` a key from
    ``activation_triggers()`` (``STTN``: single trade tick within the NBBO); ``logic`` joins it to
    the previous rule (``And``/``Or``; ignored on the first).
    """

    symbol: str
    predicate: Literal["Lt", "Lte", "Gt", "Gte"]
    price: Decimal
    trigger: str = "STT"
    logic: Literal["And", "Or"] | None = None

    def body(self) -> dict[str, Any]:
        """The ``MarketActivationRules`` item."""
        body = {
            "RuleType": "Price",
            "Symbol": self.symbol,
            "Predicate": self.predicate,
            "TriggerKey": self.trigger,
            "Price": format(self.price, "f"),
        }
        if self.logic is not None:
            body["LogicOperator"] = self.logic
        return body


@attrs.frozen(kw_only=True)
class TimeActivation:
    """Send the order at ``time`` (UTC time of day; TradeStation ignores the date part)."""

    hour: int
    minute: int
    second: int = 0

    def body(self) -> dict[str, str]:
        """The ``TimeActivationRules`` item (with TradeStation's dummy date ``0001-01-01``)."""
        return {"TimeUtc": f"0001-01-01T{self.hour:02d}:{self.minute:02d}:{self.second:02d}.000Z"}


@attrs.frozen(kw_only=True)
class Oso:
    """Orders sent when the parent fills: ``NORMAL`` (each on its own), ``BRK`` (an exit
    bracket: the orders cancel each other) or ``OCO``."""

    type: GroupType
    orders: tuple[tuple[NewOrder, OrderExtras], ...]


@attrs.frozen(kw_only=True)
class OrderExtras:
    """What TradeStation adds to an order beyond :class:`~brokerlink.models.NewOrder`."""

    route: str | None = "Intelligent"
    all_or_none: bool | None = None
    book_only: bool | None = None
    add_liquidity: bool | None = None
    non_display: bool | None = None
    peg: Literal["BEST", "MID"] | None = None
    discretionary_price: Decimal | None = None
    show_only_quantity: Decimal | None = None
    market_rules: tuple[ActivationRule, ...] = ()
    time_rule: TimeActivation | None = None
    osos: tuple[Oso, ...] = ()
    buying_power_warning: str | None = None


PLAIN = OrderExtras()
"""No extras: the ``Intelligent`` route and nothing else."""


def confirm_id(client_id: str) -> str:
    """The ``OrderConfirmID`` (1-22 characters, TradeStation's idempotency key) for a client id.

    Short ids go as they are; longer ones (ours are 23: ``bl-`` + 20 hex) are hashed to 22
    URL-safe characters, so the same client id always gives the same key.
    """
    if len(client_id) <= 22:
        return client_id
    digest = hashlib.sha256(client_id.encode()).hexdigest()
    return digest[:22]


def trade_action(target: Instrument, side: Side, effect: PositionEffect, *, combo: bool) -> str:
    """The ``TradeAction`` for one leg (see the module docstring); ``combo`` for multi-leg."""
    if isinstance(target, Future):
        return side.value.upper()
    if isinstance(target, Equity) and not combo:
        if side is Side.BUY:
            return "BUYTOCOVER" if effect is PositionEffect.CLOSE else "BUY"
        return "SELLSHORT" if effect is PositionEffect.OPEN else "SELL"
    if effect is PositionEffect.AUTO:
        if isinstance(target, Equity):  # a stock leg of a combo: buying opens, selling closes
            effect = PositionEffect.OPEN if side is Side.BUY else PositionEffect.CLOSE
        else:
            raise InvalidOrderError(
                f"{target}: TradeStation needs to know whether an option order opens or closes; "
                f"set effect=OPEN or effect=CLOSE on the leg",
                field="effect",
                broker="tradestation",
            )
    verb = "BUY" if side is Side.BUY else "SELL"
    return f"{verb}TO{'OPEN' if effect is PositionEffect.OPEN else 'CLOSE'}"


def _money(value: Decimal) -> str:
    return format(value, "f")


def _time_in_force(order: NewOrder) -> dict[str, str]:
    body = {"Duration": DURATION_TO_TS[order.time_in_force]}
    if order.time_in_force is TimeInForce.GTD and order.expires_at is not None:
        body["Expiration"] = _rfc3339(order.expires_at)
    return body


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _advanced(order: NewOrder, extras: OrderExtras) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in (
        ("AllOrNone", extras.all_or_none),
        ("BookOnly", extras.book_only),
        ("AddLiquidity", extras.add_liquidity),
        ("NonDisplay", extras.non_display),
        ("PegValue", extras.peg),
    ):
        if value is not None:
            body[key] = value
    if extras.discretionary_price is not None:
        body["DiscretionaryPrice"] = _money(extras.discretionary_price)
    if extras.show_only_quantity is not None:
        body["ShowOnlyQuantity"] = _money(extras.show_only_quantity)
    if extras.market_rules:
        body["MarketActivationRules"] = [rule.body() for rule in extras.market_rules]
    if extras.time_rule is not None:
        body["TimeActivationRules"] = [extras.time_rule.body()]
    if order.type is OrderType.TRAILING_STOP:
        body["TrailingStop"] = (
            {"Amount": _money(order.trail_amount)}
            if order.trail_amount is not None
            else {"Percent": _money(order.trail_percent or Decimal(0))}
        )
    return body


def order_to_ts(order: NewOrder, account_id: str, extras: OrderExtras = PLAIN) -> dict[str, Any]:
    """The ``OrderRequest`` body of ``order`` for ``account_id`` (preview and place alike)."""
    body: dict[str, Any] = {"AccountID": account_id}
    if order.is_multi_leg:
        body["Legs"] = [
            {
                "Symbol": order_symbol(leg.instrument),
                "Quantity": _money(leg.quantity),
                "TradeAction": trade_action(leg.instrument, leg.side, leg.effect, combo=True),
            }
            for leg in order.legs
        ]
    else:
        leg = order.legs[0]
        body["Symbol"] = order_symbol(leg.instrument)
        body["Quantity"] = _money(leg.quantity)
        body["TradeAction"] = trade_action(leg.instrument, leg.side, leg.effect, combo=False)
    body["OrderType"] = ORDER_TYPE_TO_TS[order.type]
    if order.limit_price is not None:
        body["LimitPrice"] = _money(order.limit_price)
    if order.stop_price is not None:
        body["StopPrice"] = _money(order.stop_price)
    body["TimeInForce"] = _time_in_force(order)
    if extras.route is not None and not any(
        isinstance(leg.instrument, Future | FutureOption) for leg in order.legs
    ):
        body["Route"] = extras.route
    advanced = _advanced(order, extras)
    if advanced:
        body["AdvancedOptions"] = advanced
    if extras.buying_power_warning is not None:
        body["BuyingPowerWarning"] = extras.buying_power_warning
    if extras.osos:
        body["OSOs"] = [
            {
                "Type": oso.type,
                "Orders": [order_to_ts(child, account_id, more) for child, more in oso.orders],
            }
            for oso in extras.osos
        ]
    return body


def with_confirm_id(body: dict[str, Any], client_id: str) -> dict[str, Any]:
    """``body`` carrying the ``OrderConfirmID`` derived from ``client_id`` (placements only)."""
    return {**body, "OrderConfirmID": confirm_id(client_id)}


def group_to_ts(
    kind: GroupType,
    orders: Sequence[tuple[NewOrder, OrderExtras]],
    account_id: str,
) -> dict[str, Any]:
    """A ``GroupOrderRequest`` body: ``{"Type": "OCO"|"BRK"|"NORMAL", "Orders": [...]}``."""
    return {"Type": kind, "Orders": [order_to_ts(o, account_id, extras) for o, extras in orders]}


def neutral_group_to_ts(group: OrderGroup, account_id: str) -> tuple[str, dict[str, Any]]:
    """Where and what to send for one of our groups: ``(path, body)``.

    OCO goes to ``/ordergroups`` as type ``OCO``; OTO is the trigger order with an ``OSOs``
    entry of type ``NORMAL``; a bracket is the entry with an ``OSOs`` entry of type ``BRK``
    holding the take-profit and the stop-loss (TradeStation's "entry with exit bracket").
    """
    if group.kind is GroupKind.OCO:
        return "/orderexecution/ordergroups", group_to_ts(
            "OCO", [(o, PLAIN) for o in group.orders], account_id
        )
    oso_type: GroupType = "BRK" if group.kind is GroupKind.BRACKET else "NORMAL"
    extras = OrderExtras(
        osos=(Oso(type=oso_type, orders=tuple((o, PLAIN) for o in group.children)),)
    )
    return "/orderexecution/orders", order_to_ts(group.primary, account_id, extras)


def changes_to_ts(
    changes: OrderChanges,
    *,
    trail_amount: Decimal | None = None,
    trail_percent: Decimal | None = None,
    to_market: bool = False,
) -> dict[str, Any]:
    """The ``OrderReplaceRequest`` body: only what changes.

    Beyond our :class:`~brokerlink.adapter.OrderChanges`, TradeStation can move a trailing stop
    (``trail_amount`` or ``trail_percent``) and turn an order into a market order
    (``to_market``); the duration cannot be replaced.
    """
    if changes.time_in_force is not None:
        raise InvalidOrderError(
            "TradeStation cannot change an order's duration; cancel it and place a new one",
            field="time_in_force",
            broker="tradestation",
        )
    if trail_amount is not None and trail_percent is not None:
        raise InvalidOrderError(
            "give trail_amount or trail_percent, not both",
            field="trail_percent",
            broker="tradestation",
        )
    body: dict[str, Any] = {}
    if changes.quantity is not None:
        body["Quantity"] = _money(changes.quantity)
    if changes.limit_price is not None:
        body["LimitPrice"] = _money(changes.limit_price)
    if changes.stop_price is not None:
        body["StopPrice"] = _money(changes.stop_price)
    if to_market:
        body["OrderType"] = "Market"
    if trail_amount is not None:
        body["AdvancedOptions"] = {"TrailingStop": {"Amount": _money(trail_amount)}}
    if trail_percent is not None:
        body["AdvancedOptions"] = {"TrailingStop": {"Percent": _money(trail_percent)}}
    if not body:
        raise InvalidOrderError(
            "nothing to change: give a quantity, a price, a trailing stop or to_market",
            field="replace",
            broker="tradestation",
        )
    return body


def risk_reward_to_ts(
    spread_price: Decimal, legs: Sequence[tuple[Instrument, int]]
) -> dict[str, Any]:
    """The ``RiskRewardAnalysisInput`` body; ``legs`` are (option, signed quantity)."""
    return {
        "SpreadPrice": float(spread_price),  # the one request field the spec types as a number
        "Legs": [
            {
                "Symbol": order_symbol(target),
                "Quantity": abs(quantity),
                "TradeAction": "BUY" if quantity > 0 else "SELL",
            }
            for target, quantity in legs
        ],
    }
