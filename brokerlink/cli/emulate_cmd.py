"""``brokerlink emulate ADAPTER``: serve an adapter's emulator on a loopback port until Ctrl-C.

The served emulator speaks that broker's own HTTP dialect, so any client (curl, the broker's
official SDK, another language) can be pointed at it. It has no authentication, so it only ever
listens on loopback: ``--host`` accepts ``127.0.0.1``, ``::1`` or ``localhost`` and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from brokerlink.cli.output import out_console, print_error

if TYPE_CHECKING:
    from brokerlink.emulator.http import ServerHandle

__all__ = ["emulate", "register", "wait_for_interrupt"]


def wait_for_interrupt(handle: ServerHandle) -> None:
    """Block until the server stops or the user presses Ctrl-C (tests replace this)."""
    handle.wait()


def emulate(
    adapter: Annotated[str, typer.Argument(help="Adapter name: paper, tradier, ...")],
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on (0 picks a free one).")
    ] = 8080,
    host: Annotated[
        str, typer.Option(help="Loopback address to bind (127.0.0.1, ::1 or localhost).")
    ] = "127.0.0.1",
    seed: Annotated[
        int | None, typer.Option(help="Seed for the emulator's market data (default: its own).")
    ] = None,
    personality: Annotated[
        str,
        typer.Option(
            help="'ideal' (the documented API, deterministic) or 'sandbox' (the broker's paper "
            "environment with its documented gaps)."
        ),
    ] = "ideal",
) -> None:
    """Serve ADAPTER's emulator over HTTP on loopback until Ctrl-C.

    Clients see the personality's behaviour; brokerlink clients should also set the profile's
    ``emulator_personality`` to it so their capabilities match.
    """
    # Imported here: the other commands should not pay for the emulator's start-up.
    from brokerlink.emulator.http import serve
    from brokerlink.emulator.personality import PERSONALITIES
    from brokerlink.emulator.serving import servable_emulator

    if personality not in PERSONALITIES:
        raise typer.BadParameter(
            f"{personality!r} is not one of {', '.join(PERSONALITIES)}",
            param_hint="--personality",
        )
    emulator = servable_emulator(adapter, seed=seed, personality=personality)
    front = emulator.front
    try:
        handle = serve(front, host=host, port=port)
    except ValueError as exc:  # serve() refuses any address that is not loopback
        raise typer.BadParameter(str(exc), param_hint="--host") from None
    except RuntimeError as exc:  # the port is taken, or the server failed to start
        print_error(str(exc))
        raise typer.Exit(1) from None
    console = out_console()
    # Fronts serve the broker's paths as they are, so the API root keeps the base URL's path.
    root = emulator.api_root(handle.url)
    console.print(
        Text(f"{emulator.display_name} emulator ({emulator.personality}) listening on ").append(
            handle.url, "bold"
        )
    )
    console.print(f"API root: {root}")
    console.print("press Ctrl-C to stop")
    try:
        wait_for_interrupt(handle)
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
    console.print("emulator stopped")


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command()(emulate)
