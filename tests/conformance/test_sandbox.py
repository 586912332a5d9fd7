"""The kit over the emulators' ``sandbox`` personality: the documented differences show."""

from __future__ import annotations

from collections.abc import Callable

from brokerlink.testing.conformance import Outcome, ProfileRun, run_profile


def test_tastytrade_sandbox_prices_from_the_stream_without_rest_quotes(
    kit_run: Callable[[str, str], ProfileRun],
) -> None:
    results = kit_run("tastytrade", "sandbox").by_scenario()
    # The cert sandbox serves no REST quotes: the kit reads DxLink, as a user there would.
    resting = results["CMP-002"]
    assert resting.outcome is Outcome.PASSED
    assert "quotes read from the stream: the broker serves none over REST here" in resting.notes
    assert [s.status for s in resting.statuses][-1] == "canceled"
    assert results["CMP-008"].outcome is Outcome.PASSED  # the vertical's legs priced from DxLink
    assert results["CMP-001"].outcome is Outcome.PASSED
    assert results["CMP-009"].error_class == "SymbolNotFoundError"
    assert all(r.outcome is not Outcome.NOT_SUPPORTED for r in results.values())


def test_tradier_sandbox_fills_are_found_by_polling() -> None:
    run = run_profile("tradier:emulator", personality="sandbox", scenarios=["CMP-001", "CMP-005"])
    results = run.by_scenario()
    assert run.personality == "sandbox"
    # The ideal emulator fills a market order at once; the sandbox reports it open first.
    assert [s.status for s in results["CMP-001"].statuses] == ["open", "filled"]
    assert results["CMP-001"].outcome is Outcome.PASSED
    assert results["CMP-005"].outcome is Outcome.PASSED


def test_tradestation_sim_order_stream(kit_run: Callable[[str, str], ProfileRun]) -> None:
    result = kit_run("tradestation", "sandbox").by_scenario()["CMP-011"]
    if result.outcome is Outcome.FAILED:
        assert result.detail == "fill frame missing from the order stream"
        assert any(n.startswith("fill frame missing") for n in result.notes)
    else:  # the SIM drops some fill frames, not every one
        assert result.outcome is Outcome.PASSED
