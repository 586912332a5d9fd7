"""Tables for the models: one function per model, shared by the commands that print them.

Account numbers are always masked; money is written exactly with :func:`~.output.money`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.text import Text

from brokerlink.cli.output import Cell, money, out_console, print_table, quantity
from brokerlink.enums import OrderStatus
from brokerlink.models import Account, Balance, Bar, Order, OrderPreview, Position, Quote
from brokerlink.redact import mask_account

__all__ = [
    "BAR_COLUMNS",
    "order_symbol",
    "print_accounts",
    "print_balance",
    "print_bars",
    "print_orders",
    "print_positions",
    "print_preview",
    "print_quotes",
]

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
        [("", "left"), ("amount", "right")],
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


def order_symbol(order: Order) -> str:
    """The single leg's symbol, or ``"<first> +N legs"`` for a multi-leg order."""
    first = str(order.legs[0].instrument) if order.legs else "-"
    return first if len(order.legs) <= 1 else f"{first} +{len(order.legs) - 1} legs"


def print_orders(
    orders: Sequence[Order], *, title: str = "orders", empty: str = "no orders"
) -> None:
    """One row per order: what was asked, and how far it got."""
    print_table(
        title,
        [
            ("id", "left"),
            ("created", "left"),
            ("symbol", "left"),
            ("side", "left"),
            ("qty", "right"),
            ("type", "left"),
            ("limit", "right"),
            ("stop", "right"),
            ("tif", "left"),
            ("status", "left"),
            ("filled", "right"),
            ("avg fill", "right"),
        ],
        (
            [
                o.id,
                o.created_at,
                order_symbol(o),
                ", ".join(leg.side.value for leg in o.legs) or "-",
                quantity(o.quantity),
                o.type,
                money(o.limit_price),
                money(o.stop_price),
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


def print_preview(preview: OrderPreview) -> None:
    """What the order would cost; the broker's warnings follow, verbatim."""
    order = preview.order
    legs = ", ".join(
        f"{leg.side.value} {quantity(leg.quantity)} {leg.instrument}" for leg in order.legs
    )
    prices = [
        ("limit price", order.limit_price),
        ("stop price", order.stop_price),
        ("trail amount", order.trail_amount),
    ]
    rows: list[list[Cell]] = [["order", f"{legs} {order.type.value} {order.time_in_force.value}"]]
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
    print_table("preview", [("", "left"), ("", "right")], rows)


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


BAR_COLUMNS = ("time", "open", "high", "low", "close", "volume")
"""The columns of bar output, in the table, the CSV and the JSON alike."""


def _signed(value: Decimal | None) -> Cell:
    # Negative amounts in red so a loss or a cash outflow stands out; exact digits either way.
    if value is None:
        return None
    return Text(money(value), style="red" if value < 0 else "")
