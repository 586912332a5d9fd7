"""CMP-001 to CMP-004: single equity orders (market, resting limit, replace, stop)."""

from __future__ import annotations

from decimal import Decimal

from brokerlink.capabilities import Feature
from brokerlink.enums import AssetClass, OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.models import NewOrder, Order
from brokerlink.testing.conformance import actions as act
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext
from brokerlink.testing.conformance.waiting import (
    STATE_POLLS,
    STOP_POLLS,
    is_filled,
    is_final,
    is_working,
    poll_order,
)

__all__ = ["BASIC", "expect_filled", "rest_then_cancel"]

_DAY_EQUITY = ((AssetClass.EQUITY, TimeInForce.DAY),)


def expect_filled(ctx: ScenarioContext, order: Order, what: str) -> Order:
    """Poll ``order`` until it fills; a failure (with its last status) when it does not."""
    final = poll_order(ctx, order, is_filled)
    if final.status is not OrderStatus.FILLED:
        ctx.fail(f"{what} ended {final.status.value}, not filled")
    elif final.average_fill_price is not None and final.average_fill_price <= 0:
        ctx.fail(f"{what} filled at a non-positive price {final.average_fill_price}")
    return final


def rest_then_cancel(ctx: ScenarioContext, order: Order, what: str) -> Order:
    """``order`` must work without filling, then cancel to ``CANCELED``; the last answer."""
    working = poll_order(ctx, order, is_working, polls=STATE_POLLS)
    if working.status.is_final:
        ctx.fail(f"{what} ended {working.status.value} instead of resting")
        return working
    ctx.pacer.pause()
    still = act.fetch(ctx, working.id)
    if not still.status.is_working:
        ctx.fail(f"{what} did not rest: it became {still.status.value}")
        return still
    answer = act.cancel(ctx, still.id)
    final = poll_order(ctx, answer, is_final, polls=STATE_POLLS)
    if final.status is not OrderStatus.CANCELED:
        ctx.fail(f"{what} ended {final.status.value} after the cancel, not canceled")
    return final


def market_buy(ctx: ScenarioContext) -> None:
    """CMP-001: a market buy of 1 share fills, at a positive price, for the whole quantity."""
    act.baseline(ctx, act.EQUITY)
    order = NewOrder.market(act.EQUITY, Side.BUY, 1, client_id=ctx.client_id("a"))
    final = expect_filled(ctx, act.place(ctx, order), "the market buy")
    if final.status is OrderStatus.FILLED and final.filled_quantity != 1:
        ctx.fail(f"filled {final.filled_quantity} of 1")


def limit_rests(ctx: ScenarioContext) -> None:
    """CMP-002: a buy limit 10% under the bid works without filling, then cancels."""
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    price = act.price_away(bid, "0.9")
    order = NewOrder.limit(act.EQUITY, Side.BUY, 1, price, client_id=ctx.client_id("a"))
    rest_then_cancel(ctx, act.place(ctx, order), "the limit buy")


def replace_price(ctx: ScenarioContext) -> None:
    """CMP-003: a resting limit's price is replaced; the working order shows the new price."""
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    first, second = act.price_away(bid, "0.9"), act.price_away(bid, "0.85")
    order = NewOrder.limit(act.EQUITY, Side.BUY, 1, first, client_id=ctx.client_id("a"))
    working = poll_order(ctx, act.place(ctx, order), is_working, polls=STATE_POLLS)
    if not working.status.is_working:
        ctx.fail(f"the limit buy ended {working.status.value} before the replace")
        return
    answer = act.replace(ctx, working.id, limit_price=second)
    keeps = answer.id == working.id
    ctx.note("replace kept the order id" if keeps else "replace issued a new order id")
    if keeps != ctx.broker.capabilities.replace.keeps_id:
        ctx.fail(f"replace {'kept' if keeps else 'changed'} the id; capabilities say otherwise")
    if not keeps:
        old = poll_order(ctx, act.fetch(ctx, working.id), is_final, polls=STATE_POLLS)
        if old.status is not OrderStatus.REPLACED:
            ctx.fail(f"the replaced order ended {old.status.value}, not replaced")
    now = poll_order(ctx, answer, is_working, polls=STATE_POLLS)
    if now.limit_price != second:
        ctx.fail(f"the working order's limit is {now.limit_price}, not {second}")
    rest_then_cancel(ctx, now, "the replaced order")


def stop_triggers(ctx: ScenarioContext) -> None:
    """CMP-004: after a buy, a sell stop just under the bid triggers and fills as the price moves."""
    act.baseline(ctx, act.EQUITY)
    entry = NewOrder.market(act.EQUITY, Side.BUY, 1, client_id=ctx.client_id("a"))
    bought = expect_filled(ctx, act.place(ctx, entry), "the market buy")
    if bought.status is not OrderStatus.FILLED:
        return
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    stop_price = bid - Decimal("0.05")
    stop = NewOrder.stop(
        act.EQUITY,
        Side.SELL,
        1,
        stop_price,
        effect=PositionEffect.CLOSE,
        client_id=ctx.client_id("b"),
    )
    placed = act.place(ctx, stop)
    final = poll_order(ctx, placed, is_filled, polls=STOP_POLLS)
    if final.status is OrderStatus.FILLED:
        fill = final.average_fill_price
        if fill is not None and fill > stop_price + Decimal("1"):
            ctx.note(f"the stop at {stop_price} filled well above it, at {fill}")
    elif final.status.is_working:
        ctx.fail(f"the stop at {stop_price} did not trigger within {STOP_POLLS} polls")
    else:
        ctx.fail(f"the stop ended {final.status.value}, not filled")


_EQUITY_MARKET = Requirements(
    features=frozenset({Feature.PLACE, Feature.ORDERS}),
    asset_classes=frozenset({AssetClass.EQUITY}),
    order_types=frozenset({OrderType.MARKET}),
    time_in_force=_DAY_EQUITY,
)
_EQUITY_LIMIT = Requirements(
    features=frozenset({Feature.PLACE, Feature.ORDERS, Feature.CANCEL, Feature.QUOTES}),
    asset_classes=frozenset({AssetClass.EQUITY}),
    order_types=frozenset({OrderType.LIMIT}),
    time_in_force=_DAY_EQUITY,
)

BASIC = (
    Scenario(
        number="CMP-001",
        title="market buy fills",
        requires=_EQUITY_MARKET,
        run=market_buy,
        client_prefix="cmp001",
    ),
    Scenario(
        number="CMP-002",
        title="limit away from the market rests, then cancels",
        requires=_EQUITY_LIMIT,
        run=limit_rests,
        client_prefix="cmp002",
    ),
    Scenario(
        number="CMP-003",
        title="replace a resting limit's price",
        requires=Requirements(
            features=_EQUITY_LIMIT.features | {Feature.REPLACE},
            asset_classes=_EQUITY_LIMIT.asset_classes,
            order_types=_EQUITY_LIMIT.order_types,
            time_in_force=_DAY_EQUITY,
            replace_fields=frozenset({"limit_price"}),
        ),
        run=replace_price,
        client_prefix="cmp003",
    ),
    Scenario(
        number="CMP-004",
        title="sell stop under the market triggers",
        requires=Requirements(
            features=_EQUITY_MARKET.features | {Feature.QUOTES, Feature.CANCEL},
            asset_classes=_EQUITY_MARKET.asset_classes,
            order_types=frozenset({OrderType.MARKET, OrderType.STOP}),
            time_in_force=_DAY_EQUITY,
        ),
        run=stop_triggers,
        client_prefix="cmp004",
    ),
)
"""The single-order scenarios, in order."""
