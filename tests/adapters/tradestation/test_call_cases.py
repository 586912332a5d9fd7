"""Static cases: a call of the adapter -> the exact HTTP requests, and a documented payload ->
the exact models (or the exact error, for documented error and partial-success answers).

Each ``cases/call.*.json`` names the call and its arguments, the documented replies (copied from
``refs/tradestation/examples``), the requests the call must send, and what it must return.
"""

from __future__ import annotations

from typing import Any

import pytest
from ts_calls import run_call
from tskit import load_cases

CALL_CASES = load_cases("call")


def test_every_documented_read_example_is_replayed() -> None:
    sources = " ".join(case["source"] for case in CALL_CASES)
    for name in (
        "GET_brokerage_accounts.json", "GET_brokerage_accounts_balances.json",
        "GET_brokerage_accounts_bodbalances.json", "GET_brokerage_accounts_historicalorders.json",
        "GET_brokerage_accounts_historicalorders_byid.json", "GET_brokerage_accounts_orders.json",
        "GET_brokerage_accounts_positions.json", "GET_marketdata_barcharts.json",
        "GET_marketdata_options_expirations.json", "GET_marketdata_options_spreadtypes.json",
        "GET_marketdata_options_strikes.json", "GET_marketdata_quotes.Errors.json",
        "GET_marketdata_quotes.Partial-Success.json", "GET_marketdata_quotes.Quotes.json",
        "GET_marketdata_symbollists_cryptopairs_symbolnames.json", "GET_marketdata_symbols.json",
        "GET_orderexecution_activationtriggers.json", "GET_orderexecution_routes.json",
        "POST_marketdata_options_riskreward.response.json", "POST_orderexecution_orderconfirm.response.json",
        "POST_orderexecution_ordergroups.response.json", "POST_orderexecution_orders.response.json",
        "PUT_orderexecution_orders.response.json", "DELETE_orderexecution_orders.json",
    ):  # fmt: skip
        assert name in sources, name


@pytest.mark.parametrize("case", CALL_CASES, ids=lambda c: c["file"])
def test_call_case(case: dict[str, Any]) -> None:
    requests, result = run_call(case["call"], case["args"], case["replies"])
    assert requests == case["requests"]
    assert result == case["expected"]
