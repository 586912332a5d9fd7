"""``preview``, ``place``, ``cancel`` and ``orders`` against the paper emulator."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


def order_rows(cli: Cli, output: str) -> list[list[str]]:
    """The rows of the order tables in ``output`` (8 columns; the preview table has 2).

    Columns: id, created, order, price, tif, status, filled, avg fill.
    """
    return [row for row in cli.rows(output) if len(row) == 8]


def ask_of(cli: Cli, symbol: str) -> Decimal:
    result = cli("quote", symbol, "--json")
    assert result.exit_code == 0, result.output
    return Decimal(json.loads(result.output)[symbol]["ask"])


def test_place_with_yes_then_orders_shows_it(cli: Cli) -> None:
    placed = cli("place", "SPY", "--side", "buy", "--qty", "10", "--yes")

    assert placed.exit_code == 0, placed.output
    assert "preview" in placed.output
    assert "placed" in placed.output
    [order_row] = order_rows(cli, placed.output)
    order_id = order_row[0]
    assert order_row[2:6] == ["buy 10 SPY", "market", "day", "filled"]

    listed = cli("orders", "--all")

    assert listed.exit_code == 0, listed.output
    rows = {row[0]: row for row in order_rows(cli, listed.output)}
    assert rows[order_id][5:7] == ["filled", "10"]


def test_the_fill_price_is_printed_exactly(cli: Cli) -> None:
    ask = ask_of(cli, "SPY")

    placed = cli("place", "SPY", "--side", "buy", "--qty", "10", "--yes", "--json")

    assert placed.exit_code == 0, placed.output
    assert "preview" in placed.stderr  # for people; stdout is the JSON alone
    order = json.loads(placed.stdout)
    assert Decimal(order["average_fill_price"]) == ask  # a market buy takes the ask
    assert order["account"].startswith("****")


def test_place_without_yes_and_without_a_terminal_refuses(cli: Cli) -> None:
    result = cli("place", "SPY", "--side", "buy", "--qty", "10")

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: not placing the order: there is no terminal to confirm on; pass --yes to place it"
    ]
    listed = cli("orders", "--all", "--json")
    assert json.loads(listed.output) == []


@pytest.mark.parametrize(("answer", "placed"), [("y\n", True), ("n\n", False)])
def test_place_asks_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, answer: str, placed: bool
) -> None:
    monkeypatch.setattr("brokerlink.cli.trading_cmds.is_interactive", lambda: True)

    result = cli("place", "SPY", "--side", "buy", "--qty", "5", input=answer)

    assert "Place this order on paper:emulator?" in result.output
    assert "preview" in result.output
    assert result.exit_code == (0 if placed else 1)
    assert ("not placed" in result.output) is not placed
    listed = json.loads(cli("orders", "--all", "--json").output)
    assert len(listed) == (1 if placed else 0)


def test_preview_shows_the_cost_exactly(cli: Cli) -> None:
    result = cli("preview", "SPY", "--side", "buy", "--qty", "10", "--limit", "590.5")

    assert result.exit_code == 0, result.output
    rows = {row[0]: row[1] for row in cli.rows(result.output)}
    assert rows["order"] == "buy 10 SPY limit day"
    assert rows["limit price"] == "590.50"
    assert rows["estimated cost"] == "5,905.00"
    assert rows["total cost"] == "5,905.00"
    assert cli("orders", "--all", "--json").output.strip() == "[]"  # nothing was sent


def test_the_type_follows_the_prices_given(cli: Cli) -> None:
    result = cli("preview", "SPY", "--side", "sell", "--qty", "1", "--stop", "500", "--json")

    assert result.exit_code == 0, result.output
    order = json.loads(result.output)["order"]
    assert order["type"] == "stop"
    assert order["stop_price"] == "500"


def test_cancel_a_working_order(cli: Cli) -> None:
    placed = cli("place", "SPY", "--side", "buy", "--qty", "10", "--limit", "500", "--yes")
    [[order_id, *_]] = order_rows(cli, placed.output)
    working = cli("orders")
    assert [row[0] for row in cli.rows(working.output)] == [order_id]

    canceled = cli("cancel", order_id)

    assert canceled.exit_code == 0, canceled.output
    assert "cancel requested" in canceled.output
    [row] = order_rows(cli, canceled.output)
    assert row[0] == order_id
    assert row[3] == "limit 500.00"
    assert row[5] in ("canceled", "cancel_pending")
    assert "no working orders" in cli("orders").output


def test_orders_since_filters_by_time(cli: Cli) -> None:
    cli("place", "SPY", "--side", "buy", "--qty", "1", "--yes")

    before = json.loads(cli("orders", "--all", "--since", "2025-01-06", "--json").output)
    after = json.loads(cli("orders", "--all", "--since", "2025-01-07T00:00Z", "--json").output)

    assert len(before) == 1
    assert after == []


def test_a_bad_since_is_a_usage_error(cli: Cli) -> None:
    result = cli("orders", "--since", "yesterday")

    assert result.exit_code == 2
    assert "ISO 8601" in result.output


def test_cancel_of_an_unknown_order_is_one_red_line(cli: Cli) -> None:
    result = cli("cancel", "999999")

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: [paper] ")
    assert "999999" in lines[0]


def test_insufficient_buying_power(cli: Cli) -> None:
    result = cli("place", "SPY", "--side", "buy", "--qty", "1000000", "--yes")

    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("error: [paper] ")
    assert "buying power" in error


def test_a_bad_price_is_a_value_error_with_exit_1(cli: Cli) -> None:
    result = cli("place", "SPY", "--side", "buy", "--qty", "1", "--limit", "1.234", "--yes")

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: limit_price: 1.234 has 3 decimals; this order's prices take at most 2; "
        "round it to 2 decimals"
    ]


def test_a_float_looking_quantity_stays_exact(cli: Cli) -> None:
    result = cli("preview", "SPY", "--side", "buy", "--qty", "0.1", "--limit", "0.3", "--json")

    assert result.exit_code == 0, result.output
    preview = json.loads(result.output)
    assert preview["order"]["legs"][0]["quantity"] == "0.1"
    assert Decimal(preview["estimated_cost"]) == Decimal("0.03")


def test_an_unknown_type_is_a_usage_error(cli: Cli) -> None:
    result = cli("preview", "SPY", "--side", "buy", "--qty", "1", "--type", "iceberg")

    assert result.exit_code == 2
    assert "iceberg" in result.output


def test_debug_shows_the_traceback_of_a_broker_error(cli: Cli) -> None:
    result = cli("--debug", "cancel", "999999")

    assert result.exit_code == 1
    assert "Traceback" in result.output
    assert "OrderNotFoundError" in result.output
    assert result.output.strip().splitlines()[-1].startswith("error: [paper] ")


def test_positions_after_a_fill(cli: Cli) -> None:
    ask = ask_of(cli, "SPY")
    cli("place", "SPY", "--side", "buy", "--qty", "10", "--yes")

    result = cli("positions")

    assert result.exit_code == 0, result.output
    row = next(row for row in cli.rows(result.output) if row[0] == "SPY")
    assert row[1] == "10"
    assert Decimal(row[2].replace(",", "")) == ask
    assert row[5].startswith("****")
