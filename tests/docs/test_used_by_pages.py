"""The used-by pages (switch brokers, compare sandboxes, cassettes in CI): listed in the site and
the index, and their Python examples run as they are, offline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import brokerlink as bl

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ("switch-brokers.md", "compare-sandboxes.md", "ci-cassettes.md")


def _python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), flags=re.S)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_is_in_the_nav_and_the_index(page: str) -> None:
    assert f": {page}" in (DOCS.parent / "mkdocs.yml").read_text()
    assert f"]({page})" in (DOCS / "index.md").read_text()


@pytest.mark.parametrize(
    "selector", ["tradestation:emulator", "tradier:emulator", "tastytrade:emulator"]
)
def test_the_switch_page_strategy_runs_unchanged_on_each_emulator(selector: str) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_python_blocks("switch-brokers.md")[0], "switch-brokers.md", "exec"), namespace)

    run = bl.run_strategy(namespace["BuyTheOpen"], selector)

    assert run.stop_reason == "bought"
    assert [(o.side, o.quantity) for o in run.orders] == [(bl.BUY, 5), (bl.SELL, 5)]
    assert run.is_flat


def test_the_switch_page_require_call_refuses_futures_on_tradier() -> None:
    block = _python_blocks("switch-brokers.md")[1]

    class NeedsFutures(bl.Strategy):
        exec(compile("import brokerlink as bl\n" + block, "switch-brokers.md", "exec"))

    run = bl.run_strategy(NeedsFutures, "tradier:emulator")
    assert run.not_supported is not None
    assert "not supported by tradier emulator" in run.not_supported
    assert run.orders == ()


def test_the_compare_page_example_runs() -> None:
    namespace: dict[str, Any] = {}
    exec(
        compile(_python_blocks("compare-sandboxes.md")[0], "compare-sandboxes.md", "exec"),
        namespace,
    )
    run = namespace["run"]
    assert [r.scenario for r in run.results] == ["CMP-001", "CMP-010"]
    assert run.by_scenario()["CMP-010"].error_class == "InsufficientFundsError"
