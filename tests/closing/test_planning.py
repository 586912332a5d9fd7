"""How closes are planned: combo pricing per broker, grouping by underlying and leg limits."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from closing_kit import Emulated, wire_actions
from test_close_emulators import ES, near_money, open_vertical

import brokerlink as bl
from brokerlink.broker.closing_combos import ComboPricing, combo_pricing
from brokerlink.capabilities import Capabilities
from brokerlink.enums import AssetClass, OrderStatus, OrderType
from brokerlink.models import Leg, NewOrder


@pytest.mark.parametrize(
    ("selector", "pricing"),
    [
        ("paper:emulator", ComboPricing.MARKET),
        ("tradier:emulator", ComboPricing.MARKET),
        ("tradestation:emulator", ComboPricing.MARKET),
        ("tastytrade:emulator", ComboPricing.MID_LIMIT),
    ],
)
def test_combo_pricing_per_broker(selector: str, pricing: ComboPricing) -> None:
    with bl.connect(selector) as broker:
        assert combo_pricing(broker.capabilities) is pricing


def test_no_market_combos_means_a_mid_limit() -> None:
    caps = Capabilities(adapter="someone", environment="sandbox", max_legs=4)
    assert combo_pricing(caps) is ComboPricing.MARKET
    limited = attrs.evolve(caps, combo_order_types=frozenset({OrderType.LIMIT}))
    assert combo_pricing(limited) is ComboPricing.MID_LIMIT


def test_a_market_combo_is_refused_where_only_limits_are_taken() -> None:
    caps = Capabilities(
        adapter="someone",
        environment="sandbox",
        max_legs=4,
        asset_classes=frozenset({AssetClass.OPTION}),
        combo_order_types=frozenset({OrderType.LIMIT}),
    )
    spread = NewOrder.multi_leg(
        [Leg.buy("SPY   261218C00500000", 1), Leg.sell("SPY   261218C00510000", 1)],
        OrderType.MARKET,
    )
    with pytest.raises(bl.NotSupportedError, match="MARKET multi-leg orders are not supported"):
        caps.require_order(spread)


def _limit_caps(made: Emulated, **changes: object) -> None:
    core = made.broker._core  # a facade's capabilities are its core's
    core.capabilities = attrs.evolve(core.capabilities, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("max_legs", "sizes"), [(4, [3]), (2, [1, 2]), (1, [1, 1, 1])])
def test_flatten_groups_options_by_underlying_within_max_legs(
    max_legs: int, sizes: list[int]
) -> None:
    made = Emulated("paper:emulator")
    with made.broker as broker:
        open_vertical(broker, 1)
        put = near_money(broker)[2]
        broker.place(NewOrder.market(put, bl.BUY, 1, effect="open"))
        broker.place(NewOrder.market("QQQ", bl.BUY, 2))
        _limit_caps(made, max_legs=max_legs)
        closed = broker.flatten()
        options = [o for o in closed if str(o.legs[0].instrument).startswith("SPY ")]
        assert sorted(len(o.legs) for o in options) == sizes
        assert [str(o.instrument) for o in closed if str(o.legs[0].instrument) == "QQQ"] == ["QQQ"]
        assert broker.positions() == []


def test_mid_limit_on_a_broker_taking_market_combos_when_market_is_not_offered() -> None:
    made = Emulated("paper:emulator")
    with made.broker as broker:
        low, high = open_vertical(broker, 1)
        _limit_caps(made, order_types=frozenset(OrderType) - {OrderType.MARKET})
        (closed,) = broker.close_position([low, high])
        assert closed.type is OrderType.LIMIT
        assert closed.limit_price is not None
        assert closed.status is OrderStatus.FILLED


def test_futures_close_with_a_plain_sell_where_the_wire_has_no_effect(emulated: Emulated) -> None:
    broker, name = emulated.broker, emulated.name
    if AssetClass.FUTURE not in broker.capabilities.asset_classes:
        # Tradier: refused before any request, so there is nothing to close.
        with pytest.raises(bl.NotSupportedError, match="future"):
            broker.place(NewOrder.market(ES, bl.BUY, 2))
        assert emulated.recording.placements() == []
        return
    broker.place(NewOrder.market(ES, bl.BUY, 2))
    emulated.recording.requests.clear()
    (closed,) = broker.close_position(ES)
    assert (closed.side, closed.quantity) == (bl.SELL, Decimal(2))
    (placement,) = emulated.recording.placements()
    expected = {"paper": "sell+close", "tradestation": "SELL", "tastytrade": "Sell to Close"}
    assert wire_actions(name, placement) == [expected[name]]
    assert broker.positions() == []
