"""CMP-007 and CMP-008: a single option and a vertical spread, picked from the option chain.

The contracts come from ``broker.option_chain(underlying)``: the second listed expiration (the
first may expire today) and the strike nearest the underlying's price; the vertical sells the
next strike up. Prices are marketable limits on a 0.05 grid (a multiple of every option tick).
"""

from __future__ import annotations

from decimal import Decimal

from brokerlink.capabilities import Feature
from brokerlink.enums import AssetClass, OrderStatus, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.instruments import Instrument
from brokerlink.models import Leg, NewOrder
from brokerlink.testing.conformance import actions as act
from brokerlink.testing.conformance.orders_basic import expect_filled
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext

__all__ = ["OPTIONS", "near_the_money"]

_TICK = Decimal("0.05")


def near_the_money(ctx: ScenarioContext, count: int) -> list[Instrument]:
    """``count`` calls of adjacent strikes from the one nearest the underlying's price up (fewer
    when the chain has fewer); the choice depends only on the broker's answers."""
    spot_quote = act.quote(ctx, act.EQUITY)
    spot = spot_quote.last or spot_quote.bid or Decimal(0)
    chain = ctx.broker.option_chain(act.EQUITY)
    if not chain.expirations:
        return []
    expiration = chain.expirations[1 if len(chain.expirations) > 1 else 0]
    strikes = [s for s in expiration.strikes if s.call is not None]
    if not strikes:
        return []
    start = min(range(len(strikes)), key=lambda i: (abs(strikes[i].strike - spot), i))
    return [s.call for s in strikes[start : start + count] if s.call is not None]


def single_option(ctx: ScenarioContext) -> None:
    """CMP-007: buy one near-the-money call at a marketable limit; it fills."""
    calls = near_the_money(ctx, 1)
    if not calls:
        ctx.fail(f"the option chain of {act.EQUITY} lists no calls")
        return
    (call,) = calls
    act.baseline(ctx, call)
    ask = act.quote(ctx, call).ask
    if ask is None:
        ctx.fail(f"{call} has no ask to buy at")
        return
    order = NewOrder.limit(
        call,
        Side.BUY,
        1,
        act.price_away(ask, "1", _TICK, up=True),
        effect=PositionEffect.OPEN,
        client_id=ctx.client_id("a"),
    )
    final = expect_filled(ctx, act.place(ctx, order), f"the buy of {call}")
    if final.status is OrderStatus.FILLED and act.held(ctx, call) != ctx.baselines[str(call)] + 1:
        ctx.fail(f"the position in {call} did not grow by the 1 contract filled")


def vertical(ctx: ScenarioContext) -> None:
    """CMP-008: a call debit vertical (buy the near strike, sell the next) at a marketable net
    debit fills as one order, and both legs show as positions."""
    calls = near_the_money(ctx, 2)
    if len(calls) < 2:
        ctx.fail(f"the option chain of {act.EQUITY} lists fewer than 2 adjacent call strikes")
        return
    long_call, short_call = calls
    act.baseline(ctx, long_call, short_call)
    quotes = act.quotes(ctx, [long_call, short_call])
    for found in quotes.values():
        ctx.empty("Quote", found, ("bid", "ask", "bid_size", "ask_size"))
    ask = quotes[str(long_call)].ask or Decimal(0)
    bid = quotes[str(short_call)].bid or Decimal(0)
    debit = max(act.price_away(ask - bid, "1", _TICK, up=True), _TICK)
    order = NewOrder.multi_leg(
        [
            Leg.buy(long_call, 1, PositionEffect.OPEN),
            Leg.sell(short_call, 1, PositionEffect.OPEN),
        ],
        OrderType.LIMIT,
        limit_price=debit,
        client_id=ctx.client_id("a"),
    )
    final = expect_filled(ctx, act.place(ctx, order), "the vertical")
    if final.status is not OrderStatus.FILLED:
        return
    if len(final.legs) != 2:
        ctx.fail(f"the filled vertical reports {len(final.legs)} legs, not 2")
    for contract, change in ((long_call, 1), (short_call, -1)):
        if act.held(ctx, contract) != ctx.baselines[str(contract)] + change:
            ctx.fail(f"the position in {contract} did not change by {change:+d}")


def _requires(legs: int) -> Requirements:
    return Requirements(
        features=frozenset(
            {Feature.PLACE, Feature.ORDERS, Feature.QUOTES, Feature.OPTION_CHAIN, Feature.POSITIONS}
        ),
        asset_classes=frozenset({AssetClass.OPTION}),
        order_types=frozenset({OrderType.LIMIT}),
        time_in_force=((AssetClass.OPTION, TimeInForce.DAY),),
        legs=legs,
    )


OPTIONS = (
    Scenario(
        number="CMP-007",
        title="single option: a near-the-money call fills",
        requires=_requires(1),
        run=single_option,
        client_prefix="cmp007",
    ),
    Scenario(
        number="CMP-008",
        title="vertical spread fills as one order",
        requires=_requires(2),
        run=vertical,
        client_prefix="cmp008",
    ),
)
"""The option scenarios, in order."""
