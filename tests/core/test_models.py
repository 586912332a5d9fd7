"""Broker-returned models: raw payloads, masked accounts, UTC datetimes, Decimal amounts, helpers."""

from __future__ import annotations

import typing
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from brokerlink import models
from brokerlink.enums import (
    AccountStatus,
    AccountType,
    OrderStatus,
    OrderType,
    PositionEffect,
    Side,
    TimeInForce,
)
from brokerlink.instruments import Equity, Option
from brokerlink.models import (
    Account,
    Balance,
    Bar,
    BarEvent,
    Fill,
    NewOrder,
    OptionChain,
    OptionExpiration,
    OptionStrike,
    Order,
    OrderEvent,
    OrderLeg,
    OrderPreview,
    Position,
    PositionEvent,
    Quote,
    QuoteEvent,
)
from brokerlink.timeframes import Timeframe

ACCOUNT = "SIM1234567M"
T0 = datetime(2024, 5, 15, 13, 30, tzinfo=UTC)
AAPL = Equity("AAPL")
C175 = Option("AAPL", date(2025, 3, 21), "C", "175")
P175 = Option("AAPL", date(2025, 3, 21), "P", "175")
C180 = Option("AAPL", date(2025, 3, 21), "C", "180")
D = Decimal


def account(**kw: Any) -> Account:
    fields: dict[str, Any] = {
        "id": ACCOUNT, "type": AccountType.MARGIN, "status": AccountStatus.ACTIVE, **kw
    }  # fmt: skip
    return Account(**fields)


def balance(**kw: Any) -> Balance:
    return Balance(account=ACCOUNT, cash=D("1000.50"), equity=D(5000), buying_power=D(10000), **kw)


def position(quantity: str = "10", **kw: Any) -> Position:
    return Position(
        account=ACCOUNT, instrument=AAPL, quantity=D(quantity), average_price=D("150.25"),
        market_value=D(1875), unrealized_pnl=D("372.50"), **kw,
    )  # fmt: skip


def order(**kw: Any) -> Order:
    fields: dict[str, Any] = {
        "id": "123", "client_id": "bl-0123456789abcdef0123", "account": ACCOUNT,
        "status": OrderStatus.PARTIALLY_FILLED, "type": OrderType.LIMIT,
        "time_in_force": TimeInForce.DAY, "quantity": D(10), "filled_quantity": D(4),
        "average_fill_price": D("187.49"), "limit_price": D("187.50"), "stop_price": None,
        "created_at": T0, "updated_at": T0 + timedelta(seconds=5),
        "legs": (OrderLeg(instrument=AAPL, side=Side.BUY, effect=PositionEffect.OPEN,
                          quantity=D(10), filled_quantity=D(4)),),
    }  # fmt: skip
    fields.update(kw)
    return Order(**fields)


def fill(**kw: Any) -> Fill:
    fields: dict[str, Any] = {
        "order_id": "123", "instrument": AAPL, "side": Side.BUY, "quantity": D(4),
        "price": D("187.49"), "time": T0, **kw,
    }  # fmt: skip
    return Fill(**fields)


def quote(**kw: Any) -> Quote:
    fields: dict[str, Any] = {
        "instrument": AAPL, "bid": D("187.40"), "ask": D("187.60"), "last": D("187.50"),
        "bid_size": D(100), "ask_size": D(200), "time": T0,
    }  # fmt: skip
    fields.update(kw)
    return Quote(**fields)


def chain(**kw: Any) -> OptionChain:
    exp = OptionExpiration(
        date=date(2025, 3, 21),
        strikes=(
            OptionStrike(strike=D(175), call=C175, put=P175),
            OptionStrike(strike=D(180), call=C180, put=None),
        ),
    )
    empty = OptionExpiration(date=date(2025, 4, 17), strikes=())
    return OptionChain(underlying=AAPL, expirations=(exp, empty), **kw)


PREVIEWED = NewOrder.limit("AAPL", Side.BUY, 10, "187.50")


def preview(**kw: Any) -> OrderPreview:
    return OrderPreview(
        order=PREVIEWED, estimated_cost=D("1875.00"),
        commission=D(0), fees=D("0.02"), buying_power_effect=D("-1875.02"), **kw,
    )  # fmt: skip


