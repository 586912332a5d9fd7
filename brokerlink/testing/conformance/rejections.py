"""CMP-009, CMP-010 and CMP-015: orders the broker (or brokerlink first) must refuse.

Each records the refusal either way it comes: an error raised (its class and message), or an
order reported ``REJECTED`` (its reason as the message). An order that is accepted instead is a
failure, and the clean-up cancels it.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from brokerlink.capabilities import Feature
from brokerlink.enums import AssetClass, OrderStatus, OrderType, Side, TimeInForce
from brokerlink.errors import (
    BrokerError,
    InsufficientFundsError,
    InvalidOrderError,
    RejectedError,
    SymbolNotFoundError,
)
from brokerlink.models import NewOrder, Order
from brokerlink.testing.conformance import actions as act
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext
from brokerlink.testing.conformance.waiting import STATE_POLLS, is_working, poll_order

__all__ = ["REJECTIONS"]

UNKNOWN_SYMBOL = "ZZZZQ"
"""An equity symbol no broker lists (well-formed, so only the broker can refuse it)."""


def _expect_refusal(
    ctx: ScenarioContext, order: NewOrder, expected: type[RejectedError], what: str
) -> None:
    try:
        placed = act.place(ctx, order)
    except expected as exc:
        ctx.error(exc)
        return
    except RejectedError as exc:
        ctx.error(exc)
        ctx.fail(f"{what} raised {type(exc).__name__}, not {expected.__name__}")
        return
    _judge(ctx, poll_order(ctx, placed, is_working, polls=STATE_POLLS), what)


def _judge(ctx: ScenarioContext, order: Order, what: str) -> None:
    """A placed order must end up REJECTED (with its reason as the recorded message)."""
    if order.status is OrderStatus.REJECTED:
        ctx.error_class = "REJECTED"
        ctx.error_message = order.reject_reason
        ctx.empty("Order", order, ("reject_reason",))
        ctx.note("refused as a REJECTED order rather than an error")
        return
    ctx.fail(f"{what} was accepted ({order.status.value})")


def unknown_symbol(ctx: ScenarioContext) -> None:
    """CMP-009: a market buy of a symbol nobody lists is refused (SymbolNotFoundError or a
    REJECTED order)."""
    order = NewOrder.market(UNKNOWN_SYMBOL, Side.BUY, 1, client_id=ctx.client_id("a"))
    _expect_refusal(ctx, order, SymbolNotFoundError, f"the order for {UNKNOWN_SYMBOL}")


def insufficient_funds(ctx: ScenarioContext) -> None:
    """CMP-010: a limit buy worth three times the buying power is refused
    (InsufficientFundsError or a REJECTED order). The limit sits under the bid, so an order
    accepted by mistake rests instead of filling."""
    balance = ctx.broker.balances()
    ctx.empty("Balance", balance, ("cash", "equity", "buying_power"))
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    price = act.price_away(bid, "0.95")
    power = max(balance.buying_power or Decimal(0), balance.cash or Decimal(0), Decimal(1000))
    quantity = (power * 3 / price).to_integral_value(ROUND_FLOOR) + 1
    order = NewOrder.limit(act.EQUITY, Side.BUY, quantity, price, client_id=ctx.client_id("a"))
    _expect_refusal(ctx, order, InsufficientFundsError, f"the buy of {quantity} {act.EQUITY}")


def invalid_tick(ctx: ScenarioContext) -> None:
    """CMP-015: a limit price off the tick grid (a tenth of a cent on a stock) is refused:
    InvalidOrderError before any request, or the broker's rejection."""
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    price = act.price_away(bid, "0.9") + Decimal("0.005")
    try:
        order = NewOrder.limit(act.EQUITY, Side.BUY, 1, price, client_id=ctx.client_id("a"))
    except InvalidOrderError as exc:
        ctx.error(exc)
        ctx.note("refused by brokerlink when the order was built, before any request")
        return
    try:
        placed = act.place(ctx, order)
    except InvalidOrderError as exc:
        ctx.error(exc)
        ctx.note("refused by the broker" if exc.broker else "refused by brokerlink's checks")
        return
    except BrokerError as exc:
        ctx.error(exc)
        ctx.fail(f"the off-tick price raised {type(exc).__name__}, not InvalidOrderError")
        return
    _judge(ctx, poll_order(ctx, placed, is_working, polls=STATE_POLLS), f"the limit at {price}")


_PLACE = frozenset({Feature.PLACE, Feature.ORDERS, Feature.CANCEL})
_EQUITY = frozenset({AssetClass.EQUITY})
_DAY = ((AssetClass.EQUITY, TimeInForce.DAY),)

REJECTIONS = (
    Scenario(
        number="CMP-009",
        title="unknown symbol is rejected",
        requires=Requirements(
            features=_PLACE,
            asset_classes=_EQUITY,
            order_types=frozenset({OrderType.MARKET}),
            time_in_force=_DAY,
        ),
        run=unknown_symbol,
        client_prefix="cmp009",
    ),
    Scenario(
        number="CMP-010",
        title="insufficient funds is rejected",
        requires=Requirements(
            features=_PLACE | {Feature.BALANCES, Feature.QUOTES},
            asset_classes=_EQUITY,
            order_types=frozenset({OrderType.LIMIT}),
            time_in_force=_DAY,
        ),
        run=insufficient_funds,
        client_prefix="cmp010",
    ),
    Scenario(
        number="CMP-015",
        title="limit price off the tick grid is refused",
        requires=Requirements(
            features=_PLACE | {Feature.QUOTES},
            asset_classes=_EQUITY,
            order_types=frozenset({OrderType.LIMIT}),
            time_in_force=_DAY,
        ),
        run=invalid_tick,
        client_prefix="cmp015",
    ),
)
"""The refusal scenarios, in order."""
