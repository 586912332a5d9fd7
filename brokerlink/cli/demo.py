"""``brokerlink demo``: the same strategy on every installed broker's emulator, side by side.

Offline and without credentials: every adapter that has an emulator environment runs the
strategy in ``examples/sma_crossover.py`` (loaded by path, exactly the file a user would copy)
with :func:`~brokerlink.run_strategy` on ``"<adapter>:emulator"``, an in-process emulator that
never opens a network connection beyond loopback. Adapters without an emulator yet get a row
saying so; that is not a failure.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import typer

import brokerlink
from brokerlink.cli.installed import InstalledAdapter, emulator_environment, installed_adapters
from brokerlink.cli.options import open_broker
from brokerlink.cli.output import Cell, err_console, money, print_table, quantity
from brokerlink.errors import BrokerError, ConfigError
from brokerlink.strategy import Strategy, StrategyRun, load_strategy, run_strategy

__all__ = ["EXAMPLE", "DemoRow", "demo", "find_example", "register", "run_one"]

EXAMPLE = Path("examples") / "sma_crossover.py"
"""The strategy the demo runs, relative to the working directory or the repository root."""


@attrs.frozen(kw_only=True)
class DemoRow:
    """One broker's line in the demo table: the run's result, or why there was none."""

    broker: str
    result: StrategyRun | None = None
    note: str = "ok"
    failed: bool = False


def find_example(cwd: Path | None = None) -> Path:
    """``examples/sma_crossover.py`` in the working directory, else next to the installed package."""
    candidates = [
        (cwd or Path.cwd()) / EXAMPLE,
        Path(brokerlink.__file__).resolve().parents[1] / EXAMPLE,
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise ConfigError(
        f"the demo strategy {EXAMPLE} was not found (looked in {looked})",
        key="examples",
        fix="run the demo from a brokerlink checkout, or copy examples/sma_crossover.py into "
        "./examples/",
    )


def run_one(found: InstalledAdapter, strategy: type[Strategy]) -> DemoRow:
    """Run ``strategy`` on the adapter's emulator; a failure becomes the row's note."""
    # An adapter package that does not load yet (a placeholder) has no emulator either.
    environment = None if found.adapter is None else emulator_environment(found.adapter)
    if environment is None:
        return DemoRow(broker=found.name, note=f"no emulator in {found.label} yet")
    try:
        # A fresh engine per run: the demo's numbers are the same every time it runs.
        with open_broker(None, f"{found.name}:{environment.name}") as broker:
            run = run_strategy(strategy, broker)
        if run.not_supported is not None:
            return DemoRow(broker=found.name, note=run.not_supported)
        return DemoRow(broker=found.name, result=run)
    # One adapter's emulator failing must not hide the others' results: report it in its row.
    except (BrokerError, ValueError) as exc:
        return DemoRow(broker=found.name, note=f"failed: {exc}", failed=True)


def _cells(row: DemoRow) -> list[Cell]:
    result = row.result
    if result is None:
        return [row.broker, None, None, None, None, None, None, None, row.note]
    symbol = str(result.parameters.get("symbol", "-"))
    held = sum((p.quantity for p in result.positions), Decimal(0))
    return [
        row.broker,
        symbol,
        str(len(result.orders)),
        str(len(result.fills)),
        str(result.trades),
        quantity(held),
        money(result.realized_pnl),
        money(result.total_pnl),
        row.note,
    ]


def demo() -> None:
    """Run the SMA crossover example on every installed emulator, offline, and compare."""
    strategy = load_strategy(find_example())
    adapters = installed_adapters()
    rows = []
    console = err_console()
    for found in adapters:
        with console.status(f"running {EXAMPLE.name} on {found.name}...", spinner="dots"):
            rows.append(run_one(found, strategy))
    print_table(
        f"{EXAMPLE.name} on every emulator (offline)",
        [
            ("broker", "left"),
            ("symbol", "left"),
            ("orders", "right"),
            ("fills", "right"),
            ("trades", "right"),
            ("final position", "right"),
            ("P&L (fills)", "right"),
            ("equity change", "right"),
            ("note", "left"),
        ],
        (_cells(row) for row in rows),
        empty="no adapters are installed",
    )
    if any(row.failed for row in rows):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command()(demo)
