"""``preview()`` of orders the dry-run does not price: a market order's cost is estimated from a
quote fetched in the same operation (``GET /market-data/by-type``), and the preview says so.

Static cases use the documented dry-run answer (``cases/dry_run.json``, from
``POST_accounts_N_orders_dry-run.response.json``) and the documented quotes
(``cases/quotes_by_type.json``: AAPL bid 210.55, ask 210.6); the last test runs on the emulator.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from brokerlink_tastytrade.parse_orders import (
    ESTIMATED_FROM_QUOTE,
    ESTIMATED_FROM_STOP,
    NO_ESTIMATE,
)

import brokerlink as bl

from .test_rest import ACCOUNT, Broker, connect, payload

DRY_RUN = f"POST /accounts/{ACCOUNT}/orders/dry-run"
QUOTES = "GET /market-data/by-type"
POSITIONS = f"GET /accounts/{ACCOUNT}/positions"


def _paths(broker: Broker) -> list[str]:
    return [f"{r.method} {r.url.raw_path.decode()}" for r in broker.requests]


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> None:
    """REST quotes exist live only (funded accounts; not in the sandbox)."""
    monkeypatch.setenv("BROKERLINK_ALLOW_LIVE", "1")


def connect_live(broker: Broker) -> bl.Broker:
    return bl.connect(
        "tastytrade:live",
        transport=broker.transport,
        auth=bl.StaticToken("tok-not-real"),
        account=ACCOUNT,
        allow_live=True,
    )


@pytest.mark.parametrize(
    ("side", "expected"), [(bl.BUY, Decimal("2106.0")), (bl.SELL, Decimal("-2105.50"))]
)
@pytest.mark.usefixtures("live")
def test_market_order_cost_comes_from_the_quote(side: bl.Side, expected: Decimal) -> None:
    broker = Broker({DRY_RUN: payload("dry_run"), QUOTES: payload("quotes_by_type")})
    order = bl.NewOrder.market("AAPL", side, 10, effect="open")
    preview = connect_live(broker).preview(order)
    assert preview.estimated_cost == expected  # 10 x the ask (buy) or the bid (sell)
    assert ESTIMATED_FROM_QUOTE in preview.warnings
    # The documented fees still come from the dry-run answer.
    assert (preview.commission, preview.fees) == (Decimal("2.0"), Decimal("0.302"))
    assert _paths(broker) == [
        f"POST /accounts/{ACCOUNT}/orders/dry-run",
        "GET /market-data/by-type?equity=AAPL",
    ]


@pytest.mark.usefixtures("live")
def test_without_a_quote_the_cost_is_zero_and_the_preview_says_why() -> None:
    error = {"error": {"code": "not_permitted", "message": "User not permitted access"}}
    broker = Broker({DRY_RUN: payload("dry_run"), QUOTES: (403, error)})
    order = bl.NewOrder.market("AAPL", bl.BUY, 10, effect="open")
    preview = connect_live(broker).preview(order)
    assert preview.estimated_cost == 0
    assert preview.warnings == (NO_ESTIMATE,)
    assert len(broker.requests) == 2  # a read: the refusal is not retried


def test_the_sandbox_has_no_rest_quote_to_estimate_from() -> None:
    broker = Broker({DRY_RUN: payload("dry_run"), QUOTES: payload("quotes_by_type")})
    preview = connect(broker).preview(bl.NewOrder.market("AAPL", bl.BUY, 10, effect="open"))
    assert (preview.estimated_cost, preview.warnings) == (0, (NO_ESTIMATE,))
    assert _paths(broker) == [f"POST /accounts/{ACCOUNT}/orders/dry-run"]


def test_priced_orders_need_no_quote() -> None:
    broker = Broker({DRY_RUN: payload("dry_run")})
    tasty = connect(broker)
    limit = tasty.preview(bl.NewOrder.limit("AAPL", bl.BUY, 10, "200", effect="open"))
    assert (limit.estimated_cost, limit.warnings) == (Decimal(2000), ())
    stop = tasty.preview(bl.NewOrder.stop("AAPL", bl.SELL, 10, "190", effect="close"))
    assert stop.estimated_cost == Decimal(-1900)
    assert stop.warnings == (ESTIMATED_FROM_STOP,)
    assert _paths(broker) == [f"POST /accounts/{ACCOUNT}/orders/dry-run"] * 2


def test_market_preview_on_the_emulator_matches_its_quote() -> None:
    broker = bl.connect("tastytrade:emulator")
    quote = broker.quotes(["AAPL"])["AAPL"]
    assert quote.ask is not None
    assert quote.bid is not None
    buy = broker.preview(bl.NewOrder.market("AAPL", bl.BUY, 10))
    assert buy.estimated_cost == quote.ask * 10 > 0
    assert ESTIMATED_FROM_QUOTE in buy.warnings
    spread = broker.option_chain("SPY").expirations[0].strikes
    call, other = spread[10].call, spread[11].call
    assert call is not None
    assert other is not None
    legs = (
        bl.Leg(instrument=call, side=bl.BUY, quantity=1, effect="open"),
        bl.Leg(instrument=other, side=bl.SELL, quantity=1, effect="open"),
    )
    # NOTES §5.4: a Market order takes one leg only, so a market spread is refused before any
    # request; a spread is a net limit, which needs no quote to cost.
    with pytest.raises(bl.NotSupportedError, match="MARKET multi-leg orders"):
        broker.preview(bl.NewOrder(type=bl.OrderType.MARKET, legs=legs))
    vertical = broker.preview(
        bl.NewOrder(type=bl.OrderType.LIMIT, legs=legs, limit_price=Decimal("1.25"))
    )
    assert ESTIMATED_FROM_QUOTE not in vertical.warnings
