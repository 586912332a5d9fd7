"""How ``brokerlink run`` prints a :class:`~brokerlink.StrategyRun`: a summary and its orders."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from brokerlink.cli.output import Cell, iso, money, print_table, quantity
from brokerlink.models import Order
from brokerlink.strategy import StrategyRun

__all__ = ["order_legs", "print_run", "summary_rows"]


def order_legs(order: Order) -> str:
    """``buy 10 SPY``, or a spread's legs joined: ``buy 1 SPY   250117C00595000; sell 1 ...``."""
    return "; ".join(
        f"{leg.side.value} {quantity(leg.quantity)} {leg.instrument}" for leg in order.legs
    )


def summary_rows(run: StrategyRun, cassette: Path | None = None) -> list[list[Cell]]:
    """The key/value rows of the summary table."""
    parameters = ", ".join(f"{k}={v}" for k, v in run.parameters.items()) or "-"
    statuses = Counter(order.status.value for order in run.orders)
    held = [p for p in run.positions if p.quantity != 0]
    events = ", ".join(f"{n} {kind}" for kind, n in sorted(run.events.items())) or "none"
    rows: list[list[Cell]] = [
        ["strategy", run.strategy],
        ["parameters", parameters],
        ["broker", run.broker],
        ["period", f"{iso(run.started_at)} to {iso(run.ended_at)}"],
        ["stopped", run.stop_reason],
        ["events", f"{events} ({run.bars} completed bars)"],
        ["orders", f"{len(run.orders)} ({', '.join(f'{n} {s}' for s, n in statuses.items())})"
         if run.orders else "0"],
        ["fills", str(len(run.fills))],
        ["final positions", "; ".join(f"{p.instrument} {quantity(p.quantity)}" for p in held)
         or "flat"],
        ["realized P&L", money(run.realized_pnl)],
        ["total P&L", money(run.total_pnl)],
    ]  # fmt: skip
    if cassette is not None:
        rows.append(["session", str(cassette)])
    return rows


def print_run(run: StrategyRun, cassette: Path | None = None) -> None:
    """Print the summary table, then the orders the strategy placed."""
    print_table(f"{run.strategy} on {run.broker}", [("", "left"), ("", "left")],
                summary_rows(run, cassette))  # fmt: skip
    print_table(
        "orders",
        [
            ("id", "left"),
            ("legs", "left"),
            ("type", "left"),
            ("status", "left"),
            ("filled", "right"),
            ("avg price", "right"),
        ],
        (_order_row(order) for order in run.orders),
        empty="none placed",
    )


def _order_row(order: Order) -> list[Cell]:
    filled = quantity(order.filled_quantity)
    return [
        order.id,
        order_legs(order),
        order.type,
        order.status,
        filled,
        money(order.average_fill_price),
    ]
