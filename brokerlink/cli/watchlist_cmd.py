"""``brokerlink watchlist ...``: a broker's watchlists, through its ``watchlists`` extension ops.

Watchlists are not part of the neutral API: a broker offers them through an extension whose
operations are named ``watchlists``, ``watchlist``, ``create_watchlist``, ``update_watchlist``,
``delete_watchlist``, ``add_symbols`` and ``remove_symbol``. The command uses the extension named
after the adapter (Tradier's ``tradier``), so it works for any broker whose extension has them,
and refuses clearly for a broker that has none.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from brokerlink.broker.extensions import SyncExtension
from brokerlink.broker.sync import Broker
from brokerlink.cli.options import DEFAULT_PROFILE, JsonFlag, ProfileOption, open_broker
from brokerlink.cli.output import print_table, to_data, write_json
from brokerlink.errors import NotSupportedError

__all__ = ["register", "watchlist_app"]

watchlist_app = typer.Typer(
    name="watchlist",
    help="List, show, create, update and delete watchlists (brokers that have them: Tradier).",
    no_args_is_help=True,
)
"""The ``watchlist`` command group."""

Symbols = Annotated[list[str], typer.Argument(help="Symbols, e.g. AAPL IBM NFLX.")]
WatchlistId = Annotated[str, typer.Argument(help="The watchlist's id (see `watchlist list`).")]


def _watchlists(broker: Broker) -> SyncExtension:
    """The broker's own extension (named after the adapter), when it serves watchlists."""
    adapter = broker.name.partition(":")[0]
    try:
        extension = broker.extension(adapter)
    except NotSupportedError:
        extension = None
    if extension is None or "watchlists" not in dir(extension):
        raise NotSupportedError(f"{broker.name} has no watchlists", broker=adapter)
    return extension


def _show(found: Any, json: bool) -> None:
    if json:
        write_json(to_data(found))
        return
    if isinstance(found, list):
        print_table(
            "watchlists",
            [("id", "left"), ("name", "left")],
            [(w.id, w.name) for w in found],
            empty="no watchlists",
        )
        return
    print_table(
        f"watchlist {found.id} ({found.name})",
        [("symbol", "left")],
        [(symbol,) for symbol in found.symbols],
        empty="no symbols",
    )


@watchlist_app.command("list")
def list_(
    ctx: typer.Context, profile: ProfileOption = DEFAULT_PROFILE, json: JsonFlag = False
) -> None:
    """Every watchlist: id and name."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).watchlists(), json)


@watchlist_app.command("show")
def show(
    ctx: typer.Context,
    watchlist_id: WatchlistId,
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """One watchlist and its symbols."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).watchlist(watchlist_id), json)


@watchlist_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The new watchlist's name.")],
    symbols: Symbols,
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """Create a watchlist with its symbols."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).create_watchlist(name, symbols), json)


@watchlist_app.command("update")
def update(
    ctx: typer.Context,
    watchlist_id: WatchlistId,
    name: Annotated[str, typer.Option("--name", help="The (new) name.")],
    symbols: Annotated[
        list[str] | None, typer.Option("--symbol", "-s", help="Replace the symbols (repeatable).")
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """Rename a watchlist, and replace its symbols when --symbol is given."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).update_watchlist(watchlist_id, name=name, symbols=symbols), json)


@watchlist_app.command("delete")
def delete(
    ctx: typer.Context,
    watchlist_id: WatchlistId,
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """Delete a watchlist; shows the ones that remain."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).delete_watchlist(watchlist_id), json)


@watchlist_app.command("add")
def add(
    ctx: typer.Context,
    watchlist_id: WatchlistId,
    symbols: Symbols,
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """Add symbols to a watchlist."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).add_symbols(watchlist_id, symbols), json)


@watchlist_app.command("remove")
def remove(
    ctx: typer.Context,
    watchlist_id: WatchlistId,
    symbol: Annotated[str, typer.Argument(help="The symbol to remove.")],
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """Remove one symbol from a watchlist."""
    with open_broker(ctx, profile) as broker:
        _show(_watchlists(broker).remove_symbol(watchlist_id, symbol), json)


def register(app: typer.Typer) -> None:
    """Add the ``watchlist`` group to ``app``."""
    app.add_typer(watchlist_app)
