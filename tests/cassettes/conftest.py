"""Cassette tests: one module per adapter, each replaying ``cassettes/<adapter>/<test>.yaml``.

Re-record a module against its emulator (served on a loopback port for the recording) with
``uv run pytest tests/cassettes/test_<adapter>.py --record-mode=rewrite``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    adapter = (
        request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").removesuffix("_streams")
    )
    return str(CASSETTES / adapter)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's own name: shared scenario classes keep one cassette per test and adapter."""
    return str(request.node.name)
