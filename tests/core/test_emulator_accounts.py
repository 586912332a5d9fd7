"""Emulator accounts: balances, positions, P&L signs, margin and cash-account rules, previews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from brokerlink.emulator import AccountSpec, EmulatorConfig, Engine, PositionSpec
from brokerlink.enums import AccountStatus, AccountType, OrderStatus
from brokerlink.errors import InsufficientFundsError
from brokerlink.models import NewOrder

ACCOUNT = "EMU00001"
CASH = "EMU00002"


@pytest.fixture
def engine() -> Engine:
    return Engine()


def test_default_accounts(engine: Engine) -> None:
    accounts = engine.accounts()
    assert [(a.id, a.type) for a in accounts] == [
        (ACCOUNT, AccountType.MARGIN),
        (CASH, AccountType.CASH),
    ]
    assert all(a.status is AccountStatus.ACTIVE for a in accounts)
    margin = engine.balance(ACCOUNT)
    assert margin.cash == margin.equity == Decimal("100000.00")
    assert margin.buying_power == Decimal("200000.00")
    cash = engine.balance(CASH)
    assert cash.buying_power == cash.cash == Decimal("25000.00")
    assert cash.unsettled_cash == 0


def test_long_position_and_balance(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 100))
    price = order.average_fill_price
    assert price is not None
    (position,) = engine.positions(ACCOUNT)
    assert position.quantity == 100
    assert position.average_price == price
    mark = engine.quote("AAPL").last
    assert mark is not None
    assert position.market_value == 100 * mark
    assert position.unrealized_pnl == (mark - price) * 100
    balance = engine.balance(ACCOUNT)
    assert balance.cash == Decimal("100000") - 100 * price
    assert balance.equity == balance.cash + position.market_value
    # Reg T: buying 100 shares uses their value of 2:1 stock buying power.
    assert balance.buying_power == (2 * (balance.equity - position.market_value / 2)).quantize(
        Decimal("0.01")
    )


def test_short_position_is_negative_and_gains_when_price_falls(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.market("TSLA", "sell", 10, effect="open"))
    (position,) = engine.positions(ACCOUNT)
    assert position.quantity == -10
    assert position.market_value is not None
    assert position.market_value < 0
    price = order.average_fill_price
    assert price is not None
    assert engine.balance(ACCOUNT).cash == Decimal("100000") + 10 * price
    engine.advance(timedelta(hours=2))
    (position,) = engine.positions(ACCOUNT)
    mark = engine.quote("TSLA").last
    assert mark is not None
    assert position.unrealized_pnl is not None
    assert (position.unrealized_pnl > 0) == (mark < price)
    cover = engine.place(ACCOUNT, NewOrder.market("TSLA", "buy", 10))
    assert cover.legs[0].effect.value == "close"
    assert engine.positions(ACCOUNT) == []
    assert cover.average_fill_price is not None
    realized = (price - cover.average_fill_price) * 10
    assert engine.balance(ACCOUNT).cash == Decimal("100000") + realized


def test_futures_use_the_multiplier_and_commission(engine: Engine) -> None:
    order = engine.place(ACCOUNT, NewOrder.market("/ESH25", "buy", 1))
    price = order.average_fill_price
    assert price is not None
    (position,) = engine.positions(ACCOUNT)
    mark = engine.quote("/ESH25").last
    assert mark is not None
    assert position.market_value == mark * 50
    balance = engine.balance(ACCOUNT)
    assert balance.cash == Decimal("100000") - price * 50 - Decimal("2.25")


def test_option_positions_use_the_multiplier(engine: Engine) -> None:
    chain = engine.option_chain("AAPL").expiration("2025-02-21")
    spot = engine.quote("AAPL").mid
    assert spot is not None
    call = chain.nearest(spot).call
    assert call is not None
    order = engine.place(ACCOUNT, NewOrder.market(call, "buy", 2))
    price = order.average_fill_price
    assert price is not None
    assert engine.balance(ACCOUNT).cash == Decimal("100000") - price * 200 - Decimal("1.30")
    (position,) = engine.positions(ACCOUNT)
    assert position.quantity == 2
    assert position.market_value == engine.quote(call).last * 200  # type: ignore[operator]


def test_cash_account_rules(engine: Engine) -> None:
    with pytest.raises(InsufficientFundsError):
        engine.place(CASH, NewOrder.market("AAPL", "sell", 1, effect="open"))  # no short sales
    with pytest.raises(InsufficientFundsError):
        engine.place(CASH, NewOrder.market("AAPL", "buy", 200))  # ~48k > 25k cash
    buy = engine.place(CASH, NewOrder.market("F", "buy", 100))
    assert buy.status is OrderStatus.FILLED
    sell = engine.place(CASH, NewOrder.market("F", "sell", 100))
    proceeds = 100 * sell.average_fill_price  # type: ignore[operator]
    balance = engine.balance(CASH)
    assert balance.unsettled_cash == proceeds
    assert balance.buying_power == balance.cash - proceeds
    engine.advance_to(datetime(2025, 1, 7, 14, 31, tzinfo=UTC))  # next session: settled
    assert engine.balance(CASH).unsettled_cash == 0
    assert engine.balance(CASH).buying_power == engine.balance(CASH).cash


def test_working_orders_reserve_buying_power(engine: Engine) -> None:
    before = engine.balance(ACCOUNT).buying_power
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 100, "150.00", time_in_force="gtc"))
    assert engine.balance(ACCOUNT).buying_power < before
    with pytest.raises(InsufficientFundsError):
        engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1300, "150.00"))
    engine.cancel(ACCOUNT, order.id)
    assert engine.balance(ACCOUNT).buying_power == before


def test_preview(engine: Engine) -> None:
    ask = engine.quote("AAPL").ask
    assert ask is not None
    preview = engine.preview(ACCOUNT, NewOrder.market("AAPL", "buy", 10))
    assert preview.estimated_cost == 10 * ask
    assert preview.commission == 0
    assert preview.buying_power_effect is not None
    assert preview.buying_power_effect < 0
    assert preview.margin_requirement is not None
    assert preview.margin_requirement > 0
    assert preview.warnings == ()
    bid = engine.quote("AAPL").bid
    engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 10))
    sell = engine.preview(ACCOUNT, NewOrder.market("AAPL", "sell", 10))
    assert sell.estimated_cost == -10 * bid  # type: ignore[operator]
    assert sell.buying_power_effect is not None
    assert sell.buying_power_effect > 0
    option = engine.option_chain("AAPL").expirations[2].strikes[30].call
    assert option is not None
    assert engine.preview(ACCOUNT, NewOrder.market(option, "buy", 3)).commission == Decimal("1.95")
    with pytest.raises(InsufficientFundsError):
        engine.preview(ACCOUNT, NewOrder.market("AAPL", "buy", 5000))
    assert (
        engine.orders(ACCOUNT, status="all")[-1].status is OrderStatus.FILLED
    )  # preview records nothing


def test_starting_positions() -> None:
    start = PositionSpec(symbol="MSFT", quantity=50, average_price="400")
    config = EmulatorConfig(accounts=(AccountSpec("EMU00009", positions=(start,)),))
    engine = Engine(config)
    (position,) = engine.positions("EMU00009")
    assert position.quantity == 50
    assert position.average_price == 400
    order = engine.place("EMU00009", NewOrder.market("MSFT", "sell", 50))
    assert order.legs[0].effect.value == "close"


def test_expired_options_settle_at_intrinsic_value(engine: Engine) -> None:
    chain = engine.option_chain("AAPL").expiration("2025-01-10")
    spot = engine.quote("AAPL").mid
    assert spot is not None
    call = chain.strikes[0].call  # deep in the money
    assert call is not None
    engine.place(ACCOUNT, NewOrder.market(call, "buy", 1))
    engine.advance_to(datetime(2025, 1, 11, 12, 0, tzinfo=UTC))
    assert engine.positions(ACCOUNT) == []
    events, _ = engine.events_since(0)
    last = events[-1].event
    assert last.position.quantity == 0  # type: ignore[union-attr]
    assert last.position.realized_pnl is not None  # type: ignore[union-attr]
