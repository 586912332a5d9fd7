"""Shared runs of the conformance kit: each profile is run once per test session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from brokerlink.testing.conformance import ProfileRun, run_profile

BROKERS = ("paper", "tradestation", "tradier", "tastytrade")


@pytest.fixture(scope="session")
def kit_run() -> Callable[[str, str], ProfileRun]:
    """``kit_run(broker, personality)``: the whole kit on that emulator, run once and kept."""
    runs: dict[tuple[str, str], ProfileRun] = {}

    def get(broker: str, personality: str) -> ProfileRun:
        key = (broker, personality)
        if key not in runs:
            runs[key] = run_profile(f"{broker}:emulator", personality=personality)
        return runs[key]

    return get