BROKER_MODELS: list[Any] = [account, balance, position, order, fill, quote, chain, preview]


@pytest.mark.parametrize("build", BROKER_MODELS)
def test_raw_is_kept_but_out_of_eq_and_repr(build: Any) -> None:
    payload = {"AccountID": ACCOUNT, "Secret": "do-not-print"}
    with_raw = build(raw=payload)
    assert with_raw.raw is payload
    assert with_raw == build(raw={"other": 1})
    assert "do-not-print" not in repr(with_raw)
    assert "raw=" not in repr(with_raw)


@pytest.mark.parametrize("build", [account, balance, position, order])
def test_account_ids_are_masked_in_repr(build: Any) -> None:
    text = repr(build())
    assert ACCOUNT not in text
    assert "****567M" in text


def test_account_masked_in_nested_reprs() -> None:
    event = OrderEvent(order=order(), fill=fill(), time=T0)
    assert ACCOUNT not in repr(event)
    assert ACCOUNT not in repr(PositionEvent(position=position(), time=T0))


# -- aware UTC -------------------------------------------------------------------------------

NAIVE = datetime(2024, 5, 15, 13, 30)
EASTERN = datetime(2024, 5, 15, 9, 30, tzinfo=timezone(timedelta(hours=-4)))


@pytest.mark.parametrize(
    "build",
    [lambda t: order(created_at=t), lambda t: order(updated_at=t), lambda t: order(expires_at=t),
     lambda t: fill(time=t), lambda t: quote(time=t), lambda t: balance(time=t),
     lambda t: position(opened_at=t), lambda t: QuoteEvent(quote=quote(), received_at=t),
     lambda t: OrderEvent(order=order(), fill=None, time=t),
     lambda t: PositionEvent(position=position(), time=t)],
)  # fmt: skip
@pytest.mark.parametrize("bad", [NAIVE, EASTERN])
def test_broker_models_require_aware_utc(build: Any, bad: datetime) -> None:
    with pytest.raises(ValueError, match="must be an aware UTC datetime") as caught:
        build(bad)
    assert "ensure_utc" in str(caught.value)
    assert build(bad.replace(tzinfo=UTC)) is not None


def test_optional_times_may_be_none() -> None:
    assert quote(time=None).time is None
    assert order(updated_at=None).updated_at is None
    assert balance().time is None


# -- Decimal everywhere ----------------------------------------------------------------------

_AMOUNTS = {
    "cash", "equity", "buying_power", "day_trading_buying_power", "maintenance_requirement",
    "unsettled_cash", "quantity", "filled_quantity", "average_price", "average_fill_price",
    "market_value", "unrealized_pnl", "realized_pnl", "bid", "ask", "last", "bid_size",
    "ask_size", "volume", "open", "high", "low", "close", "strike", "limit_price", "stop_price",
    "trail_amount", "trail_percent", "price", "fees", "estimated_cost", "commission",
    "buying_power_effect", "margin_requirement",
}  # fmt: skip
_MODELS = [getattr(models, name) for name in models.__all__ if attrs.has(getattr(models, name))]


def test_every_amount_field_is_decimal_and_no_field_is_float() -> None:
    seen = set()
    for cls in _MODELS:
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            hint = hints[field.name]
            options = (*typing.get_args(hint), hint)
            assert float not in options, f"{cls.__name__}.{field.name}"
            if field.name in _AMOUNTS:
                seen.add(field.name)
                assert Decimal in options, f"{cls.__name__}.{field.name}: {hint}"
    assert seen == _AMOUNTS  # the list above names real fields, not stale ones


def test_models_are_frozen_and_slotted() -> None:
    for cls in _MODELS:
        assert "__slots__" in vars(cls), cls
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        order().status = OrderStatus.FILLED  # type: ignore[misc]


# -- behaviour -------------------------------------------------------------------------------


def test_account_and_balance() -> None:
    assert account().can_trade
    assert not account(status=AccountStatus.CLOSED).can_trade
    assert account().currency == "USD"
    assert balance().day_trading_buying_power is None


