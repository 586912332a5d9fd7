"""Tables for the models: one function per model, shared by the commands that print them.

Account numbers are always masked; money is written exactly with :func:`~.output.money`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.console import Console
from rich.text import Text

from brokerlink.cli.output import Cell, money, out_console, print_table, quantity
from brokerlink.enums import OrderStatus
from brokerlink.models import (
    Account,
    Balance,
    Bar,
    NewOrder,
    Order,
    OrderPreview,
    Position,
    Quote,
)
from brokerlink.redact import mask_account

__all__ = [
    "BAR_COLUMNS",
    "order_text",
    "price_text",
    "print_accounts",
    "print_balance",
    "print_bars",
    "print_orders",
    "print_positions",
    "print_preview",
    "print_quotes",
]

BAR_COLUMNS = ("time", "open", "high", "low", "close", "volume")
"""The columns of bar output, in the table, the CSV and the JSON alike."""

_STATUS_STYLE = {
    OrderStatus.FILLED: "green",
    OrderStatus.REJECTED: "red",
    OrderStatus.CANCELED: "yellow",
    OrderStatus.EXPIRED: "yellow",
}


def print_accounts(accounts: Sequence[Account]) -> None:
    """One row per account."""
    print_table(
        "accounts",
        [("account", "left"), ("type", "left"), ("status", "left"), ("currency", "left")],
        ([mask_account(a.id), a.type, a.status, a.currency] for a in accounts),
    )


def print_balance(balance: Balance) -> None:
    """The balance as label/amount rows; amounts the broker does not report are left out."""
    amounts = [
        ("cash", balance.cash),
        ("equity", balance.equity),
        ("buying power", balance.buying_power),
        ("day-trading buying power", balance.day_trading_buying_power),
        ("maintenance requirement", balance.maintenance_requirement),
        ("unsettled cash", balance.unsettled_cash),
    ]
    rows: list[list[Cell]] = [
        [label, money(value)] for label, value in amounts if value is not None
    ]
    if balance.time is not None:
        rows.append(["as of", balance.time])
    print_table(
        f"balances of {mask_account(balance.account)} ({balance.currency})",
        [("", "left"), ("", "right")],
        rows,
    )


def print_positions(positions: Sequence[Position]) -> None:
    """One row per position; the quantity is negative when short."""
    print_table(
        "positions",
        [
            ("symbol", "left"),
            ("quantity", "right"),
            ("avg price", "right"),
            ("market value", "right"),
            ("unrealized P&L", "right"),
            ("account", "left"),
        ],
        (
            [
                str(p.instrument),
                quantity(p.quantity),
                money(p.average_price),
                money(p.market_value),
                _signed(p.unrealized_pnl),
                mask_account(p.account),
            ]
            for p in positions
        ),
        empty="no open positions",
    )


def order_text(order: Order | NewOrder) -> str:
    """What the order trades: ``"buy 10 SPY"``, or each leg for a multi-leg order."""
    return ", ".join(
        f"{leg.side.value} {quantity(leg.quantity)} {leg.instrument}" for leg in order.legs
    )


def price_text(order: Order) -> str:
    """How the order is priced: ``"market"``, ``"limit 590.50"``, ``"stop 5.00 limit 4.90"``."""
    parts = []
    if order.stop_price is not None:
        parts.append(f"stop {money(order.stop_price)}")
    if order.limit_price is not None:
        parts.append(f"limit {money(order.limit_price)}")
    if order.trail_amount is not None:
        parts.append(f"trail {money(order.trail_amount)}")
    if order.trail_percent is not None:
        parts.append(f"trail {quantity(order.trail_percent)}%")
    return " ".join(parts) or order.type.value


def print_orders(
    orders: Sequence[Order], *, title: str = "orders", empty: str = "no orders"
) -> None:
    """One row per order: what was asked, and how far it got."""
    print_table(
        title,
        [
            ("id", "left"),
            ("created", "left"),
            ("order", "left"),
            ("price", "left"),
            ("tif", "left"),
            ("status", "left"),
            ("filled", "right"),
            ("avg fill", "right"),
        ],
        (
            [
                o.id,
                o.created_at,
                order_text(o),
                price_text(o),
                o.time_in_force,
                Text(o.status.value, style=_STATUS_STYLE.get(o.status, "")),
                quantity(o.filled_quantity),
                money(o.average_fill_price),
            ]
            for o in orders
        ),
        empty=empty,
    )
    for order in orders:
        if order.reject_reason:
            out_console().print(
                Text(f"order {order.id} rejected: {order.reject_reason}", style="red")
            )


def print_preview(preview: OrderPreview, console: Console | None = None) -> None:
    """What the order would cost; the broker's warnings follow, verbatim."""
    order = preview.order
    prices = [
        ("limit price", order.limit_price),
        ("stop price", order.stop_price),
        ("trail amount", order.trail_amount),
    ]
    rows: list[list[Cell]] = [
        ["order", f"{order_text(order)} {order.type.value} {order.time_in_force.value}"]
    ]
    rows.extend([label, money(value)] for label, value in prices if value is not None)
    rows += [
        ["estimated cost", _signed(preview.estimated_cost)],
        ["commission", money(preview.commission)],
        ["fees", money(preview.fees)],
        ["total cost", _signed(preview.total_cost)],
        ["buying power effect", _signed(preview.buying_power_effect)],
    ]
    if preview.margin_requirement is not None:
        rows.append(["margin requirement", money(preview.margin_requirement)])
    rows.extend(["warning", Text(w, style="yellow")] for w in preview.warnings)
    print_table("preview", [("", "left"), ("", "right")], rows, console=console)


def print_quotes(quotes: Sequence[Quote]) -> None:
    """One row per quote."""
    print_table(
        "quotes",
        [
            ("symbol", "left"),
            ("bid", "right"),
            ("ask", "right"),
            ("last", "right"),
            ("bid size", "right"),
            ("ask size", "right"),
            ("time", "left"),
        ],
        (
            [
                str(q.instrument),
                money(q.bid),
                money(q.ask),
                money(q.last),
                quantity(q.bid_size),
                quantity(q.ask_size),
                q.time,
            ]
            for q in quotes
        ),
    )


def print_bars(symbol: str, timeframe: str, bars: Sequence[Bar]) -> None:
    """One row per bar, oldest first."""
    print_table(
        f"{symbol} {timeframe} bars ({len(bars)})",
        [(name, "left" if name == "time" else "right") for name in BAR_COLUMNS],
        (
            [b.time, money(b.open), money(b.high), money(b.low), money(b.close), quantity(b.volume)]
            for b in bars
        ),
        empty="no bars in that range",
    )


def _signed(value: Decimal | None) -> Cell:
    # Negative amounts in red so a loss or a cash outflow stands out; exact digits either way.
    if value is None:
        return None
    return Text(money(value), style="red" if value < 0 else "")
