"""From a selector to a :class:`Profile`: the layers and their precedence.

For every setting the highest layer that has a value wins::

    explicit arguments  >  BROKERLINK_<PROFILE>_<FIELD> env vars  >  brokerlink.toml  >  defaults

``broker`` and ``environment`` are what a selector *selects*: they come from the selector
(``"tradier:sandbox"``) or the profile's table, never from env vars or arguments. An
``<adapter>:<environment>`` selector does not read the config file at all; its profile is named
after the selector, so ``"tradier:sandbox"`` reads ``BROKERLINK_TRADIER_SANDBOX_ACCOUNT`` and so on.
An env var set to the empty string counts as unset; an argument of ``None`` counts as not given.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from brokerlink.config.fields import FIELDS, IDENTITY_FIELDS, SETTING_FIELDS, secret_env_field
from brokerlink.config.loading import load_config
from brokerlink.config.profiles import Profile, ProfileSource, env_var
from brokerlink.config.selector import Selector, unknown_profile_error
from brokerlink.errors import ConfigError

__all__ = ["list_profiles", "resolve_profile"]

_NO_OVERRIDES: Mapping[str, object] = MappingProxyType({})


def resolve_profile(
    selector: str,
    *,
    overrides: Mapping[str, object] = _NO_OVERRIDES,
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
    cwd: Path | None = None,
) -> Profile:
    """Resolve a selector (``"tradier:sandbox"`` or a profile name) into a checked :class:`Profile`.

    ``overrides`` are the explicit arguments (``{"account": "VA123", "timeout": 10}``), the
    highest layer; ``environ`` defaults to ``os.environ`` and ``cwd`` to the working directory,
    both read at call time. Raises :class:`ConfigError` for an unknown selector or override, a bad
    value in any layer, or a bad config file; secrets are never read here (see
    :func:`~brokerlink.config.credential`).
    """
    env = os.environ if environ is None else environ
    chosen = Selector.parse(selector)
    arguments = _check_overrides(overrides, chosen.text)
    if chosen.profile is None:
        identity = {"broker": chosen.adapter, "environment": chosen.environment}
        return _build(chosen.text, identity, arguments, env, None)
    config = load_config(config_path, cwd=cwd, environ=env)
    table = config.profiles.get(chosen.profile)
    if table is None:
        raise unknown_profile_error(chosen.profile, config.names, config.where)
    return _build(chosen.profile, table, arguments, env, config.path)


def list_profiles(
    config_path: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Profile]:
    """Every profile in the config file, in file order, resolved with env vars applied (no
    arguments). An empty list when there is no config file. For ``brokerlink profiles``."""
    env = os.environ if environ is None else environ
    config = load_config(config_path, cwd=cwd, environ=env)
    return [_build(name, table, {}, env, config.path) for name, table in config.profiles.items()]


def _check_overrides(overrides: Mapping[str, object], name: str) -> dict[str, object]:
    checked: dict[str, object] = {}
    for key, value in overrides.items():
        if key in SETTING_FIELDS:
            if value is not None:
                checked[key] = FIELDS[key].parse(value, key)
            continue
        secret = secret_env_field(key)
        if secret is not None:
            raise ConfigError(
                "secrets are not profile settings",
                key=key,
                fix="pass an auth strategy (auth=bl.StaticToken(...)), "
                f"export {env_var(name, secret)}, or run `brokerlink login {name}`",
            )
        if key in IDENTITY_FIELDS:
            raise ConfigError(
                "cannot be overridden: it is part of what the selector selects",
                key=key,
                fix="choose another selector ('<adapter>:<environment>', e.g. 'tradier:sandbox') "
                "or another profile",
            )
        close = difflib.get_close_matches(key, SETTING_FIELDS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(
            f"unknown profile setting {key!r}",
            key=key,
            fix=f"{hint}valid settings: {', '.join(SETTING_FIELDS)}",
        )
    return checked


def _build(
    name: str,
    base: Mapping[str, object],
    arguments: Mapping[str, object],
    environ: Mapping[str, str],
    path: Path | None,
) -> Profile:
    """Layer defaults < ``base`` (the file's table or the selector's identity) < env < arguments."""
    base_origin = "selector" if path is None else "file"
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for field, spec in FIELDS.items():
        value, origin = spec.default, "default"
        if field in base:
            value, origin = base[field], base_origin
        if field in SETTING_FIELDS:
            var = env_var(name, field)
            text = environ.get(var, "")
            if text.strip():
                value, origin = spec.from_env(text, var), var
            if field in arguments:
                value, origin = arguments[field], "argument"
        values[field], origins[field] = value, origin
    source = ProfileSource(selector=name, path=path, origins=origins)
    return Profile(name=name, source=source, **values)
