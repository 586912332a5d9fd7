"""``brokerlink profiles`` and ``brokerlink capabilities``, and how errors end a command."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

CONFIG = """
[profiles.paper-ts]
broker = "tradestation"
environment = "sim"
account = "SIM1234567M"

[profiles.tradier-dev]
broker = "tradier"
environment = "sandbox"
"""

SECRET = "s3cr3t-token-value-that-must-never-print"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "elsewhere.toml"
    path.write_text(dedent(CONFIG), encoding="utf-8")
    monkeypatch.setenv("BROKERLINK_CONFIG", str(path))
    return path


def test_profiles_shows_set_and_missing_never_values(
    cli: Cli, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKERLINK_PAPER_TS_ACCESS_TOKEN", SECRET)
    monkeypatch.setenv("BROKERLINK_TRADIER_DEV_CLIENT_SECRET", SECRET)

    result = cli("profiles")

    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert "SIM1234567M" not in result.output
    assert "****567M" in result.output
    rows = {row[0]: row for row in cli.rows(result.output)}
    ts, tradier = rows["paper-ts"], rows["tradier-dev"]
    assert ts[:5] == ["paper-ts", "tradestation", "sim", "****567M", "-"]
    # Then access_token, refresh_token, client_id, client_secret.
    assert ts[5:] == ["set", "missing", "missing", "missing"]
    assert tradier[5:] == ["missing", "missing", "missing", "set"]
    assert str(config) in result.output


def test_profiles_json(cli: Cli, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_PAPER_TS_REFRESH_TOKEN", SECRET)

    result = cli("profiles", "--json")

    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    data = json.loads(result.output)
    first = data["profiles"][0]
    assert first["name"] == "paper-ts"
    assert first["account"] == "****567M"
    assert first["credentials"] == {
        "access_token": "missing",
        "refresh_token": "set",
        "client_id": "missing",
        "client_secret": "missing",
    }


def test_profiles_without_a_config_file(cli: Cli) -> None:
    result = cli("profiles")

    assert result.exit_code == 0
    assert "none" in result.output
    assert "paper:emulator" in result.output


def test_a_bad_config_file_is_a_config_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "brokerlink.toml").write_text("[profiles.x]\nbroker = 'paper'\n", encoding="utf-8")

    result = cli("profiles")

    assert result.exit_code == 2
    assert result.output.startswith("error: profiles.x.environment")
    assert len(result.output.strip().splitlines()) == 1


def test_capabilities_matrix_lists_every_adapter_and_environment(cli: Cli) -> None:
    result = cli("capabilities")

    assert result.exit_code == 0, result.output
    pairs = {(row[0], row[1]) for row in cli.rows(result.output)}
    assert ("paper", "emulator") in pairs
    for broker, environment in [("tradier", "sandbox"), ("tradestation", "sim")]:
        assert (broker, environment) in pairs
        assert (broker, "live") in pairs


def test_capabilities_matrix_json(cli: Cli) -> None:
    result = cli("capabilities", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    paper = next(row for row in data if row["adapter"] == "paper")
    assert paper["kind"] == "emulator"
    assert "place" in paper["capabilities"]["features"]


def test_capabilities_of_one_profile(cli: Cli) -> None:
    result = cli("capabilities", "--profile", "paper:emulator")

    assert result.exit_code == 0, result.output
    assert "capabilities of paper emulator" in result.output
    assert "order types" in result.output
    assert "market" in result.output


def test_unknown_environment_is_a_config_error(cli: Cli) -> None:
    result = cli("capabilities", "--profile", "paper:nowhere")

    assert result.exit_code == 2
    assert result.output.startswith("error: environment:")
    assert "nowhere" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unknown_profile_is_one_line_and_exit_2(cli: Cli) -> None:
    result = cli("accounts", "--profile", "no-such-profile")

    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "no-such-profile" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(cli: Cli) -> None:
    result = cli("--debug", "accounts", "--profile", "no-such-profile")

    assert result.exit_code == 2
    assert "Traceback" in result.output
    assert "ConfigError" in result.output
    assert result.output.strip().splitlines()[-1].startswith("error: ")


def test_debug_from_the_environment(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_DEBUG", "1")

    result = cli("accounts", "--profile", "no-such-profile")

    assert "Traceback" in result.output


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("bars").exit_code == 2  # missing SYMBOL
    assert cli("no-such-command").exit_code == 2


def test_version(cli: Cli) -> None:
    result = cli("--version")

    assert result.exit_code == 0
    assert result.output.startswith("brokerlink ")
