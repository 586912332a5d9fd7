"""``accounts``, ``balances`` and ``positions`` against the paper emulator."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


def test_accounts_are_masked(cli: Cli) -> None:
    result = cli("accounts")

    assert result.exit_code == 0, result.output
    assert cli.rows(result.output) == [
        ["****0001", "margin", "active", "USD"],
        ["****0002", "cash", "active", "USD"],
    ]
    assert "EMU0000" not in result.output


def test_accounts_json_is_masked(cli: Cli) -> None:
    result = cli("accounts", "--json")

    assert result.exit_code == 0, result.output
    assert "EMU0000" not in result.output
    assert [a["id"] for a in json.loads(result.output)] == ["****0001", "****0002"]


def test_balances_default_to_the_emulators_first_account(cli: Cli) -> None:
    result = cli("balances")

    assert result.exit_code == 0, result.output
    assert "balances of ****0001 (USD)" in result.output
    rows = {row[0]: row[1] for row in cli.rows(result.output)}
    assert rows["cash"] == "100,000.00"
    assert rows["equity"] == "100,000.00"


def test_balances_of_another_account(cli: Cli) -> None:
    result = cli("balances", "--account", "EMU00002", "--json")

    assert result.exit_code == 0, result.output
    balance = json.loads(result.output)
    assert balance["account"] == "****0002"
    assert Decimal(balance["cash"]) == Decimal(25000)


def test_the_profile_comes_from_the_environment(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_PROFILE", "nowhere:else")

    result = cli("balances")

    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_no_positions(cli: Cli) -> None:
    result = cli("positions")

    assert result.exit_code == 0, result.output
    assert "no open positions" in result.output
    assert json.loads(cli("positions", "--json").output) == []
