"""CMP-012 and CMP-014: the account after a fill, and an extended-hours order."""

from __future__ import annotations

from decimal import Decimal

from brokerlink.capabilities import Feature
from brokerlink.enums import AssetClass, OrderStatus, OrderType, Side, TimeInForce
from brokerlink.errors import RejectedError
from brokerlink.models import NewOrder
from brokerlink.testing.conformance import actions as act
from brokerlink.testing.conformance.orders_basic import expect_filled, rest_then_cancel
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext

__all__ = ["ACCOUNT"]

_QUANTITY = 2
# Commissions and fees a fill of two shares may cost on top of its price, at most.
_FEES_ALLOWANCE = Decimal(10)
_POSITION_FIELDS = ("average_price", "market_value", "unrealized_pnl", "opened_at")
_BALANCE_FIELDS = ("cash", "equity", "buying_power", "maintenance_requirement", "time")


def fill_reflected(ctx: ScenarioContext) -> None:
    """CMP-012: after a market buy of 2 shares fills, the position grows by 2 and cash drops by
    the fill's cost (plus fees, within an allowance)."""
    before = ctx.broker.balances()
    act.baseline(ctx, act.EQUITY)
    order = NewOrder.market(act.EQUITY, Side.BUY, _QUANTITY, client_id=ctx.client_id("a"))
    final = expect_filled(ctx, act.place(ctx, order), "the market buy")
    if final.status is not OrderStatus.FILLED:
        return
    positions = {str(p.instrument): p for p in ctx.broker.positions()}
    after = ctx.broker.balances()
    ctx.empty("Balance", after, _BALANCE_FIELDS)
    position = positions.get(act.EQUITY)
    held = position.quantity if position is not None else Decimal(0)
    if held != ctx.baselines[act.EQUITY] + _QUANTITY:
        ctx.fail(f"{act.EQUITY} held is {held}, not {ctx.baselines[act.EQUITY] + _QUANTITY}")
    if position is not None:
        ctx.empty("Position", position, _POSITION_FIELDS)
    if final.average_fill_price is None or before.cash is None or after.cash is None:
        ctx.note("cash or the fill price is not reported: the cash change was not checked")
        return
    cost = final.average_fill_price * _QUANTITY
    spent = before.cash - after.cash
    if not cost <= spent <= cost + _FEES_ALLOWANCE:
        ctx.fail(f"cash dropped by {spent}, not by the fill's cost {cost} (plus fees)")
    elif spent > cost:
        ctx.note(f"fees of {spent - cost} were charged on the fill")


def extended_hours(ctx: ScenarioContext) -> None:
    """CMP-014: a DAY_EXT limit buy well under the bid is accepted and rests, then cancels (a
    refusal with a reason is recorded and passes too: extended hours vary by broker)."""
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    order = NewOrder.limit(
        act.EQUITY,
        Side.BUY,
        1,
        act.price_away(bid, "0.9"),
        time_in_force=TimeInForce.DAY_EXT,
        client_id=ctx.client_id("a"),
    )
    try:
        placed = act.place(ctx, order)
    except RejectedError as exc:
        ctx.error(exc)
        ctx.note("the extended-hours order was refused")
        return
    if placed.status is OrderStatus.REJECTED:
        ctx.error_class, ctx.error_message = "REJECTED", placed.reject_reason
        ctx.note("the extended-hours order was rejected")
        if not placed.reject_reason:
            ctx.fail("the extended-hours order was rejected without a reason")
        return
    if placed.time_in_force is not TimeInForce.DAY_EXT:
        ctx.note(f"the order reports time in force {placed.time_in_force.name}")
    rest_then_cancel(ctx, placed, "the extended-hours limit")


ACCOUNT = (
    Scenario(
        number="CMP-012",
        title="positions and balances reflect a fill",
        requires=Requirements(
            features=frozenset(
                {Feature.PLACE, Feature.ORDERS, Feature.POSITIONS, Feature.BALANCES}
            ),
            asset_classes=frozenset({AssetClass.EQUITY}),
            order_types=frozenset({OrderType.MARKET}),
            time_in_force=((AssetClass.EQUITY, TimeInForce.DAY),),
        ),
        run=fill_reflected,
        client_prefix="cmp012",
    ),
    Scenario(
        number="CMP-014",
        title="extended-hours limit order",
        requires=Requirements(
            features=frozenset({Feature.PLACE, Feature.ORDERS, Feature.CANCEL, Feature.QUOTES}),
            asset_classes=frozenset({AssetClass.EQUITY}),
            order_types=frozenset({OrderType.LIMIT}),
            time_in_force=((AssetClass.EQUITY, TimeInForce.DAY_EXT),),
        ),
        run=extended_hours,
        client_prefix="cmp014",
    ),
)
"""The account and extended-hours scenarios, in order."""
