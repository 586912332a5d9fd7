"""Fixtures for the auth tests: the test broker's kit importable, an isolated token store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in an empty directory with its own token file and no brokerlink env vars."""
    import os

    for name in list(os.environ):
        if name.startswith("BROKERLINK_") and name != "BROKERLINK_STRICT":
            monkeypatch.delenv(name)
    monkeypatch.setenv("BROKERLINK_TOKEN_FILE", str(tmp_path / "config" / "tokens.json"))
    monkeypatch.chdir(tmp_path)
    return tmp_path
