"""Payload details the static cases do not show: the simulator's expired market-on-close order,
the casing variants of ``BuyOrSell``, every documented status code, and malformed payloads."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from brokerlink_tradestation import parse
from brokerlink_tradestation.wire import TS_STATUSES, Fields, side_effect_from_ts
from streamkit import FRAMES
from tskit import adapter

import brokerlink as bl

CONV = adapter().converter


def test_the_simulators_expired_market_on_close_short_sale() -> None:
    payload = json.loads((FRAMES / "stream_orders.expired-CLO-order.json").read_text())
    order = parse.order_from_ts(Fields(CONV, payload))
    assert (order.status, order.time_in_force, order.type) == (
        bl.OrderStatus.EXPIRED,
        bl.TimeInForce.CLS,
        bl.OrderType.MARKET,
    )
    assert (order.side, order.legs[0].effect, order.quantity) == (
        bl.SELL,
        bl.PositionEffect.OPEN,
        Decimal(75),
    )
    assert order.filled_quantity == 0
    assert order.average_fill_price is None
    assert order.is_final


def test_buy_or_sell_in_every_casing_seen() -> None:
    lines = (
        (FRAMES / "GET_brokerage_accounts_orders.BuyOrSell-casing-variants.ndjson")
        .read_text()
        .splitlines()
    )
    actions = [json.loads(line)["Orders"][0]["Legs"][0]["BuyOrSell"] for line in lines]
    read = [side_effect_from_ts(action, None) for action in actions]
    assert read == [
        (bl.BUY, bl.PositionEffect.OPEN), (bl.BUY, bl.PositionEffect.OPEN),
        (bl.SELL, bl.PositionEffect.CLOSE), (bl.SELL, bl.PositionEffect.CLOSE),
        (bl.BUY, bl.PositionEffect.CLOSE), (bl.BUY, bl.PositionEffect.CLOSE),
    ]  # fmt: skip


SPEC_STATUSES = [
    "ACK",
    "ASS",
    "BRC",
    "BRF",
    "BRO",
    "CHG",
    "CND",
    "COR",
    "DIS",
    "DOA",
    "DON",
    "ECN",
    "EXE",
    "FPR",
    "LAT",
    "OPN",
    "OSO",
    "OTHER",
    "PLA",
    "REC",
    "RJC",
    "RPD",
    "RSN",
    "STP",
    "STT",
    "SUS",
    "UCN",
    "CAN",
    "EXP",
    "OUT",
    "RJR",
    "SCN",
    "TSC",
    "UCH",
    "REJ",
    "FLL",
    "FLP",
]


def test_every_documented_status_is_mapped_and_others_are_refused() -> None:
    assert set(SPEC_STATUSES) <= set(TS_STATUSES.table)
    assert TS_STATUSES.parse("UCH") is bl.OrderStatus.REPLACED
    assert TS_STATUSES.parse("FPR") is bl.OrderStatus.PARTIALLY_FILLED
    with pytest.raises(bl.ResponseFormatError, match="undocumented order status 'XYZ'"):
        TS_STATUSES.parse("XYZ")


def test_a_malformed_price_names_its_path() -> None:
    payload = {
        "Positions": [
            {
                "AccountID": "1",
                "Symbol": "MSFT",
                "AssetType": "STOCK",
                "Quantity": "ten",
                "AveragePrice": "1",
            }
        ]
    }
    with pytest.raises(bl.ResponseFormatError) as caught:
        parse.positions_from_ts(CONV, payload)
    assert caught.value.path == "$.Positions[0].Quantity"


def test_a_short_position_is_negative() -> None:
    payload = {
        "AccountID": "1",
        "Symbol": "MSFT",
        "AssetType": "STOCK",
        "Quantity": "5",
        "LongShort": "Short",
        "AveragePrice": "1",
    }
    assert parse.position_from_ts(Fields(CONV, payload)).quantity == Decimal(-5)
