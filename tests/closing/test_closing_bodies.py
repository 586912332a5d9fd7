"""Closing orders -> each adapter's exact request body (static: no transport, no emulator).

The expected bodies follow each broker's documented vocabulary: Tradier NOTES §4.2 (equity sides
``sell``/``buy_to_cover``, option sides ``*_to_close``, multileg ``type=market``), TradeStation
NOTES §7.1 (``TradeAction`` ``SELL``/``BUYTOCOVER``/``SELLTOCLOSE``/``BUYTOCLOSE``, futures
``BUY``/``SELL``, ``Legs`` for spreads) and tastytrade NOTES §5.4 (``Sell to Close`` /
``Buy to Close``, an unsigned spread price with its ``price-effect``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from brokerlink_tastytrade.parse_orders import order_to_tastytrade
from brokerlink_tradestation.requests import order_to_ts
from brokerlink_tradier.requests import order_to_tradier

from brokerlink.broker.closing import closing_leg, closing_order
from brokerlink.enums import OrderType, PositionEffect, Side
from brokerlink.instruments import Future, instrument
from brokerlink.models import NewOrder, Position

ACCOUNT = "EMU00001"
CALL_595 = "SPY   250110C00595000"
CALL_600 = "SPY   250110C00600000"


def held(symbol: str | Future, quantity: str) -> Position:
    return Position(
        account=ACCOUNT,
        instrument=instrument(symbol),
        quantity=Decimal(quantity),
        average_price=Decimal("1"),
        market_value=None,
        unrealized_pnl=None,
    )


def close(symbol: str | Future, quantity: str) -> NewOrder:
    position = held(symbol, quantity)
    return closing_order(position, abs(position.quantity), ACCOUNT).evolve(client_id="c1")


def vertical(order_type: OrderType, limit: str | None = None) -> NewOrder:
    legs = (
        closing_leg(held(CALL_595, "2"), Decimal(2)),
        closing_leg(held(CALL_600, "-2"), Decimal(2)),
    )
    return NewOrder(legs=legs, type=order_type, limit_price=limit, client_id="c1")


@pytest.mark.parametrize(
    ("symbol", "quantity", "side"),
    [
        ("AAPL", "10", Side.SELL),
        ("AAPL", "-10", Side.BUY),
        (CALL_595, "3", Side.SELL),
        (CALL_595, "-3", Side.BUY),
    ],
)
def test_closing_order_is_the_opposite_side_marked_close(
    symbol: str, quantity: str, side: Side
) -> None:
    order = close(symbol, quantity)
    assert order.type is OrderType.MARKET
    assert (order.side, order.legs[0].effect) == (side, PositionEffect.CLOSE)
    assert order.quantity == abs(Decimal(quantity))


@pytest.mark.parametrize(
    ("symbol", "quantity", "fields"),
    [
        ("AAPL", "10", {"class": "equity", "symbol": "AAPL", "side": "sell"}),
        ("AAPL", "-10", {"class": "equity", "symbol": "AAPL", "side": "buy_to_cover"}),
        (
            CALL_595,
            "10",
            {
                "class": "option",
                "symbol": "SPY",
                "option_symbol": "SPY250110C00595000",
                "side": "sell_to_close",
            },
        ),
        (
            CALL_595,
            "-10",
            {
                "class": "option",
                "symbol": "SPY",
                "option_symbol": "SPY250110C00595000",
                "side": "buy_to_close",
            },
        ),
    ],
)
def test_tradier_closing_forms(symbol: str, quantity: str, fields: dict[str, str]) -> None:
    assert order_to_tradier(close(symbol, quantity)) == {
        **fields,
        "quantity": "10",
        "type": "market",
        "duration": "day",
        "tag": "c1",
    }


def test_tradier_closing_spread_is_one_multileg_form() -> None:
    assert order_to_tradier(vertical(OrderType.MARKET)) == {
        "class": "multileg",
        "symbol": "SPY",
        "type": "market",
        "duration": "day",
        "option_symbol[0]": "SPY250110C00595000",
        "side[0]": "sell_to_close",
        "quantity[0]": "2",
        "option_symbol[1]": "SPY250110C00600000",
        "side[1]": "buy_to_close",
        "quantity[1]": "2",
        "tag": "c1",
    }


@pytest.mark.parametrize(
    ("symbol", "quantity", "wire_symbol", "action"),
    [
        ("AAPL", "10", "AAPL", "SELL"),
        ("AAPL", "-10", "AAPL", "BUYTOCOVER"),
        (CALL_595, "10", "SPY 250110C595", "SELLTOCLOSE"),
        (CALL_595, "-10", "SPY 250110C595", "BUYTOCLOSE"),
        (Future("ES", 3, 2025), "10", "ESH25", "SELL"),
        (Future("ES", 3, 2025), "-10", "ESH25", "BUY"),
    ],
)
def test_tradestation_closing_bodies(
    symbol: str | Future, quantity: str, wire_symbol: str, action: str
) -> None:
    body = order_to_ts(close(symbol, quantity), ACCOUNT)
    route = {} if isinstance(symbol, Future) else {"Route": "Intelligent"}  # none for futures
    assert body == {
        "AccountID": ACCOUNT,
        "Symbol": wire_symbol,
        "Quantity": "10",
        "TradeAction": action,
        "OrderType": "Market",
        "TimeInForce": {"Duration": "DAY"},
        **route,
    }


def test_tradestation_closing_spread_is_one_order_with_legs() -> None:
    assert order_to_ts(vertical(OrderType.MARKET), ACCOUNT) == {
        "AccountID": ACCOUNT,
        "Legs": [
            {"Symbol": "SPY 250110C595", "Quantity": "2", "TradeAction": "SELLTOCLOSE"},
            {"Symbol": "SPY 250110C600", "Quantity": "2", "TradeAction": "BUYTOCLOSE"},
        ],
        "OrderType": "Market",
        "TimeInForce": {"Duration": "DAY"},
        "Route": "Intelligent",
    }


@pytest.mark.parametrize(
    ("symbol", "quantity", "kind", "action"),
    [
        ("AAPL", "10", "Equity", "Sell to Close"),
        ("AAPL", "-10", "Equity", "Buy to Close"),
        (CALL_595, "10", "Equity Option", "Sell to Close"),
        (CALL_595, "-10", "Equity Option", "Buy to Close"),
    ],
)
def test_tastytrade_closing_bodies(symbol: str, quantity: str, kind: str, action: str) -> None:
    assert order_to_tastytrade(close(symbol, quantity)) == {
        "time-in-force": "Day",
        "order-type": "Market",
        "legs": [{"instrument-type": kind, "symbol": symbol, "quantity": "10", "action": action}],
        "external-identifier": "c1",
    }


@pytest.mark.parametrize(
    ("net", "price", "effect"), [("-1.25", "1.25", "Credit"), ("0.40", "0.40", "Debit")]
)
def test_tastytrade_closing_spread_is_a_net_limit(net: str, price: str, effect: str) -> None:
    assert order_to_tastytrade(vertical(OrderType.LIMIT, net)) == {
        "time-in-force": "Day",
        "order-type": "Limit",
        "price": price,
        "price-effect": effect,
        "legs": [
            {
                "instrument-type": "Equity Option",
                "symbol": CALL_595,
                "quantity": "2",
                "action": "Sell to Close",
            },
            {
                "instrument-type": "Equity Option",
                "symbol": CALL_600,
                "quantity": "2",
                "action": "Buy to Close",
            },
        ],
        "external-identifier": "c1",
    }
