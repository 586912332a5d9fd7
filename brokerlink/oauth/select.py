"""Choosing a profile's auth strategy from what is available (env vars first, then the store).

=================================================================== ===========================
available                                                           strategy
=================================================================== ===========================
``BROKERLINK_<P>_ACCESS_TOKEN`` only                                :class:`StaticToken`
a refresh token + client id (+ secret) from env or the token store, :class:`OAuthStrategy`
and the adapter declares an :class:`OAuthSpec`                      (refreshing, persisting)
a stored login without a refresh token                              :class:`OAuthStrategy`
                                                                    (until it expires) or
                                                                    :class:`StaticToken`
nothing                                                             ``ConfigError`` naming the
                                                                    env var and ``brokerlink login``
=================================================================== ===========================

Each credential is looked up separately: an env var wins over the store's value for the same
field. Values are handed to strategies and never put in messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from brokerlink.auth import AuthStrategy, StaticToken
from brokerlink.config import credential, require_credential
from brokerlink.errors import ConfigError
from brokerlink.oauth.flow import Clock, OAuthStrategy, utc_now
from brokerlink.oauth.spec import OAuthSpec
from brokerlink.oauth.store import StoredLogin, TokenStore, default_token_store
from brokerlink.oauth.tokens import ClientCredentials, TokenSet

if TYPE_CHECKING:
    from brokerlink.adapter import Environment
    from brokerlink.config import Profile

__all__ = ["adapter_auth", "auth_from_profile", "client_for"]


def client_for(
    profile: Profile,
    stored: StoredLogin | None,
    *,
    environ: Mapping[str, str] | None = None,
) -> ClientCredentials | None:
    """The profile's OAuth client: id and secret from env vars (or the profile), else the store."""
    kept = stored.client if stored is not None else None
    client_id = credential(profile, "client_id", environ=environ) or (
        kept.client_id if kept else None
    )
    if client_id is None:
        return None
    secret = credential(profile, "client_secret", environ=environ)
    if secret is None and kept is not None and kept.client_id == client_id:
        secret = kept.client_secret
    return ClientCredentials(client_id=client_id, client_secret=secret)


def auth_from_profile(
    profile: Profile,
    spec: OAuthSpec | None = None,
    *,
    store: TokenStore | None = None,
    environ: Mapping[str, str] | None = None,
    clock: Clock = utc_now,
) -> AuthStrategy:
    """The auth strategy for ``profile`` (see the module docstring for the rules)."""
    access = credential(profile, "access_token", environ=environ)
    env_refresh = credential(profile, "refresh_token", environ=environ)
    if access is not None and env_refresh is None:
        return StaticToken(access)
    if spec is None:
        if access is None and env_refresh is not None:
            raise ConfigError(
                f"{profile.broker} declares no OAuth endpoints, so a refresh token cannot be used",
                key=profile.env_var("access_token"),
                fix=f"export {profile.env_var('access_token')}=<access token> instead",
            )
        return StaticToken(require_credential(profile, "access_token", environ=environ))
    store = store if store is not None else default_token_store(environ)
    stored = store.load(profile.name)
    client = client_for(profile, stored, environ=environ)
    if env_refresh is not None:
        tokens = TokenSet(access_token=access, refresh_token=env_refresh)
    elif stored is not None:
        tokens = stored.tokens
    else:
        return StaticToken(require_credential(profile, "access_token", environ=environ))
    if tokens.refresh_token is not None and client is None:
        raise ConfigError(
            f"profile {profile.name!r} has a refresh token but no OAuth client id",
            key=profile.env_var("client_id"),
            fix=f"export {profile.env_var('client_id')}=<client id> (and "
            f"{profile.env_var('client_secret')}), or set client_id in the profile",
        )
    if client is None:
        if tokens.access_token is None:
            return StaticToken(require_credential(profile, "access_token", environ=environ))
        return StaticToken(tokens.access_token)
    return OAuthStrategy(
        spec,
        client,
        tokens=tokens,
        store=store,
        profile=profile.name,
        broker=profile.broker,
        clock=clock,
    )


def adapter_auth(
    profile: Profile,
    environment: Environment,
    spec: OAuthSpec | None,
    *,
    broker: str,
    emulator_redirect_uri: str,
) -> AuthStrategy:
    """The auth an adapter uses for ``profile`` in ``environment`` (what ``authenticate()`` returns).

    A broker's own environments use the profile's credentials (:func:`auth_from_profile` through
    :func:`~brokerlink.auth.bearer_from_environment`). An emulator uses the profile's own
    credentials when it has some (env vars; or a stored login when the emulator is served at
    ``base_url``, where ``brokerlink login`` can reach it), else an
    :class:`~brokerlink.oauth.EmulatorLogin` with the emulator's registered client: no
    credentials are needed, and every call still runs the real login, expiry and refresh path. A
    stored login is never used in-process: that emulator is new, so no stored token is valid there.
    """
    from brokerlink.auth import bearer_from_environment
    from brokerlink.oauth.headless import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EmulatorLogin
    from brokerlink.oauth.store import MemoryTokenStore

    if spec is None or not environment.is_emulator:
        return bearer_from_environment(profile, spec=spec)
    has_own = any(credential(profile, field) for field in ("access_token", "refresh_token"))
    if profile.base_url is not None:
        if has_own or default_token_store().load(profile.name) is not None:
            return bearer_from_environment(profile, spec=spec)
    elif has_own:
        return bearer_from_environment(profile, spec=spec, store=MemoryTokenStore())
    return EmulatorLogin(
        spec,
        client_id=EMULATOR_CLIENT_ID,
        client_secret=EMULATOR_CLIENT_SECRET,
        redirect_uri=emulator_redirect_uri,
        broker=broker,
    )
