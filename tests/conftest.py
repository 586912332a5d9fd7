"""Test-suite wiring: ``tests/support`` importable as ``support``, and strict parsing on.

Strict mode (``BROKERLINK_STRICT=1``) turns an undocumented broker value into an error, so the
suite fails the day a payload drifts from the documented format instead of warning quietly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config: pytest.Config) -> None:
    """Run every test in strict parsing mode."""
    os.environ["BROKERLINK_STRICT"] = "1"
