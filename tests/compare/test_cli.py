"""``brokerlink compare`` end to end on the emulators: output, reports and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner, Result

from brokerlink.cli import app
from brokerlink.compare import from_json
from brokerlink.testing.conformance import SCENARIOS

EMULATORS = "tradestation:emulator,tradier:emulator,tastytrade:emulator"
_ISOLATE = (
    "BROKERLINK_PROFILE",
    "BROKERLINK_CONFIG",
    "BROKERLINK_DEBUG",
    "BROKERLINK_TOKEN_STORE",
    "COLUMNS",
    "BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN",
    "BROKERLINK_TRADIER_SANDBOX_REFRESH_TOKEN",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, no profile env vars, an empty token store."""
    for name in _ISOLATE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BROKERLINK_TOKEN_FILE", str(tmp_path / "tokens.json"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def compare(*args: str) -> Result:
    """Run ``brokerlink compare ARGS`` in-process."""
    return CliRunner().invoke(app, ["compare", *args])


def test_emulators_compare_offline_with_html_and_json(tmp_path: Path) -> None:
    first_two = list(SCENARIOS)[:2]
    result = compare(
        "--profiles", EMULATORS, "--scenarios", ",".join(first_two),
        "--html", "report.html", "--json", "report.json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for profile in EMULATORS.split(","):
        assert profile in result.stdout
    assert all(number in result.stdout for number in first_two)
    assert "HTML report: report.html" in result.stdout
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "tradier:emulator" in page
    assert "https://" not in page
    comparison = from_json((tmp_path / "report.json").read_bytes())
    assert comparison.profiles == tuple(EMULATORS.split(","))
    assert [s.number for s in comparison.scenarios] == first_two
    assert {run.mode for run in comparison.runs} == {"emulator"}
    assert {run.personality for run in comparison.runs} == {"sandbox"}
    assert all(len(run.results) == 2 for run in comparison.runs)


def test_json_to_stdout_moves_the_table_to_stderr() -> None:
    number = next(iter(SCENARIOS))
    result = compare(
        "--profiles", "tradier:emulator", "--scenarios", number,
        "--personality", "ideal", "--json", "-",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert data["personality"] == "ideal"
    assert data["runs"][0]["personality"] == "ideal"
    assert data["matrix"]["rows"][0]["scenario"] == number
    assert "tradier:emulator" in result.stderr


def test_a_profile_without_credentials_exits_1_and_the_others_are_reported() -> None:
    number = next(iter(SCENARIOS))
    result = compare("--profiles", "tradier:emulator,tradier:sandbox", "--scenarios", number)
    assert result.exit_code == 1, result.output
    # The emulator's own outcome is the kit's business; that it ran and is reported is ours.
    assert re.search(r"tradier:emulator: 1 (passed|failed|error|not supported)", result.stdout)
    assert "tradier:sandbox: 1 could not run" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: tradier:sandbox could not run:")
    assert "Fix:" in errors[0]


def test_unknown_scenario_is_a_usage_error_listing_the_valid_numbers() -> None:
    result = compare("--profiles", "tradier:emulator", "--scenarios", "CMP-001,CMP-099")
    assert result.exit_code == 2
    assert "unknown scenario 'CMP-099'" in result.stderr
    assert ", ".join(SCENARIOS) in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profiles", "Tradier Sandbox"], "is not a valid selector"),
        (["--profiles", "nosuch"], "no profile named 'nosuch'"),
        (["--profiles", "tradier:nowhere"], "no environment 'nowhere'"),
        (["--profiles", " , "], "no profile to compare"),
        (["--profiles", "tradier:emulator", "--replay", "--record"], "cannot be used together"),
        (["--profiles", "tradier:emulator", "--html", "no/such/dir/r.html"], "not a directory"),
        (["--profiles", "tradier:emulator", "--personality", "grumpy"], "grumpy"),
        ([], "--profiles"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = compare(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
