"""Fixtures for the compare tests: a realistic three-broker comparison built from kit records.

The records are what the conformance kit produces (``ProfileRun`` of ``ScenarioResult``): three
emulator profiles, all fifteen scenario numbers, tradier without futures (not supported, worded
from the capabilities as the kit words it), a failure and an error whose messages hold markup,
status steps from REST and the stream, and latencies.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from brokerlink.compare import Comparison, Unavailable
from brokerlink.testing.conformance import Outcome, ProfileRun, ScenarioResult, StatusStep

TITLES = {
    "CMP-001": "market order fills",
    "CMP-002": "limit order rests, then is cancelled",
    "CMP-003": "replace a resting limit order",
    "CMP-004": "stop order triggers and fills",
    "CMP-005": "bracket: entry, then take-profit and stop",
    "CMP-006": "OCO: one fill cancels the sibling",
    "CMP-007": "single-leg option order",
    "CMP-008": "option vertical spread",
    "CMP-009": "futures market order",
    "CMP-010": "rejected: insufficient buying power",
    "CMP-011": "rejected: unknown symbol",
    "CMP-012": "order stream events",
    "CMP-013": "quote stream",
    "CMP-014": "stream reconnects",
    "CMP-015": "partial fills",
}
PROFILES = ("tradestation:emulator", "tradier:emulator", "tastytrade:emulator")
START = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)
MARKUP_ERROR = "symbol <script>alert(1)</script> & co is unknown"


def _steps(order: str, *pairs: tuple[str, float, str]) -> tuple[StatusStep, ...]:
    return tuple(StatusStep(order_id=order, status=s, at_ms=t, source=src) for s, t, src in pairs)


def _result(profile: str, number: str, index: int, offset: float) -> ScenarioResult:
    broker = profile.split(":")[0]
    base = {
        "scenario": number,
        "title": TITLES[number],
        "profile": profile,
        "started_at": START + timedelta(seconds=index),
        "duration_ms": 40.0 + offset,
    }
    order = f"{broker[:2].upper()}-{1000 + index}"
    if number == "CMP-009" and broker == "tradier":
        return ScenarioResult(
            **base,
            outcome=Outcome.NOT_SUPPORTED,
            detail="not supported by tradier emulator: futures",
        )
    if number == "CMP-011":
        return ScenarioResult(
            **base,
            outcome=Outcome.PASSED,
            statuses=_steps(order, ("rejected", 3.0 + offset, "rest")),
            ack_ms=3.0 + offset,
            error_class="SymbolNotFoundError" if broker != "tastytrade" else "InvalidOrderError",
            error_message=MARKUP_ERROR,
        )
    if number == "CMP-006" and broker == "tastytrade":
        return ScenarioResult(
            **base,
            outcome=Outcome.FAILED,
            detail="the sibling stayed open after the fill",
            statuses=_steps(order, ("open", 2.0, "rest"), ("filled", 9.5, "stream"))
            + _steps(order + "b", ("open", 2.2, "rest")),
            ack_ms=2.0,
            fill_ms=9.5,
        )
    if number == "CMP-014" and broker == "tradestation":
        return ScenarioResult(
            **base,
            outcome=Outcome.ERROR,
            error_class="NetworkError",
            error_message="stream closed <EOF> while reconnecting",
        )
    fills = number in {"CMP-001", "CMP-004", "CMP-005", "CMP-015"}
    pairs = [("received", 1.0 + offset, "rest"), ("open", 2.5 + offset, "stream")]
    if fills:
        pairs.append(("filled", 12.0 + 3 * offset, "stream"))
    if number == "CMP-015":
        pairs.insert(2, ("partially_filled", 7.0 + offset, "stream"))
    return ScenarioResult(
        **base,
        outcome=Outcome.PASSED,
        statuses=_steps(order, *pairs),
        ack_ms=1.0 + offset,
        fill_ms=12.0 + 3 * offset if fills else None,
        empty_fields=("Order.average_fill_price",) if broker == "tradier" and fills else (),
        notes=("fill frame missing from the order stream; reconciled by REST",)
        if number == "CMP-012" and broker == "tastytrade"
        else (),
    )


def make_run(
    profile: str, offset: float = 0.0, numbers: tuple[str, ...] = tuple(TITLES)
) -> ProfileRun:
    broker, environment = profile.split(":")
    return ProfileRun(
        profile=profile,
        broker=broker,
        environment=environment,
        mode="emulator",
        personality="sandbox",
        results=tuple(_result(profile, n, i, offset) for i, n in enumerate(numbers)),
    )


@pytest.fixture
def runs() -> list[ProfileRun]:
    """Three emulator runs of the whole kit."""
    return [make_run(profile, offset=i * 1.5) for i, profile in enumerate(PROFILES)]


@pytest.fixture
def comparison(runs: list[ProfileRun]) -> Comparison:
    """The three runs as one comparison."""
    return Comparison.from_runs(runs, duration_ms=812.0)


@pytest.fixture
def comparison_with_missing(runs: list[ProfileRun]) -> Comparison:
    """The three runs plus a real sandbox profile that had no token."""
    missing = Unavailable(
        profile="tradier:sandbox",
        message="BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN: no access token for profile "
        "'tradier:sandbox'. Fix: export BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN=<access token>",
    )
    return Comparison.from_runs(runs, unavailable=[missing])
