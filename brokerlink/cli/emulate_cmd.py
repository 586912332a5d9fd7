"""``brokerlink emulate ADAPTER``: serve an adapter's emulator on a loopback port until Ctrl-C.

The served emulator speaks that broker's own HTTP dialect, so any client (curl, the broker's
official SDK, another language) can be pointed at it. It has no authentication, so it only ever
listens on loopback: ``--host`` accepts ``127.0.0.1``, ``::1`` or ``localhost`` and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from rich.text import Text

from brokerlink.cli.installed import emulator_environment
from brokerlink.cli.output import out_console, print_error
from brokerlink.config import resolve_profile
from brokerlink.errors import ConfigError
from brokerlink.registry import AdapterRegistry

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
) -> None:
    """Serve ADAPTER's emulator over HTTP on loopback until Ctrl-C."""
    # Imported here: the other commands should not pay for the emulator's start-up.
    from brokerlink.emulator import EmulatorConfig, Engine
    from brokerlink.emulator.http import Front, serve

    adapter_type = AdapterRegistry().get(adapter)
    environment = emulator_environment(adapter_type)
    if environment is None:
        raise ConfigError(
            f"{adapter_type.display_name} has no emulator environment",
            key="adapter",
            fix=f"environments of {adapter}: {', '.join(adapter_type.environments)}",
        )
    profile = resolve_profile(f"{adapter}:{environment.name}")
    engine = Engine(EmulatorConfig() if seed is None else EmulatorConfig(seed=seed))
    transport = adapter_type(environment, profile).emulator_transport(engine)
    front = getattr(transport, "front", None)
    if not isinstance(front, Front):
        raise ConfigError(
            f"{adapter_type.display_name}'s emulator runs in-process only and cannot be served",
            key="adapter",
            fix=f"use it with bl.connect('{adapter}:{environment.name}') instead",
        )
    try:
        handle = serve(front, host=host, port=port)
    except ValueError as exc:  # serve() refuses any address that is not loopback
        raise typer.BadParameter(str(exc), param_hint="--host") from None
    except RuntimeError as exc:  # the port is taken, or the server failed to start
        print_error(str(exc))
        raise typer.Exit(1) from None
    console = out_console()
    # Fronts serve the broker's paths as they are, so the API root keeps the base URL's path.
    root = handle.url + urlsplit(environment.base_url).path.rstrip("/")
    console.print(
        Text(f"{adapter_type.display_name} emulator listening on ").append(handle.url, "bold")
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
