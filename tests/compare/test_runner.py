"""Checking a request before anything runs, and a profile that cannot run not stopping the rest.

``run_comparison`` takes the kit's ``run_profile`` as a parameter; here a stand-in records its
calls and returns kit records, so the checks and the gathering are tested on their own (the
real kit runs in test_cli.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from brokerlink.compare import CompareRequest, run_comparison
from brokerlink.compare.runner import check_scenarios, split_list
from brokerlink.errors import ConfigError
from brokerlink.testing.conformance import ProfileRun

from .conftest import TITLES, make_run


@attrs.frozen
class _Scenario:
    number: str
    title: str


CATALOGUE = {number: _Scenario(number, title) for number, title in TITLES.items()}


class _Kit:
    """Stands in for run_profile: runs 'succeed' unless the selector is in ``broken``."""

    def __init__(self, broken: dict[str, Exception] | None = None) -> None:
        self.calls: list[dict[str, object]] = []
        self.broken = broken or {}

    def __call__(
        self,
        selector: str,
        *,
        scenarios: Sequence[str] | None = None,
        replay: bool = False,
        personality: str = "sandbox",
        cassette_dir: Path | None = None,
        record: bool = False,
    ) -> ProfileRun:
        self.calls.append(
            {
                "selector": selector,
                "scenarios": scenarios,
                "replay": replay,
                "personality": personality,
                "cassette_dir": cassette_dir,
                "record": record,
            }
        )
        if selector in self.broken:
            raise self.broken[selector]
        return make_run(selector, numbers=tuple(scenarios or TITLES))


def test_split_list() -> None:
    assert split_list(" a, b,,a ,") == ["a", "b"]
    assert split_list(None) == []


def test_scenarios_in_kit_order_whatever_order_asked() -> None:
    chosen = check_scenarios(["CMP-004", "cmp-1", "2"], CATALOGUE)
    assert [s.number for s in chosen] == ["CMP-001", "CMP-002", "CMP-004"]
    assert chosen[0].title == "market order fills"
    assert len(check_scenarios(None, CATALOGUE)) == 15


def test_unknown_scenario_lists_the_valid_numbers() -> None:
    with pytest.raises(ConfigError, match=r"unknown scenario 'CMP-099'") as caught:
        check_scenarios(["CMP-099"], CATALOGUE)
    assert "CMP-001, CMP-002" in str(caught.value)
    assert "CMP-015" in str(caught.value)


def test_options_reach_the_kit() -> None:
    kit = _Kit()
    request = CompareRequest(
        profiles=("tradier:emulator", "tastytrade:emulator"),
        scenarios=("CMP-002", "CMP-001"),
        replay=True,
        personality="ideal",
        cassette_dir=Path("rec"),
    )
    comparison = run_comparison(request, run=kit, catalogue=CATALOGUE)
    assert [call["selector"] for call in kit.calls] == list(request.profiles)
    assert kit.calls[0] == {
        "selector": "tradier:emulator",
        "scenarios": ["CMP-001", "CMP-002"],
        "replay": True,
        "personality": "ideal",
        "cassette_dir": Path("rec"),
        "record": False,
    }
    assert comparison.profiles == request.profiles
    assert [s.number for s in comparison.scenarios] == ["CMP-001", "CMP-002"]
    assert (comparison.personality, comparison.replay, comparison.mode) == ("ideal", True, "replay")


def test_a_profile_that_cannot_run_is_recorded_and_the_others_run() -> None:
    missing = ConfigError("no access token", key="X_TOKEN", fix="export X_TOKEN=<access token>")
    kit = _Kit({"tradier:sandbox": missing})
    request = CompareRequest(
        profiles=("tradier:emulator", "tradier:sandbox", "tastytrade:emulator")
    )
    comparison = run_comparison(request, run=kit, catalogue=CATALOGUE)
    assert comparison.profiles == request.profiles
    assert [run.profile for run in comparison.runs] == ["tradier:emulator", "tastytrade:emulator"]
    (unavailable,) = comparison.unavailable
    assert unavailable.profile == "tradier:sandbox"
    assert unavailable.message == "X_TOKEN: no access token. Fix: export X_TOKEN=<access token>"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (CompareRequest(profiles=()), "no profile to compare"),
        (CompareRequest(profiles=("tradier:nowhere",)), "no environment 'nowhere'"),
        (CompareRequest(profiles=("tradier:live",)), "refuses the live profile 'tradier:live'"),
        (CompareRequest(profiles=("Tradier Sandbox",)), "is not a valid selector"),
        (CompareRequest(profiles=("nosuchprofile",)), "no profile named 'nosuchprofile'"),
        (CompareRequest(profiles=("tradier:emulator",), scenarios=("CMP-16",)), "CMP-016"),
        (
            CompareRequest(profiles=("tradier:emulator",), replay=True, record=True),
            "cannot be used together",
        ),
    ],
)
def test_usage_errors_come_before_any_run(
    request_: CompareRequest, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no brokerlink.toml around
    monkeypatch.delenv("BROKERLINK_CONFIG", raising=False)
    kit = _Kit()
    with pytest.raises(ConfigError, match=message):
        run_comparison(request_, run=kit, catalogue=CATALOGUE)
    assert kit.calls == []
