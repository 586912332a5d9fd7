"""Static cases: every documented request example of the v3 spec -> the exact body we send.

Each case describes an order in our terms (a :class:`NewOrder` plus TradeStation extras), the
documented body, and the named rules reading the documented body's slips (``ts_normalise``).
We require: our body == the documented body read with those rules, and our body validates
against the spec's request schema (with the two documented relaxations below).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from brokerlink_tradestation.requests import (
    changes_to_ts,
    group_to_ts,
    order_to_ts,
    risk_reward_to_ts,
)
from ts_normalise import normalised
from tskit import extras_from, load_cases, order_from, validate_request

from brokerlink.adapter import OrderChanges
from brokerlink.instruments import instrument

_validate = validate_request


ORDER_CASES = load_cases("order_request")
GROUP_CASES = load_cases("group_request")


def test_every_documented_request_example_has_a_case() -> None:
    names = {
        c["source"].rsplit("/", 1)[1]
        for kind in ("order_request", "group_request", "replace_request", "riskreward_request")
        for c in load_cases(kind)
    }
    documented = {
        "POST_orderexecution_orderconfirm.request." + n + ".json"
        for n in (
            "Market-Order", "Limit-Order", "Stop-Market-Order", "Stop-Limit-Order", "Single-Option-Order",
            "Covered-Married-Stock", "Vertical-Option-Spread", "Iron-Condor-Sell-Entry", "Order-Sends-Order",
            "Limit-Entry-with-Amount-Trail-Stop", "Long-Entry-with-Exit-Bracket-1-Limit-and-1-Stop",
            "Buy-Limit-Entry-with-Multiple-Brackets", "Sell-Short-Stocks-with-Bracket-1-Limit-and-1-Stop",
            "Market-Activation-Rules", "Sell-Limit-Order-Time-Activation", "Reverse-Long-Position-Stocks",
        )
    }  # fmt: skip
    assert documented <= names
    assert (
        len(names) == 16 + 5 + 6 + 1
    )  # orders, groups (4 + the ordergroups variant), replaces, risk/reward


@pytest.mark.parametrize("case", ORDER_CASES, ids=lambda c: c["file"])
def test_order_request_case(case: dict[str, Any]) -> None:
    body = order_to_ts(
        order_from(case["order"]), case["account"], extras_from(case["order"].get("extras"))
    )
    assert normalised(case["documented"], case["normalise"]) == case["expected"]
    assert body == case["expected"]
    _validate(body, "OrderRequest")


@pytest.mark.parametrize("case", GROUP_CASES, ids=lambda c: c["file"])
def test_group_request_case(case: dict[str, Any]) -> None:
    members = [(order_from(o), extras_from(o.get("extras"))) for o in case["orders"]]
    body = group_to_ts(case["type"], members, case["account"])
    assert normalised(case["documented"], case["normalise"]) == case["expected"]
    assert body == case["expected"]
    _validate(body, "GroupOrderRequest")


@pytest.mark.parametrize("case", load_cases("replace_request"), ids=lambda c: c["file"])
def test_replace_request_case(case: dict[str, Any]) -> None:
    spec = dict(case["changes"])
    changes = OrderChanges(
        **{k: Decimal(spec.pop(k)) for k in ("quantity", "limit_price", "stop_price") if k in spec}
    )
    extra = {k: Decimal(v) if isinstance(v, str) else v for k, v in spec.items()}
    body = changes_to_ts(changes, **extra)
    assert body == case["expected"] == case["documented"]
    _validate(body, "OrderReplaceRequest")


@pytest.mark.parametrize("case", load_cases("riskreward_request"), ids=lambda c: c["file"])
def test_risk_reward_request_case(case: dict[str, Any]) -> None:
    legs = [(instrument(symbol), quantity) for symbol, quantity in case["legs"]]
    body = risk_reward_to_ts(Decimal(case["spread_price"]), legs)
    assert body == case["expected"] == case["documented"]
    _validate(body, "RiskRewardAnalysisInput")
