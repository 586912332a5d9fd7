"""CMP-005 and CMP-006: order groups (one-cancels-other, bracket)."""

from __future__ import annotations

from decimal import Decimal

from brokerlink.capabilities import Feature
from brokerlink.enums import AssetClass, GroupKind, OrderStatus, OrderType, Side, TimeInForce
from brokerlink.models import NewOrder, Order, OrderGroup
from brokerlink.testing.conformance import actions as act
from brokerlink.testing.conformance.orders_basic import expect_filled
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext
from brokerlink.testing.conformance.waiting import STATE_POLLS, is_final, poll_order

__all__ = ["GROUPS"]


def _open(order: Order) -> bool:
    return order.status is not OrderStatus.PENDING or order.status.is_final


def oco_cancels_sibling(ctx: ScenarioContext) -> None:
    """CMP-005: an OCO of a marketable buy limit and a buy stop far above the market: the limit
    fills, and the group cancels the stop."""
    act.baseline(ctx, act.EQUITY)
    quote = act.quote(ctx, act.EQUITY)
    ask = quote.ask or Decimal(1)
    marketable = NewOrder.limit(
        act.EQUITY, Side.BUY, 1, act.price_away(ask, "1.01", up=True), client_id=ctx.client_id("a")
    )
    # A buy stop far above the market rests; a different type from its sibling, as some
    # brokers (Tradier) require of an OCO's two orders.
    far = NewOrder.stop(
        act.EQUITY, Side.BUY, 1, act.price_away(ask, "1.1", up=True), client_id=ctx.client_id("b")
    )
    first, sibling = act.place_group(ctx, OrderGroup.oco(marketable, far))
    filled = expect_filled(ctx, first, "the marketable leg")
    final = poll_order(ctx, sibling, is_final, polls=STATE_POLLS)
    if filled.status is OrderStatus.FILLED and final.status is not OrderStatus.CANCELED:
        ctx.fail(f"the sibling ended {final.status.value} after the fill, not canceled")


def bracket_exits(ctx: ScenarioContext) -> None:
    """CMP-006: a bracket's marketable entry fills, both exits then rest, and canceling the
    take-profit ends both exits (the stop-loss with it, or, where the broker leaves it working,
    by its own cancel: noted)."""
    act.baseline(ctx, act.EQUITY)
    quote = act.quote(ctx, act.EQUITY)
    ask, bid = quote.ask or Decimal(1), quote.bid or Decimal(1)
    # A marketable limit entry: some brokers (Tradier) take no market order in a group.
    entry = NewOrder.limit(
        act.EQUITY, Side.BUY, 1, act.price_away(ask, "1.01", up=True), client_id=ctx.client_id("a")
    )
    group = OrderGroup.bracket(
        entry,
        take_profit=act.price_away(ask, "1.1", up=True),
        stop_loss=act.price_away(bid, "0.9"),
    )
    placed = act.place_group(ctx, group)
    if len(placed) != 3:
        ctx.fail(f"the bracket came back as {len(placed)} orders, not 3")
        return
    entered = expect_filled(ctx, placed[0], "the entry")
    if entered.status is not OrderStatus.FILLED:
        return
    exits = [poll_order(ctx, order, _open, polls=STATE_POLLS) for order in placed[1:]]
    for name, order in zip(("take-profit", "stop-loss"), exits, strict=True):
        if not order.status.is_working:
            ctx.fail(f"the {name} is {order.status.value}, not resting, after the entry filled")
    if ctx.failures:
        return
    take_profit, stop_loss = exits
    answer = act.cancel(ctx, take_profit.id)
    canceled = poll_order(ctx, answer, is_final, polls=STATE_POLLS)
    sibling = poll_order(ctx, act.fetch(ctx, stop_loss.id), is_final, polls=STATE_POLLS)
    if canceled.status is not OrderStatus.CANCELED:
        ctx.fail(f"the take-profit ended {canceled.status.value} after its cancel")
    if sibling.status.is_working:
        ctx.note("canceling the take-profit left the stop-loss working; it was canceled alone")
        answer = act.cancel(ctx, sibling.id)
        sibling = poll_order(ctx, answer, is_final, polls=STATE_POLLS)
    if sibling.status is not OrderStatus.CANCELED:
        ctx.fail(f"the stop-loss ended {sibling.status.value}, not canceled")


def _requires(kind: GroupKind, types: frozenset[OrderType]) -> Requirements:
    return Requirements(
        features=frozenset({Feature.PLACE, Feature.ORDERS, Feature.CANCEL, Feature.QUOTES}),
        asset_classes=frozenset({AssetClass.EQUITY}),
        order_types=types,
        time_in_force=((AssetClass.EQUITY, TimeInForce.DAY),),
        groups=frozenset({kind}),
    )


GROUPS = (
    Scenario(
        number="CMP-005",
        title="OCO: a fill cancels its sibling",
        requires=_requires(GroupKind.OCO, frozenset({OrderType.LIMIT, OrderType.STOP})),
        run=oco_cancels_sibling,
        client_prefix="cmp005",
    ),
    Scenario(
        number="CMP-006",
        title="bracket: entry fills, exits rest, then both cancel",
        requires=_requires(GroupKind.BRACKET, frozenset({OrderType.LIMIT, OrderType.STOP})),
        run=bracket_exits,
        client_prefix="cmp006",
    ),
)
"""The group scenarios, in order."""
