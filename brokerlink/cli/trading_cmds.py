"""``preview``, ``place`` and ``cancel``: trading from the command line, with a confirmation step.

An order is described by options: ``place AAPL --side buy --qty 10 --type limit --limit 187.50``.
Without ``--type`` the prices decide (a limit and a stop make a stop-limit, a limit alone a limit
order, a stop alone a stop order, neither a market order). ``place`` always shows the broker's
preview first and asks before sending; with no terminal to ask on it refuses unless ``--yes``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from brokerlink.broker.sync import Broker
from brokerlink.capabilities import Feature
from brokerlink.cli.options import (
    DEFAULT_PROFILE,
    AccountOption,
    JsonFlag,
    ProfileOption,
    open_broker,
)
from brokerlink.cli.output import (
    err_console,
    is_interactive,
    out_console,
    print_error,
    to_data,
    write_json,
)
from brokerlink.cli.views import order_text, print_orders, print_preview
from brokerlink.enums import OrderType
from brokerlink.models import Leg, NewOrder, Order

__all__ = ["build_order", "cancel", "place", "preview", "register"]

EXIT_NOT_CONFIRMED = 2
"""``place`` without ``--yes`` and without a terminal: a usage error, nothing was sent."""

Symbol = Annotated[str, typer.Argument(help="What to trade: AAPL, 'AAPL  250321C00175000', ...")]
SideOption = Annotated[str, typer.Option("--side", "-s", help="buy or sell.")]
QtyOption = Annotated[str, typer.Option("--qty", "-q", help="Quantity (shares, contracts).")]
TypeOption = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="market, limit, stop, stop_limit or trailing_stop (default: from the prices given).",
    ),
]
LimitOption = Annotated[str | None, typer.Option("--limit", help="Limit price, e.g. 187.50.")]
StopOption = Annotated[str | None, typer.Option("--stop", help="Stop (trigger) price.")]
TrailOption = Annotated[
    str | None, typer.Option("--trail", help="Trailing amount in price units (trailing_stop).")
]
TrailPercentOption = Annotated[
    str | None,
    typer.Option("--trail-percent", help="Trailing percent, 2.5 = 2.5% (trailing_stop)."),
]
TifOption = Annotated[
    str, typer.Option("--tif", help="day, gtc, ioc, fok, day_ext, gtc_ext, opg or cls.")
]
EffectOption = Annotated[
    str, typer.Option("--effect", help="open, close or auto (decided from your positions).")
]


def build_order(
    symbol: str,
    *,
    side: str,
    qty: str,
    order_type: str | None = None,
    limit: str | None = None,
    stop: str | None = None,
    trail: str | None = None,
    trail_percent: str | None = None,
    tif: str = "day",
    effect: str = "auto",
    account: str | None = None,
) -> NewOrder:
    """A :class:`NewOrder` from command-line text.

    The text goes to the model as it is: NewOrder parses numbers exactly (never via float) and
    checks the combination (a limit order without --limit, a stray --stop on a market order),
    raising ``InvalidOrderError`` naming the field.
    """
    trailing = trail is not None or trail_percent is not None
    kind = _order_type(
        order_type, has_limit=limit is not None, has_stop=stop is not None, trailing=trailing
    )
    return NewOrder(
        legs=(Leg(instrument=symbol, side=side, quantity=qty, effect=effect),),
        type=kind,
        limit_price=limit,
        stop_price=stop,
        trail_amount=trail,
        trail_percent=trail_percent,
        time_in_force=tif,
        account=account,
    )


def _order_type(text: str | None, *, has_limit: bool, has_stop: bool, trailing: bool) -> OrderType:
    if text is not None:
        try:
            return OrderType(text.strip().lower().replace("-", "_"))
        except ValueError:
            names = ", ".join(t.value for t in OrderType)
            raise typer.BadParameter(
                f"{text!r} is not one of {names}", param_hint="--type"
            ) from None
    if trailing:
        return OrderType.TRAILING_STOP
    if has_limit and has_stop:
        return OrderType.STOP_LIMIT
    if has_limit:
        return OrderType.LIMIT
    if has_stop:
        return OrderType.STOP
    return OrderType.MARKET


def preview(
    ctx: typer.Context,
    symbol: Symbol,
    side: SideOption,
    qty: QtyOption,
    order_type: TypeOption = None,
    limit: LimitOption = None,
    stop: StopOption = None,
    trail: TrailOption = None,
    trail_percent: TrailPercentOption = None,
    tif: TifOption = "day",
    effect: EffectOption = "auto",
    profile: ProfileOption = DEFAULT_PROFILE,
    account: AccountOption = None,
    json: JsonFlag = False,
) -> None:
    """Show what an order would cost, without placing it."""
    order = build_order(
        symbol,
        side=side,
        qty=qty,
        order_type=order_type,
        limit=limit,
        stop=stop,
        trail=trail,
        trail_percent=trail_percent,
        tif=tif,
        effect=effect,
        account=account,
    )
    with open_broker(ctx, profile, account) as broker:
        result = broker.preview(order)
    if json:
        write_json(to_data(result))
    else:
        print_preview(result)


def place(
    ctx: typer.Context,
    symbol: Symbol,
    side: SideOption,
    qty: QtyOption,
    order_type: TypeOption = None,
    limit: LimitOption = None,
    stop: StopOption = None,
    trail: TrailOption = None,
    trail_percent: TrailPercentOption = None,
    tif: TifOption = "day",
    effect: EffectOption = "auto",
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Place without asking.")] = False,
    profile: ProfileOption = DEFAULT_PROFILE,
    account: AccountOption = None,
    json: JsonFlag = False,
) -> None:
    """Preview an order, confirm, and place it."""
    order = build_order(
        symbol,
        side=side,
        qty=qty,
        order_type=order_type,
        limit=limit,
        stop=stop,
        trail=trail,
        trail_percent=trail_percent,
        tif=tif,
        effect=effect,
        account=account,
    )
    # Refuse before connecting: nothing should reach the broker when we could never ask.
    if not yes and not is_interactive():
        print_error(
            "not placing the order: there is no terminal to confirm on; pass --yes to place it"
        )
        raise typer.Exit(EXIT_NOT_CONFIRMED)
    # With --json, stdout carries the JSON only: the preview and the question go to stderr.
    console = err_console() if json else out_console()
    with open_broker(ctx, profile, account) as broker:
        _show_preview(broker, order, console)
        asked = f"Place this order on {broker.name}?"
        if not yes and not typer.confirm(asked, default=False, err=json):
            console.print("not placed")
            raise typer.Exit(1)
        placed = broker.place(order)
    assert isinstance(placed, Order)  # a single NewOrder gives a single Order
    if json:
        write_json(to_data(placed))
    else:
        print_orders([placed], title="placed")


def _show_preview(broker: Broker, order: NewOrder, console: Console) -> None:
    if broker.capabilities.supports(Feature.PREVIEW):
        print_preview(broker.preview(order), console)
    else:
        console.print(f"{broker.name} has no order preview; the order is:")
        console.print(f"  {order_text(order)} {order.type.value} {order.time_in_force.value}")


def cancel(
    ctx: typer.Context,
    order_id: Annotated[str, typer.Argument(help="The broker's order id (see `orders`).")],
    profile: ProfileOption = DEFAULT_PROFILE,
    account: AccountOption = None,
    json: JsonFlag = False,
) -> None:
    """Cancel a working order."""
    with open_broker(ctx, profile, account) as broker:
        canceled = broker.cancel(order_id)
    if json:
        write_json(to_data(canceled))
    else:
        print_orders([canceled], title="cancel requested")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(preview)
    app.command()(place)
    app.command()(cancel)
