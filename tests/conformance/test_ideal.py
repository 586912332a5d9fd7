"""The whole kit over every adapter's emulator with the ``ideal`` personality: the outcome each
scenario must have per broker, and the status sequences of a few."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from brokerlink.testing.conformance import SCENARIOS, Outcome, ProfileRun
from tests.conformance.conftest import BROKERS

# Scenarios whose outcome is not PASSED on a broker's ideal emulator, and why.
# Every scenario passes on every ideal emulator. (Tradier's account-events websocket replays
# nothing after a reconnect; the adapter reads the orders over REST then, so CMP-013 passes.)
EXPECTED_NOT_PASSED: dict[tuple[str, str], Outcome] = {}

ERRORS = {
    "CMP-009": "SymbolNotFoundError",
    "CMP-010": "InsufficientFundsError",
    "CMP-015": "InvalidOrderError",
}


def steps(run: ProfileRun, number: str, source: str = "rest") -> list[str]:
    return [s.status for s in run.by_scenario()[number].statuses if s.source == source]


@pytest.mark.parametrize("broker", BROKERS)
def test_every_scenario_has_its_expected_outcome(
    broker: str, kit_run: Callable[[str, str], ProfileRun]
) -> None:
    run = kit_run(broker, "ideal")
    assert [r.scenario for r in run.results] == list(SCENARIOS)
    assert (run.broker, run.environment, run.mode, run.personality) == (
        broker,
        "emulator",
        "emulator",
        "ideal",
    )
    got = {r.scenario: (r.outcome, r.detail) for r in run.results}
    for number, (outcome, detail) in got.items():
        expected = EXPECTED_NOT_PASSED.get((broker, number), Outcome.PASSED)
        assert outcome is expected, (number, detail)


@pytest.mark.parametrize("broker", BROKERS)
def test_refusals_record_the_error_class(
    broker: str, kit_run: Callable[[str, str], ProfileRun]
) -> None:
    results = kit_run(broker, "ideal").by_scenario()
    for number, error in ERRORS.items():
        assert results[number].error_class == error, number
        assert results[number].error_message
        assert results[number].statuses == ()  # refused: no order exists


@pytest.mark.parametrize("broker", BROKERS)
def test_fills_are_timed_and_rests_end_canceled(
    broker: str, kit_run: Callable[[str, str], ProfileRun]
) -> None:
    run = kit_run(broker, "ideal")
    first = run.by_scenario()["CMP-001"]
    assert first.ack_ms is not None
    assert first.fill_ms is not None
    assert 0 <= first.ack_ms <= first.fill_ms
    assert steps(run, "CMP-001")[-1] == "filled"
    assert steps(run, "CMP-002")[-1] == "canceled"
    assert "filled" not in steps(run, "CMP-002")
    assert run.by_scenario()["CMP-002"].fill_ms is None
    assert steps(run, "CMP-005") == ["filled", "canceled"]  # the OCO's sibling is canceled


def test_tastytrade_cancels_through_cancel_pending(
    kit_run: Callable[[str, str], ProfileRun],
) -> None:
    run = kit_run("tastytrade", "ideal")
    assert steps(run, "CMP-002") == ["pending", "open", "cancel_pending", "canceled"]


def test_replace_follows_each_brokers_id_rule(kit_run: Callable[[str, str], ProfileRun]) -> None:
    for broker, keeps in (("paper", False), ("tradestation", True), ("tastytrade", False)):
        result = kit_run(broker, "ideal").by_scenario()["CMP-003"]
        assert ("replace kept the order id" in result.notes) is keeps, broker
        assert ("replaced" in [s.status for s in result.statuses]) is not keeps, broker


def test_empty_fields_name_what_each_broker_leaves_out(
    kit_run: Callable[[str, str], ProfileRun],
) -> None:
    assert (
        "Position.market_value" in kit_run("tradier", "ideal").by_scenario()["CMP-012"].empty_fields
    )
    assert (
        "Order.client_id" in kit_run("tradestation", "ideal").by_scenario()["CMP-002"].empty_fields
    )
    assert kit_run("paper", "ideal").by_scenario()["CMP-012"].empty_fields == ()


@pytest.mark.parametrize("broker", BROKERS)
def test_stream_statuses_move_forward_and_end_with_the_fill(
    broker: str, kit_run: Callable[[str, str], ProfileRun]
) -> None:
    result = kit_run(broker, "ideal").by_scenario()["CMP-011"]
    placed = [s.order_id for s in result.statuses if s.source == "rest" and s.status == "filled"]
    streamed = [s.status for s in result.statuses if s.source == "stream" and s.order_id in placed]
    assert streamed[-1] == "filled"
    assert streamed == sorted(streamed, key=["pending", "open", "filled"].index)
