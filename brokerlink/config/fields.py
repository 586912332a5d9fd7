"""The settings a profile has: their names, defaults, and what a valid value of each is.

One :class:`FieldSpec` per :class:`~brokerlink.config.Profile` field. The same spec checks a value
whatever layer it comes from (the file, a ``BROKERLINK_<PROFILE>_<FIELD>`` env var, an explicit
argument, or a direct ``Profile(...)`` call), so every layer accepts and refuses the same values.
Env vars are text: :meth:`FieldSpec.from_env` first reads the text by the field's type, then checks
the result like any other value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

import attrs

from brokerlink.errors import ConfigError

__all__ = [
    "ADAPTER_SELECTOR_PATTERN",
    "DEFAULT_REDIRECT_URI",
    "FIELDS",
    "FILE_KEYS",
    "IDENTITY_FIELDS",
    "NAME_PATTERN",
    "PROFILE_NAME_PATTERN",
    "SETTING_FIELDS",
    "FieldSpec",
    "InvalidValue",
    "secret_env_field",
]

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
"""Adapter and environment names: lowercase letters, digits, ``_`` and ``-``."""

ADAPTER_SELECTOR_PATTERN = re.compile(r"([a-z0-9][a-z0-9_-]*):([a-z0-9][a-z0-9_-]*)\Z")
"""An ``<adapter>:<environment>`` selector; groups 1 and 2 are the two names."""

PROFILE_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
"""Profile names: letters, digits, ``_``, ``-`` and ``.``; never ``:`` (selectors use it)."""

DEFAULT_REDIRECT_URI = "http://localhost:3000"
"""Where the OAuth login flow listens unless a profile says otherwise."""

_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no"})
EnvKind = Literal["str", "bool", "int", "float", "list"]


class InvalidValue(Exception):
    """A value failed a field's check; callers add the key path and raise a ``ConfigError``."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _got(value: object, sensitive: bool) -> str:
    if sensitive:
        return f"got a {type(value).__name__} (value not shown)"
    text = repr(value)
    return f"got {text[:60] + '...' if len(text) > 60 else text}"


def _name(value: object, sensitive: bool) -> object:
    if isinstance(value, str) and NAME_PATTERN.match(value):
        return value
    hint = ""
    if isinstance(value, str) and NAME_PATTERN.match(value.strip().lower()):
        hint = f" (did you mean {value.strip().lower()!r}?)"
    raise InvalidValue(_got(value, sensitive) + hint)


def _token_text(value: object, sensitive: bool) -> object:
    if isinstance(value, str) and value and not any(c.isspace() for c in value):
        return value
    raise InvalidValue(_got(value, sensitive))


def _uri(value: object, sensitive: bool) -> object:
    if isinstance(value, str):
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            return value
    raise InvalidValue(_got(value, sensitive))


def _bool(value: object, sensitive: bool) -> object:
    if isinstance(value, bool):
        return value
    raise InvalidValue(_got(value, sensitive))


def _seconds(value: object, sensitive: bool) -> object:
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    ):
        return float(value)
    raise InvalidValue(_got(value, sensitive))


def _count(value: object, sensitive: bool) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise InvalidValue(_got(value, sensitive))


def _integer(value: object, sensitive: bool) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidValue(_got(value, sensitive))


def _personality(value: object, sensitive: bool) -> object:
    # Imported here: the config package stays free of the emulator at import time.
    from brokerlink.emulator.personality import PERSONALITIES

    if isinstance(value, str) and value in PERSONALITIES:
        return value
    hint = ""
    if isinstance(value, str) and value.strip().lower() in PERSONALITIES:
        hint = f" (did you mean {value.strip().lower()!r}?)"
    raise InvalidValue(_got(value, sensitive) + hint)


def _scopes(value: object, sensitive: bool) -> object:
    if isinstance(value, list | tuple) and all(
        isinstance(s, str) and s and not any(c.isspace() for c in s) for s in value
    ):
        return tuple(value)
    raise InvalidValue(_got(value, sensitive))


@attrs.frozen(kw_only=True)
class FieldSpec:
    """One profile setting: its name, default, the check its values pass, and how env text reads.

    ``valid`` says in words what a valid value is; it is part of every error about the field.
    ``sensitive`` values (account numbers) are never echoed in messages.
    """

    name: str
    valid: str
    check: Callable[[object, bool], object]
    env_kind: EnvKind
    default: object = None
    optional: bool = False
    sensitive: bool = False

    def parse(self, value: object, key: str, *, where: str = "") -> object:
        """Check ``value`` and return it normalized (ints to float seconds, lists to tuples).

        Raises :class:`ConfigError` with ``key`` as the key path; ``where`` (a file and line) is
        appended to the message when given.
        """
        try:
            return self.check(value, self.sensitive)
        except InvalidValue as exc:
            suffix = f"; {where}" if where else ""
            raise ConfigError(
                f"invalid value ({exc.problem}{suffix})", key=key, fix=f"use {self.valid}"
            ) from None

    def from_env(self, text: str, var: str) -> object:
        """Read an env var's text by the field's type, then :meth:`parse` it; errors name ``var``.

        Booleans are ``1/0/true/false/yes/no`` (any case); lists are comma or space separated.
        """
        text = text.strip()
        value: object = text
        try:
            if self.env_kind == "bool":
                if text.lower() not in _TRUE | _FALSE:
                    raise ValueError(text)
                value = text.lower() in _TRUE
            elif self.env_kind == "int":
                value = int(text)
            elif self.env_kind == "float":
                value = float(text)
            elif self.env_kind == "list":
                value = tuple(part for part in re.split(r"[,\s]+", text) if part)
        except ValueError:
            kinds = {"bool": "one of 1, 0, true, false, yes, no", "int": "an integer"}
            expected = kinds.get(self.env_kind, "a number")
            shown = "a value" if self.sensitive else repr(text)
            raise ConfigError(
                f"invalid value (got {shown}, not {expected})",
                key=var,
                fix=f"set {var} to {self.valid}",
            ) from None
        return self.parse(value, var)


