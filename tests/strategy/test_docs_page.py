"""``docs/strategies.md``: its example runs as it is, offline, and does what the page says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "strategies.md"


def test_the_page_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    namespace: dict[str, object] = {}

    exec(compile(blocks[0], str(PAGE), "exec"), namespace)

    run: Any = namespace["run"]
    printed = capsys.readouterr().out.strip()
    assert run.stop_reason == "sold after the hold"
    assert [o.side.value for o in run.orders] == ["buy", "sell"]
    assert run.is_flat
    assert printed == f"sold after the hold 2 {run.realized_pnl} True"


def test_the_page_is_in_the_site_nav() -> None:
    nav = (PAGE.parents[1] / "mkdocs.yml").read_text()
    assert "  - Strategies: strategies.md" in nav
