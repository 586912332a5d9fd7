"""Every CLI command against every broker's emulator: the same commands, the same shapes.

The commands are broker-neutral; what differs is each adapter's wire format and its emulator.
Running them all against ``<broker>:emulator`` proves the whole path (CLI -> facade -> adapter ->
the broker's own JSON from its emulator front -> parse -> tables) for each broker.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

BROKERS = ["paper", "tradestation", "tradier", "tastytrade"]


@pytest.fixture(params=BROKERS)
def profile(request: pytest.FixtureRequest) -> str:
    return f"{request.param}:emulator"


def run_json(cli: Cli, *args: str) -> object:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_account_commands(cli: Cli, profile: str) -> None:
    accounts = run_json(cli, "accounts", "--profile", profile)
    assert isinstance(accounts, list)
    assert len(accounts) >= 1
    balance = run_json(cli, "balances", "--profile", profile)
    assert isinstance(balance, dict)
    assert Decimal(balance["cash"]) > 0
    assert run_json(cli, "positions", "--profile", profile) == []
    assert run_json(cli, "orders", "--all", "--profile", profile) == []


def test_market_data_commands(cli: Cli, profile: str) -> None:
    quotes = run_json(cli, "quote", "AAPL", "SPY", "--profile", profile)
    assert isinstance(quotes, dict)
    assert set(quotes) == {"AAPL", "SPY"}
    assert Decimal(quotes["AAPL"]["bid"]) < Decimal(quotes["AAPL"]["ask"])
    result = cli("bars", "SPY", "--timeframe", "1d", "--limit", "5", "--json", "-", "-p", profile)
    assert result.exit_code == 0, result.output
    bars = json.loads(result.stdout)
    assert isinstance(bars, list)
    assert len(bars) == 5
    times = [bar["time"] for bar in bars]
    assert times == sorted(times)


def test_trading_commands(cli: Cli, profile: str) -> None:
    preview = cli(
        "preview", "AAPL", "--side", "buy", "--qty", "3", "--limit", "1.00", "-p", profile
    )
    assert preview.exit_code == 0, preview.output
    placed = run_json(
        cli,
        "place",
        "AAPL",
        "--side",
        "buy",
        "--qty",
        "3",
        "--limit",
        "1.00",
        "--yes",
        "-p",
        profile,
    )
    assert isinstance(placed, dict)
    assert placed["status"] in {"open", "pending"}
    working = run_json(cli, "orders", "--profile", profile)
    assert isinstance(working, list)
    assert [o["id"] for o in working] == [placed["id"]]
    cancelled = run_json(cli, "cancel", placed["id"], "--profile", profile)
    assert isinstance(cancelled, dict)
    assert cancelled["status"] in {"canceled", "cancel_pending"}
    filled = run_json(cli, "place", "SPY", "--side", "buy", "--qty", "2", "--yes", "-p", profile)
    assert isinstance(filled, dict)
    positions = run_json(cli, "positions", "--profile", profile)
    assert isinstance(positions, list)
    assert [(p["instrument"], Decimal(p["quantity"])) for p in positions] == [("SPY", 2)]


def test_capabilities_command(cli: Cli, profile: str) -> None:
    result = cli("capabilities", "--profile", profile)
    assert result.exit_code == 0, result.output
    assert profile.split(":")[0] in result.output.lower()


def test_watchlists_on_the_tradier_emulator(cli: Cli) -> None:
    profile = "tradier:emulator"
    created = run_json(cli, "watchlist", "create", "tech", "AAPL", "IBM", "-p", profile)
    assert isinstance(created, dict)
    wid = created["id"]
    assert sorted(created["symbols"]) == ["AAPL", "IBM"]
    added = run_json(cli, "watchlist", "add", wid, "NFLX", "-p", profile)
    assert isinstance(added, dict)
    assert sorted(added["symbols"]) == ["AAPL", "IBM", "NFLX"]
    removed = run_json(cli, "watchlist", "remove", wid, "IBM", "-p", profile)
    assert isinstance(removed, dict)
    assert sorted(removed["symbols"]) == ["AAPL", "NFLX"]
    renamed = run_json(cli, "watchlist", "update", wid, "--name", "big tech", "-p", profile)
    assert isinstance(renamed, dict)
    assert renamed["name"] == "big tech"
    listed = run_json(cli, "watchlist", "list", "-p", profile)
    assert isinstance(listed, list)
    assert wid in {w["id"] for w in listed}
    shown = run_json(cli, "watchlist", "show", wid, "-p", profile)
    assert isinstance(shown, dict)
    assert shown["name"] == "big tech"
    remaining = run_json(cli, "watchlist", "delete", wid, "-p", profile)
    assert isinstance(remaining, list)
    assert wid not in {w["id"] for w in remaining}


@pytest.mark.parametrize("broker", ["paper", "tradestation", "tastytrade"])
def test_watchlists_elsewhere_are_refused_before_any_request(cli: Cli, broker: str) -> None:
    result = cli("watchlist", "list", "-p", f"{broker}:emulator")
    assert result.exit_code == 1
    assert result.output.strip() == f"error: [{broker}] {broker}:emulator has no watchlists"
