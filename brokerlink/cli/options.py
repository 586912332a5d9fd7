"""Options every command shares, and the small parsers behind them.

``--profile`` takes a selector (``paper:emulator``) or a profile name from ``brokerlink.toml``;
its default is ``$BROKERLINK_PROFILE``, else ``paper:emulator``, so a fresh install works offline
with no configuration. Bad values raise ``typer.BadParameter``, which exits with code 2.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import attrs
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
    "Settings",
    "open_broker",
    "parse_when",
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


@attrs.define
class Settings:
    """Global options and per-invocation state, kept on the click context (``ctx.obj``).

    ``engines`` holds the emulator engines this invocation opened, per selector. A caller that
    drives several commands in one process (tests, or the CLI from Python) passes the same
    ``Settings`` as ``obj`` to each, and they then see one simulated broker: an order placed by
    ``place`` is there for ``orders``. Nothing is kept at module level.
    """

    debug: bool = False
    engines: dict[str, Engine] = attrs.field(factory=dict)


def open_broker(ctx: typer.Context | None, selector: str, account: str | None = None) -> Broker:
    """Connect to ``selector`` (``account=None``: the profile's, or the environment's default).

    With a ``ctx``, an emulator engine is kept in the invocation's :class:`Settings` per selector
    (see there); with ``None`` every call gets a fresh emulator. Each new process starts afresh;
    to share an emulator between processes, serve it with ``brokerlink emulate``.
    """
    found = ctx.find_object(Settings) if ctx is not None else None
    engines = found.engines if found is not None else {}
    broker = connect(selector, emulator=engines.get(selector), account=account)
    if broker.emulator is not None:
        engines.setdefault(selector, broker.emulator)
    return broker


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
