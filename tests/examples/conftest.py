"""Fixtures for the example strategies: each loaded from ``examples/`` exactly as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from brokerlink.strategy import Strategy, load_strategy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EMULATORS = ("tradestation:emulator", "tradier:emulator", "tastytrade:emulator", "paper:emulator")
"""Every example runs unchanged on each of these."""


@pytest.fixture(scope="session")
def example() -> dict[str, type[Strategy]]:
    """The Strategy class of each example file, by file stem."""
    return {path.stem: load_strategy(path) for path in sorted(EXAMPLES.glob("*.py"))}
