"""The two-key opt-in for real money (DESIGN §3).

A profile whose environment is ``live`` is refused unless **both** keys are turned:

1. the profile says ``allow_live = true`` (in its ``[profiles.<name>]`` table, or by
   ``BROKERLINK_<PROFILE>_ALLOW_LIVE=1`` / an ``allow_live=True`` argument for a profile without a
   table), a lasting decision about that profile; and
2. the session says ``BROKERLINK_ALLOW_LIVE=1``, a decision about this run.

:func:`check_live_allowed` needs only the profile and the environment, so connect calls it before
any adapter, client or request exists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from brokerlink.config.fields import FIELDS
from brokerlink.config.profiles import Profile, table_key
from brokerlink.errors import ConfigError

__all__ = ["ALLOW_LIVE_ENV_VAR", "check_live_allowed", "live_session_enabled"]

ALLOW_LIVE_ENV_VAR = "BROKERLINK_ALLOW_LIVE"
"""The session's key to the live environment."""


def live_session_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``BROKERLINK_ALLOW_LIVE`` turns live trading on for this run.

    ``1``, ``true``, ``yes`` (any case) turn it on; unset, empty, ``0``, ``false``, ``no`` leave it
    off; anything else is a :class:`ConfigError` rather than a guess.
    """
    env = os.environ if environ is None else environ
    text = env.get(ALLOW_LIVE_ENV_VAR, "")
    if not text.strip():
        return False
    return FIELDS["allow_live"].from_env(text, ALLOW_LIVE_ENV_VAR) is True


def check_live_allowed(profile: Profile, environ: Mapping[str, str] | None = None) -> None:
    """Refuse a ``live`` profile unless both opt-ins are present; other environments pass.

    The :class:`ConfigError` says which key is missing (or both) and exactly how to turn it; its
    ``key`` is the profile's ``allow_live`` setting when that is missing, else
    ``BROKERLINK_ALLOW_LIVE``.
    """
    if not profile.is_live:
        return
    session = live_session_enabled(environ)
    if profile.allow_live and session:
        return
    missing: list[str] = []
    fixes: list[str] = []
    if not profile.allow_live:
        missing.append("allow_live = true in the profile")
        fixes.append(_profile_fix(profile))
    if not session:
        missing.append(f"{ALLOW_LIVE_ENV_VAR}=1 in the environment")
        fixes.append(f"export {ALLOW_LIVE_ENV_VAR}=1 for this session")
    raise ConfigError(
        f"refusing to trade live (real money) on {profile.broker} with profile "
        f"{profile.name!r}: live needs two opt-ins; missing: {' and '.join(missing)}",
        key=ALLOW_LIVE_ENV_VAR if profile.allow_live else profile.key("allow_live"),
        fix="; ".join(fixes),
    )


def _profile_fix(profile: Profile) -> str:
    origin = profile.source.origins.get("allow_live", "default")
    overridden = origin not in ("default", "file", "selector")
    note = f" (it is currently set to false by {origin})" if overridden else ""
    if profile.source.path is not None:
        return (
            f"add allow_live = true under [{table_key(profile.name)}] in "
            f"{profile.source.path}{note}"
        )
    return (
        f"pass allow_live=True or export {profile.env_var('allow_live')}=1{note}, "
        f"or use a profile in brokerlink.toml with allow_live = true"
    )