def test_position_sign_and_side() -> None:
    long = position("10")
    assert not long.is_short
    assert long.side is Side.BUY
    assert long.closing_side is Side.SELL
    short = position("-5")
    assert short.is_short
    assert short.side is Side.SELL
    assert short.closing_side is Side.BUY
    assert long.cost_basis == D("1502.50")
    opt = Position(
        account=ACCOUNT, instrument=C175, quantity=D(-2), average_price=D("3.10"),
        market_value=None, unrealized_pnl=None,
    )  # fmt: skip
    assert opt.cost_basis == D("-620.00")


def test_quote_mid_and_spread() -> None:
    assert quote().mid == D("187.50")
    assert quote().spread == D("0.20")
    assert quote(bid=None).mid is None
    assert quote(ask=None).spread is None
    assert quote(bid=D("1.01"), ask=D("1.02")).mid == D("1.015")


def test_bar_is_plain_and_fast_to_build() -> None:
    bar = Bar(time=T0, open=D(1), high=D(2), low=D("0.5"), close=D("1.5"), volume=D(100))
    assert bar.close == D("1.5")
    assert not any(f.validator or f.converter for f in attrs.fields(Bar))
    assert "raw" not in attrs.fields_dict(Bar)


def test_option_chain_helpers() -> None:
    c = chain()
    assert c.dates == (date(2025, 3, 21), date(2025, 4, 17))
    exp = c.expiration(date(2025, 3, 21))
    assert c.expiration("2025-03-21") is exp
    assert c.contracts() == (C175, P175, C180)
    assert exp.contracts() == (C175, P175, C180)
    assert exp.nearest("176").strike == 175
    assert exp.nearest(D("177.5")).strike == 175  # a tie goes to the lower strike
    assert exp.nearest(1000).strike == 180
    assert exp.strike("180").call == C180
    with pytest.raises(KeyError, match="nearest is 180"):
        exp.strike("185")
    with pytest.raises(KeyError, match="2025-03-21, 2025-04-17"):
        c.expiration(date(2025, 1, 17))
    with pytest.raises(ValueError, match="no strikes"):
        c.expiration("2025-04-17").nearest(100)


def test_order_properties() -> None:
    working = order()
    assert working.remaining_quantity == 6
    assert working.is_working
    assert not working.is_final
    assert working.instrument == AAPL
    assert working.side is Side.BUY
    assert working.legs[0].remaining_quantity == 6
    done = order(status=OrderStatus.CANCELED)
    assert done.is_final
    assert not done.is_working
    assert done.remaining_quantity == 0
    over = order(filled_quantity=D(12))  # brokers report what they report
    assert over.remaining_quantity == 0
    legs = (
        OrderLeg(instrument=C175, side=Side.BUY, effect=PositionEffect.OPEN, quantity=D(1),
                 filled_quantity=D(0)),
        OrderLeg(instrument=C180, side=Side.SELL, effect=PositionEffect.OPEN, quantity=D(1),
                 filled_quantity=D(0)),
    )  # fmt: skip
    spread = order(legs=legs, limit_price=D("-1.05"))
    assert spread.is_multi_leg
    with pytest.raises(ValueError, match=r"read \.legs"):
        _ = spread.instrument
    assert order().trail_amount is None
    assert order().group_id is None


def test_fill_and_preview_amounts() -> None:
    assert fill().fees == 0
    assert fill().gross_amount == D("-749.96")
    assert fill(side=Side.SELL).gross_amount == D("749.96")
    opt_fill = Fill(
        order_id="9", instrument=C175, side=Side.SELL, quantity=D(2), price=D("3.10"), time=T0
    )
    assert opt_fill.gross_amount == D("620.00")
    p = preview(warnings=("Order may be filled outside regular hours",))
    assert p.total_cost == D("1875.02")
    assert p.margin_requirement is None
    assert p.warnings == ("Order may be filled outside regular hours",)


def test_events() -> None:
    q = QuoteEvent(quote=quote(), received_at=T0 + timedelta(milliseconds=40))
    assert q.instrument == AAPL
    bar = Bar(time=T0, open=D(1), high=D(1), low=D(1), close=D(1), volume=D(0))
    event = BarEvent(instrument=AAPL, timeframe=Timeframe.parse("1min"), bar=bar, complete=False)
    assert not event.complete
    stream_event: models.StreamEvent = event
    assert isinstance(stream_event, BarEvent)
    assert set(typing.get_args(models.StreamEvent)) == {
        QuoteEvent,
        BarEvent,
        OrderEvent,
        PositionEvent,
    }
