"""The README's tour runs as it is, offline, against the paper emulator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_tour_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no brokerlink.toml from the developer's working directory
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no python tour"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    printed = capsys.readouterr().out.split()
    assert printed[0] == "200000.00"  # buying power of the emulator's margin account (2x equity)
    assert len(namespace["bars"]) == 390  # type: ignore[arg-type]
    entry = namespace["entry"]
    assert entry.status.name in {"OPEN", "PENDING"}  # type: ignore[attr-defined]


def test_the_two_commands_are_in_the_readme() -> None:
    text = README.read_text()
    assert "pip install uv && uv run brokerlink demo" in text
    assert "pip install uv && uv run pytest" in text
