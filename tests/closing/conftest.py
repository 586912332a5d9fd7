"""Fixtures for the closing tests (helpers in ``closing_kit``, importable from this directory)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from closing_kit import SELECTORS, Emulated


@pytest.fixture(params=SELECTORS)
def emulated(request: pytest.FixtureRequest) -> Iterator[Emulated]:
    """Each emulator in turn, with a connected sync broker."""
    made = Emulated(request.param)
    with made.broker:
        yield made
