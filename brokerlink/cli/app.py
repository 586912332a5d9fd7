"""The ``brokerlink`` command: the typer app, its global options, and how errors end a command.

Every failure a user can cause or meet (a :class:`~brokerlink.errors.BrokerError`, or a
``ValueError`` from bad input) ends the command with ONE red line on stderr, ``error: [paper]
insufficient buying power ...``, and exit code 1; configuration and usage errors exit with 2.
``--debug`` (or ``BROKERLINK_DEBUG=1``) prints the traceback first. Anything else is a bug and
propagates with its traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from brokerlink._version import __version__
from brokerlink.cli import (
    account_cmds,
    cassettes_cmd,
    compare_cmd,
    config_cmds,
    demo,
    emulate_cmd,
    login_cmd,
    market_cmds,
    run_cmd,
    trading_cmds,
    watchlist_cmd,
)
from brokerlink.cli.options import Settings
from brokerlink.cli.output import err_console, print_error
from brokerlink.errors import BrokerError, ConfigError

__all__ = ["DEBUG_ENV_VAR", "EXIT_ERROR", "EXIT_USAGE", "Settings", "app", "main"]

EXIT_ERROR = 1
"""Exit code of a command that failed: the broker said no, the input was wrong, ..."""

EXIT_USAGE = 2
"""Exit code of a usage or configuration error (the same code click uses for usage errors)."""

DEBUG_ENV_VAR = "BROKERLINK_DEBUG"
"""Set to ``1`` to show tracebacks, like ``--debug``."""


class _Group(TyperGroup):
    """The root group: turns the errors a user can meet into one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            _fail(ctx, exc, EXIT_USAGE)
        except (BrokerError, ValueError) as exc:
            _fail(ctx, exc, EXIT_ERROR)


def _fail(ctx: Any, exc: Exception, code: int) -> None:
    # The root callback (which reads --debug and $BROKERLINK_DEBUG) runs before any command.
    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    if settings.debug:
        err_console().print_exception(show_locals=False)
    print_error(str(exc) or type(exc).__name__)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"brokerlink {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=_Group,
    name="brokerlink",
    help="One broker-neutral CLI for TradeStation, Tradier and tastytrade, with offline emulators.",
    no_args_is_help=True,
    add_completion=False,
    # A traceback's local variables can hold tokens; never print them.
    pretty_exceptions_show_locals=False,
)
"""The typer application behind the ``brokerlink`` console script."""


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", envvar=DEBUG_ENV_VAR, help="Show the traceback when a command fails."
        ),
    ] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Work with any broker through one API: `brokerlink demo` runs offline, no credentials."""
    # A caller may hand in Settings (shared emulator engines across invocations); keep them.
    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    settings.debug = debug
    ctx.obj = settings


for _module in (
    config_cmds,
    account_cmds,
    market_cmds,
    trading_cmds,
    emulate_cmd,
    demo,
    run_cmd,
    compare_cmd,
    cassettes_cmd,
):
    _module.register(app)
login_cmd.register(app)
watchlist_cmd.register(app)


def main() -> None:
    """Entry point of the ``brokerlink`` console script."""
    app(prog_name="brokerlink")
