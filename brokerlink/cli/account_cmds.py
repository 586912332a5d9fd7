"""``accounts``, ``balances``, ``positions`` and ``orders``: reading an account.

Each prints a table, or JSON with ``--json`` (account numbers masked either way).
"""

from __future__ import annotations

from typing import Annotated

import typer

from brokerlink.cli.options import (
    DEFAULT_PROFILE,
    AccountOption,
    JsonFlag,
    ProfileOption,
    open_broker,
    parse_when,
)
from brokerlink.cli.output import to_data, write_json
from brokerlink.cli.views import print_accounts, print_balance, print_orders, print_positions
from brokerlink.redact import mask_account

__all__ = ["accounts", "balances", "orders", "positions", "register"]


def accounts(
    ctx: typer.Context, profile: ProfileOption = DEFAULT_PROFILE, json: JsonFlag = False
) -> None:
    """List the accounts the profile's credentials can see."""
    with open_broker(ctx, profile) as broker:
        found = broker.accounts()
    if json:
        write_json([{**to_data(a), "id": mask_account(a.id)} for a in found])
    else:
        print_accounts(found)


def balances(
    ctx: typer.Context,
    profile: ProfileOption = DEFAULT_PROFILE,
    account: AccountOption = None,
    json: JsonFlag = False,
) -> None:
    """Cash, equity and buying power."""
    with open_broker(ctx, profile, account) as broker:
        balance = broker.balances()
    if json:
        write_json(to_data(balance))
    else:
        print_balance(balance)


def positions(
    ctx: typer.Context,
    profile: ProfileOption = DEFAULT_PROFILE,
    account: AccountOption = None,
    json: JsonFlag = False,
) -> None:
    """Open positions (negative quantities are short)."""
    with open_broker(ctx, profile, account) as broker:
        found = broker.positions()
    if json:
        write_json(to_data(found))
    else:
        print_positions(found)


def orders(
    ctx: typer.Context,
    profile: ProfileOption = DEFAULT_PROFILE,
    account: AccountOption = None,
    all_orders: Annotated[
        bool, typer.Option("--all", help="Include filled, canceled and rejected orders.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Only orders since this ISO 8601 time (UTC unless a zone is given)."),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Working orders, or all of them with --all."""
    status = "all" if all_orders else "open"
    with open_broker(ctx, profile, account) as broker:
        found = broker.orders(status=status, since=parse_when(since, "--since"))
    if json:
        write_json(to_data(found))
    else:
        print_orders(
            found,
            empty="no working orders (--all shows the others)" if status == "open" else "no orders",
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    for command in (accounts, balances, positions, orders):
        app.command()(command)
