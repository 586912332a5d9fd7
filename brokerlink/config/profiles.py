"""The resolved :class:`Profile`, where it came from, and how its env vars are named.

Env var naming, one rule for every profile: ``BROKERLINK_`` + the profile name uppercased with
every ``-``, ``.`` and ``:`` turned into ``_`` + ``_`` + the field name uppercased. A named profile
``paper-ts`` reads ``BROKERLINK_PAPER_TS_ACCOUNT``; a profile made from the selector
``tradier:sandbox`` (its name is the selector) reads ``BROKERLINK_TRADIER_SANDBOX_ACCOUNT``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from brokerlink.config.fields import (
    ADAPTER_SELECTOR_PATTERN,
    DEFAULT_REDIRECT_URI,
    FIELDS,
    PROFILE_NAME_PATTERN,
)
from brokerlink.errors import ConfigError
from brokerlink.redact import mask_account

__all__ = ["LIVE_ENVIRONMENT", "Profile", "ProfileSource", "env_prefix", "env_var", "table_key"]

LIVE_ENVIRONMENT = "live"
"""The environment that trades real money and needs the two-key opt-in."""

_MANGLE = str.maketrans({"-": "_", ".": "_", ":": "_"})
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def env_prefix(profile_name: str) -> str:
    """``BROKERLINK_<PROFILE>_`` for a profile name or an ``<adapter>:<environment>`` selector.

    >>> env_prefix("paper-ts"), env_prefix("tradier:sandbox")
    ('BROKERLINK_PAPER_TS_', 'BROKERLINK_TRADIER_SANDBOX_')
    """
    return f"BROKERLINK_{profile_name.upper().translate(_MANGLE)}_"


def env_var(profile_name: str, field: str) -> str:
    """The env var that sets ``field`` for a profile: ``env_var("paper-ts", "timeout")`` is
    ``"BROKERLINK_PAPER_TS_TIMEOUT"``."""
    return env_prefix(profile_name) + field.upper()


def table_key(profile_name: str, field: str | None = None) -> str:
    """The TOML key path of a profile's table (or one of its keys), quoting names that need it:
    ``profiles.paper-ts.account``, ``profiles."v1.2".account``."""
    name = profile_name if _BARE_KEY.match(profile_name) else f'"{profile_name}"'
    return f"profiles.{name}" + (f".{field}" if field else "")


def _freeze(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class ProfileSource:
    """Where a profile came from, for messages and for ``brokerlink profiles``.

    ``path`` is the config file when the profile is a named one from it (``None`` for a selector
    profile or one built in code); ``origins`` says per field which layer set it: ``"argument"``,
    the env var's name, ``"file"``, ``"selector"`` or ``"default"``.
    """

    selector: str = ""
    path: Path | None = None
    origins: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze)

    def __str__(self) -> str:
        if self.path is not None:
            return f"profile {self.selector!r} in {self.path}"
        if self.selector:
            return f"selector {self.selector!r}"
        return "a profile built in code"


def _check_name(instance: Profile, attribute: attrs.Attribute[str], value: str) -> None:
    if ADAPTER_SELECTOR_PATTERN.match(value) or PROFILE_NAME_PATTERN.match(value):
        return
    raise ConfigError(
        f"{value!r} is neither a profile name nor '<adapter>:<environment>'",
        key="name",
        fix="use letters, digits, '_', '-' or '.' for a profile name",
    )


def _check(instance: Profile, attribute: attrs.Attribute[Any], value: object) -> None:
    spec = FIELDS[attribute.name]
    if value is None and spec.optional:
        return
    parsed = spec.parse(value, attribute.name)
    if parsed != value:
        raise ConfigError(
            f"invalid value (a {type(value).__name__} where a {type(parsed).__name__} is needed)",
            key=attribute.name,
            fix=f"use {spec.valid}",
        )


@attrs.frozen(kw_only=True)
class Profile:
    """Everything brokerlink needs to connect, except secrets (those come from env vars or the
    token store, see :func:`~brokerlink.config.credential`).

    Build one with :func:`~brokerlink.config.resolve_profile`; direct construction runs the same
    checks. The repr masks the account number and holds no secret.
    """

    name: str = attrs.field(validator=_check_name)
    """The profile's name in the file, or the selector (``"tradier:sandbox"``)."""
    broker: str = attrs.field(validator=_check)
    """The adapter's name (its ``brokerlink.adapters`` entry point)."""
    environment: str = attrs.field(validator=_check)
    """An environment the adapter declares (``sim``, ``sandbox``, ``live``, ``emulator``)."""
    account: str | None = attrs.field(default=None, validator=_check, repr=mask_account)
    """The default account for calls made with ``account=None``."""
    allow_live: bool = attrs.field(default=False, validator=_check)
    """One of the two keys to ``live`` (the other is ``BROKERLINK_ALLOW_LIVE=1``)."""
    client_id: str | None = attrs.field(default=None, validator=_check)
    """The OAuth client id (an app id, not a secret)."""
    redirect_uri: str = attrs.field(default=DEFAULT_REDIRECT_URI, validator=_check)
    """Where the OAuth login flow listens."""
    scopes: tuple[str, ...] | None = attrs.field(default=None, validator=_check)
    """OAuth scopes to ask for; ``None`` means the adapter's defaults."""
    timeout: float = attrs.field(default=30.0, validator=_check)
    """Seconds to wait for a response."""
    max_retries: int = attrs.field(default=3, validator=_check)
    """How many times a read is retried on 429, 5xx and network errors (orders never are)."""
    base_url: str | None = attrs.field(default=None, validator=_check)
    """Send requests here instead of the environment's own root: an emulator served with
    ``brokerlink emulate``, a recording proxy. The environment's other URLs move with it."""
    emulator_seed: int | None = attrs.field(default=None, validator=_check)
    """Seed for the emulator's market data; ``None`` means the emulator's default."""
    emulator_personality: str = attrs.field(default="ideal", validator=_check)
    """How the ``emulator`` environment behaves: ``"ideal"`` (the documented API, deterministic;
    for tests) or ``"sandbox"`` (the broker's paper environment with its documented gaps, and
    the capabilities that environment declares). Adapters without a sandbox (paper) behave the
    same under both."""
    source: ProfileSource = attrs.field(factory=ProfileSource, eq=False, repr=False)
    """Where the profile and each of its values came from."""

    @property
    def env_prefix(self) -> str:
        """``BROKERLINK_<PROFILE>_``: the prefix of this profile's env vars."""
        return env_prefix(self.name)

    def env_var(self, field: str) -> str:
        """The env var for one of this profile's fields or credentials."""
        return env_var(self.name, field)

    def key(self, field: str) -> str:
        """How messages should name ``field``: its TOML key path for a profile from the file,
        else its env var."""
        if self.source.path is not None:
            return table_key(self.name, field)
        return self.env_var(field)

    @property
    def is_live(self) -> bool:
        """True for the ``live`` environment, which needs the opt-in of
        :func:`~brokerlink.config.check_live_allowed`."""
        return self.environment == LIVE_ENVIRONMENT
