"""Credentials: read from env vars, never from the config file, never shown.

A profile's credentials are ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``, ``..._REFRESH_TOKEN``,
``..._CLIENT_ID`` and ``..._CLIENT_SECRET`` (``<PROFILE>`` as in
:func:`~brokerlink.config.env_prefix`). The client id, not being a secret, may also be set in the
profile (file, env or argument), which then wins. The token store (``brokerlink login``) is the
other source of tokens; it lives with the auth code, not here. Functions here return values to
callers that need them and never put a value in a message or a repr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, get_args

from brokerlink.config.profiles import Profile
from brokerlink.errors import ConfigError

if TYPE_CHECKING:
    from brokerlink.oauth.store import TokenStore

__all__ = [
    "CREDENTIAL_FIELDS",
    "CredentialField",
    "credential",
    "credential_status",
    "require_credential",
]

CredentialField = Literal["access_token", "refresh_token", "client_id", "client_secret"]
"""The credentials a profile can have."""

CREDENTIAL_FIELDS: tuple[CredentialField, ...] = get_args(CredentialField)
"""Every :data:`CredentialField`, in the order ``brokerlink profiles`` shows them."""


def credential(
    profile: Profile, field: CredentialField, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """The credential ``field`` for ``profile``, or ``None`` when it is not set.

    Reads ``BROKERLINK_<PROFILE>_<FIELD>`` from ``environ`` (default ``os.environ``, read at call
    time); surrounding whitespace is dropped and an empty value counts as unset. ``client_id``
    comes from the profile first.
    """
    if field not in CREDENTIAL_FIELDS:
        raise ConfigError(
            f"unknown credential {field!r}",
            key=field,
            fix=f"use one of {', '.join(CREDENTIAL_FIELDS)}",
        )
    if field == "client_id" and profile.client_id is not None:
        return profile.client_id
    env = os.environ if environ is None else environ
    return env.get(profile.env_var(field), "").strip() or None


def require_credential(
    profile: Profile, field: CredentialField, *, environ: Mapping[str, str] | None = None
) -> str:
    """Like :func:`credential`, but a missing credential is a :class:`ConfigError` whose key is
    the env var to set and whose fix says how to set it."""
    value = credential(profile, field, environ=environ)
    if value is not None:
        return value
    var = profile.env_var(field)
    label = field.replace("_", " ")
    if field in ("access_token", "refresh_token"):
        fix = f"export {var}=<{label}> or run `brokerlink login {profile.name}`"
    elif field == "client_id":
        fix = (
            f'export {var}=<client id>, or set client_id = "..." in the profile '
            f"({profile.key('client_id')})"
        )
    else:
        fix = f"export {var}=<client secret> (secrets never go in brokerlink.toml)"
    raise ConfigError(f"no {label} for profile {profile.name!r}", key=var, fix=fix)


def credential_status(
    profile: Profile,
    environ: Mapping[str, str] | None = None,
    *,
    store: TokenStore | None = None,
) -> dict[str, bool]:
    """Which credentials are set for ``profile``: ``{"access_token": True, ...}``, never values.

    For ``brokerlink profiles``, which shows each as set or missing. With a token ``store``
    (``brokerlink.oauth.default_token_store()``), what ``brokerlink login`` stored counts too.
    """
    status: dict[str, bool] = {
        field: credential(profile, field, environ=environ) is not None
        for field in CREDENTIAL_FIELDS
    }
    stored = store.load(profile.name) if store is not None else None
    if stored is not None:
        status["access_token"] |= stored.tokens.access_token is not None
        status["refresh_token"] |= stored.tokens.refresh_token is not None
        if stored.client is not None:
            status["client_id"] = True
            status["client_secret"] |= stored.client.client_secret is not None
    return status
