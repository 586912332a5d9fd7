"""Options every command shares, and the small parsers behind them.

``--profile`` takes a selector (``paper:emulator``) or a profile name from ``brokerlink.toml``;
its default is ``$BROKERLINK_PROFILE``, else ``paper:emulator``, so a fresh install works offline
with no configuration. Bad values raise ``typer.BadParameter``, which exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from brokerlink.broker.connect import connect
from brokerlink.broker.sync import Broker

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILE_ENV_VAR",
    "AccountOption",
    "JsonFlag",
    "ProfileOption",
    "connected",
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
        help="Account id (default: the profile's account, or the only one there is).",
    ),
]
"""``--account``: overrides the profile's default account."""

JsonFlag = Annotated[bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")]
"""``--json``: machine-readable output for the listing commands."""


@contextmanager
def connected(profile: str, account: str | None = None) -> Iterator[Broker]:
    """A connected :class:`Broker` for ``profile``, closed when the block ends."""
    overrides: dict[str, object] = {} if account is None else {"account": account}
    broker = connect(profile, **overrides)
    try:
        yield broker
    finally:
        broker.close()


def parse_when(text: str | None, option: str) -> datetime | None:
    """Parse an ISO 8601 date or datetime; one without a zone is taken as UTC.

    ``2025-01-06`` is midnight UTC that day; ``2025-01-06T14:30``, ``...Z`` and ``...-05:00`` are
    all accepted. The result is an aware UTC datetime.
    """
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise typer.BadParameter(
                f"{text!r} is not an ISO 8601 date or time (e.g. 2025-01-06 or "
                "2025-01-06T14:30:00Z)",
                param_hint=option,
            ) from None
        parsed = datetime(day.year, day.month, day.day)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