_NAME_RULE = "lowercase letters, digits, '_' or '-'"

FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec(
            name="broker",
            valid=f"an adapter name ({_NAME_RULE}), e.g. 'tradier'",
            check=_name,
            env_kind="str",
        ),
        FieldSpec(
            name="environment",
            valid=f"an environment name ({_NAME_RULE}) that the adapter declares, "
            "e.g. 'sim', 'sandbox', 'live' or 'emulator'",
            check=_name,
            env_kind="str",
        ),
        FieldSpec(
            name="account",
            valid='an account id: a string without spaces, e.g. "SIM1234567M"',
            check=_token_text,
            env_kind="str",
            optional=True,
            sensitive=True,
        ),
        FieldSpec(
            name="allow_live", valid="true or false", check=_bool, env_kind="bool", default=False
        ),
        FieldSpec(
            name="client_id",
            valid="an OAuth client id: a non-empty string without spaces",
            check=_token_text,
            env_kind="str",
            optional=True,
        ),
        FieldSpec(
            name="redirect_uri",
            valid="an http:// or https:// URL, e.g. 'http://localhost:3000'",
            check=_uri,
            env_kind="str",
            default=DEFAULT_REDIRECT_URI,
        ),
        FieldSpec(
            name="scopes",
            valid='a list of scope names without spaces, e.g. ["openid", "offline_access"]',
            check=_scopes,
            env_kind="list",
            optional=True,
        ),
        FieldSpec(
            name="timeout",
            valid="a number of seconds > 0, e.g. 30",
            check=_seconds,
            env_kind="float",
            default=30.0,
        ),
        FieldSpec(
            name="max_retries",
            valid="an integer >= 0, e.g. 3",
            check=_count,
            env_kind="int",
            default=3,
        ),
        FieldSpec(
            name="base_url",
            valid="an http:// or https:// URL to send requests to instead of the environment's own, "
            "e.g. 'http://127.0.0.1:8080/v1' for `brokerlink emulate`",
            check=_uri,
            env_kind="str",
            optional=True,
        ),
        FieldSpec(
            name="emulator_seed",
            valid="an integer, e.g. 42",
            check=_integer,
            env_kind="int",
            optional=True,
        ),
        FieldSpec(
            name="emulator_personality",
            valid="one of 'ideal' (the documented API, deterministic) or 'sandbox' (the broker's "
            "paper environment with its documented gaps)",
            check=_personality,
            env_kind="str",
            default="ideal",
        ),
    )
}
"""Every profile field but ``name``, by name, in the order they are documented."""

IDENTITY_FIELDS = ("broker", "environment")
"""What a profile *is*: set by the file or the selector, never by env vars or arguments."""

SETTING_FIELDS = tuple(name for name in FIELDS if name not in IDENTITY_FIELDS)
"""What a profile can tune: settable in the file, by env var, and by explicit argument."""

FILE_KEYS = (*IDENTITY_FIELDS, *SETTING_FIELDS)
"""The keys a ``[profiles.<name>]`` table may hold."""

_SECRET_ENV_FIELD = {
    "access_token": "ACCESS_TOKEN",
    "token": "ACCESS_TOKEN",
    "refresh_token": "REFRESH_TOKEN",
    "client_secret": "CLIENT_SECRET",
}


def secret_env_field(key: str) -> str | None:
    """The env-var field a secret-looking setting name belongs in, or ``None`` if not secret-like.

    ``client_secret``, ``refresh_token``, ``access_token``, ``token``, ``password`` and anything
    ending in ``_secret``, ``_token``, ``_password`` or ``_key`` (``api_key``) count as secrets:
    they are refused in the file and as profile arguments. The answer names where the value goes
    instead (``CLIENT_SECRET`` for ``client_secret``; the key uppercased otherwise).
    """
    lowered = key.lower()
    if lowered in _SECRET_ENV_FIELD:
        return _SECRET_ENV_FIELD[lowered]
    if lowered in ("password", "secret", "apikey") or lowered.endswith(
        ("_secret", "_token", "_password", "_key")
    ):
        return lowered.upper()
    return None
