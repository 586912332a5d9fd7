"""Options every command shares, and the small parsers behind them.

``--profile`` takes a selector (``paper:emulator``) or a profile name from ``brokerlink.toml``;
its default is ``$BROKERLINK_PROFILE``, else ``paper:emulator``, so a fresh install works offline
with no configuration. Bad values raise ``typer.BadParameter``, which exits with code 2.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from brokerlink.broker.connect import connect
from brokerlink.broker.sync import Broker

if TYPE_CHECKING:
    from brokerlink.emulator import Engine

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILE_ENV_VAR",
    "AccountOption",
    "JsonFlag",
    "ProfileOption",
    "open_broker",
    "parse_when",
    "reset_emulators",
]

PROFILE_ENV_VAR = "BROKERLINK_PROFILE"
"""The env var naming the default profile or selector."""

DEFAULT_PROFILE = "paper:emulator"
"""The profile used when neither ``--profile`` nor ``$BROKERLINK_PROFILE`` says otherwise."""

ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile",
        "-p",
        envvar=PROFILE_ENV_VAR,
        help="Selector ('tradier:sandbox', 'paper:emulator') or a profile in brokerlink.toml.",
        show_envvar=True,
    ),
]
"""``--profile``: which broker, environment and settings to use."""

AccountOption = Annotated[
    str | None,
    typer.Option(
        "--account",
        "-a",
        help="Account id (default: the profile's, else the environment's default or only one).",
    ),
]
"""``--account``: overrides the profile's default account."""

JsonFlag = Annotated[bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")]
"""``--json``: machine-readable output for the listing commands."""


_ENGINES: dict[str, Engine] = {}


def open_broker(selector: str, account: str | None = None, *, reuse: bool = True) -> Broker:
    """Connect to ``selector`` (``account=None``: the profile's, or the environment's default).

    With ``reuse``, an emulator keeps its engine for the life of the process, per selector, so
    commands run one after another in one process (tests, or the CLI driven from Python) see
    one simulated broker: an order placed by ``place`` is there for ``orders``. Each new process
    starts afresh; to share an emulator between processes, serve it with ``brokerlink emulate``.
    """
    broker = connect(selector, emulator=_ENGINES.get(selector) if reuse else None, account=account)
    if reuse and broker.emulator is not None:
        _ENGINES.setdefault(selector, broker.emulator)
    return broker


def reset_emulators() -> None:
    """Forget the emulator engines kept by :func:`open_broker` (the next command starts afresh)."""
    _ENGINES.clear()


def parse_when(text: str | None, option: str) -> datetime | None:
    """Parse an ISO 8601 date or datetime; one without a zone is taken as UTC.

    ``2025-01-06`` is midnight UTC that day; ``2025-01-06T14:30``, ``...Z`` and ``...-05:00`` are
    all accepted. The result is an aware UTC datetime.
    """
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())  # a bare date is midnight that day
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 date or time (e.g. 2025-01-06 or 2025-01-06T14:30:00Z)",
            param_hint=option,
        ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
