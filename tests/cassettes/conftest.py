"""Cassette tests: per adapter, ``test_<adapter>.py`` replays ``cassettes/<adapter>/<test>.yaml``,
``test_<adapter>_streams.py`` its ``<test>.stream.jsonl`` transcripts and
``test_<adapter>_documented.py`` the cassettes built from documented examples
(``cassettes/<adapter>/documented/``).

Re-record a module against its emulator (served on a loopback port for REST, at the in-process
front for streams) with ``uv run pytest tests/cassettes/test_<adapter>[_streams].py
--record-mode=rewrite``; regenerate the documented cassettes with
``uv run python -m tests.cassettes.make_documented`` (see ``cassettes/README.md``).
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
